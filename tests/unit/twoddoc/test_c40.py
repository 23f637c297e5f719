"""Tests of case folding, accent stripping and per-DI character sets (§3.4.1, §7, §11.1)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from twoddoc.c40 import CHARACTERS, Charset, _fold_unicode, c40_size, fold, normalise
from twoddoc.errors import EncodeError


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("François", "FRANCOIS"),
        ("Jean François", "JEAN FRANCOIS"),  # the AA reference code, annex 16
        ("Hélène Éloïse", "HELENE ELOISE"),
        ("Œdipe Lætitia", "OEDIPE LAETITIA"),
        ("Straße", "STRASSE"),
        ("Łukasz Ørsted", "LUKASZ ORSTED"),
        ("ÇÀÂÄÉÈÊËÎÏÔÖÙÛÜŸ", "CAAAEEEEIIOOUUUY"),
        ("plain", "PLAIN"),
    ],
)
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_latin1_table_folds_every_character_as_the_general_path() -> None:
    # The byte table is a shortcut for Latin-1 text: each of its 128 upper characters must
    # fold exactly as NFKD + mark removal does, including those it leaves to that path.
    for code in range(0x80, 0x100):
        assert fold(chr(code)) == _fold_unicode(chr(code)), hex(code)
    assert fold("Jules/Sébastien/César") == "JULES/SEBASTIEN/CESAR"
    assert fold("Ærø ß µ ½") == _fold_unicode("Ærø ß µ ½")  # leaves the table


@given(st.text(st.characters(max_codepoint=0xFF) | st.sampled_from("ŒłĐı’\u0301\u0327ǅﬁ"),
               max_size=16))
def test_fold_shortcut_equals_the_general_fold(raw: str) -> None:
    # Mixed texts: Latin-1 (table), other letters, lone combining marks (general path).
    assert fold(raw) == _fold_unicode(raw)


@pytest.mark.parametrize(
    ("raw", "charset", "expected"),
    [
        ("Dumont d'Urville", Charset.ALPHA_SPACE, "DUMONT DURVILLE"),  # AB reference code
        ("Dumont d’Urville", Charset.ALPHA_SPACE, "DUMONT DURVILLE"),
        ("Condé-sur-Noireau", Charset.ALNUM_SPACE, "CONDE SUR NOIREAU"),
        ("Jules/Sébastien/César", Charset.NAMES, "JULES/SEBASTIEN/CESAR"),
        ("Jean-Pierre/Marie", Charset.NAMES, "JEAN PIERRE/MARIE"),
        ("9,99", Charset.PRINTABLE, "9,99"),
        ("a-b", Charset.PRINTABLE, "A-B"),
        ("NB2WS43T", Charset.BASE32, "NB2WS43T"),
    ],
)
def test_normalise(raw: str, charset: Charset, expected: str) -> None:
    assert normalise(raw, charset, field="XX") == expected


@pytest.mark.parametrize(
    ("raw", "charset", "position"),
    [
        ("12A4", Charset.DIGITS, 2),
        ("DUPONT2", Charset.ALPHA_SPACE, 6),
        ("A/B", Charset.ALNUM_SPACE, 1),
        ("東京", Charset.PRINTABLE, 0),
        ("AB\x1dC", Charset.PRINTABLE, 2),  # a separator inside a value would split it
        ("nb2w", Charset.BASE32, 0),  # Base32 is data: never case-folded
        ("12G4", Charset.HEX, 2),
    ],
)
def test_refused_characters_name_the_field_and_position(raw: str, charset: Charset,
                                                         position: int) -> None:
    with pytest.raises(EncodeError) as info:
        normalise(raw, charset, field="6G")
    assert info.value.field == "6G"
    assert info.value.position == position


@given(st.text(max_size=40))
def test_normalised_text_is_in_its_charset_or_refused(raw: str) -> None:
    for charset in Charset:
        try:
            value = normalise(raw, charset, field="XX")
        except EncodeError as exc:
            assert exc.field == "XX"
        else:
            assert CHARACTERS[charset].issuperset(value)
            assert value.isascii()


@pytest.mark.parametrize(
    ("text", "size"),
    [
        # The worked example of annex 14 (p.149-150), value by value.
        ("26FR", 4),
        ("2475001", 7),
        ("10M/MONTPARNASSE/GILLES\x1d", 27),
        ("22352 AVENUE DES CHAMPS ELYSEES\x1d", 33),
        ("25PARIS\x1d", 9),
        ("1898\x1e", 6),
        ("", 0),
        ("é", 4),  # upper shift (2) + shift 3 for '`'-block letters (2), §10.3.1 'à' example
        ("\xc1", 3),  # upper shift (2) + 'A' in the basic set (1)
    ],
)
def test_c40_size(text: str, size: int) -> None:
    assert c40_size(text) == size


def test_c40_size_refuses_characters_beyond_latin1() -> None:
    with pytest.raises(EncodeError) as info:
        c40_size("AB\u0152C")
    assert info.value.position == 2
