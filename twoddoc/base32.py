"""Strict RFC 4648 Base32 without padding, as used for 2D-Doc signatures (§3.5.2, §10.4).

Why strict: only canonical text is accepted (upper-case alphabet, no ``=``, a length that some
byte string produces, unused trailing bits at zero), so that no two texts decode to the same
signature and a flipped character can never leave the signature intact (STYLE §3: don't
``.strip().upper()`` a signature).
"""

from __future__ import annotations

import base64

from twoddoc.errors import SignatureFormatError

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_ALPHABET_SET = frozenset(ALPHABET)
# Number of significant bits carried by the last character, by (length mod 8); lengths 1, 3
# and 6 (mod 8) are produced by no byte string.
_VALID_REMAINDERS = frozenset((0, 2, 4, 5, 7))
_PADDING = {0: "", 2: "======", 4: "====", 5: "===", 7: "="}
# Bits of the last character that carry no data, by (length mod 8): they must be zero.
_UNUSED_MASK = {0: 0, 2: 0b11, 4: 0b1111, 5: 0b1, 7: 0b111}
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}


def b32encode(data: bytes) -> str:
    """Encode bytes as Base32 text without ``=`` padding (§3.5.2 note, p.26)."""
    return base64.b32encode(data).decode("ascii").rstrip("=")


def b32decode(text: str, *, field: str = "signature", position: int = 0) -> bytes:
    """Decode canonical unpadded Base32, raising ``SignatureFormatError`` at the faulty char.

    ``position`` is where ``text`` starts in the caller's input.
    """
    if not _ALPHABET_SET.issuperset(text):
        for i, ch in enumerate(text):
            if ch not in _ALPHABET_SET:
                raise SignatureFormatError(f"character {ch!r} is not Base32 (A-Z, 2-7)",
                                           field=field, position=position + i)
    remainder = len(text) % 8
    if remainder not in _VALID_REMAINDERS:
        raise SignatureFormatError(f"Base32 length {len(text)} is impossible",
                                   field=field, position=position + len(text))
    # Unused low bits of the last character must be zero, else two texts share one value.
    if remainder and _VALUE[text[-1]] & _UNUSED_MASK[remainder]:
        raise SignatureFormatError("Base32 has non-zero trailing bits", field=field,
                                   position=position + len(text) - 1)
    return base64.b32decode(text + _PADDING[remainder])
