"""Revocation: the CRLs a trust store keeps, and what they say about a signing certificate.

Why apart from the store (:mod:`verifier.trust`): revocation has its own rules, and they fail
closed (spec §4 names the CA's CRL as the revocation source; X.509 CRLs per RFC 5280 §5):

* A CRL counts only when its signature verifies with a CA certificate of its issuer CN (the
  CA id). A serial listed there is revoked whatever the revocation date: a signature date in a
  barcode is claimed by the signer, so it cannot prove the signature predates the revocation.
* A CRL that claims a known CA but does not verify makes that CA's revocation status unknown,
  which fails the check rather than ignoring a revocation list somebody meant us to honour.
* A CRL of a CA the store does not know is ignored, with a note.

Freshness (a CRL past its ``nextUpdate``) is a fact about *now*, judged by the caller through
:func:`verifier.trust_live.stale_crl` on :meth:`CRLIndex.verified`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import Enum

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm

from verifier.trust_material import CACertificate, common_name

__all__ = ["CRLIndex", "RevocationStatus"]


class RevocationStatus(Enum):
    """What the verified CRLs say about a leaf certificate."""

    GOOD = "good"
    REVOKED = "revoked"
    UNKNOWN = "unknown"  # a CRL of that CA failed its signature check


def _crl_signed_by(crl: x509.CertificateRevocationList, ca: x509.Certificate) -> bool:
    """True when ``ca`` issued ``crl``: same name, and the CRL's signature verifies with it."""
    if crl.issuer != ca.subject:
        return False
    try:
        return crl.is_signature_valid(ca.public_key())
    except (TypeError, ValueError, UnsupportedAlgorithm):
        return False


class CRLIndex:
    """The verified CRLs of each CA id, and the CA ids one of whose CRLs did not verify."""

    def __init__(self) -> None:
        self._crls: dict[str, list[x509.CertificateRevocationList]] = {}
        self._bad: set[str] = set()

    def add(
        self,
        crl: x509.CertificateRevocationList,
        source: str,
        cas: Mapping[str, Sequence[CACertificate]],
    ) -> str | None:
        """File ``crl`` when a certificate of its CA (in ``cas``, by CA id) signed it.

        Returns the note to show when it is not filed (no issuer CN, no such CA, or a signature
        that does not verify: then the CA's revocation status becomes unknown), else None.
        """
        ca_id = common_name(crl.issuer)
        if ca_id is None:
            return f"{source}: CRL without issuer CN ignored"
        candidates = cas.get(ca_id, [])
        if any(_crl_signed_by(crl, ca.certificate) for ca in candidates):
            self._crls.setdefault(ca_id, []).append(crl)
            return None
        if candidates:
            self._bad.add(ca_id)
            return f"{source}: CRL of {ca_id} does not verify: revocation unknown"
        return f"{source}: CRL of {ca_id} ignored: no certificate of that CA"

    def status(self, ca_id: str, serial: int) -> RevocationStatus:
        """Whether a verified CRL of ``ca_id`` lists ``serial`` (whatever the date)."""
        for crl in self._crls.get(ca_id, []):
            if crl.get_revoked_certificate_by_serial_number(serial) is not None:
                return RevocationStatus.REVOKED
        if ca_id in self._bad:
            return RevocationStatus.UNKNOWN
        return RevocationStatus.GOOD

    def has_crl(self, ca_id: str) -> bool:
        """True when at least one verified CRL of ``ca_id`` is held."""
        return bool(self._crls.get(ca_id))

    def verified(self) -> dict[str, tuple[x509.CertificateRevocationList, ...]]:
        """The CRLs whose signature verified, by CA id, sorted."""
        return {ca_id: tuple(crls) for ca_id, crls in sorted(self._crls.items())}
