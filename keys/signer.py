"""The :class:`twoddoc.Signer` the key store hands out for its active signing key.

The codec never holds keys (ARCHITECTURE.md): it calls ``signer.sign(data)`` and appends the
raw r‖s signature (§3.5 of the ANTS spec v3.2.6: 64 bytes for P-256, 96 for P-384, 132 for
P-521). The conversion from ``cryptography``'s DER signature lives once, in
:class:`twoddoc.EcdsaSigner`; the key store adds what it needs on top: the public key for
self-checks, and a ``repr`` that can never show key material.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric import ec

from twoddoc import EcdsaSigner

__all__ = ["PrivateKeySigner"]


class PrivateKeySigner(EcdsaSigner):
    """Sign 2D-Doc data with the key store's EC private key; the curve decides the hash."""

    def public_key(self) -> ec.EllipticCurvePublicKey:
        """The matching public key (for self-checks; never the private one)."""
        return self._key.public_key()

    def __repr__(self) -> str:  # never show key material
        return f"PrivateKeySigner(curve={self._key.curve.name})"
