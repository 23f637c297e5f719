"""verifier: check 2D-Doc texts against a trust store, deployed apart from the issuer.

Typical use::

    import datetime as dt
    from verifier import TrustStore, verify_text

    trust = TrustStore.load(["/etc/permis2d/ants_tsl.xml", "/etc/permis2d/ants-certs"])
    result = verify_text(text, trust, at=dt.date(2025, 3, 1), repair=True)
    result.valid                 # all checks passed
    result.checks                # {Check.SIGNATURE: True, Check.CHAIN_TRUSTED: False, ...}
    result.to_json()["reasons"]  # [{"code": "CHAIN_NOT_VERIFIED", "message_fr": ...}, ...]

The verifier never imports ``issuer``, ``registry`` or ``keys`` and never reads a private key
(a test walks the imports). The scanner (images/PDF → text) is :mod:`verifier.scan`.
"""

from verifier.policy import Failure, VerificationResult, verify_document, verify_text
from verifier.reasons import Check, Reason, VerificationError
from verifier.trust import ChainStatus, RevocationStatus, TrustStore, TrustStoreError

__all__ = [
    "ChainStatus",
    "Check",
    "Failure",
    "Reason",
    "RevocationStatus",
    "TrustStore",
    "TrustStoreError",
    "VerificationError",
    "VerificationResult",
    "verify_document",
    "verify_text",
]
