"""Tests of the C40 message zone: fixed/variable values, <GS>, <RS>, unknown DIs (§3.4.1)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from twoddoc.catalog import ANTS_PERIMETER, DATA_IDS
from twoddoc.errors import EncodeError, FieldError, UnknownFieldError
from twoddoc.message import Field, format_message, parse_message

TABLE = DATA_IDS[ANTS_PERIMETER]
GS, RS = "\x1d", "\x1e"


def parse(text: str, *, strict: bool = True) -> tuple[Field, ...]:
    return parse_message(text, 0, len(text), strict=strict)


def test_spec_encoding_rules_examples() -> None:
    # §3.4.1 p.22: "2435000" (fixed), "2CMARSE<RS>" (truncated), "4114732<GS>" (variable).
    assert parse("2435000") == (Field("24", "35000"),)
    assert parse(f"2CMARSE{RS}") == (Field("2C", "MARSE", truncated=True),)
    assert parse(f"4114732{GS}18134985638") == (Field("41", "14732"), Field("18", "134985638"))


def test_fixed_fields_need_no_separator() -> None:
    assert parse("E550E8020220211522090003AG8") == (
        Field("E5", "50"), Field("E8", "020220211522"), Field("09", "0003"), Field("AG", "8"))


def test_variable_value_at_its_maximum_needs_no_separator() -> None:
    # 6H "Civilité" is 1..10: ten characters end the value (§3.4.1 p.21).
    assert parse("6HMADEMOISEL6GX") == (Field("6H", "MADEMOISEL"), Field("6G", "X"))
    assert parse(f"6HMADEMOISEL{GS}6GX") == (Field("6H", "MADEMOISEL"), Field("6G", "X"))


def test_trailing_separator_and_empty_values() -> None:
    assert parse(f"20{GS}21BAT 2{GS}") == (Field("20", ""), Field("21", "BAT 2"))


def test_truncated_last_field_keeps_its_rs() -> None:
    assert parse(f"6GDU{RS}") == (Field("6G", "DU", truncated=True),)


def test_unknown_di_strict_and_lenient() -> None:
    text = f"ZZSOMETHING{GS}6GDUPONT"
    with pytest.raises(UnknownFieldError) as info:
        parse(text)
    assert (info.value.field, info.value.position) == ("ZZ", 0)
    assert parse(text, strict=False) == (Field("ZZ", "SOMETHING", known=False),
                                         Field("6G", "DUPONT"))
    assert parse(f"ZZAB{RS}", strict=False) == (Field("ZZ", "AB", True, False),)


def test_unknown_perimeter_reads_everything_raw() -> None:
    assert parse_message(f"24350{GS}6GX", 0, 10, None, strict=False) == (
        Field("24", "350", known=False), Field("6G", "X", known=False))


@pytest.mark.parametrize(
    ("text", "field", "position"),
    [
        ("24350", "24", 5),  # fixed-length field too short
        (f"243{GS}000", "24", 3),  # a separator inside a fixed-length value
        ("6", "6", 0),  # message ends inside a DI
        (f"6GDUPONT{GS}6", "6", 9),
        ("6gDUPONT", "6g", 1),  # a DI is [A-Z0-9]
        (f"{GS}6GDUPONT", f"{GS}6", 0),
        (f"6G{GS}", "6G", 2),  # 6G has a minimum of 1
        ("AD12", "AD", 4),
    ],
)
def test_malformed_fields(text: str, field: str, position: int) -> None:
    with pytest.raises(FieldError) as info:
        parse(text)
    assert (info.value.field, info.value.position) == (field, position)


def test_positions_are_relative_to_the_whole_text() -> None:
    text = "DC04FR0000011E471E47AB01FR" + "E55"
    with pytest.raises(FieldError) as info:
        parse_message(text, 26, len(text))
    assert info.value.position == len(text)


def test_format_separators() -> None:
    fields = [("6H", "M"), ("E4", "APC"), ("6G", "Dupont"), ("E6", "A B")]
    assert format_message(fields) == f"6HM{GS}E4APC6GDUPONT{GS}E6A B"


def test_format_omits_gs_at_maximum_length() -> None:
    assert format_message([("6H", "MADEMOISEL"), ("6G", "X")]) == "6HMADEMOISEL6GX"


def test_format_truncation_cuts_to_max_and_uses_rs_even_last() -> None:
    long_name = "WOLFESCHLEGELSTEINHAUSENBERGERDORFF SENIOR"
    text = format_message([Field("6G", long_name, truncated=True)])
    assert text == f"6G{long_name[:38]}{RS}"
    assert parse(text) == (Field("6G", long_name[:38], truncated=True),)


@pytest.mark.parametrize(
    ("fields", "field", "position"),
    [
        ([("24", "3500")], "24", 4),  # fixed length 5
        ([("6G", "X" * 39)], "6G", 38),
        ([("6G", "")], "6G", 0),
        ([("69", "1503197A")], "69", 7),
        ([("6G", "DU PONT"), ("6H", "M."), ("E4", "APC")], "6H", 1),
        ([Field("69", "15031975", truncated=True)], "69", 8),
        ([Field("0C", "NB2W", truncated=True)], "0C", 4),
        ([("AD", "FFFF")], "AD", 0),
    ],
)
def test_format_refuses_bad_values(fields: list[Field | tuple[str, str]], field: str,
                                   position: int) -> None:
    with pytest.raises(EncodeError) as info:
        format_message(fields)
    assert (info.value.field, info.value.position) == (field, position)


def test_format_refuses_unknown_di() -> None:
    with pytest.raises(UnknownFieldError) as info:
        format_message([("6G", "X"), ("ZZ", "1")])
    assert (info.value.field, info.value.position) == ("ZZ", 1)


_VALUES = {
    "digits": "0123456789", "alpha": "ABCXYZ", "alpha_space": "ABZ ", "names": "ABZ /",
    "alnum": "AZ09", "alnum_space": "AZ09 ", "hex": "0123456789ABCDEF",
    "base32": "AZ27", "printable": "AZ09 ,-/.'",
}


@st.composite
def fields(draw: st.DrawFn) -> Field:
    """A field with a valid, already-normalised value for a catalogue DI."""
    entry = draw(st.sampled_from(sorted(TABLE.values(), key=lambda e: e.di)))
    top = entry.max if entry.max is not None else entry.min + 30
    alphabet = _VALUES[entry.charset.value]
    value = draw(st.text(alphabet, min_size=entry.min, max_size=top))
    if entry.charset.value == "hex":
        value = draw(st.sampled_from(["0000", "1E47", "FFFE", "2279"]))
    truncated = (not entry.fixed and entry.kind != "base32" and draw(st.booleans()))
    return Field(entry.di, value, truncated)


@given(st.lists(fields(), max_size=12))
def test_round_trip(items: list[Field]) -> None:
    text = format_message(items)
    assert parse(text) == tuple(items)
