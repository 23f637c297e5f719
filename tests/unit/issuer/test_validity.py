"""ADCS expiry: issue date + 4 calendar months, clamped to the month's end."""

from datetime import date

import pytest

from issuer.validity import adcs_expiry, add_months


@pytest.mark.parametrize(
    ("issued", "expires"),
    [
        (date(2026, 10, 31), date(2027, 2, 28)),  # month end, common year
        (date(2027, 10, 31), date(2028, 2, 29)),  # month end, leap year
        (date(2027, 10, 29), date(2028, 2, 29)),
        (date(2027, 10, 30), date(2028, 2, 29)),
        (date(2028, 2, 29), date(2028, 6, 29)),  # issued on 29 February
        (date(2026, 6, 30), date(2026, 10, 30)),
        (date(2026, 8, 31), date(2026, 12, 31)),
        (date(2026, 9, 30), date(2027, 1, 30)),
        (date(2026, 1, 15), date(2026, 5, 15)),
    ],
)
def test_adcs_expiry_month_end_rule(issued: date, expires: date) -> None:
    assert adcs_expiry(issued) == expires


def test_add_months_backwards_from_29_february() -> None:
    assert add_months(date(2028, 2, 29), -12) == date(2027, 2, 28)
    assert add_months(date(2028, 2, 29), -120) == date(2018, 2, 28)
