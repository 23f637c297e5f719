"""What the key store records of each signing certificate, and how it is shown.

Why apart from the store (:mod:`keys.store`): ``state.json`` keeps one plain JSON entry per
certificate (id, serial in hex, curve, validity, revocation date and reason); the CLI (``keys
list``), the trust manifest (``trust.json``) and the CRL (:mod:`keys.publish`) all read those
entries through :func:`certificate_info`, so the entry's meaning is written once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from cryptography import x509

from keys.signer import PrivateKeySigner

__all__ = ["REVOCATION_REASONS", "ActiveSigner", "CertificateInfo", "certificate_info", "utc"]

#: The CRL reasons a revocation may give (RFC 5280 §5.3.1), by their CLI name.
REVOCATION_REASONS: dict[str, x509.ReasonFlags] = {
    "unspecified": x509.ReasonFlags.unspecified,
    "key-compromise": x509.ReasonFlags.key_compromise,
    "ca-compromise": x509.ReasonFlags.ca_compromise,
    "superseded": x509.ReasonFlags.superseded,
    "cessation-of-operation": x509.ReasonFlags.cessation_of_operation,
    "affiliation-changed": x509.ReasonFlags.affiliation_changed,
}


@dataclass(frozen=True)
class CertificateInfo:
    """What ``keys list`` shows of one signing certificate."""

    cert_id: str
    serial: int
    curve: str
    not_before: dt.datetime
    not_after: dt.datetime
    active: bool
    revoked_at: dt.datetime | None
    reason: str | None

    @property
    def status(self) -> str:
        """``active``, ``revoked`` or ``trusted`` (kept to verify what it signed)."""
        if self.revoked_at is not None:
            return "revoked"
        return "active" if self.active else "trusted"

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (ISO dates)."""
        return {
            "cert_id": self.cert_id,
            "serial": format(self.serial, "x"),
            "curve": self.curve,
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
            "status": self.status,
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class ActiveSigner:
    """The active signing certificate and a :class:`twoddoc.Signer` for its key."""

    ca_id: str
    cert_id: str
    signer: PrivateKeySigner
    certificate: x509.Certificate


def utc(value: str) -> dt.datetime:
    """An instant of ``state.json`` (ISO 8601 with its UTC offset) as an aware datetime."""
    return dt.datetime.fromisoformat(value)


def certificate_info(state: dict[str, Any], entry: dict[str, Any]) -> CertificateInfo:
    """The :class:`CertificateInfo` of one ``state["certificates"]`` entry."""
    return CertificateInfo(
        cert_id=entry["cert_id"],
        serial=int(entry["serial"], 16),
        curve=entry["curve"],
        not_before=utc(entry["not_before"]),
        not_after=utc(entry["not_after"]),
        active=state["active"] == entry["cert_id"],
        revoked_at=utc(entry["revoked_at"]) if entry["revoked_at"] else None,
        reason=entry["reason"],
    )
