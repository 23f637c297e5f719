"""Differential test: the engine against a slow day-by-day reference written separately.

Why: the engine is an event loop (sorted events, a single pending full restoration, queues of
restorations, cached month arithmetic). This reference walks every day from the issue date,
applies RULES.md in the order of I7 with no cleverness at all, and must produce the same timeline
for any history, including the 48SI letter and the rules issue 12 changed (R3, R5, I5, I10, I13,
I19).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from registry.points import (
    Course,
    LicenceFacts,
    Offence,
    OffenceClass,
    PointsError,
    compute_points,
)


def plus_months(day: date, months: int) -> date:
    """Art. 641 CPC, written independently of registry.points.add_months."""
    year, month0 = divmod(day.month - 1 + months, 12)
    year += day.year
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


@dataclass
class _Withdrawal:
    index: int
    offence: Offence
    got: int


def reference(
    licence: LicenceFacts, offences: list[Offence], courses: list[Course]
) -> list[tuple[date, int, str, int, object]] | str:
    """Every change of the balance, one day at a time; ``"refused"`` for an impossible letter."""
    years, inc = (
        ((2, 3) if licence.accompanied_driving else (3, 2)) if licence.probationary else (0, 0)
    )
    p_end = plus_months(licence.issued, 12 * years) if years else None
    balance = ceiling = 6 if years else 12
    out: list[tuple[date, int, str, int, object]] = [
        (licence.issued, balance, "initial", balance, None)
    ]
    losing = [o for o in offences if o.points > 0]
    commits = [o.committed for o in losing]

    def committed_in(after: date, until: date) -> bool:
        return any(after < c <= until for c in commits)

    done: list[_Withdrawal] = []
    caps: dict[object, int] = {}
    six_given: set[int] = set()
    pending: tuple[date, date, int, object] | None = None
    heavy = False
    last_full: date | None = None
    last_twelve: date | None = None  # I10 (F1685): the last day the balance came back to 12
    last_course_start: date | None = None
    reached_zero = False
    horizon = max([o.effective for o in losing] + [c.end for c in courses] + [licence.issued])
    horizon = plus_months(horizon, 12 * 13)
    day = licence.issued
    while day <= horizon:
        # I7: increment, full, 10 years, 6 months, course, withdrawals.
        for k in range(1, years + 1):
            if day == plus_months(licence.issued, 12 * k):
                if not any(c <= day for c in commits):
                    ceiling += inc
                    gain = min(inc, ceiling - balance)
                    if gain:
                        balance += gain
                        out.append((day, gain, "probation_increment", balance, None))
                if k == years:
                    ceiling = 12
        if pending is not None and pending[0] == day:
            _, eff, months, ref = pending
            pending = None
            if balance and not committed_in(eff, plus_months(eff, months)):
                last_full, heavy = day, False
                if balance < 12:
                    reason = "3_years" if months == 36 else "2_years"
                    out.append((day, 12 - balance, reason, 12, ref))
                    balance = 12
        for w in done:
            o = w.offence
            if w.got and o.offence_class.ten_year and plus_months(o.effective, 120) == day:
                if last_full is not None and last_full > o.effective:
                    continue
                if last_twelve is not None and last_twelve > o.effective:
                    continue
                if not balance:
                    continue  # I13: at 0 points nothing comes back by itself
                gain = min(w.got - (1 if w.index in six_given else 0), ceiling - balance)
                if gain > 0:
                    balance += gain
                    out.append((day, gain, "10_years", balance, o.ref))
                    last_twelve = day if balance == 12 else last_twelve
        for w in done:
            o = w.offence
            if o.points == 1 and w.got == 1 and plus_months(o.effective, 6) == day:
                if committed_in(o.effective, day):
                    continue
                six_given.add(w.index)
                if 0 < balance < ceiling:
                    balance += 1
                    out.append((day, 1, "6_months", balance, o.ref))
                    last_twelve = day if balance == 12 else last_twelve
        for c in courses:
            if c.end + timedelta(days=1) != day:
                continue
            # I5, F14208: from first day to first day.
            if last_course_start is not None and c.start < plus_months(last_course_start, 12):
                continue
            gain = min(4, ceiling - balance)
            if gain > 0:
                last_course_start = c.start
                balance += gain
                out.append((day, gain, "course", balance, c.ref))
                last_twelve = day if balance == 12 else last_twelve
        for i, o in enumerate(losing):
            if o.effective != day:
                continue
            key = (o.committed, o.occasion)
            room = caps.get(key, 8)
            nominal = min(o.points, room)
            caps[key] = room - nominal
            got = min(nominal, balance)
            done.append(_Withdrawal(i, o, got))
            if not got:
                continue  # I19: no point withdrawn, no effect on the delays
            balance -= got
            out.append((day, -got, "offence", balance, o.ref))
            reached_zero = reached_zero or balance == 0
            heavy = heavy or o.offence_class.heavy
            months = 36 if heavy else 24
            due = plus_months(day, months)
            if p_end is not None and due < p_end:
                due = p_end
            pending = (due, day, months, o.ref)
        if licence.invalidation_notified == day:  # I13: after the day's gains and withdrawals
            if balance == 0:
                return out
            if not reached_zero:
                return "refused"
        day += timedelta(days=1)
    return out


_ORIGIN = date(2012, 1, 1)


@st.composite
def histories(draw: st.DrawFn) -> tuple[LicenceFacts, list[Offence], list[Course]]:
    issued = _ORIGIN + timedelta(days=draw(st.integers(0, 1500)))
    probationary = draw(st.booleans())
    facts = LicenceFacts(issued, probationary, probationary and draw(st.booleans()))
    offences: list[Offence] = []
    courses: list[Course] = []
    for n in range(draw(st.integers(0, 10))):
        day = issued + timedelta(days=draw(st.integers(0, 3000)))
        if draw(st.integers(0, 3)) == 0:
            courses.append(Course(day, day + timedelta(days=1), ref=n))  # R223-5
        else:
            # Few distinct days, so that simultaneous offences and same-day ties happen often.
            if offences and draw(st.booleans()):
                day = draw(st.sampled_from([o.committed for o in offences]))
            eff = day + timedelta(days=draw(st.sampled_from([0, 0, 1, 30, 183, 400, 800])))
            cls = draw(st.sampled_from(list(OffenceClass)))
            points = 6 if cls is OffenceClass.DELIT else draw(st.integers(0, 6))  # L223-2 I
            offences.append(Offence(day, eff, points, cls, ref=n))
    if offences and draw(st.booleans()):  # a 48SI letter, some time after an offence
        letter = draw(st.sampled_from([o.effective for o in offences]))
        letter += timedelta(days=draw(st.sampled_from([0, 1, 20, 60, 400])))
        facts = LicenceFacts(facts.issued, facts.probationary, facts.accompanied_driving, letter)
    return facts, offences, courses


@settings(max_examples=150, deadline=None)
@given(histories())
def test_engine_matches_the_day_by_day_reference(
    case: tuple[LicenceFacts, list[Offence], list[Course]],
) -> None:
    facts, offences, courses = case
    expected = reference(facts, offences, courses)
    try:
        result = compute_points(facts, offences, courses, asof=date(2100, 1, 1))
    except PointsError as exc:
        assert exc.field == "invalidation_notified"
        assert expected == "refused"
        return
    got = [(e.date, e.delta, e.reason.value, e.balance, e.event) for e in result.ledger]
    assert got == expected
