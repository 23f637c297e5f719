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
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import Enum

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
        return self in _HEAVY

    @property
    def ten_year(self) -> bool:
        """True for the first four classes, whose points come back after 10 years (L223-6)."""
        return self in _TEN_YEAR


_HEAVY = frozenset({OffenceClass.C4, OffenceClass.C5, OffenceClass.DELIT})
_TEN_YEAR = frozenset({OffenceClass.C1, OffenceClass.C2, OffenceClass.C3, OffenceClass.C4})


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


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One change of the balance: date, signed delta, reason, balance after, source event."""

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


@dataclass(frozen=True, slots=True)
class Restoration:
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


@dataclass(slots=True)
class _State:
    balance: int
    ceiling: int
    last_eff: date | None = None  # effective date of the last withdrawal (L223-6 al. 1)
    generation: int = 0  # counts withdrawals: only the last one's full restoration may happen
    last_full: date | None = None  # date of the last full restoration (CE n° 392555)
    last_course_end: date | None = None  # last day of the last course that earned points
    invalidated_on: date | None = None
    heavy_since_full: bool = False  # a C4, C5 or délit since the last full restoration
    entries: list[LedgerEntry] = field(default_factory=list)


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
    timeline, state, probation_end = _timeline(licence, offs, crs)
    ledger: list[LedgerEntry] = []
    calendar: list[Restoration] = []
    for entry in timeline:
        if entry.date <= asof:
            ledger.append(entry)
        elif entry.reason in AUTOMATIC_REASONS:
            calendar.append(Restoration(entry.date, entry.delta, entry.reason))
    balance = ledger[-1].balance if ledger else 0
    invalidated = state.invalidated_on is not None and state.invalidated_on <= asof
    in_probation = probation_end is not None and licence.issued <= asof < probation_end
    return PointsResult(
        asof=asof,
        balance=balance,
        status=PointsStatus.INVALIDATED if invalidated else PointsStatus.VALID,
        ceiling=_ceiling_at(licence, ledger, probation_end, asof),
        ledger=tuple(ledger),
        calendar=tuple(calendar),
        invalidated_on=state.invalidated_on if invalidated else None,
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
    for i, off in enumerate(offences):
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
        if course.end < course.start:
            raise PointsError("a course cannot end before it starts", field="end", position=i)
        if course.start < licence.issued:
            raise PointsError("the course predates the licence", field="start", position=i)


def _timeline(
    licence: LicenceFacts, offences: tuple[Offence, ...], courses: tuple[Course, ...]
) -> tuple[list[LedgerEntry], _State, date | None]:
    """Every change of the balance from the issue date on, assuming no other event (I8)."""
    issued = licence.issued
    probation_end: date | None = None
    increment = 0
    years = 0
    if licence.probationary:
        # L223-1 al. 2, R223-1 II and V: 3 years, +2 a year; 2 years, +3 a year after AAC.
        years, increment = (2, 3) if licence.accompanied_driving else (3, 2)
        probation_end = add_months(issued, 12 * years)
        state = _State(balance=PROBATION_INITIAL, ceiling=PROBATION_INITIAL)
    else:
        state = _State(balance=MAX_POINTS, ceiling=MAX_POINTS)
    state.entries.append(LedgerEntry(issued, state.balance, LedgerReason.INITIAL, state.balance))

    # Commission dates of every point-losing offence, sorted, to ask "was an offence committed in
    # (a, b]?" by bisection (I6: the commission date interrupts a delay).
    losing = [o for o in offences if o.points > 0]
    commits = sorted(o.committed for o in losing)

    def committed_in(after: date, until: date) -> bool:
        return bisect_right(commits, until) > bisect_right(commits, after)

    queue: list[tuple[date, int, int, object]] = []
    seq = 0

    def push(day: date, prio: int, payload: object) -> None:
        nonlocal seq
        heapq.heappush(queue, (day, prio, seq, payload))
        seq += 1

    for k in range(1, years + 1):
        push(add_months(issued, 12 * k), _P_INCREMENT, k)
    for i, off in enumerate(losing):
        push(off.effective, _P_WITHDRAW, i)
    for course in courses:
        push(course.end + _ONE_DAY, _P_COURSE, course)

    # Remaining room under the 8-point cap of each group of simultaneous offences (I3).
    caps: dict[tuple[date, Hashable], int] = {}
    withdrawn: dict[int, int] = {}  # offence index -> points actually withdrawn
    six_given: set[int] = set()
    first_commit = commits[0] if commits else None

    def add(day: date, delta: int, reason: LedgerReason, ref: Hashable) -> None:
        state.balance += delta
        state.entries.append(LedgerEntry(day, delta, reason, state.balance, ref))

    while queue:
        day, prio, _, payload = heapq.heappop(queue)
        if state.invalidated_on is not None:
            break  # R5: nothing happens to an invalidated licence.
        if prio == _P_INCREMENT:
            assert isinstance(payload, int)
            # R12: only if no point-losing offence was committed since the start of the probation,
            # up to and including the anniversary (CE 15/06/2016 n° 393522).
            if first_commit is None or first_commit > day:
                state.ceiling += increment
                gain = min(increment, state.ceiling - state.balance)
                if gain:
                    add(day, gain, LedgerReason.PROBATION_INCREMENT, None)
            if payload == years:
                state.ceiling = MAX_POINTS  # R223-1 I: the probationary ceiling ends.
        elif prio == _P_WITHDRAW:
            assert isinstance(payload, int)
            _withdraw(state, losing, payload, day, caps, withdrawn, add)
            if state.invalidated_on is not None:
                continue
            off = losing[payload]
            ref = off.ref
            state.last_eff = day
            state.generation += 1
            if off.offence_class.heavy:
                state.heavy_since_full = True
            got = withdrawn[payload]
            if off.points == 1 and got == 1:
                push(add_months(day, 6), _P_SIX, payload)
            if got and off.offence_class.ten_year:
                push(add_months(day, 120), _P_TEN, payload)
            months = 36 if state.heavy_since_full else 24
            due = add_months(day, months)
            # I4: a delay expiring inside the probation takes effect on its last day.
            if probation_end is not None and due < probation_end:
                due = probation_end
            push(due, _P_FULL, (state.generation, day, months, ref))
        elif prio == _P_FULL:
            assert isinstance(payload, tuple)
            generation, eff, months, ref = payload
            if state.generation != generation or committed_in(eff, add_months(eff, months)):
                continue  # A later withdrawal restarted the delay, or an offence interrupted it.
            state.last_full = day
            state.heavy_since_full = False
            reason = LedgerReason.THREE_YEARS if months == 36 else LedgerReason.TWO_YEARS
            if state.balance < MAX_POINTS:
                add(day, MAX_POINTS - state.balance, reason, ref)
        elif prio == _P_SIX:
            assert isinstance(payload, int)
            off = losing[payload]
            if committed_in(off.effective, day):
                continue  # R8: another offence was committed in the six months.
            six_given.add(payload)
            if state.balance < state.ceiling:
                add(day, 1, LedgerReason.SIX_MONTHS, off.ref)
        elif prio == _P_TEN:
            assert isinstance(payload, int)
            off = losing[payload]
            if state.last_full is not None and state.last_full > off.effective:
                continue  # R10: already given back by a full restoration.
            back = withdrawn[payload] - (1 if payload in six_given else 0)
            gain = min(back, state.ceiling - state.balance)
            if gain > 0:
                add(day, gain, LedgerReason.TEN_YEARS, off.ref)
        else:
            assert isinstance(payload, Course)
            _course(state, payload, day, add)
    return state.entries, state, probation_end


_Add = Callable[[date, int, LedgerReason, Hashable], None]


def _withdraw(
    state: _State,
    losing: list[Offence],
    index: int,
    day: date,
    caps: dict[tuple[date, Hashable], int],
    withdrawn: dict[int, int],
    add: _Add,
) -> None:
    """Withdraw the points of ``losing[index]`` on its effective date (R2, R3, R4, R5)."""
    off: Offence = losing[index]
    key = (off.committed, off.occasion)
    room = caps.get(key, SIMULTANEOUS_CAP)
    nominal = min(off.points, room)
    caps[key] = room - nominal
    got = min(nominal, state.balance)
    withdrawn[index] = got
    if got:
        add(day, -got, LedgerReason.OFFENCE, off.ref)
    if state.balance == 0:
        state.invalidated_on = day


def _course(state: _State, course: Course, day: date, add: _Add) -> None:
    """Credit a road-safety course the day after its last day (R9, I5)."""
    if state.last_course_end is not None and course.start <= add_months(state.last_course_end, 12):
        return  # I5: at most one course a year, counted from the last one that earned points.
    gain = min(COURSE_POINTS, state.ceiling - state.balance)
    if gain <= 0:
        return
    state.last_course_end = course.end
    add(day, gain, LedgerReason.COURSE, course.ref)
