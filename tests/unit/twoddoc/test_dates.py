"""Tests of the hex day-count dates of the header and of DIs 06/08/AD/E1-E3 (§3.3.1)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from twoddoc.dates import EPOCH, MAX_DATE, date_to_hex, hex_to_date
from twoddoc.errors import EncodeError, FieldError, HeaderError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0000", date(2000, 1, 1)),
        ("111E", date(2011, 12, 31)),  # the spec's own example, §3.3.1 p.17
        ("0E84", date(2010, 3, 5)),  # header example FR0A/XT4A
        ("0E8A", date(2010, 3, 11)),
        ("1E47", date(2021, 3, 22)),  # reference code of type AB
        ("003B", date(2000, 2, 29)),  # leap day of a century leap year
        ("1F9E", date(2022, 2, 28)),
        ("2279", date(2024, 2, 29)),
        ("227A", date(2024, 3, 1)),
        ("FFFE", MAX_DATE),
    ],
)
def test_hex_to_date_known_values(text: str, expected: date) -> None:
    assert hex_to_date(text) == expected
    assert date_to_hex(expected) == text


def test_ffff_means_no_date() -> None:
    assert hex_to_date("FFFF") is None
    assert date_to_hex(None) == "FFFF"


@pytest.mark.parametrize(("day", "following"), [
    (date(2023, 1, 31), date(2023, 2, 1)),
    (date(2023, 2, 28), date(2023, 3, 1)),
    (date(2024, 2, 28), date(2024, 2, 29)),
    (date(2024, 4, 30), date(2024, 5, 1)),
    (date(2099, 12, 31), date(2100, 1, 1)),
])
def test_month_ends_are_consecutive_hex_days(day: date, following: date) -> None:
    assert int(date_to_hex(following), 16) == int(date_to_hex(day), 16) + 1


@pytest.mark.parametrize(("text", "position"), [("12g4", 2), ("abcd", 0), ("12 4", 2), ("FFF", 3)])
def test_bad_hex_names_the_character(text: str, position: int) -> None:
    with pytest.raises(FieldError) as info:
        hex_to_date(text, field="08", position=0)
    assert info.value.field == "08"
    assert info.value.position == position


def test_error_class_and_offset_are_the_callers() -> None:
    with pytest.raises(HeaderError) as info:
        hex_to_date("12X4", field="emission_date", position=12, error=HeaderError)
    assert info.value.position == 14


@pytest.mark.parametrize("day", [date(1999, 12, 31), MAX_DATE + timedelta(days=1)])
def test_dates_outside_the_range_are_refused(day: date) -> None:
    with pytest.raises(EncodeError) as info:
        date_to_hex(day, field="08")
    assert info.value.field == "08"


@given(st.dates(min_value=EPOCH, max_value=MAX_DATE))
def test_round_trip(day: date) -> None:
    text = date_to_hex(day)
    assert len(text) == 4
    assert text == text.upper()
    assert hex_to_date(text) == day
