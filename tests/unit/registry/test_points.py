"""The points engine, one test (or a few) per rule R… and interpretation I… of registry/RULES.md."""

from __future__ import annotations

from datetime import date

import pytest

from registry.points import (
    Course,
    LedgerReason,
    LicenceFacts,
    Offence,
    OffenceClass,
    PointsError,
    PointsResult,
    PointsStatus,
    add_months,
    compute_points,
)

D = date.fromisoformat
C1, C2, C3, C4, C5, DELIT = (OffenceClass(c) for c in ("C1", "C2", "C3", "C4", "C5", "DELIT"))


def off(
    committed: str, effective: str | None, points: int, cls: OffenceClass, ref: object = None
) -> Offence:
    return Offence(D(committed), D(effective or committed), points, cls, ref=ref)


def run(
    issued: str,
    offences: list[Offence] = (),  # type: ignore[assignment]
    courses: list[Course] = (),  # type: ignore[assignment]
    *,
    asof: str,
    probationary: bool = False,
    aac: bool = False,
    notified: str | None = None,
) -> PointsResult:
    letter = D(notified) if notified else None
    return compute_points(
        LicenceFacts(D(issued), probationary, aac, letter), offences, courses, asof=D(asof)
    )


def course(start: str, end: str) -> Course:
    return Course(D(start), D(end))


def changes(result: PointsResult) -> list[tuple[str, int, str]]:
    return [(e.date.isoformat(), e.delta, e.reason.value) for e in result.ledger]


def calendar(result: PointsResult) -> list[tuple[str, int, str]]:
    return [(r.date.isoformat(), r.points, r.reason.value) for r in result.calendar]


# --- I1: art. 641 CPC month arithmetic -----------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2024-03-15", 6, "2024-09-15"),
        ("2023-08-31", 6, "2024-02-29"),
        ("2024-08-31", 6, "2025-02-28"),
        ("2024-02-29", 24, "2026-02-28"),
        ("2024-02-29", 12, "2025-02-28"),
        ("2024-02-29", 48, "2028-02-29"),
        ("2023-10-31", 1, "2023-11-30"),
        ("2099-12-31", 2, "2100-02-28"),
        ("2000-01-31", 1, "2000-02-29"),
        ("2024-12-15", 120, "2034-12-15"),
    ],
)
def test_i1_add_months_same_day_or_month_end(start: str, months: int, expected: str) -> None:
    assert add_months(D(start), months) == D(expected)


def test_i1_six_month_point_on_a_month_end() -> None:
    result = run("2010-01-01", [off("2023-08-01", "2023-08-31", 1, C3)], asof="2024-02-29")
    assert changes(result)[-1] == ("2024-02-29", 1, "6_months")
    assert result.balance == 12


def test_i1_full_restoration_from_29_february() -> None:
    result = run("2010-01-01", [off("2024-02-01", "2024-02-29", 2, C3)], asof="2026-02-27")
    assert result.balance == 10
    assert calendar(result) == [("2026-02-28", 2, "2_years")]


# --- R1, R2: ceiling and effective date --------------------------------------------------------


def test_r1_initial_balance_and_ceiling() -> None:
    result = run("2010-05-05", asof="2024-01-01")
    assert (result.balance, result.status, result.ceiling) == (12, PointsStatus.VALID, 12)
    assert changes(result) == [("2010-05-05", 12, "initial")]


def test_r1_course_never_goes_above_twelve() -> None:
    result = run(
        "2010-01-01",
        [off("2024-01-01", "2024-01-10", 2, C3)],
        [course("2024-02-01", "2024-02-02")],
        asof="2024-03-01",
    )
    assert changes(result)[-1] == ("2024-02-03", 2, "course")
    assert result.balance == 12


def test_r2_points_leave_on_the_effective_date_not_the_offence_date() -> None:
    offences = [off("2024-01-10", "2024-03-20", 3, C4)]
    assert run("2010-01-01", offences, asof="2024-03-19").balance == 12
    after = run("2010-01-01", offences, asof="2024-03-20")
    assert after.balance == 9
    assert changes(after)[-1] == ("2024-03-20", -3, "offence")


# --- R3: points per offence (input checks) -----------------------------------------------------


@pytest.mark.parametrize(("points", "field"), [(-1, "points"), (7, "points")])
def test_r3_points_outside_zero_to_six_are_refused(points: int, field: str) -> None:
    with pytest.raises(PointsError) as err:
        run(
            "2010-01-01",
            [off("2024-01-01", None, 1, C3), off("2024-02-01", None, points, C4)],
            asof="2024-06-01",
        )
    assert (err.value.field, err.value.position) == (field, 1)


def test_r3_zero_point_offence_withdraws_nothing_and_interrupts_nothing() -> None:
    result = run(
        "2010-01-01",
        [off("2024-01-01", None, 1, C3), off("2024-03-01", None, 0, C4)],
        asof="2024-07-01",
    )
    assert changes(result)[1:] == [("2024-01-01", -1, "offence"), ("2024-07-01", 1, "6_months")]


# --- R4, I3, I9: simultaneous offences ---------------------------------------------------------


def test_r4_simultaneous_offences_withdraw_at_most_eight() -> None:
    offences = [off("2024-05-05", "2024-06-01", 6, DELIT), off("2024-05-05", "2024-06-01", 4, C4)]
    result = run("2010-01-01", offences, asof="2024-06-01")
    assert result.balance == 4
    assert [e.delta for e in result.ledger[1:]] == [-6, -2]


def test_i3_same_date_is_simultaneous_even_when_effective_dates_differ() -> None:
    offences = [off("2024-05-05", "2024-06-01", 4, C4), off("2024-05-05", "2024-09-01", 6, DELIT)]
    result = run("2010-01-01", offences, asof="2024-09-01")
    assert changes(result)[1:] == [("2024-06-01", -4, "offence"), ("2024-09-01", -4, "offence")]


def test_i3_different_dates_are_successive_and_not_capped() -> None:
    offences = [off("2024-05-05", "2024-06-01", 6, DELIT), off("2024-05-06", "2024-06-01", 4, C4)]
    assert run("2010-01-01", offences, asof="2024-06-01").balance == 2


def test_i3_registry_occasion_separates_two_places_on_one_day() -> None:
    same_day = [
        Offence(D("2024-05-05"), D("2024-06-01"), 6, DELIT, occasion="paris"),
        Offence(D("2024-05-05"), D("2024-06-01"), 4, C4, occasion="lyon"),
    ]
    result = compute_points(LicenceFacts(D("2010-01-01")), same_day, asof=D("2024-06-01"))
    assert result.balance == 2


def test_i9_probationary_cap_is_still_eight_points() -> None:
    # Two increments: 10 points at 2024-01-01; 5 + 4 at once withdraw 8, leaving 2.
    offences = [off("2024-02-01", "2024-03-01", 5, C5), off("2024-02-01", "2024-03-01", 4, C4)]
    result = run("2022-01-01", offences, asof="2024-03-01", probationary=True)
    assert result.balance == 2
    assert result.status is PointsStatus.VALID


# --- R5, I13: invalidation ---------------------------------------------------------------------


def test_r5_zero_points_and_the_48si_letter_invalidate_and_nothing_comes_back() -> None:
    # L223-5 I, R223-3 III: invalidated on receipt of the 48SI letter (2024-04-20), not at 0.
    offences = [
        off("2024-01-01", "2024-02-01", 6, DELIT),
        off("2024-03-01", "2024-04-01", 6, DELIT),
        off("2024-05-01", "2024-06-01", 4, C4),
    ]
    result = run("2010-01-01", offences, [course("2024-08-01", "2024-08-02")], asof="2030-01-01",
                 notified="2024-04-20")  # fmt: skip
    assert (result.balance, result.status) == (0, PointsStatus.INVALIDATED)
    assert result.invalidated_on == D("2024-04-20")
    assert result.calendar == ()
    assert changes(result)[-1] == ("2024-04-01", -6, "offence")


def test_r5_balance_floors_at_zero() -> None:
    result = run(
        "2024-01-01",
        [off("2024-02-01", None, 4, C4), off("2024-03-01", None, 4, C4)],
        asof="2024-03-01",
        probationary=True,
    )
    assert result.balance == 0
    assert [e.delta for e in result.ledger] == [6, -4, -2]


def test_i7_course_ending_the_day_before_the_fatal_withdrawal_saves_the_licence() -> None:
    offences = [
        off("2024-01-01", "2024-02-01", 6, DELIT),
        off("2024-03-01", "2024-05-10", 6, DELIT),
    ]
    saved = run("2010-01-01", offences, [course("2024-05-08", "2024-05-09")], asof="2024-05-10")
    assert (saved.balance, saved.status) == (4, PointsStatus.VALID)
    assert changes(saved)[-2:] == [("2024-05-10", 4, "course"), ("2024-05-10", -6, "offence")]


# --- R6, R7, I6, I10: full restoration ---------------------------------------------------------


def test_r6_two_years_after_the_last_withdrawal() -> None:
    offences = [off("2022-01-01", "2022-02-01", 2, C3), off("2023-01-01", "2023-03-15", 3, C3)]
    result = run("2010-01-01", offences, asof="2025-03-15")
    assert changes(result)[-1] == ("2025-03-15", 5, "2_years")
    assert run("2010-01-01", offences, asof="2025-03-14").balance == 7


def test_r7_three_years_when_an_earlier_offence_was_fourth_class() -> None:
    offences = [off("2022-01-01", "2022-02-01", 3, C4), off("2023-01-01", "2023-03-15", 2, C3)]
    result = run("2010-01-01", offences, asof="2023-03-16")
    assert calendar(result) == [("2026-03-15", 5, "3_years")]


@pytest.mark.parametrize(("cls", "points"), [(C4, 4), (C5, 4), (DELIT, 6)])
def test_r7_three_years_for_heavy_classes(cls: OffenceClass, points: int) -> None:
    result = run("2010-01-01", [off("2023-01-01", "2023-03-15", points, cls)], asof="2024-01-01")
    assert calendar(result)[-1] == ("2026-03-15", points, "3_years")


def test_i10_full_restoration_resets_the_three_year_class() -> None:
    # C4 restored in full on 2026-02-01; a later C2 alone then needs only 2 years.
    offences = [off("2023-01-01", "2023-02-01", 3, C4), off("2027-01-01", "2027-02-01", 2, C2)]
    result = run("2010-01-01", offences, asof="2027-02-01")
    assert ("2026-02-01", 3, "3_years") in changes(result)
    assert calendar(result) == [("2029-02-01", 2, "2_years")]


def test_i10_zero_point_full_restoration_still_resets() -> None:
    # A course brings the balance back to 12; the full restoration of 2027-02-01 adds nothing
    # but still ends the C4's influence, so the later C1 comes back after 2 years.
    offences = [off("2024-01-01", "2024-02-01", 3, C4), off("2027-06-01", "2027-06-01", 2, C1)]
    result = run("2010-01-01", offences, [course("2024-03-01", "2024-03-02")], asof="2027-06-01")
    assert [c[2] for c in changes(result)] == ["initial", "offence", "course", "offence"]
    assert calendar(result) == [("2029-06-01", 2, "2_years")]


def test_i6_commission_inside_the_delay_interrupts_even_if_effective_after_it() -> None:
    offences = [off("2022-01-01", "2022-02-01", 2, C3), off("2024-01-15", "2024-06-01", 2, C3)]
    result = run("2010-01-01", offences, asof="2024-05-31")
    assert result.balance == 10  # no full restoration on 2024-02-01
    assert calendar(result) == [("2026-06-01", 4, "2_years")]


def test_i6_offence_committed_before_but_effective_after_the_delay_point() -> None:
    # Second offence committed before the first's effective date, effective after its 2-year
    # point: the restoration happens, then the withdrawal, then a new delay from 2024-03-01.
    offences = [off("2022-01-01", "2022-02-01", 2, C3), off("2022-01-20", "2024-03-01", 3, C3)]
    result = run("2010-01-01", offences, asof="2024-03-01")
    assert changes(result)[-2:] == [("2024-02-01", 2, "2_years"), ("2024-03-01", -3, "offence")]
    assert calendar(result) == [("2026-03-01", 3, "2_years")]


def test_i6_late_effective_old_offence_restarts_the_delay() -> None:
    offences = [off("2022-01-01", "2022-06-01", 2, C3), off("2021-12-01", "2023-01-01", 2, C3)]
    result = run("2010-01-01", offences, asof="2023-01-01")
    assert calendar(result) == [("2025-01-01", 4, "2_years")]


def test_i2_offence_on_the_last_day_interrupts_and_on_the_first_day_does_not() -> None:
    last_day = [off("2022-01-01", "2022-02-01", 2, C3), off("2024-02-01", "2024-02-01", 1, C1)]
    assert "2_years" not in [c[2] for c in changes(run("2010-01-01", last_day, asof="2024-03-01"))]
    first_day = [off("2022-01-01", "2022-02-01", 1, C3), off("2022-02-01", "2022-02-10", 1, C1)]
    result = run("2010-01-01", first_day, asof="2022-08-10")
    assert ("2022-08-01", 1, "6_months") in changes(result)


# --- R8, I12: 6-month point --------------------------------------------------------------------


def test_r8_one_point_back_after_six_months() -> None:
    result = run("2010-01-01", [off("2024-01-05", "2024-03-15", 1, C4)], asof="2024-03-15")
    assert calendar(result) == [("2024-09-15", 1, "6_months")]


def test_r8_new_offence_committed_in_the_interval_blocks_it() -> None:
    offences = [off("2024-01-05", "2024-03-15", 1, C4), off("2024-09-15", "2024-12-01", 2, C3)]
    result = run("2010-01-01", offences, asof="2024-12-01")
    assert "6_months" not in [c[2] for c in changes(result)]


def test_r8_only_for_one_point_offences() -> None:
    result = run("2010-01-01", [off("2024-01-05", "2024-03-15", 2, C3)], asof="2024-03-15")
    assert [c[2] for c in calendar(result)] == ["2_years"]


def test_r8_applies_during_the_probation_within_its_ceiling() -> None:
    result = run(
        "2024-01-01", [off("2024-02-01", "2024-02-10", 1, C4)], asof="2024-08-10", probationary=True
    )
    assert changes(result)[-1] == ("2024-08-10", 1, "6_months")
    assert result.balance == 6


def test_i12_capped_to_zero_gets_no_six_month_point() -> None:
    offences = [
        off("2024-05-05", "2024-06-01", 6, DELIT),
        off("2024-05-05", "2024-06-01", 2, C3),
        off("2024-05-05", "2024-06-01", 1, C4),
    ]
    result = run("2010-01-01", offences, asof="2024-06-01")
    assert [c[2] for c in calendar(result)] == ["3_years"]


# --- R9, I5: courses ---------------------------------------------------------------------------


def test_r9_course_gives_four_points_the_day_after_its_last_day() -> None:
    offences = [off("2024-01-01", None, 6, DELIT)]
    result = run("2010-01-01", offences, [course("2024-04-29", "2024-04-30")], asof="2024-05-01")
    assert changes(result)[-1] == ("2024-05-01", 4, "course")
    assert (
        run("2010-01-01", offences, [course("2024-04-29", "2024-04-30")], asof="2024-04-30").balance
        == 6
    )


def test_i5_course_year_first_day_to_first_day_as_in_f14208() -> None:
    # Service-public F14208 (2025): a course on 1-2 October 2025 allows the next one from
    # 1 October 2026. A course starting 30 September 2026 gives nothing; one starting on
    # 1 October 2026 gives its points (the refused one does not start a year, I5).
    offences = [off("2025-01-01", None, 6, DELIT), off("2025-03-01", None, 4, C4)]
    courses = [
        course("2025-10-01", "2025-10-02"),
        course("2026-09-30", "2026-10-01"),
        course("2026-10-01", "2026-10-02"),
    ]
    result = run("2010-01-01", offences, courses, asof="2026-11-01")
    credited = [c for c in changes(result) if c[2] == "course"]
    assert credited == [("2025-10-03", 4, "course"), ("2026-10-03", 4, "course")]


def test_i5_course_year_from_29_february() -> None:
    offences = [off("2024-01-01", None, 6, DELIT), off("2024-01-02", None, 4, C4)]
    courses = [course("2024-02-29", "2024-03-01"), course("2025-02-28", "2025-03-01")]
    result = run("2010-01-01", offences, courses, asof="2025-04-01")
    assert [c for c in changes(result) if c[2] == "course"] == [
        ("2024-03-02", 4, "course"), ("2025-03-02", 4, "course"),
    ]  # fmt: skip


def test_i5_course_at_full_balance_does_not_start_a_year() -> None:
    offences = [off("2024-06-01", None, 4, C4)]
    courses = [course("2024-02-01", "2024-02-02"), course("2024-07-01", "2024-07-02")]
    result = run("2010-01-01", offences, courses, asof="2024-08-01")
    assert changes(result)[-1] == ("2024-07-03", 4, "course")


def test_r9_course_within_the_probationary_ceiling() -> None:
    result = run(
        "2024-01-01",
        [off("2024-02-01", None, 3, C4)],
        [course("2024-03-01", "2024-03-02")],
        asof="2024-04-01",
        probationary=True,
    )
    assert changes(result)[-1] == ("2024-03-03", 3, "course")


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [("2024-03-02", "2024-03-01", "end"), ("2009-12-30", "2009-12-31", "start")],
)
def test_r9_impossible_courses_are_refused(start: str, end: str, field: str) -> None:
    with pytest.raises(PointsError) as err:
        run(
            "2010-01-01",
            [],
            [course("2020-01-01", "2020-01-02"), course(start, end)],
            asof="2024-04-01",
        )
    assert (err.value.field, err.value.position) == (field, 1)


# --- R10, I11: 10 years ------------------------------------------------------------------------


def _ten_year_history() -> tuple[list[Offence], list[Course]]:
    # A 2-point C2 every 20 months, so no full restoration ever happens, and a course after the
    # 3rd, 5th and 7th to stay above 0.
    offences = [off(add_months(D("2010-01-01"), 20 * k).isoformat(), None, 2, C2) for k in range(9)]
    courses = [
        course(
            add_months(D("2010-03-01"), 20 * k).isoformat(),
            add_months(D("2010-03-02"), 20 * k).isoformat(),
        )
        for k in (2, 4, 6)
    ]
    return offences, courses


def test_r10_points_of_each_contravention_back_after_ten_years() -> None:
    result = run("2005-01-01", *_ten_year_history(), asof="2023-06-01")
    ten = [c for c in changes(result) if c[2] == "10_years"]
    # The C2 of 2010-01-01 comes back on 2020-01-01; the course of 2020-03-01 then brings the
    # balance back to 12, so the later ones are already back (I10, F1685).
    assert ten == [("2020-01-01", 2, "10_years")]


def test_r10_not_for_fifth_class_or_delits() -> None:
    history, courses = _ten_year_history()
    history[0] = off("2010-01-01", None, 2, C5)
    result = run("2005-01-01", history, courses, asof="2023-06-01")
    # The C2 of 2011-09-01 comes back on 2021-09-01 and reaches 12: the next is already back.
    assert [c[0] for c in changes(result) if c[2] == "10_years"] == ["2021-09-01"]


def test_i11_ten_years_skipped_after_a_full_restoration() -> None:
    offences = [off("2010-01-01", None, 2, C2), off("2019-06-01", None, 2, C2)]
    result = run("2005-01-01", offences, asof="2020-06-01")
    assert [c[2] for c in changes(result)] == ["initial", "offence", "2_years", "offence"]


def test_i11_one_point_already_back_after_six_months_is_not_given_twice() -> None:
    history, courses = _ten_year_history()
    # The C2 of 2010-01-01 is committed within the six months: this point waits for 10 years.
    history.insert(0, off("2009-12-01", "2009-12-01", 1, C3))
    result = run("2005-01-01", history, courses, asof="2023-06-01")
    assert ("2019-12-01", 1, "10_years") in changes(result)
    # Alone, the same offence gets its point back after 6 months, and never again after 10 years.
    alone = run("2005-01-01", [history[0]], asof="2023-06-01")
    assert [c[2] for c in changes(alone)] == ["initial", "offence", "6_months"]


# --- R11 to R16, I4, I14, I15: probation --------------------------------------------------------


def test_r11_r12_r13_probation_six_eight_ten_twelve() -> None:
    result = run("2023-02-28", asof="2026-02-28", probationary=True)
    assert changes(result) == [
        ("2023-02-28", 6, "initial"),
        ("2024-02-28", 2, "probation_increment"),
        ("2025-02-28", 2, "probation_increment"),
        ("2026-02-28", 2, "probation_increment"),
    ]
    assert not result.in_probation


def test_r12_aac_three_points_over_two_years_from_29_february() -> None:
    result = run("2024-02-29", asof="2025-03-01", probationary=True, aac=True)
    assert changes(result)[-1] == ("2025-02-28", 3, "probation_increment")
    assert calendar(result) == [("2026-02-28", 3, "probation_increment")]


def test_r12_one_offence_stops_every_later_increment_even_when_its_point_is_back() -> None:
    result = run(
        "2023-01-01", [off("2023-03-01", "2023-04-01", 1, C3)], asof="2025-12-31", probationary=True
    )
    assert [c[2] for c in changes(result)] == ["initial", "offence", "6_months"]
    assert result.balance == 6
    # No increment ever; the 12 come only through L223-6, at the end of the probation (I4).
    assert calendar(result) == [("2026-01-01", 6, "2_years")]


def test_r12_offence_in_year_two_keeps_the_first_increment() -> None:
    result = run(
        "2023-01-01", [off("2024-03-01", "2024-04-01", 3, C4)], asof="2026-06-01", probationary=True
    )
    assert [c[2] for c in changes(result)] == ["initial", "probation_increment", "offence"]
    assert calendar(result) == [("2027-04-01", 7, "3_years")]


def test_i15_offence_on_the_anniversary_blocks_that_increment() -> None:
    result = run(
        "2023-01-01", [off("2024-01-01", "2024-02-01", 1, C3)], asof="2024-01-01", probationary=True
    )
    assert changes(result) == [("2023-01-01", 6, "initial")]


def test_r14_ceiling_during_the_probation_is_six_plus_increments() -> None:
    result = run(
        "2023-01-01",
        [off("2024-02-01", None, 4, C4)],
        [course("2024-03-01", "2024-03-02")],
        asof="2024-03-03",
        probationary=True,
    )
    assert result.ceiling == 8
    assert result.balance == 8


def test_r16_i4_full_restoration_deferred_to_the_end_of_the_probation() -> None:
    # C3 on 2023-02-01: its 2-year date 2025-02-01 falls inside the probation (ends 2026-01-15).
    result = run(
        "2023-01-15", [off("2023-01-20", "2023-02-01", 2, C3)], asof="2025-06-01", probationary=True
    )
    assert result.balance == 4
    assert calendar(result) == [("2026-01-15", 8, "2_years")]


def test_r15_after_the_probation_the_delay_applies_normally() -> None:
    result = run(
        "2023-01-15", [off("2025-06-01", "2025-07-01", 3, C4)], asof="2026-01-15", probationary=True
    )
    assert result.ceiling == 12
    assert calendar(result) == [("2028-07-01", 5, "3_years")]


def test_i14_end_of_probation_raises_the_ceiling_not_the_balance() -> None:
    offences = [off("2025-06-01", "2025-07-01", 4, C4)]
    result = run(
        "2023-01-15",
        offences,
        [course("2026-02-01", "2026-02-02")],
        asof="2026-03-01",
        probationary=True,
    )
    # 10 after two increments, 6 after the offence; no increment on 2026-01-15, but the ceiling
    # is 12 from then on, so the course gives its 4 points in full.
    assert [c[1] for c in changes(result)] == [6, 2, 2, -4, 4]
    assert result.balance == 10


# --- I7, I8: same day, asof --------------------------------------------------------------------


def test_i7_gains_before_losses_on_the_same_day() -> None:
    offences = [off("2024-01-01", "2024-02-01", 6, DELIT), off("2024-03-01", "2024-05-03", 3, C4)]
    result = run("2010-01-01", offences, [course("2024-05-01", "2024-05-02")], asof="2024-05-03")
    assert changes(result)[-2:] == [("2024-05-03", 4, "course"), ("2024-05-03", -3, "offence")]


def test_i8_change_on_asof_is_included_and_the_calendar_starts_after() -> None:
    offences = [off("2024-01-05", "2024-03-15", 1, C4)]
    on_day = run("2010-01-01", offences, asof="2024-09-15")
    assert on_day.balance == 12
    assert [c[2] for c in calendar(on_day)] == []
    before = run("2010-01-01", offences, asof="2024-09-14")
    assert calendar(before)[0] == ("2024-09-15", 1, "6_months")


def test_i16_offence_before_issue_and_effective_before_offence_are_refused() -> None:
    with pytest.raises(PointsError) as err:
        run("2010-01-01", [off("2009-12-31", None, 1, C1)], asof="2024-01-01")
    assert err.value.field == "date"
    with pytest.raises(PointsError) as err:
        run("2010-01-01", [Offence(D("2024-01-02"), D("2024-01-01"), 1, C1)], asof="2024-01-01")
    assert err.value.field == "effective"


def test_i17_event_references_of_automatic_restorations() -> None:
    offences = [off("2024-01-05", "2024-03-15", 1, C4, ref=7)]
    result = run("2010-01-01", offences, asof="2028-01-01")
    assert [(e.reason, e.event) for e in result.ledger] == [
        (LedgerReason.INITIAL, None),
        (LedgerReason.OFFENCE, 7),
        (LedgerReason.SIX_MONTHS, 7),
    ]


def test_i16_wrong_types_are_refused_by_name() -> None:
    with pytest.raises(PointsError) as err:
        compute_points(
            LicenceFacts(D("2010-01-01")),
            [Offence(D("2024-01-01"), None, 1, C1)],  # type: ignore[arg-type]
            asof=D("2024-06-01"),
        )
    assert (err.value.field, err.value.position) == ("effective", 0)
    with pytest.raises(PointsError) as err:
        compute_points(
            LicenceFacts(D("2010-01-01")),
            [Offence(D("2024-01-01"), D("2024-01-02"), 1, "C1")],
            asof=D("2024-06-01"),
        )  # type: ignore[arg-type]
    assert err.value.field == "class"


# --- Input range and types: refused by name, never a ValueError from the calendar ---------------


@pytest.mark.parametrize(("kwargs", "field", "position"), [
    ({"issued": "9900-01-01", "asof": "9899-12-31"}, "issued", None),
    ({"issued": "2020-01-01", "asof": "9900-01-01"}, "asof", None),
    ({"issued": "2020-01-01", "asof": "2021-01-01",
      "offences": [off("2020-06-01", "2020-07-01", 1, C3), off("9990-01-01", None, 1, C2)]},
     "effective", 1),
    ({"issued": "2020-01-01", "asof": "2021-01-01",
      "courses": [course("9999-12-30", "9999-12-31")]}, "end", 0),
])
def test_dates_beyond_the_supported_range_are_refused_by_name(kwargs, field, position):
    with pytest.raises(PointsError) as info:
        run(**kwargs)
    assert info.value.field == field
    assert info.value.position == position
    assert "9899-12-31" in str(info.value)


def test_last_supported_day_still_computes_ten_year_delays():
    result = run("2020-01-01", [off("9899-12-31", None, 2, C3)], asof="9899-12-31")
    assert result.balance == 10
    assert calendar(result)[-1][0] == "9901-12-31"  # 2 years after the last withdrawal (R6)


def test_asof_and_event_dates_must_be_plain_dates():
    from datetime import datetime

    with pytest.raises(PointsError) as info:
        compute_points(LicenceFacts(D("2020-01-01"), False, False), asof="2021-01-01")  # type: ignore[arg-type]
    assert info.value.field == "asof"
    moment = datetime(2020, 6, 1, 12, 0)
    with pytest.raises(PointsError) as info:
        compute_points(LicenceFacts(D("2020-01-01"), False, False),
                       [Offence(moment, moment, 1, C3)], asof=D("2021-01-01"))
    assert info.value.field == "effective" and info.value.position == 0
