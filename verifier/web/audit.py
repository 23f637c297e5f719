"""The verifier's audit log: one JSON line per verification, and the same record to ``logging``.

Why: an operator must be able to say which documents were checked, when, for what purpose and
with which outcome (a control that leaves no trace cannot be audited), but a verification log is
not a register of people: the holder's name, birth date and NEPH are never written. A record holds
the time, the document id (DI ``01`` when the document has one), the header's ids and type, the
SHA-256 of the text (to match a complaint with a record without storing the content), the
result, the reasons' codes, the purpose and the input channel.

Lines are written with one ``write`` on a file opened ``O_APPEND``: each gunicorn worker appends
whole lines without a lock (POSIX appends of a small buffer do not interleave on a local disk).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

from verifier.policy import VerificationResult

__all__ = ["AuditLog", "audit_record"]

log = logging.getLogger("verifier.audit")


def audit_record(
    result: VerificationResult,
    *,
    when: dt.datetime,
    purpose: str | None,
    channel: str,
    at: dt.date,
) -> dict[str, Any]:
    """The audit record of one verification: identifiers and outcome, no personal data."""
    doc = result.document
    text = result.text or ""
    return {
        "time": when.isoformat(),
        "at": at.isoformat(),
        "document_id": doc.get("01") if doc else None,
        "ca_id": doc.header.ca_id if doc else None,
        "cert_id": doc.header.cert_id if doc else None,
        "doc_type": doc.header.doc_type if doc else None,
        "kind": doc.get("E4") if doc else None,
        "text_sha256": hashlib.sha256(text.encode("latin-1", "replace")).hexdigest(),
        "valid": result.valid,
        "reasons": [failure.reason.code for failure in result.failures],
        "purpose": purpose,
        "channel": channel,
    }


class AuditLog:
    """Append audit records to ``<data dir>/audit/verifier.jsonl`` and to Python logging."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def write(self, record: dict[str, Any]) -> None:
        """Append ``record`` as one JSON line and log it at INFO level."""
        line = json.dumps(record, ensure_ascii=False, sort_keys=True)
        log.info("verification %s", line)
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (line + "\n").encode("utf-8"))
        finally:
            os.close(fd)
