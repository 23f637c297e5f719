"""Character rules for C40 2D-Doc values: case folding, accent stripping, allowed sets.

Why: the C40 message zone carries upper-case unaccented text (§3.4.1 "Encodages spécifiques",
§10.3 table 3), the signed data are bytes 0x00–0x7F (§3.5.2, p.25), and each DI's description
(§7) restricts its characters further, e.g. ``6G`` "lettres majuscules non accentuées [A-Z] et des
espaces". The spec shows the folding on its own reference code for type ``AA`` (annex 16):
"JEAN FRANÇOIS" is encoded ``JEAN FRANCOIS``.
"""

from __future__ import annotations

import unicodedata
from enum import Enum

from twoddoc.errors import EncodeError

GS = "\x1d"  # <GS> ends a variable-length value (§3.4.1).
RS = "\x1e"  # <RS> ends a truncated value (§3.4.1).
US = "\x1f"  # <US> separates the data from the signature (§3.5.2).

_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_DIGITS = "0123456789"


class Charset(Enum):
    """The character classes the §7 descriptions use, by name."""

    DIGITS = "digits"
    ALPHA = "alpha"
    ALPHA_SPACE = "alpha_space"
    NAMES = "names"
    ALNUM = "alnum"
    ALNUM_SPACE = "alnum_space"
    HEX = "hex"
    BASE32 = "base32"
    PRINTABLE = "printable"


CHARACTERS: dict[Charset, frozenset[str]] = {
    Charset.DIGITS: frozenset(_DIGITS),
    Charset.ALPHA: frozenset(_UPPER),
    Charset.ALPHA_SPACE: frozenset(_UPPER + " "),
    # §7.5 DI 60: first names separated by '/', compound names by a space.
    Charset.NAMES: frozenset(_UPPER + " /"),
    Charset.ALNUM: frozenset(_UPPER + _DIGITS),
    Charset.ALNUM_SPACE: frozenset(_UPPER + _DIGITS + " "),
    Charset.HEX: frozenset("0123456789ABCDEF"),
    Charset.BASE32: frozenset(_UPPER + "234567"),
    # Printable ASCII: what the C40 basic and shift-2 sets carry without control characters.
    Charset.PRINTABLE: frozenset(chr(c) for c in range(0x20, 0x7F)),
}

# Letters that NFKD does not decompose into a base letter plus combining marks.
_LIGATURES = str.maketrans({
    "Œ": "OE", "œ": "OE", "Æ": "AE", "æ": "AE", "ß": "SS", "ẞ": "SS", "Ø": "O", "ø": "O",
    "Đ": "D", "đ": "D", "Ð": "D", "ð": "D", "Þ": "TH", "þ": "TH", "Ł": "L", "ł": "L",
    "ı": "I", "’": "'", "‘": "'", "‐": "-", "‑": "-", "–": "-", "—": "-", "\u00a0": " ",
})


def fold(value: str) -> str:
    """Upper-case ``value`` and strip its accents (NFKD, drop combining marks, expand ligatures)."""
    if value.isascii():
        return value.upper()
    decomposed = unicodedata.normalize("NFKD", value.translate(_LIGATURES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).upper()


def normalise(value: str, charset: Charset, *, field: str) -> str:
    """Fold ``value`` for a DI whose characters are ``charset``, or raise ``EncodeError``.

    Punctuation the DI cannot carry is dropped the way §11.1 (p.143) allows: an apostrophe
    disappears (the reference code for type ``AB`` encodes "DUMONT D'URVILLE" as
    ``DUMONT DURVILLE``) and a hyphen becomes a space (compound names are "séparés par un
    espace", §7.5 DI 60–64). Base32 values are case-sensitive data and are never folded.
    """
    allowed = CHARACTERS[charset]
    if charset is not Charset.BASE32:
        value = fold(value)
        if "'" not in allowed:
            value = value.replace("'", "")
        if "-" not in allowed:
            value = value.replace("-", " ")
    if not allowed.issuperset(value):
        for i, ch in enumerate(value):
            if ch not in allowed:
                raise EncodeError(f"character {ch!r} is not allowed ({charset.value})",
                                  field=field, position=i)
    return value
