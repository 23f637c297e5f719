"""FROZEN PRE-REWRITE REFERENCE: ``registry/points.py`` as it was before issue 11 (commit 275a188).

Do not edit or import from the product. This is the optimised single-module engine that issue 11
replaced by the ``registry/points/`` package written for a reader of the Code de la route; it is
kept only so that ``test_rewrite_differential.py`` can show the rewrite gives identical results
(balances, ledgers, calendars, refusals) on random histories. Issue 12 changes the law on purpose
afterwards; the differential run then compares on the histories those changes do not touch.

The original module docstring follows.

The points engine: balance, state, ledger and restoration calendar of a licence at a date.

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

Speed (issue 4, ``bench/bench_points.py``): a balance is recomputed on every registry read, so
the engine works on day ordinals (ints) and makes ``date`` objects only for its output, looks
month delays up in tables filled on demand, sorts the given events once, and keeps what the walk
starts (full, 10-year and 6-month restorations) in first-in first-out queues instead of a heap.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import deque
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
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


# The engine works on day ordinals (``date.toordinal()``): comparing two ints is the cheapest
# operation CPython has, comparing two dates is a call. Dates are made back only for the output.
_TABLE_LIMIT = 1 << 15  # about 90 years of days, ≈ 3 MB, per table


class _Shift(dict[int, int]):
    """Day ordinal -> ordinal of that day plus a fixed number of months (I1), filled on demand.

    Why: the engine asks for the same five delays (6, 12, 24, 36, 120 months) of the same days
    again and again, and a dict hit costs a fraction of a call to :func:`add_months`, which stays
    the single definition of the arithmetic. The table empties itself when it outgrows
    ``_TABLE_LIMIT`` entries, so a long-running process holds a bounded amount of days.
    """

    __slots__ = ("months",)

    def __init__(self, months: int) -> None:
        super().__init__()
        self.months = months

    def __missing__(self, ordinal: int) -> int:
        value = add_months(date.fromordinal(ordinal), self.months).toordinal()
        if len(self) >= _TABLE_LIMIT:
            self.clear()
        self[ordinal] = value
        return value


class _Dates(dict[int, date]):
    """Day ordinal -> ``date``, filled on demand: the output's dates without a call per entry."""

    __slots__ = ()

    def __missing__(self, ordinal: int) -> date:
        value = date.fromordinal(ordinal)
        if len(self) >= _TABLE_LIMIT:
            self.clear()
        self[ordinal] = value
        return value


_S6, _S12, _S24, _S36, _S120 = (_Shift(m) for m in (6, 12, 24, 36, 120))
_DATES = _Dates()

# Order of the changes that fall on one day (I7): gains before losses, the full restoration first
# so that a 6-month or 10-year point due the same day is not counted twice. Only the kinds known
# before the walk are sorted (increments, courses, withdrawals); the full restoration, 10-year and
# 6-month restorations (kinds 1 to 3) are queued by the walk as it meets the withdrawals.
_K_INCREMENT, _K_COURSE, _K_WITHDRAW, _K_END = 0, 4, 5, 6

# Class flags, looked up by value: hashing a str is done in C, hashing an Enum member is not.
_F_HEAVY, _F_TEN_YEAR = 1, 2
_FLAGS = {
    c.value: (_F_HEAVY if c.value in _HEAVY else 0) | (_F_TEN_YEAR if c.value in _TEN_YEAR else 0)
    for c in OffenceClass
}
_NEVER = date.max.toordinal() + 2  # after every real day and after the end marker
_END = _NEVER - 1  # the day of the marker that closes the event list
#: The last day the engine accepts in its input. Its delays reach 10 years past a withdrawal,
#: and ``date`` stops at 9999-12-31: a fact dated later than this could only end in a date that
#: does not exist, so it is refused by name instead (a registry of real licences never gets
#: near it; tests/data/registry/independent/robustness probes it).
LAST_SUPPORTED_DAY = date(9899, 12, 31)
_LAST_ORDINAL = LAST_SUPPORTED_DAY.toordinal()
_TOO_LATE = (f"dates after {LAST_SUPPORTED_DAY.isoformat()} are out of range: a 10-year delay "
             "from them would pass 9999-12-31")

# Reasons as module constants: reading an Enum member through its class costs a Python-level
# lookup in CPython 3.11, a module global does not.
_INITIAL, _OFFENCE, _COURSE = LedgerReason.INITIAL, LedgerReason.OFFENCE, LedgerReason.COURSE
_SIX, _TWO, _THREE = LedgerReason.SIX_MONTHS, LedgerReason.TWO_YEARS, LedgerReason.THREE_YEARS
_TEN, _INCREMENT = LedgerReason.TEN_YEARS, LedgerReason.PROBATION_INCREMENT
_VALID, _INVALIDATED = PointsStatus.VALID, PointsStatus.INVALIDATED


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
    if type(asof) is not date and (not isinstance(asof, date) or isinstance(asof, datetime)):
        raise PointsError("the date of the balance must be a date", field="asof")
    if asof > LAST_SUPPORTED_DAY:
        raise PointsError(_TOO_LATE, field="asof")
    events, commits, probation, grouped = _events(licence, offs, crs)
    asof_o = asof.toordinal()
    ledger, calendar, invalidated_o = _walk(licence, events, commits, probation, grouped, asof_o)
    p_end = probation[0] if probation else 0
    invalidated = invalidated_o is not None and invalidated_o <= asof_o
    if not probation or asof_o >= p_end:
        ceiling = MAX_POINTS
    else:  # R223-1 III: 6 plus the increments obtained so far.
        ceiling = PROBATION_INITIAL + sum(e[1] for e in ledger if e[2] is _INCREMENT)
    # Positional, in field order: a frozen dataclass's __init__ takes a quarter longer with
    # keywords (bench/bench_points.py), and it runs once per balance.
    return PointsResult(
        asof,  # asof
        ledger[-1][3] if ledger else 0,  # balance
        _INVALIDATED if invalidated else _VALID,  # status
        ceiling,  # ceiling
        tuple(ledger),  # ledger
        tuple(calendar),  # calendar
        _DATES[invalidated_o] if invalidated else None,  # type: ignore[index]  # invalidated_on
        _DATES[p_end] if probation else None,  # probation_end
        bool(probation) and licence.issued.toordinal() <= asof_o < p_end,  # in_probation
    )


def _check(
    licence: LicenceFacts, offences: tuple[Offence, ...], courses: tuple[Course, ...]
) -> None:
    """Refuse impossible facts, naming the field and the event's position.

    The slow, readable statement of the input rules (I16, L223-2): :func:`_events` checks the same
    rules inline on its fast path and calls this function to raise the error as soon as one fails.
    """
    if not _is_date(licence.issued):
        raise PointsError("the issue date must be a date", field="issued")
    if licence.issued > LAST_SUPPORTED_DAY:
        raise PointsError(_TOO_LATE, field="issued")
    for i, off in enumerate(offences):
        if not _is_date(off.committed) or not _is_date(off.effective):
            raise PointsError("offence dates must be dates", field="effective", position=i)
        if off.effective > LAST_SUPPORTED_DAY:
            raise PointsError(_TOO_LATE, field="effective", position=i)
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
        if not _is_date(course.start) or not _is_date(course.end):
            raise PointsError("course dates must be dates", field="end", position=i)
        if course.end < course.start:
            raise PointsError("a course cannot end before it starts", field="end", position=i)
        if course.end > LAST_SUPPORTED_DAY:
            raise PointsError(_TOO_LATE, field="end", position=i)
        if course.start < licence.issued:
            raise PointsError("the course predates the licence", field="start", position=i)


def _is_date(value: object) -> bool:
    """A calendar day: a ``date`` but not a ``datetime`` (which compares unequal to every date)."""
    return isinstance(value, date) and not isinstance(value, datetime)


# An event known before the walk: (day ordinal, kind, rank, the fields of its kind). Sorting these
# tuples gives the order of I7 (day, then kind) and among one kind the input order (I3: the order
# in which one day's withdrawals use up their 8-point cap); (day, kind, rank) is unique, so the
# sort never compares the fields.
_Event = tuple[Any, ...]


def _events(
    licence: LicenceFacts, offences: tuple[Offence, ...], courses: tuple[Course, ...]
) -> tuple[list[_Event], list[int], tuple[int, int, int] | None, bool]:
    """Check the facts, then list the increments, courses and withdrawals in order (I7).

    Why one pass: the input rules (I16, L223-2) are checked inline on the fast path, calling
    :func:`_check` only to raise, and each event is listed as soon as it is read. Returns the
    sorted events (ending with a marker of kind ``_K_END``), the sorted commission dates of the
    point-losing offences followed by ``_NEVER`` (I2, I6: the first one after a day d is
    ``commits[bisect_right(commits, d)]``), the probation as (end, increment, years) or ``None``
    (R11, R13), and whether two point-losing offences share a commission date (R4, I3: only then
    can the 8-point cap bite).
    """
    issued = licence.issued
    if type(issued) is not date:
        _check(licence, offences, courses)  # refuses anything but a plain calendar day
    iss = issued.toordinal()
    if iss > _LAST_ORDINAL:
        _check(licence, offences, courses)
    checked = False
    events: list[_Event] = []
    add = events.append
    commits: list[int] = []
    for i, off in enumerate(offences):
        c, e, p, cls = off.committed, off.effective, off.points, off.offence_class
        if not checked and (
            type(c) is not date
            or type(e) is not date
            or type(p) is not int
            or type(cls) is not OffenceClass
        ):
            _check(licence, offences, courses)  # raises, or accepts a subclass of date or int
            checked = True
        co, eo = c.toordinal(), e.toordinal()
        if not (iss <= co <= eo <= _LAST_ORDINAL and 0 <= p <= MAX_OFFENCE_POINTS):
            _check(licence, offences, courses)  # raises, naming the field and the position
        if p:  # R3: an offence of 0 points is not a point-losing offence.
            commits.append(co)
            add((eo, _K_WITHDRAW, i, (off, p, _FLAGS[cls._value_], co)))
    grouped = len(set(commits)) < len(commits)
    commits.sort()
    commits.append(_NEVER)

    for i, course in enumerate(courses):
        s, e = course.start, course.end
        if not checked and (type(s) is not date or type(e) is not date):
            _check(licence, offences, courses)
            checked = True
        so, eo = s.toordinal(), e.toordinal()
        if not iss <= so <= eo <= _LAST_ORDINAL:
            _check(licence, offences, courses)
        # R9: the points come the day after the last day of the course.
        add((eo + 1, _K_COURSE, i, (so, eo, course.ref)))

    probation = None
    if licence.probationary:
        # L223-1 al. 2, R223-1 II and V: 3 years, +2 a year; 2 years, +3 a year after AAC.
        years, increment = (2, 3) if licence.accompanied_driving else (3, 2)
        for k, table in enumerate((_S12, _S24, _S36)[:years], 1):
            add((table[iss], _K_INCREMENT, k, k))
        probation = (table[iss], increment, years)
    add((_END, _K_END, 0, None))
    events.sort()
    return events, commits, probation, grouped


def _walk(
    licence: LicenceFacts,
    events: list[_Event],
    commits: list[int],
    probation: tuple[int, int, int] | None,
    grouped: bool,
    asof: int,
) -> tuple[list[LedgerEntry], list[Restoration], int | None]:
    """Apply the events in order: the ledger up to ``asof``, the calendar after it (I8).

    Returns the ledger, the calendar and the ordinal of the invalidation (or ``None``).

    Why three queues beside the sorted events: what a withdrawal starts is due on days that grow
    with the withdrawal's own day, so first-in first-out queues keep them in order, and ``alarm``
    (the earliest of their heads) is the one comparison each event pays for them:

    - the full restoration (L223-6 al. 1) is the single pending delay of the last withdrawal (a
      later withdrawal replaces it); whether an offence was committed during it is looked up
      only when it falls due (I6);
    - the 10-year restorations (R10) of the withdrawals since the last full restoration: a full
      restoration gives back every earlier point, so it empties that queue (I11);
    - the 6-month restorations (R8), queued only when no offence was committed in the six months
      and the withdrawal took exactly one point (I12); the 10-year restoration of such an
      offence then gives back one point less (I11).

    A withdrawal that leaves points takes exactly its points under the 8-point cap (R4): the one
    that reaches 0 ends the walk (R5). The state lives in local variables and the "ledger or
    calendar" test is repeated inline: this loop is the engine's hot path.
    """
    dates = _DATES
    new, Entry, Rest = tuple.__new__, LedgerEntry, Restoration
    if probation is None:
        p_end = increment = years = 0
        balance = ceiling = MAX_POINTS
    else:
        p_end, increment, years = probation
        balance = ceiling = PROBATION_INITIAL
    ledger: list[LedgerEntry] = []
    calendar: list[Restoration] = []
    if licence.issued.toordinal() <= asof:
        ledger.append(new(Entry, (licence.issued, balance, _INITIAL, balance, None)))
    caps: dict[Hashable, int] = {}  # room left under the 8-point cap of each group (R4, I3)
    last_course = 0  # last day of the last course that earned points, 0 for none (I5)
    heavy = False  # a C4, C5 or délit withdrawn since the last full restoration (R7)
    # The full restoration pending after the last withdrawal: due day, day of that withdrawal,
    # last day of its delay, reason, source event.
    due = _NEVER
    start = end = 0
    reason = _TWO
    ref: Hashable = None
    tens: deque[tuple[int, int, Hashable]] = deque()  # (day, points back, source event)
    sixes: deque[tuple[int, Hashable]] = deque()  # (day, source event)
    ten_day = six_day = alarm = _NEVER
    for day, kind, _, fields in events:
        # Restorations due before this event (on its day: before all but an increment, I7).
        while alarm < day or (alarm == day and kind):
            if due == alarm:
                due = _NEVER
                if commits[bisect_right(commits, start)] > end:  # I6: no offence in the delay.
                    heavy = False
                    tens.clear()  # I11: every earlier point is back.
                    ten_day = _NEVER
                    if balance < MAX_POINTS:
                        gain = MAX_POINTS - balance
                        balance = MAX_POINTS
                        if alarm <= asof:
                            ledger.append(new(Entry, (dates[alarm], gain, reason, balance, ref)))
                        else:
                            calendar.append(new(Rest, (dates[alarm], gain, reason)))
            elif ten_day == alarm:
                _, back, tref = tens.popleft()
                ten_day = tens[0][0] if tens else _NEVER
                gain = ceiling - balance
                if back < gain:
                    gain = back
                if gain > 0:
                    balance += gain
                    if alarm <= asof:
                        ledger.append(new(Entry, (dates[alarm], gain, _TEN, balance, tref)))
                    else:
                        calendar.append(new(Rest, (dates[alarm], gain, _TEN)))
            else:
                sref = sixes.popleft()[1]
                six_day = sixes[0][0] if sixes else _NEVER
                if balance < ceiling:
                    balance += 1
                    if alarm <= asof:
                        ledger.append(new(Entry, (dates[alarm], 1, _SIX, balance, sref)))
                    else:
                        calendar.append(new(Rest, (dates[alarm], 1, _SIX)))
            alarm = due if due < ten_day else ten_day
            if six_day < alarm:
                alarm = six_day
        if kind == _K_WITHDRAW:
            off, points, flags, committed = fields
            wref = off.ref
            nominal = points
            if grouped:  # R4, I3: simultaneous offences share an 8-point cap.
                occasion = off.occasion
                key = committed if occasion is None else (committed, occasion)
                room = caps.get(key, SIMULTANEOUS_CAP)
                if room < nominal:
                    nominal = room
                caps[key] = room - nominal
            if nominal >= balance:  # R5: 0 points, the licence is invalidated; nothing follows.
                if day <= asof:
                    ledger.append(new(Entry, (off.effective, -balance, _OFFENCE, 0, wref)))
                return ledger, calendar, day
            if nominal:
                balance -= nominal
                if day <= asof:
                    ledger.append(new(Entry, (off.effective, -nominal, _OFFENCE, balance, wref)))
                back = nominal
                # R8, I12: a 1-point offence that withdrew its point, if no offence is
                # committed in the six months (I2, I6).
                if points == 1:
                    six = _S6[day]
                    if commits[bisect_right(commits, day)] > six:
                        sixes.append((six, wref))
                        if six_day == _NEVER:
                            six_day = six
                        back = 0
                if flags & _F_TEN_YEAR and back:  # R10: C1 to C4.
                    ten = _S120[day]
                    tens.append((ten, back, wref))
                    if ten_day == _NEVER:
                        ten_day = ten
            # R6, R7: 2 years, 3 after a heavy offence since the last full restoration.
            if flags & _F_HEAVY:
                heavy = True
            if heavy:
                end, reason = _S36[day], _THREE
            else:
                end, reason = _S24[day], _TWO
            # I4: a delay expiring inside the probation takes effect on its last day.
            due = end if end >= p_end else p_end
            start, ref = day, wref
            alarm = due if due < ten_day else ten_day
            if six_day < alarm:
                alarm = six_day
        elif kind == _K_COURSE:
            # R9, I5: +4 the day after the last day, within the ceiling, once a year.
            course_start, last, cref = fields
            if last_course and course_start <= _S12[last_course]:
                continue
            gain = ceiling - balance
            if gain <= 0:
                continue
            if gain > COURSE_POINTS:
                gain = COURSE_POINTS
            last_course = last
            balance += gain
            if day <= asof:
                ledger.append(new(Entry, (dates[day], gain, _COURSE, balance, cref)))
        elif kind == _K_INCREMENT:
            # R12: only if no point-losing offence was committed since the start of the
            # probation, up to and including the anniversary (CE 15/06/2016 n° 393522, I15).
            if commits[0] > day:
                ceiling += increment
                gain = ceiling - balance
                if increment < gain:
                    gain = increment
                if gain:
                    balance += gain
                    if day <= asof:
                        ledger.append(new(Entry, (dates[day], gain, _INCREMENT, balance, None)))
                    else:
                        calendar.append(new(Rest, (dates[day], gain, _INCREMENT)))
            if fields == years:
                ceiling = MAX_POINTS  # R223-1 I: the probationary ceiling ends (I14).
    return ledger, calendar, None
