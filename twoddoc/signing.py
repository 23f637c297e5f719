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


def _der_heads(half: int) -> tuple[tuple[bytes, bytes], ...]:
    """DER prefixes for raw halves without a leading zero byte, by (r pad, s pad) = 2·r + s.

    ``head`` is the SEQUENCE header, r's INTEGER header and r's 0x00 pad when its high bit is
    set; ``mid`` is s's INTEGER header and pad. The body of P-521 (≥ 136 bytes) needs the
    long-form length 0x81.
    """
    heads = []
    for r_pad in (0, 1):
        for s_pad in (0, 1):
            body = 4 + 2 * half + r_pad + s_pad
            sequence = b"\x30%c" % body if body < 0x80 else b"\x30\x81%c" % body
            heads.append((sequence + b"\x02%c" % (half + r_pad) + b"\0" * r_pad,
                          b"\x02%c" % (half + s_pad) + b"\0" * s_pad))
    return tuple(heads)


#: Raw length → (half, DER heads) for the three curves of §3.5.2.
_DER_HEADS = {2 * half: (half, _der_heads(half)) for half in (32, 48, 66)}


def raw_to_der(signature: bytes) -> bytes:
    """Convert a raw r||s signature (even length) to the DER ``cryptography`` verifies.

    Built by hand (SEQUENCE of two INTEGERs, minimal big-endian, a 0x00 before a high bit):
    three times faster than ``encode_dss_signature`` over Python ints, and equal to it byte for
    byte (tested). When neither half starts with a zero byte (254 times in 256 on P-256/P-384)
    nothing is stripped and the headers come from a table: four concatenations. Otherwise
    ``_raw_to_der_stripped`` removes the leading zeros; P-521 halves of 66 bytes usually start
    with 0x00 or 0x01, since the order has 521 bits.
    """
    info = _DER_HEADS.get(len(signature))
    if info is not None:
        half, heads = info
        r0 = signature[0]
        s0 = signature[half]
        if r0 and s0:
            head, mid = heads[(r0 >> 7) * 2 + (s0 >> 7)]
            return head + signature[:half] + mid + signature[half:]
    return _raw_to_der_stripped(signature)


def _raw_to_der_stripped(signature: bytes) -> bytes:
    """``raw_to_der`` for any even length: strip leading zeros, pad a high bit, measure."""
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


_BAD_SIGNATURE = "signature does not verify with this key"


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
        raise SignatureError(_BAD_SIGNATURE, field="signature", position=position) from exc


def verify_signature(doc: Document, public_key: ec.EllipticCurvePublicKey) -> None:
    """Verify ``doc``'s signature over its signed data with ``public_key`` (§3.5).

    Raises ``SignatureError`` (or its subclass ``SignatureLengthError`` when the signature's
    length does not fit the key's curve); returns ``None`` when the signature holds.

    Why inlined: this runs once per scan, before a ~75 µs OpenSSL call; a key already seen
    (the verifier's trusted keys) costs one dict lookup, then the DER and the call itself. A new
    key or a length that does not fit goes through ``verify_raw``, which owns the errors.
    """
    cached = _KEY_CACHE.get(id(public_key))
    signature = doc.signature
    if cached is None or cached[0] is not public_key or len(signature) != cached[1]:
        verify_raw(signature, doc.signed_data, public_key, position=doc.signature_position)
        return
    try:
        public_key.verify(raw_to_der(signature), doc.signed_data, cached[2])
    except InvalidSignature as exc:
        raise SignatureError(_BAD_SIGNATURE, field="signature",
                             position=doc.signature_position) from exc
