"""Where the engine parted from the law (issue 12): one test per departure, each citing its source.

The worked example of issue 12 point 1 and its three variants, simultaneous offences as one
occasion, the course year of service-public F14208, the two open readings decided in RULES.md
(I10, I19), and the facts that cannot happen (R3, R9).
"""

from __future__ import annotations

from datetime import date

import pytest

from registry.points import (
    Course,
    LicenceFacts,
    Offence,
    OffenceClass,
    PointsError,
    PointsResult,
    PointsStatus,
    compute_points,
)
from registry.scenario import ScenarioError, parse_scenario, run_scenario

D = date.fromisoformat
C3, C4, C5, DELIT = OffenceClass.C3, OffenceClass.C4, OffenceClass.C5, OffenceClass.DELIT

# Issue 12, point 1: 12 points; C4 -4 effective 2024-02-01; délit -6 effective 2024-05-02; C4 -4
# effective 2024-07-01 (the balance reaches 0, the last C4 taking the 2 points left).
EXAMPLE = [
    Offence(D("2024-01-10"), D("2024-02-01"), 4, C4, ref=0),
    Offence(D("2024-03-10"), D("2024-05-02"), 6, DELIT, ref=1),
    Offence(D("2024-06-01"), D("2024-07-01"), 4, C4, ref=2),
]
LETTER = D("2024-08-20")  # the 48SI letter received
COURSE = Course(D("2024-07-15"), D("2024-07-16"), ref=3)


def example(courses: list[Course], asof: str, letter: date | None = LETTER) -> PointsResult:
    return compute_points(LicenceFacts(D("2010-01-01"), invalidation_notified=letter),
                          EXAMPLE, courses, asof=D(asof))  # fmt: skip


def ledger(result: PointsResult) -> list[tuple[str, int, str, int]]:
    return [(e.date.isoformat(), e.delta, e.reason.value, e.balance) for e in result.ledger]


ZERO = [("2010-01-01", 12, "initial", 12), ("2024-02-01", -4, "offence", 8),
        ("2024-05-02", -6, "offence", 2), ("2024-07-01", -2, "offence", 0)]  # fmt: skip


# --- 1. The 48SI window: L223-5 I, R223-3 III; CE 29/09/2023 n° 461479; CE 17/04/2025 n° 492072 ---


def test_48si_course_between_zero_and_the_letter_counts() -> None:
    """CE n° 461479: the course completed before the 48SI is notified counts, after the
    withdrawal: 4 points from 17 July 2024 (R223-8 III) and a valid licence."""
    result = example([COURSE], asof="2024-09-01")
    assert (result.balance, result.status) == (4, PointsStatus.VALID)
    assert ledger(result) == [*ZERO, ("2024-07-17", 4, "course", 4)]
    assert result.invalidated_on is None
    assert [(r.date.isoformat(), r.points, r.reason.value) for r in result.calendar] == [
        ("2027-07-01", 8, "3_years")  # L223-6 al. 2: C4 and délit, 3 years from 2024-07-01
    ]


def test_48si_without_the_course_invalidated_from_receipt() -> None:
    """L223-5 I, R223-3 III: the right to drive is lost on receipt of the 48SI, 20 August."""
    before = example([], asof="2024-08-19")
    on_receipt = example([], asof="2024-08-20")
    assert (on_receipt.balance, on_receipt.status) == (0, PointsStatus.INVALIDATED)
    assert on_receipt.invalidated_on == LETTER
    assert before.status is PointsStatus.INVALIDATION_PENDING
    assert ledger(on_receipt) == ZERO and on_receipt.calendar == ()


def test_48si_before_the_letter_pending() -> None:
    """Balance 0 on 2024-07-01 but no letter received yet: invalidation_pending (the status the
    contract of issue 12 names), with or without a known letter date."""
    for letter in (LETTER, None):
        result = example([], asof="2024-07-20", letter=letter)
        assert (result.balance, result.status) == (0, PointsStatus.INVALIDATION_PENDING)
        assert result.invalidated_on is None
        assert result.calendar == ()  # I13: at 0 nothing comes back by itself


def test_48si_course_after_the_letter_credits_nothing() -> None:
    """CE 17/04/2025 n° 492072: once the 48SI is notified the course's points are refused."""
    result = example([Course(D("2024-08-26"), D("2024-08-27"))], asof="2024-09-01")
    assert (result.balance, result.status) == (0, PointsStatus.INVALIDATED)
    assert ledger(result) == ZERO


def test_48si_course_ending_on_the_day_of_receipt_is_too_late() -> None:
    """RULES I13: completed before receipt means its last day before the day of receipt."""
    late = example([Course(D("2024-08-19"), D("2024-08-20"))], asof="2024-09-01")
    in_time = example([Course(D("2024-08-18"), D("2024-08-19"))], asof="2024-09-01")
    assert late.status is PointsStatus.INVALIDATED
    assert (in_time.balance, in_time.status) == (4, PointsStatus.VALID)
    assert ledger(in_time)[-1] == ("2024-08-20", 4, "course", 4)  # the day of receipt: gains first


def test_48si_letter_without_a_zero_balance_is_refused() -> None:
    """R223-3 III: the letter notifies the loss of all points; RULES I21."""
    with pytest.raises(PointsError) as err:
        compute_points(LicenceFacts(D("2010-01-01"), invalidation_notified=D("2024-06-01")),
                       EXAMPLE, asof=D("2024-09-01"))  # fmt: skip
    assert err.value.field == "invalidation_notified"


# --- 2. Simultaneous = one occasion: L223-2 III, R223-2 ----------------------------------------


def scenario(events: list[dict[str, object]], **licence: object) -> dict[str, object]:
    return run_scenario(parse_scenario({
        "name": "s", "licence": {"issued": "2010-01-01", **licence},
        "events": events, "asof": "2024-05-01",
    }))  # fmt: skip


def c4(place: str | None) -> dict[str, object]:
    event: dict[str, object] = {"type": "offence", "date": "2024-03-05",
                                "effective": "2024-04-01", "points": 4, "class": "C4"}  # fmt: skip
    if place is not None:
        event["place"] = place
    return event


@pytest.mark.parametrize(("places", "balance", "status"), [
    (("Lyon", "Vienne", "Valence"), 0, "invalidation_pending"),  # three occasions: 12
    (("Lyon", "Lyon", "Lyon"), 4, "valid"),  # one occasion: capped at 8
    ((None, None, None), 4, "valid"),  # both absent: one occasion
    (("Lyon", " LYON ", None), 0, "invalidation_pending"),  # equal places, and one without
])
def test_simultaneous_means_one_date_and_one_place(
    places: tuple[str | None, ...], balance: int, status: str
) -> None:
    out = scenario([c4(p) for p in places])
    assert (out["balance"], out["status"]) == (balance, status)


# --- 3. The course year: L223-6 al. 4, service-public F14208 (2025) ---------------------------


def test_course_year_counts_first_day_to_first_day() -> None:
    """F14208: a course on 1-2 October 2025 allows the next one from 1 October 2026."""
    offences = [Offence(D("2025-01-10"), D("2025-02-01"), 6, DELIT),
                Offence(D("2026-01-10"), D("2026-02-01"), 4, C4)]  # fmt: skip
    first = Course(D("2025-10-01"), D("2025-10-02"))
    for start, credited in (("2026-09-30", False), ("2026-10-01", True)):
        nxt = Course(D(start), D(start) + (D("2025-10-02") - D("2025-10-01")))
        result = compute_points(LicenceFacts(D("2010-01-01")), offences, [first, nxt],
                                asof=D("2026-12-01"))  # fmt: skip
        courses = [e for e in result.ledger if e.reason.value == "course"]
        assert len(courses) == (2 if credited else 1), start


# --- 4. The open readings decided in RULES.md -------------------------------------------------


def test_i10_no_ten_year_return_after_the_balance_came_back_to_12() -> None:
    """L223-6 last al. read with F1685 (2025): « ne pas être revenu à 12 points »."""
    # A C3 of 3 points, then 1-point offences each committed within 2 years of the previous
    # payment (no full restoration, L223-6 al. 1) whose points come back after 6 months.
    offences = [Offence(D("2012-01-10"), D("2012-02-01"), 3, C3)]
    offences += [Offence(D(c), D(e), 1, OffenceClass.C2) for c, e in (
        ("2013-12-01", "2014-01-01"), ("2015-11-01", "2015-12-01"), ("2017-10-01", "2017-11-01"),
        ("2019-09-01", "2019-10-01"), ("2021-08-01", "2021-09-01"))]  # fmt: skip
    back_to_12 = compute_points(LicenceFacts(D("2005-01-01")), offences,
                                [Course(D("2012-03-01"), D("2012-03-02"))], asof=D("2023-01-01"))
    assert "10_years" not in [e.reason.value for e in back_to_12.ledger]
    never_12 = compute_points(LicenceFacts(D("2005-01-01")), offences, asof=D("2023-01-01"))
    assert ("2022-02-01", 3, "10_years") in [
        (e.date.isoformat(), e.delta, e.reason.value) for e in never_12.ledger
    ]


def test_i19_capped_c5_does_not_make_the_delay_three_years() -> None:
    """L223-6 al. 2: « l'une des infractions ayant entraîné un retrait de points »."""
    offences = [Offence(D("2025-03-30"), D("2025-04-09"), 4, C3),
                Offence(D("2025-03-30"), D("2025-04-29"), 4, C3),
                Offence(D("2025-03-30"), D("2025-10-16"), 3, C5)]  # fmt: skip
    result = compute_points(LicenceFacts(D("2010-01-01")), offences, asof=D("2025-11-01"))
    assert [(r.date.isoformat(), r.points, r.reason.value) for r in result.calendar] == [
        ("2027-04-29", 8, "2_years")
    ]


# --- 5. Facts that cannot happen: L223-2 I, R223-5 ---------------------------------------------


@pytest.mark.parametrize("points", [0, 1, 4, 5])
def test_a_delit_is_six_points(points: int) -> None:
    with pytest.raises(PointsError) as err:
        compute_points(LicenceFacts(D("2010-01-01")),
                       [Offence(D("2024-01-01"), D("2024-01-02"), points, DELIT)],
                       asof=D("2024-06-01"))  # fmt: skip
    assert (err.value.field, err.value.position) == ("points", 0)


@pytest.mark.parametrize("end", ["2024-03-01", "2024-03-03", "2024-03-10"])
def test_a_course_is_two_consecutive_days(end: str) -> None:
    with pytest.raises(PointsError) as err:
        compute_points(LicenceFacts(D("2010-01-01")), [],
                       [Course(D("2024-03-01"), D(end))], asof=D("2024-06-01"))  # fmt: skip
    assert (err.value.field, err.value.position) == ("end", 0)
    with pytest.raises(ScenarioError, match=r"events\[0\]\.end"):
        parse_scenario({"name": "c", "licence": {"issued": "2010-01-01"}, "asof": "2024-06-01",
                        "events": [{"type": "course", "start": "2024-03-01", "end": end}]})


def test_48si_received_the_day_the_balance_reaches_zero() -> None:
    """RULES I13: the letter is applied at the end of its day, after that day's payments."""
    result = example([], asof="2024-07-01", letter=D("2024-07-01"))
    assert (result.balance, result.status) == (0, PointsStatus.INVALIDATED)
    assert result.invalidated_on == D("2024-07-01")
