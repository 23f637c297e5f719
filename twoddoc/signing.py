"""ECDSA signing and verification of 2D-Doc data with raw r||s signatures (§3.5).

Why: the code carries the raw concatenation r||s (64, 96 or 132 bytes for P-256, P-384, P-521;
table of §3.5.2, p.26) while ``cryptography`` speaks DER, and the codec never holds keys: it
calls a ``Signer`` (the ``keys`` package implements one) and verifies with a public key the
caller chose. The key, never the barcode, decides curve and hash (STYLE §3).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from twoddoc.errors import EncodeError, SignatureError, SignatureLengthError

if TYPE_CHECKING:
    from twoddoc.codec import Document

#: Curve name → (raw r||s length, ECDSA algorithm with the curve's hash), §3.5.2 p.26.
_CURVES: dict[str, tuple[int, ec.ECDSA]] = {
    "secp256r1": (64, ec.ECDSA(hashes.SHA256())),
    "secp384r1": (96, ec.ECDSA(hashes.SHA384())),
    "secp521r1": (132, ec.ECDSA(hashes.SHA512())),
}
#: Raw signature lengths a 2D-Doc may carry.
SIGNATURE_LENGTHS = frozenset(length for length, _ in _CURVES.values())


@runtime_checkable
class Signer(Protocol):
    """Something that signs 2D-Doc data and returns the raw r||s signature."""

    signature_length: int

    def sign(self, data: bytes) -> bytes:
        """Return the raw r||s signature of ``data`` (``signature_length`` bytes)."""
        ...


def _curve(key: ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey) -> tuple[int, ec.ECDSA]:
    """Return (raw length, algorithm) for a key's curve, or ``None`` if it is not in §3.5.2."""
    return _CURVES.get(getattr(getattr(key, "curve", None), "name", ""), (0, None))  # type: ignore[return-value]


class EcdsaSigner:
    """A ``Signer`` over a ``cryptography`` EC private key on P-256, P-384 or P-521."""

    def __init__(self, private_key: ec.EllipticCurvePrivateKey) -> None:
        length, algorithm = _curve(private_key)
        if not length or not isinstance(private_key, ec.EllipticCurvePrivateKey):
            raise EncodeError("2D-Doc signs with ECDSA on P-256, P-384 or P-521 (§3.5.2)",
                              field="key", position=0)
        self._key = private_key
        self._algorithm = algorithm
        self._half = length // 2
        self.signature_length = length

    def sign(self, data: bytes) -> bytes:
        """Sign ``data`` with the key's curve hash and return raw r||s."""
        return der_to_raw(self._key.sign(data, self._algorithm), self._half)


def der_to_raw(der: bytes, half: int) -> bytes:
    """Convert a DER ECDSA signature to raw r||s, each ``half`` bytes big-endian.

    Read by hand (SEQUENCE, two INTEGERs; long-form length for P-521): the signature comes from
    ``cryptography`` itself, so it is well formed, and slicing is three times faster than
    ``decode_dss_signature`` plus two ``int.to_bytes``. Anything unexpected falls back to it.
    """
    i = 2 if der[1] < 0x80 else 3
    if der[0] != 0x30 or der[i] != 0x02:
        return _der_to_raw_checked(der, half)
    r = der[i + 2:i + 2 + der[i + 1]]
    j = i + 2 + der[i + 1]
    s = der[j + 2:j + 2 + der[j + 1]]
    r, s = r.lstrip(b"\0"), s.lstrip(b"\0")
    if len(r) > half or len(s) > half or der[j] != 0x02:
        return _der_to_raw_checked(der, half)
    return r.rjust(half, b"\0") + s.rjust(half, b"\0")


def _der_to_raw_checked(der: bytes, half: int) -> bytes:
    """The slow, fully checked DER → raw conversion through ``cryptography``."""
    r, s = decode_dss_signature(der)
    return r.to_bytes(half, "big") + s.to_bytes(half, "big")


def raw_to_der(signature: bytes) -> bytes:
    """Convert a raw r||s signature (even length) to the DER ``cryptography`` verifies.

    Built by hand (SEQUENCE of two INTEGERs, minimal big-endian, a 0x00 before a high bit):
    three times faster than ``encode_dss_signature`` over Python ints, and equal to it byte for
    byte (tested). The longest body, P-521, is 2 × (2 + 67) = 138 bytes: a long-form length.
    """
    half = len(signature) // 2
    r = signature[:half].lstrip(b"\0")
    s = signature[half:].lstrip(b"\0")
    if not r or r[0] & 0x80:
        r = b"\0" + r
    if not s or s[0] & 0x80:
        s = b"\0" + s
    body = b"\x02%c%b\x02%c%b" % (len(r), r, len(s), s)
    if len(body) < 0x80:
        return b"\x30%c%b" % (len(body), body)
    return b"\x30\x81%c%b" % (len(body), body)


# Verifying keys seen so far: id → (key, raw length, algorithm). Holding the key keeps its id
# unique; a verifier has a handful of trusted keys, and the cache is bounded all the same.
_KEY_CACHE: dict[int, tuple[object, int, ec.ECDSA]] = {}
_KEY_CACHE_LIMIT = 4096


def _key_info(public_key: ec.EllipticCurvePublicKey, position: int) -> tuple[int, ec.ECDSA]:
    """Return (raw length, algorithm) for a verifying key, from the key's own curve."""
    cached = _KEY_CACHE.get(id(public_key))
    if cached is not None and cached[0] is public_key:
        return cached[1], cached[2]
    length, algorithm = _curve(public_key)
    if not length or not isinstance(public_key, ec.EllipticCurvePublicKey):
        raise SignatureError("the verifying key is not an EC key on P-256, P-384 or P-521",
                             field="signature", position=position)
    if len(_KEY_CACHE) >= _KEY_CACHE_LIMIT:
        _KEY_CACHE.clear()
    _KEY_CACHE[id(public_key)] = (public_key, length, algorithm)
    return length, algorithm


def verify_raw(signature: bytes, data: bytes, public_key: ec.EllipticCurvePublicKey, *,
               position: int = 0) -> None:
    """Verify a raw r||s signature over ``data``; raise ``SignatureError`` if it does not hold."""
    length, algorithm = _key_info(public_key, position)
    if len(signature) != length:
        raise SignatureLengthError(f"signature has {len(signature)} bytes, the key's curve "
                                   f"{public_key.curve.name} needs {length}",
                                   field="signature", position=position)
    try:
        public_key.verify(raw_to_der(signature), data, algorithm)
    except InvalidSignature as exc:
        raise SignatureError("signature does not verify with this key", field="signature",
                             position=position) from exc


def verify_signature(doc: Document, public_key: ec.EllipticCurvePublicKey) -> None:
    """Verify ``doc``'s signature over its signed data with ``public_key`` (§3.5).

    Raises ``SignatureError`` (or its subclass ``SignatureLengthError`` when the signature's
    length does not fit the key's curve); returns ``None`` when the signature holds.
    """
    verify_raw(doc.signature, doc.signed_data, public_key, position=doc.signature_position)
