"""Differential test: the engine against a slow day-by-day reference written separately.

Why: the engine is an optimised event loop (a heap, a single pending full restoration, cached
month arithmetic). This reference walks every day from the issue date, applies RULES.md in the
order of I7 with no cleverness at all, and must produce the same timeline for any history.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from registry.points import Course, LicenceFacts, Offence, OffenceClass, compute_points


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
) -> list[tuple[date, int, str, int, object]]:
    """Every change of the balance, one day at a time."""
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
    last_course_end: date | None = None
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
            if not committed_in(eff, plus_months(eff, months)):
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
                gain = min(w.got - (1 if w.index in six_given else 0), ceiling - balance)
                if gain > 0:
                    balance += gain
                    out.append((day, gain, "10_years", balance, o.ref))
        for w in done:
            o = w.offence
            if o.points == 1 and w.got == 1 and plus_months(o.effective, 6) == day:
                if committed_in(o.effective, day):
                    continue
                six_given.add(w.index)
                if balance < ceiling:
                    balance += 1
                    out.append((day, 1, "6_months", balance, o.ref))
        for c in courses:
            if c.end + timedelta(days=1) != day:
                continue
            if last_course_end is not None and c.start <= plus_months(last_course_end, 12):
                continue
            gain = min(4, ceiling - balance)
            if gain > 0:
                last_course_end = c.end
                balance += gain
                out.append((day, gain, "course", balance, c.ref))
        for i, o in enumerate(losing):
            if o.effective != day:
                continue
            key = (o.committed, o.occasion)
            room = caps.get(key, 8)
            nominal = min(o.points, room)
            caps[key] = room - nominal
            got = min(nominal, balance)
            done.append(_Withdrawal(i, o, got))
            if got:
                balance -= got
                out.append((day, -got, "offence", balance, o.ref))
            if balance == 0:
                return out
            heavy = heavy or o.offence_class.heavy
            months = 36 if heavy else 24
            due = plus_months(day, months)
            if p_end is not None and due < p_end:
                due = p_end
            pending = (due, day, months, o.ref)
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
            end = day + timedelta(days=draw(st.integers(0, 1)))
            courses.append(Course(day, end, ref=n))
        else:
            # Few distinct days, so that simultaneous offences and same-day ties happen often.
            if offences and draw(st.booleans()):
                day = draw(st.sampled_from([o.committed for o in offences]))
            eff = day + timedelta(days=draw(st.sampled_from([0, 0, 1, 30, 183, 400, 800])))
            cls = draw(st.sampled_from(list(OffenceClass)))
            offences.append(Offence(day, eff, draw(st.integers(0, 6)), cls, ref=n))
    return facts, offences, courses


@settings(max_examples=150, deadline=None)
@given(histories())
def test_engine_matches_the_day_by_day_reference(
    case: tuple[LicenceFacts, list[Offence], list[Course]],
) -> None:
    facts, offences, courses = case
    expected = reference(facts, offences, courses)
    result = compute_points(facts, offences, courses, asof=date(2100, 1, 1))
    got = [(e.date, e.delta, e.reason.value, e.balance, e.event) for e in result.ledger]
    assert got == expected
