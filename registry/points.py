"""The points engine: balance, state, ledger and restoration calendar of a licence at a date.

Why a pure function: the rules of the Code de la route (L223-1 to L223-8, R223-1 to R223-13) are
date arithmetic on a handful of facts, so they live here without any database, clock or file
(STYLE §4); the registry layer (:mod:`registry.records`) and the ``points simulate`` command feed
it plain dataclasses. Every rule and every interpretation is listed, with its article, in
``registry/RULES.md``; the comments below name the rule number used there (``R1`` … ``I9``).

The engine builds the whole timeline of the licence from the events it is given (a withdrawal, a
course, an automatic restoration, a probation increment), then cuts it at ``asof``: the entries
dated on or before ``asof`` are the ledger, the automatic restorations dated after it are the
calendar (I8). The timeline does not depend on ``asof``, so the calendar at a date A is exactly what
the ledger shows at a later date B for (A, B] when no new event is added.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from functools import lru_cache
from typing import Any, NamedTuple

__all__ = [
    "AUTOMATIC_REASONS",
    "MAX_POINTS",
    "SIMULTANEOUS_CAP",
    "Course",
    "LedgerEntry",
    "LedgerReason",
    "LicenceFacts",
    "Offence",
    "OffenceClass",
    "PointsError",
    "PointsResult",
    "PointsStatus",
    "Restoration",
    "add_months",
    "compute_points",
]

MAX_POINTS = 12  # R223-1 I
PROBATION_INITIAL = 6  # L223-1 al. 2, R223-1 II
SIMULTANEOUS_CAP = 8  # L223-2 III, R223-2: two thirds of the maximum
COURSE_POINTS = 4  # R223-8 II
MAX_OFFENCE_POINTS = 6  # L223-2 I-II: half of the maximum

_ONE_DAY = timedelta(days=1)


class PointsError(ValueError):
    """Facts given to the engine are impossible (e.g. a withdrawal before its offence).

    ``field`` names the offending attribute and ``position`` the index of the event in the list
    the caller gave, so an edge (CLI, registry) can point at the exact input.
    """

    def __init__(self, msg: str, *, field: str, position: int | None = None) -> None:
        where = field if position is None else f"{field} of event {position}"
        super().__init__(f"{msg} ({where})")
        self.field, self.position = field, position


class OffenceClass(Enum):
    """Class of an offence: contravention of the 1st to 5th class, or a délit (L223-2)."""

    C1 = "C1"
    C2 = "C2"
    C3 = "C3"
    C4 = "C4"
    C5 = "C5"
    DELIT = "DELIT"

    @property
    def heavy(self) -> bool:
        """True for C4, C5 and délits, which lengthen the full restoration to 3 years (L223-6)."""
        return self._value_ in _HEAVY

    @property
    def ten_year(self) -> bool:
        """True for the first four classes, whose points come back after 10 years (L223-6)."""
        return self._value_ in _TEN_YEAR


# Looked up by value: hashing a str is done in C, hashing an Enum member is not.
_HEAVY = frozenset({"C4", "C5", "DELIT"})
_TEN_YEAR = frozenset({"C1", "C2", "C3", "C4"})


class PointsStatus(Enum):
    """Validity of the licence as far as points go (L223-1 al. 3: 0 points invalidates it)."""

    VALID = "valid"
    INVALIDATED = "invalidated"


class LedgerReason(Enum):
    """Why the balance changed; the values are the wire names of ``points simulate``."""

    INITIAL = "initial"
    OFFENCE = "offence"
    COURSE = "course"
    SIX_MONTHS = "6_months"
    TWO_YEARS = "2_years"
    THREE_YEARS = "3_years"
    TEN_YEARS = "10_years"
    PROBATION_INCREMENT = "probation_increment"


AUTOMATIC_REASONS = frozenset(
    {
        LedgerReason.SIX_MONTHS,
        LedgerReason.TWO_YEARS,
        LedgerReason.THREE_YEARS,
        LedgerReason.TEN_YEARS,
        LedgerReason.PROBATION_INCREMENT,
    }
)


@dataclass(frozen=True, slots=True)
class LicenceFacts:
    """What the engine needs to know of a licence: issue date and probation (L223-1, R223-1)."""

    issued: date
    probationary: bool = False
    accompanied_driving: bool = False


@dataclass(frozen=True, slots=True)
class Offence:
    """A point-losing offence: commission date, effective date of the withdrawal, points, class.

    ``effective`` is the date the reality of the offence was established (payment, enforcement
    order, composition pénale, final conviction: L223-1 al. 4); points leave on that date.
    ``occasion`` tells simultaneous offences apart when several were committed on the same date
    (I3); ``ref`` is echoed in the ledger as the source event.
    """

    committed: date
    effective: date
    points: int
    offence_class: OffenceClass
    ref: Hashable = None
    occasion: Hashable = None


@dataclass(frozen=True, slots=True)
class Course:
    """A road-safety course (stage de sensibilisation, R223-5 to R223-8): first and last day."""

    start: date
    end: date
    ref: Hashable = None


class LedgerEntry(NamedTuple):
    """One change of the balance: date, signed delta, reason, balance after, source event.

    A named tuple rather than a frozen dataclass: the engine builds a dozen per licence and
    tuple construction is several times cheaper (bench/bench_points.py).
    """

    date: date
    delta: int
    reason: LedgerReason
    balance: int
    event: Hashable = None

    def to_json(self) -> dict[str, object]:
        """The ``points simulate`` wire form (documented in RULES.md, "Output")."""
        return {
            "date": self.date.isoformat(),
            "delta": self.delta,
            "reason": self.reason.value,
            "balance": self.balance,
            "event": self.event,
        }


class Restoration(NamedTuple):
    """A future automatic restoration, assuming no new offence: date, points, reason."""

    date: date
    points: int
    reason: LedgerReason

    def to_json(self) -> dict[str, object]:
        """The ``points simulate`` wire form of a calendar entry."""
        return {"date": self.date.isoformat(), "points": self.points, "reason": self.reason.value}


@dataclass(frozen=True, slots=True)
class PointsResult:
    """Balance and status at ``asof``, the ledger up to it and the calendar after it."""

    asof: date
    balance: int
    status: PointsStatus
    ceiling: int
    ledger: tuple[LedgerEntry, ...]
    calendar: tuple[Restoration, ...]
    invalidated_on: date | None = None
    probation_end: date | None = None
    in_probation: bool = False

    def to_json(self) -> dict[str, object]:
        """The ``balance``/``status``/``calendar``/``ledger`` members of ``points simulate``."""
        return {
            "balance": self.balance,
            "status": self.status.value,
            "calendar": [r.to_json() for r in self.calendar],
            "ledger": [e.to_json() for e in self.ledger],
        }


_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@lru_cache(maxsize=1 << 16)
def add_months(day: date, months: int) -> date:
    """``day`` plus ``months``: same day of the month, else that month's last day (I1).

    Art. 641 al. 2 of the Code de procédure civile: a delay in months or years expires on the day
    of the last month bearing the same number, or on the month's last day when there is none
    (2023-08-31 + 6 months = 2024-02-29; 2024-02-29 + 24 months = 2026-02-28).
    """
    total = day.month - 1 + months
    year = day.year + total // 12
    month = total % 12 + 1
    last = _DAYS_IN_MONTH[month - 1]
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        last = 29
    return date(year, month, day.day if day.day <= last else last)


# Order of the changes that fall on one day (I7): gains before losses, the full restoration first
# so that a 6-month or 10-year point due the same day is not counted twice.
_P_INCREMENT, _P_FULL, _P_TEN, _P_SIX, _P_COURSE, _P_WITHDRAW = range(6)


def compute_points(
    licence: LicenceFacts,
    offences: Iterable[Offence] = (),
    courses: Iterable[Course] = (),
    *,
    asof: date,
) -> PointsResult:
    """Balance, status, ledger and calendar of ``licence`` at the end of the day ``asof``.

    Pure: the result depends only on the arguments (time is the ``asof`` parameter). Raises
    :class:`PointsError` for facts that cannot happen (a withdrawal before its offence, negative
    points, a course ending before it starts, an event before the licence was issued).
    """
    offs = tuple(offences)
    crs = tuple(courses)
    _check(licence, offs, crs)
    timeline, invalidated_on, probation_end = _timeline(licence, offs, crs)
    ledger: list[LedgerEntry] = []
    calendar: list[Restoration] = []
    manual = (LedgerReason.INITIAL, LedgerReason.OFFENCE, LedgerReason.COURSE)
    for entry in timeline:
        if entry[0] <= asof:
            ledger.append(entry)
        elif entry[2] not in manual:  # an identity test: Enum hashing is slow (bench)
            calendar.append(tuple.__new__(Restoration, entry[:3]))
    balance = ledger[-1].balance if ledger else 0
    invalidated = invalidated_on is not None and invalidated_on <= asof
    in_probation = probation_end is not None and licence.issued <= asof < probation_end
    return PointsResult(
        asof=asof,
        balance=balance,
        status=PointsStatus.INVALIDATED if invalidated else PointsStatus.VALID,
        ceiling=_ceiling_at(licence, ledger, probation_end, asof),
        ledger=tuple(ledger),
        calendar=tuple(calendar),
        invalidated_on=invalidated_on if invalidated else None,
        probation_end=probation_end,
        in_probation=in_probation,
    )


def _ceiling_at(
    licence: LicenceFacts, ledger: list[LedgerEntry], probation_end: date | None, asof: date
) -> int:
    """The ceiling at ``asof``: 6 plus the increments during the probation, else 12 (R223-1 III)."""
    if probation_end is None or asof >= probation_end:
        return MAX_POINTS
    gained = sum(e.delta for e in ledger if e.reason is LedgerReason.PROBATION_INCREMENT)
    return PROBATION_INITIAL + gained


def _check(
    licence: LicenceFacts, offences: tuple[Offence, ...], courses: tuple[Course, ...]
) -> None:
    """Refuse impossible facts, naming the field and the event's position."""
    if not isinstance(licence.issued, date):
        raise PointsError("the issue date must be a date", field="issued")
    for i, off in enumerate(offences):
        if not isinstance(off.committed, date) or not isinstance(off.effective, date):
            raise PointsError("offence dates must be dates", field="effective", position=i)
        if not isinstance(off.offence_class, OffenceClass):
            raise PointsError("unknown offence class", field="class", position=i)
        if isinstance(off.points, bool) or not isinstance(off.points, int):
            raise PointsError("points must be an integer", field="points", position=i)
        if off.points < 0:
            raise PointsError("points cannot be negative", field="points", position=i)
        if off.points > MAX_OFFENCE_POINTS:
            raise PointsError(
                "an offence withdraws at most 6 points (L223-2)", field="points", position=i
            )
        if off.effective < off.committed:
            raise PointsError(
                "the withdrawal cannot take effect before the offence",
                field="effective",
                position=i,
            )
        if off.committed < licence.issued:
            raise PointsError(
                "the offence predates the licence it would withdraw points from",
                field="date",
                position=i,
            )
    for i, course in enumerate(courses):
        if not isinstance(course.start, date) or not isinstance(course.end, date):
            raise PointsError("course dates must be dates", field="end", position=i)
        if course.end < course.start:
            raise PointsError("a course cannot end before it starts", field="end", position=i)
        if course.start < licence.issued:
            raise PointsError("the course predates the licence", field="start", position=i)


def _timeline(
    licence: LicenceFacts, offences: tuple[Offence, ...], courses: tuple[Course, ...]
) -> tuple[list[LedgerEntry], date | None, date | None]:
    """Every change of the balance from the issue date on, assuming no other event (I8).

    Returns the entries, the invalidation date (or ``None``) and the end of the probation (or
    ``None``). One loop over a heap of dated events; the full restoration is not queued but kept
    as the single pending candidate of the last withdrawal (a later withdrawal replaces it), and
    the state lives in local variables: this function is the engine's hot path.
    """
    issued = licence.issued
    probation_end: date | None = None
    increment = 0
    years = 0
    if licence.probationary:
        # L223-1 al. 2, R223-1 II and V: 3 years, +2 a year; 2 years, +3 a year after AAC.
        years, increment = (2, 3) if licence.accompanied_driving else (3, 2)
        probation_end = add_months(issued, 12 * years)
        balance = ceiling = PROBATION_INITIAL
    else:
        balance = ceiling = MAX_POINTS
    # Entries are built with tuple.__new__: a named tuple's own __new__ is a Python function.
    new, Entry = tuple.__new__, LedgerEntry  # noqa: N806
    entries = [new(Entry, (issued, balance, LedgerReason.INITIAL, balance, None))]

    # Commission dates of every point-losing offence, sorted, to ask "was an offence committed in
    # (a, b]?" by bisection (I2, I6: the commission date interrupts a delay).
    losing = [o for o in offences if o.points > 0]
    commits = sorted(o.committed for o in losing)
    first_commit = commits[0] if commits else None

    queue: list[tuple[date, int, int, Any]] = []
    push = heapq.heappush
    seq = 0
    for k in range(1, years + 1):
        queue.append((add_months(issued, 12 * k), _P_INCREMENT, seq, k))
        seq += 1
    for i, off in enumerate(losing):
        queue.append((off.effective, _P_WITHDRAW, seq, i))
        seq += 1
    for course in courses:
        queue.append((course.end + _ONE_DAY, _P_COURSE, seq, course))
        seq += 1
    heapq.heapify(queue)

    caps: dict[tuple[date, Hashable], int] = {}  # room left under the 8-point cap (R4, I3)
    withdrawn: dict[int, int] = {}  # offence index -> points actually withdrawn
    six_given: set[int] = set()
    last_full: date | None = None  # last L223-6 al. 1 restoration (CE n° 392555, I10)
    last_course_end: date | None = None  # last day of the last course that earned points (I5)
    heavy = False  # a C4, C5 or délit withdrawn since the last full restoration (R7)
    # The full restoration pending after the last withdrawal: (due date, effective date of that
    # withdrawal, delay in months, source event).
    pending: tuple[date, date, int, Hashable] | None = None
    invalidated_on: date | None = None
    OFFENCE, COURSE = LedgerReason.OFFENCE, LedgerReason.COURSE  # noqa: N806

    pop = heapq.heappop
    while queue or pending is not None:
        if pending is not None and (
            not queue
            or pending[0] < queue[0][0]
            or (pending[0] == queue[0][0] and queue[0][1] > _P_FULL)
        ):
            due, eff, months, ref = pending
            pending = None
            end = add_months(eff, months)
            if bisect_right(commits, end) > bisect_right(commits, eff):
                continue  # I6: an offence committed during the delay prevents it.
            last_full = due
            heavy = False
            if balance < MAX_POINTS:
                reason = LedgerReason.THREE_YEARS if months == 36 else LedgerReason.TWO_YEARS
                entries.append(new(Entry, (due, MAX_POINTS - balance, reason, MAX_POINTS, ref)))
                balance = MAX_POINTS
            continue
        day, prio, _, payload = pop(queue)
        if prio == _P_WITHDRAW:
            off = losing[payload]
            # R4, I3: simultaneous offences share an 8-point cap.
            key = (off.committed, off.occasion)
            room = caps.get(key, SIMULTANEOUS_CAP)
            nominal = off.points if off.points < room else room
            caps[key] = room - nominal
            got = nominal if nominal < balance else balance
            withdrawn[payload] = got
            if got:
                balance -= got
                entries.append(new(Entry, (day, -got, OFFENCE, balance, off.ref)))
            if balance == 0:
                invalidated_on = day  # R5: nothing happens to an invalidated licence.
                break
            cls = off.offence_class._value_
            if cls in _HEAVY:
                heavy = True
            if got == 1 and off.points == 1:
                seq += 1
                push(queue, (add_months(day, 6), _P_SIX, seq, payload))
            if got and cls in _TEN_YEAR:
                seq += 1
                push(queue, (add_months(day, 120), _P_TEN, seq, payload))
            months = 36 if heavy else 24
            due = add_months(day, months)
            # I4: a delay expiring inside the probation takes effect on its last day.
            if probation_end is not None and due < probation_end:
                due = probation_end
            pending = (due, day, months, off.ref)
        elif prio == _P_COURSE:
            # R9, I5: +4 the day after the last day, within the ceiling, once a year.
            if last_course_end is not None and payload.start <= add_months(last_course_end, 12):
                continue
            gain = ceiling - balance
            if gain <= 0:
                continue
            if gain > COURSE_POINTS:
                gain = COURSE_POINTS
            last_course_end = payload.end
            balance += gain
            entries.append(new(Entry, (day, gain, COURSE, balance, payload.ref)))
        elif prio == _P_SIX:
            off = losing[payload]
            if bisect_right(commits, day) > bisect_right(commits, off.effective):
                continue  # R8: another offence was committed in the six months.
            six_given.add(payload)
            if balance < ceiling:
                balance += 1
                entries.append(new(Entry, (day, 1, LedgerReason.SIX_MONTHS, balance, off.ref)))
        elif prio == _P_TEN:
            off = losing[payload]
            if last_full is not None and last_full > off.effective:
                continue  # I11: already given back by a full restoration.
            back = withdrawn[payload] - (1 if payload in six_given else 0)
            gain = min(back, ceiling - balance)
            if gain > 0:
                balance += gain
                entries.append(new(Entry, (day, gain, LedgerReason.TEN_YEARS, balance, off.ref)))
        else:  # _P_INCREMENT
            # R12: only if no point-losing offence was committed since the start of the
            # probation, up to and including the anniversary (CE 15/06/2016 n° 393522, I15).
            if first_commit is None or first_commit > day:
                ceiling += increment
                gain = min(increment, ceiling - balance)
                if gain:
                    balance += gain
                    entries.append(
                        new(Entry, (day, gain, LedgerReason.PROBATION_INCREMENT, balance, None))
                    )
            if payload == years:
                ceiling = MAX_POINTS  # R223-1 I: the probationary ceiling ends (I14).
    return entries, invalidated_on, probation_end
