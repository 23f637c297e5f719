"""Tests of the C40 header, versions 01 to 04 (§3.3.1–§3.3.3)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from twoddoc.errors import EncodeError, HeaderError
from twoddoc.header import (
    HEADER_LENGTHS,
    Header,
    _parse_header_checked,
    format_header,
    parse_header,
)

# The spec's own header examples (§3.3.1 p.17, §3.3.2 p.18, §3.3.3 p.19).
EXAMPLES = {
    "DC02FR0AXT4A0E840E8A01": Header(2, "FR0A", "XT4A", date(2010, 3, 5), date(2010, 3, 11),
                                     "01", "01", None),
    "DC03FR0AXT4A0E840E8A0101": Header(3, "FR0A", "XT4A", date(2010, 3, 5), date(2010, 3, 11),
                                       "01", "01", None),
    "DC04FR0AXT4A0E840E8A0101FR": Header(4, "FR0A", "XT4A", date(2010, 3, 5),
                                         date(2010, 3, 11), "01", "01", "FR"),
}


@pytest.mark.parametrize(("text", "header"), EXAMPLES.items())
def test_spec_examples(text: str, header: Header) -> None:
    assert parse_header(text) == header
    assert parse_header(text + "26FR") == header  # the message may follow
    assert format_header(header) == text
    assert header.length == len(text)


def test_v01_reads_perimeter_01_and_no_country() -> None:
    header = parse_header("DC01FR000001125E125C00")
    assert (header.version, header.perimeter, header.country) == (1, "01", None)
    assert header.doc_type == "00"


def test_undated_document() -> None:
    header = parse_header("DC04FR000001FFFF1EBE1601FR")
    assert header.emission_date is None
    assert header.signature_date == date(2021, 7, 19)  # 0x1EBE = 7870 days


@pytest.mark.parametrize(
    ("text", "field", "position"),
    [
        ("", "marker", 0),
        ("XC04FR0AXT4A0E840E8A0101FR", "marker", 0),
        ("DX04FR0AXT4A0E840E8A0101FR", "marker", 1),
        ("\xdc\x04\x7b\xaf", "marker", 0),  # binary header, §3.3.4
        ("DC", "version", 2),
        ("DC05FR0AXT4A0E840E8A0101FR", "version", 2),
        ("DC00FR0AXT4A0E840E8A0101FR", "version", 2),
        ("DC4 FR0AXT4A0E840E8A0101FR", "version", 2),
        ("DC04fr0AXT4A0E840E8A0101FR", "ca_id", 4),
        ("DC04FR0AX-4A0E840E8A0101FR", "cert_id", 9),
        ("DC04FR0AXT4A0E8G0E8A0101FR", "emission_date", 15),
        ("DC04FR0AXT4A0e840E8A0101FR", "emission_date", 13),
        ("DC04FR0AXT4A0E840E8Z0101FR", "signature_date", 19),
        ("DC04FR0AXT4A0E840E8A0\x1d01FR", "doc_type", 21),
        ("DC04FR0AXT4A0E840E8A01 1FR", "perimeter", 22),
        ("DC04FR0AXT4A0E840E8A01011R", "country", 24),
        ("DC04FR0AXT4A0E840E8A0101F", "country", 25),  # truncated: position = length
        ("DC03FR0AXT4A0E840E8A01", "perimeter", 22),
        ("DC02FR0AXT4A0E84", "signature_date", 16),
        ("DC02FR0A", "cert_id", 8),
    ],
)
def test_bad_headers_name_field_and_position(text: str, field: str, position: int) -> None:
    with pytest.raises(HeaderError) as info:
        parse_header(text)
    assert (info.value.field, info.value.position) == (field, position)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        (Header(5, "FR00", "0001", None, None, "AB", "01", "FR"), "version"),
        (Header(4, "FR0", "0001", None, None, "AB", "01", "FR"), "ca_id"),
        (Header(4, "FR00", "00011", None, None, "AB", "01", "FR"), "cert_id"),
        (Header(4, "FR00", "0001", None, None, "ab", "01", "FR"), "doc_type"),
        (Header(4, "FR00", "0001", None, None, "AB", "01", None), "country"),
        (Header(4, "FR00", "0001", None, None, "AB", "01", "F1"), "country"),
        (Header(3, "FR00", "0001", None, None, "AB", "01", "FR"), "country"),
        (Header(2, "FR00", "0001", None, None, "AB", "02", None), "perimeter"),
        (Header(4, "FR00", "0001", date(1999, 1, 1), None, "AB", "01", "FR"), "emission_date"),
    ],
)
def test_format_refuses_what_the_header_cannot_carry(header: Header, field: str) -> None:
    with pytest.raises(EncodeError) as info:
        format_header(header)
    assert info.value.field == field


_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


@st.composite
def headers(draw: st.DrawFn) -> Header:
    """Any header the spec allows, version 01 to 04."""
    version = draw(st.integers(1, 4))
    ident = st.text(_ALNUM, min_size=4, max_size=4)
    day = st.none() | st.dates(min_value=date(2000, 1, 1), max_value=date(2179, 6, 4))
    return Header(
        version, draw(ident), draw(ident), draw(day), draw(day),
        draw(st.text(_ALNUM, min_size=2, max_size=2)),
        draw(st.text(_ALNUM, min_size=2, max_size=2)) if version >= 3 else "01",
        draw(st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2))
        if version == 4 else None,
    )


@given(headers())
def test_round_trip(header: Header) -> None:
    text = format_header(header)
    assert len(text) == HEADER_LENGTHS[header.version]
    assert parse_header(text) == header


@given(st.sampled_from(["DC01", "DC02", "DC03", "DC04", "DC05", "dc04", "DC4"]),
       st.text(alphabet="FR0A1Z9EfeG \x1d\xc9", max_size=24))
def test_parse_is_strict_and_exact(prefix: str, rest: str) -> None:
    text = prefix + rest
    try:
        header = parse_header(text)
    except HeaderError as exc:
        assert 0 <= exc.position <= len(text)
    else:
        # Whatever is accepted is written back identically: nothing was repaired or guessed.
        assert format_header(header) == text[:header.length]


def test_memoised_dates_never_let_a_bad_header_through() -> None:
    # The date pair is memoised by its exact 8 characters: a header read before must not make
    # a lower-case or truncated variant acceptable, and the cached dates must stay right.
    good = "DC04FR0AXT4A0E840E8A0101FR"
    for _ in range(2):
        assert parse_header(good) == EXAMPLES[good]
    for text, field, position in (("DC04FR0AXT4A0e840E8A0101FR", "emission_date", 13),
                                  ("DC04FR0AXT4A0E840E8A01", "perimeter", 22),
                                  ("DC04FR0AXT4A0E840E8A0101fR", "country", 24)):
        with pytest.raises(HeaderError) as info:
            parse_header(text)
        assert (info.value.field, info.value.position) == (field, position)
    # 0x2279 = 8825 days after 2000-01-01 is 29 February 2024; 0x227A is 1 March.
    leap = parse_header("DC03FR0AXT4A2279227A0101")
    assert (leap.emission_date, leap.signature_date) == (date(2024, 2, 29), date(2024, 3, 1))
    swapped = parse_header("DC03FR0AXT4A227A22790101")
    assert (swapped.emission_date, swapped.signature_date) == (date(2024, 3, 1), date(2024, 2, 29))


def _outcome(parse: object, text: str) -> object:
    try:
        return parse(text)  # type: ignore[operator]
    except HeaderError as exc:
        return (type(exc), exc.field, exc.position, exc.message)


@given(st.sampled_from(["DC01", "DC02", "DC03", "DC04", "DC05", "DC4 "]),
       st.text(alphabet="FR0A1EF9e\x1d", min_size=0, max_size=10),
       st.sampled_from(["0E840E8A", "FFFF1EBE", "22792279", "0e840E8A", "0E84", "GGGG0000"]),
       st.text(alphabet="AB01FRr ", max_size=8))
def test_fast_header_path_agrees_with_the_checked_one(lead: str, ids: str, dates: str,
                                                      tail: str) -> None:
    # parse_header's shortcut (memoised dates, one lookup) must accept exactly what the
    # field-by-field parser accepts, with the same header, and leave every refusal to it.
    text = lead + ids[:8].ljust(8, "0") + dates + tail
    for _ in range(2):  # the second pass reads the memoised dates
        assert _outcome(parse_header, text) == _outcome(_parse_header_checked, text)
