"""Character rules for C40 2D-Doc values: case folding, accent stripping, allowed sets.

Why: the C40 message zone carries upper-case unaccented text (§3.4.1 "Encodages spécifiques",
§10.3 table 3), the signed data are bytes 0x00–0x7F (§3.5.2, p.25), and each DI's description
(§7) restricts its characters further, e.g. ``6G`` "lettres majuscules non accentuées [A-Z] et des
espaces". The spec shows the folding on its own reference code for type ``AA`` (annex 16):
"JEAN FRANÇOIS" is encoded ``JEAN FRANCOIS``.
"""

from __future__ import annotations

import re
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


# The combining diacritical blocks (U+0300–036F and its supplements): NFKD moves accents there.
# Marks outside them stay, and the DI's character check then refuses them.
_COMBINING = re.compile("[{}]".format("".join(
    chr(cp) for first, last in ((0x300, 0x36F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF),
                                (0x20D0, 0x20FF), (0xFE20, 0xFE2F))
    for cp in range(first, last + 1) if unicodedata.combining(chr(cp)))))
_LIGATURE_CHARS = frozenset("ŒœÆæßẞØøĐđÐðÞþŁłı’‘‐‑–—\u00a0")


def _fold_unicode(value: str) -> str:
    """The general fold: expand ligatures, NFKD, drop combining marks, upper-case."""
    if not _LIGATURE_CHARS.isdisjoint(value):
        value = value.translate(_LIGATURES)
    return _COMBINING.sub("", unicodedata.normalize("NFKD", value)).upper()


def _latin1_fold_table() -> bytes:
    """A byte table folding each Latin-1 character that folds to one ASCII character.

    ASCII maps to itself; é → E, Ç → C, ÿ → Y…; every other byte (Æ → AE, ß → SS, µ → μ, ¼…)
    maps to itself, so it stays non-ASCII and sends the text to ``_fold_unicode``.
    """
    table = bytearray(range(256))
    for code in range(0x80, 0x100):
        folded = _fold_unicode(chr(code))
        if len(folded) == 1 and folded.isascii():
            table[code] = ord(folded)
    return bytes(table)


_LATIN1_FOLD = _latin1_fold_table()


def fold(value: str) -> str:
    """Upper-case ``value`` and strip its accents (NFKD, drop combining marks, expand ligatures).

    French names are Latin-1 ("Sébastien", "Condé"): they are folded byte-wise through a
    256-entry table built from the general fold at import, four C calls instead of NFKD and a
    regular expression (which also spare the signer's CPU caches). NFKD decomposes each
    precomposed character on its own and Latin-1 holds no combining mark, so the table gives
    exactly the general result (tested over all of Latin-1); anything else takes the general
    path.
    """
    if value.isascii():
        return value.upper()
    try:
        data = value.encode("latin-1")
    except UnicodeEncodeError:
        return _fold_unicode(value)
    folded = data.translate(_LATIN1_FOLD)
    if folded.isascii():
        return folded.decode("ascii").upper()
    return _fold_unicode(value)


def normalise(value: str, charset: Charset, *, field: str) -> str:
    """Fold ``value`` for a DI whose characters are ``charset``, or raise ``EncodeError``.

    Punctuation the DI cannot carry is dropped the way §11.1 (p.143) allows: an apostrophe
    disappears (the reference code for type ``AB`` encodes "DUMONT D'URVILLE" as
    ``DUMONT DURVILLE``) and a hyphen becomes a space (compound names are "séparés par un
    espace", §7.5 DI 60–64). Base32 values are case-sensitive data and are never folded.
    """
    return normalise_to(value, CHARACTERS[charset], field=field,
                        fold_case=charset is not Charset.BASE32)


def normalise_to(value: str, allowed: frozenset[str], *, field: str, fold_case: bool = True) -> str:
    """``normalise`` against a set of characters already looked up (the encoder's fast path)."""
    if value.isascii():
        # The common case, ASCII already in the set once upper-cased, costs three C calls.
        folded = value.upper() if fold_case else value
        if allowed.issuperset(folded):
            return folded
    if fold_case:
        value = fold(value)
        if "'" not in allowed:
            value = value.replace("'", "")
        if "-" not in allowed:
            value = value.replace("-", " ")
    if not allowed.issuperset(value):
        for i, ch in enumerate(value):
            if ch not in allowed:
                raise EncodeError(f"character {ch!r} cannot be carried by this data identifier",
                                  field=field, position=i)
    return value


def _value_cost(code: int) -> int:
    """C40 values one character takes (§10.3.1): basic set 1, shift sets 2, upper shift +2."""
    if code >= 0x80:
        return 2 + _value_cost(code - 0x80)
    char = chr(code)
    return 1 if char == " " or char.isdigit() or "A" <= char <= "Z" else 2


_COST = [_value_cost(code) for code in range(256)]


def c40_size(text: str) -> int:
    """Count the C40 values ``text`` occupies in the DataMatrix (§10.3.1, p.138).

    Why: the issuer fills a symbol of fixed capacity, and the spec's worked example (annex 14,
    p.149) budgets the message in C40 values: ``/``, <GS> and <RS> take two, so
    ``10M/MONTPARNASSE/GILLES<GS>`` (24 characters) takes 27. Characters above U+00FF cannot
    be encoded and raise ``EncodeError``.
    """
    try:
        return sum(_COST[ord(ch)] for ch in text)
    except IndexError:
        bad = next(i for i, ch in enumerate(text) if ord(ch) > 0xFF)
        raise EncodeError(f"character {text[bad]!r} is outside ISO-8859-1 (§10.1)",
                          field="text", position=bad) from None
