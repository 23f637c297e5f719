"""The :class:`twoddoc.Signer` implementation backed by an ECDSA private key.

The codec never holds keys (ARCHITECTURE.md): it calls ``signer.sign(data)`` and appends the
result. A 2D-Doc signature is the raw concatenation r‖s, each integer big-endian on the curve's
byte length (§3.5 of the ANTS spec v3.2.6: 64 bytes for P-256, 96 for P-384, 132 for P-521),
not the DER structure ``cryptography`` produces, so the signature is converted here.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from keys.pki import hash_for

__all__ = ["PrivateKeySigner"]


class PrivateKeySigner:
    """Sign 2D-Doc data with an EC private key; the curve decides the hash (§3.5)."""

    __slots__ = ("_algorithm", "_key", "_size", "signature_length")

    def __init__(self, private_key: ec.EllipticCurvePrivateKey) -> None:
        self._key = private_key
        self._algorithm = ec.ECDSA(hash_for(private_key))
        self._size = (private_key.curve.key_size + 7) // 8
        self.signature_length = 2 * self._size

    def sign(self, data: bytes) -> bytes:
        """Return the raw r‖s signature of ``data``."""
        r, s = decode_dss_signature(self._key.sign(data, self._algorithm))
        return r.to_bytes(self._size, "big") + s.to_bytes(self._size, "big")

    def public_key(self) -> ec.EllipticCurvePublicKey:
        """The matching public key (for self-checks; never the private one)."""
        return self._key.public_key()

    def __repr__(self) -> str:  # never show key material
        return f"PrivateKeySigner(curve={self._key.curve.name})"
