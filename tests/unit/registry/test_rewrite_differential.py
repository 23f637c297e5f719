"""Differential run: the rewritten engine against the frozen pre-rewrite engine (issues 11, 12).

Why: issue 11 rewrote ``registry/points.py`` for a reader of the Code de la route and asked for
identical results. Random histories (month ends, 29 February, simultaneous offences, probation
with and without AAC, courses close together, and impossible facts that must be refused the same
way) go through both engines; every field of the result, or the refusal's field and position,
must agree. ``PERMIS2D_DIFFERENTIAL_HISTORIES`` sets how many (the issue's run used 200,000; the
suite runs 20,000, a few seconds).

Issue 12 then changed the law on purpose (RULES.md R3, R5, I5, I10, I13, I19). The generator
keeps to facts both engines accept (a délit is 6 points, a course two consecutive days), and a
history is compared only where none of those departures can act: the old engine never reaches
0 points, no occasion exceeds the 8-point cap, no 10-year restoration occurs, and no two courses
start within the few days where the two readings of « une fois par an » differ.
"""

from __future__ import annotations

import os
import random
from datetime import date, timedelta
from typing import Any

from registry import points as new
from tests.unit.registry import points_pre_rewrite as old

HISTORIES = int(os.environ.get("PERMIS2D_DIFFERENTIAL_HISTORIES", "20000"))
_CLASSES = ("C1", "C2", "C3", "C4", "C5", "DELIT")
_ORIGIN = date(2008, 1, 1)
_MONTH_ENDS = [date(2010 + y, m, 1) - timedelta(days=1) for y in range(12) for m in range(1, 13)]


def _day(rng: random.Random, start: date, span: int) -> date:
    """A day after ``start``, often a month end or 29 February so that art. 641 CPC is probed."""
    if rng.random() < 0.15:
        ends = [d for d in _MONTH_ENDS if d >= start]
        if ends:
            return rng.choice(ends[:60])
    return start + timedelta(days=rng.randint(0, span))


def history(rng: random.Random) -> dict[str, Any]:
    """One random licence with up to 24 events; a few impossible facts on purpose."""
    issued = _day(rng, _ORIGIN, 2500)
    probationary = rng.random() < 0.4
    licence = {"issued": issued, "probationary": probationary,
               "accompanied_driving": probationary and rng.random() < 0.5}  # fmt: skip
    offences: list[tuple[Any, ...]] = []
    courses: list[tuple[date, date]] = []
    dense = rng.random() < 0.3  # long chains of offences: 10-year restorations and their ties
    for _ in range(rng.randint(10, 24) if dense else rng.randint(0, 12)):
        if rng.random() < 0.25:
            start = _day(rng, issued, 4000)
            courses.append((start, start + timedelta(days=1)))  # R223-5: two consecutive days
            continue
        committed = _day(rng, issued, 4000)
        if offences and rng.random() < 0.35:
            committed = rng.choice(offences)[0]  # same day: simultaneous, or not (occasion)
        effective = committed + timedelta(days=rng.choice((0, 0, 1, 20, 45, 183, 400, 800)))
        cls = rng.choice(_CLASSES)
        points = 6 if cls == "DELIT" else rng.choice((0, 1, 1, 1, 2, 3, 4, 6))  # L223-2 I
        occasion = rng.choice((None, None, "a", "b"))
        offences.append((committed, effective, points, cls, occasion))
    asof = issued + timedelta(days=rng.randint(0, 6000))
    if rng.random() < 0.03:  # impossible facts, refused by name in both engines
        kind = rng.randrange(5)
        if kind == 0 and offences:
            c, e, p, k, o = offences[-1]
            offences[-1] = (c, e, rng.choice((7, -1)), k, o)
        elif kind == 1 and offences:
            c, e, p, k, o = offences[0]
            offences[0] = (c, c - timedelta(days=1), p, k, o)
        elif kind == 2 and courses:
            s, _ = courses[-1]
            courses[-1] = (s, s - timedelta(days=1))  # refused by both: it ends before it starts
        elif kind == 3:
            offences.append((issued - timedelta(days=3), issued, 2, "C3", None))
        else:
            asof = date(9900, 1, 1)
    return {"licence": licence, "offences": offences, "courses": courses, "asof": asof}


def _run(engine: Any, case: dict[str, Any]) -> Any:
    """The result of ``engine`` on ``case`` in a form both engines share, or its refusal."""
    lic = case["licence"]
    facts = engine.LicenceFacts(lic["issued"], lic["probationary"], lic["accompanied_driving"])
    offences = [
        engine.Offence(c, e, p, engine.OffenceClass(k), ref=i, occasion=o)
        for i, (c, e, p, k, o) in enumerate(case["offences"])
    ]
    courses = [engine.Course(s, e, ref=f"c{i}") for i, (s, e) in enumerate(case["courses"])]
    try:
        r = engine.compute_points(facts, offences, courses, asof=case["asof"])
    except engine.PointsError as exc:
        return ("refused", exc.field, exc.position, str(exc))
    return (r.asof, r.to_json(), r.ceiling, r.invalidated_on, r.probation_end, r.in_probation,
            [tuple(e) for e in r.ledger], [tuple(c) for c in r.calendar])  # fmt: skip


def test_rewrite_gives_the_pre_rewrite_results() -> None:
    rng = random.Random(20261202)
    differences = []
    refused = 0
    compared = 0
    for n in range(HISTORIES):
        case = history(rng)
        expected = _run(old, case)
        if expected[0] != "refused" and _touched_by_issue_12(case, expected):
            continue
        got = _run(new, case)
        compared += 1
        refused += expected[0] == "refused"
        if _comparable(expected) != _comparable(got):
            differences.append((n, case, expected, got))
    assert not differences, differences[:3]
    assert refused > HISTORIES // 200  # the refusals were exercised too
    assert compared > HISTORIES // 3


def _touched_by_issue_12(case: dict[str, Any], result: Any) -> bool:
    """Whether a departure of issue 12 can act on this history (see the module docstring)."""
    groups: dict[tuple[Any, Any], int] = {}
    for c, _e, p, _k, o in case["offences"]:
        groups[(c, o)] = groups.get((c, o), 0) + p
    if any(total > old.SIMULTANEOUS_CAP for total in groups.values()):
        return True  # I19: an offence the cap left at 0
    if any(e[2].value == "10_years" for e in result[6]) or any(
        c[2].value == "10_years" for c in result[7]
    ):
        return True  # I10: a 10-year restoration after a return to 12
    starts = sorted(s for s, _ in case["courses"])
    for i, first in enumerate(starts):
        year = old.add_months(first, 12)
        if any(year <= later <= year + timedelta(days=3) for later in starts[i + 1 :]):
            return True  # I5: first day to first day against last day to first day
    far = dict(case, asof=old.LAST_SUPPORTED_DAY)
    return _run(old, far)[3] is not None  # R5, I13: the old engine invalidated at 0


def _comparable(result: Any) -> Any:
    """Enum members of the two engines are distinct objects: compare their values."""
    if result[0] == "refused":
        return result
    head, ledger, cal = result[:6], result[6], result[7]
    return (head, [(*e[:2], e[2].value, *e[3:]) for e in ledger],
            [(*c[:2], c[2].value) for c in cal])  # fmt: skip


def test_ten_years_of_a_withdrawal_on_the_day_of_a_full_restoration() -> None:
    """A tie random histories rarely reach (I6, I11): W is paid on the very day the delay of P
    ends, P's full restoration happens first (I7), and W's own 10-year restoration must survive
    it, as in the pre-rewrite engine. A chain of 1-point offences every 5 months, with a course
    every other year (never back to 12, I10), keeps any later full restoration away."""
    offences = [
        (date(2010, 1, 1), date(2010, 2, 1), 2, "C3", None),  # P
        (date(2010, 1, 15), date(2012, 2, 1), 2, "C3", None),  # W: committed before P's payment
    ]
    day = date(2012, 3, 1)
    while day < date(2023, 1, 1):
        offences.append((day, day, 1, "C1", None))
        day += timedelta(days=150)
    courses = [(date(y, 6, 1), date(y, 6, 2)) for y in range(2013, 2023, 2)]
    case = {"licence": {"issued": date(2000, 1, 1), "probationary": False,
                        "accompanied_driving": False},
            "offences": offences, "courses": courses, "asof": date(2023, 1, 1)}  # fmt: skip
    expected, got = _comparable(_run(old, case)), _comparable(_run(new, case))
    assert ("2022-02-01", 2, "10_years") in [(e[0].isoformat(), e[1], e[2]) for e in got[1]]
    assert got == expected
