"""The verifier's audit log: one JSON line per verification, and the same record to ``logging``.

Why: an operator must be able to say which documents were checked, when, for what purpose and
with which outcome (a control that leaves no trace cannot be audited), but a verification log is
not a register of people: the holder's name, birth date and NEPH are never written. A record holds
the time, the document id (DI ``01``), kind (DI ``E4``) and type when the signature verified, the
header's ids, the SHA-256 of the text with its signature normalised to low-S (to match a
complaint with a record without storing the content), the result, the reasons' codes, the
purpose and the input channel.

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

from permis2d.settings import private_dir
from twoddoc.base32 import b32encode
from verifier.policy import VerificationResult
from verifier.reasons import Check

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
    """The audit record of one verification: identifiers and outcome, no personal data.

    The document id (DI ``01``), the record kind (DI ``E4``) and the type come from the text,
    so they are written only when its signature verified (issue 10: a tampered code put a
    holder's name and NEPH in five records through those fields). The header's CA and
    certificate ids are kept in every case: they say which signer a code claimed.
    """
    doc = result.document
    signed = doc is not None and result.checks.get(Check.SIGNATURE) is True
    return {
        "time": when.isoformat(),
        "at": at.isoformat(),
        "document_id": doc.get("01") if signed and doc else None,
        "ca_id": doc.header.ca_id if doc else None,
        "cert_id": doc.header.cert_id if doc else None,
        "doc_type": doc.header.doc_type if signed and doc else None,
        "kind": doc.get("E4") if signed and doc else None,
        "text_sha256": text_sha256(result),
        "valid": result.valid,
        "reasons": [failure.reason.code for failure in result.failures],
        "purpose": purpose,
        "channel": channel,
    }


#: Group orders of the spec's curves (SEC 2 §2.4.2, §2.5.1, §2.6.1), for low-S normalisation.
_ORDERS = {
    "secp256r1": 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    "secp384r1": int("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF"
                     "581A0DB248B0A77AECEC196ACCC52973", 16),
    "secp521r1": int("01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"
                     "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"
                     "FA51868783BF2F966B7FCC0148F709A5D03BB5C9B8899C47AEBB6FB71E91386409", 16),
}


def text_sha256(result: VerificationResult) -> str:
    """SHA-256 of the text, its signature normalised to low-S when the signature verified.

    Why normalise rather than refuse high-S: an ECDSA signature (r, s) has a twin (r, n − s)
    that verifies as well; a hash of the text as sent would then name one document twice, and
    a blocklist keyed on it would be bypassed by the twin (issue 10). The 2D-Doc specification
    does not require low-S and issuers' signers produce high-S half of the time, so refusing
    high-S would reject genuine documents. Both twins therefore hash as the text with the
    low-S signature in Base32 at the signature's place.
    """
    text = result.text or ""
    doc, leaf = result.document, result.certificate
    if doc is not None and leaf is not None and result.checks.get(Check.SIGNATURE) is True:
        curve = getattr(leaf.public_key, "curve", None)  # an EC key; anything else: as is
        order = _ORDERS.get(curve.name) if curve is not None else None
        text = _low_s_text(text, doc.signature, doc.signature_position, order)
    return hashlib.sha256(text.encode("latin-1", "replace")).hexdigest()


def _low_s_text(text: str, signature: bytes, position: int, order: int | None) -> str:
    """``text`` with its raw r||s ``signature`` (Base32 at ``position``) made low-S."""
    half = len(signature) // 2
    s = int.from_bytes(signature[half:], "big")
    written = b32encode(signature)
    if order is None or s <= order // 2 or text[position:position + len(written)] != written:
        return text
    low = signature[:half] + (order - s).to_bytes(half, "big")
    return text[:position] + b32encode(low) + text[position + len(written):]


class AuditLog:
    """Append audit records to ``<data dir>/audit/verifier.jsonl`` and to Python logging."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def write(self, record: dict[str, Any]) -> None:
        """Append ``record`` as one JSON line and log it at INFO level."""
        line = json.dumps(record, ensure_ascii=False, sort_keys=True)
        log.info("verification %s", line)
        # Every folder created on the way is 0700: the data dir itself is often missing when a
        # verifier starts on its own (issue 10: the data dir is 0700, every file in it 0600).
        private_dir(self.path.parent)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (line + "\n").encode("utf-8"))
        finally:
            os.close(fd)
