"""The facts the engine is given: a licence, its offences and its courses, and what they may be.

Why a module of its own: these are the inputs of every rule, and the checks here are the facts the
Code de la route says cannot happen (an offence withdraws 0 to 6 points, L223-2; a withdrawal takes
effect on or after its offence, L223-1 al. 4; nothing happens to a licence before it exists,
RULES.md I16). Every refusal is a :class:`PointsError` naming the field and the event's position,
so an edge (the ``points simulate`` command, the registry) can point at the exact input.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum

__all__ = [
    "COURSE_LENGTH",
    "COURSE_POINTS",
    "DELIT_POINTS",
    "LAST_SUPPORTED_DAY",
    "MAX_OFFENCE_POINTS",
    "MAX_POINTS",
    "PROBATION_INITIAL",
    "SIMULTANEOUS_CAP",
    "Course",
    "LicenceFacts",
    "Offence",
    "OffenceClass",
    "PointsError",
    "check_asof",
    "check_facts",
]

MAX_POINTS = 12  # R223-1 I: « affecté d'un nombre maximal de douze points »
PROBATION_INITIAL = 6  # L223-1 al. 2, R223-1 II: half the maximum on the day it is obtained
SIMULTANEOUS_CAP = 8  # L223-2 III, R223-2: two thirds of the maximum
COURSE_POINTS = 4  # R223-8 II: « récupération de quatre points »
MAX_OFFENCE_POINTS = 6  # L223-2 I-II: half of the maximum
DELIT_POINTS = 6  # L223-2 I: « Pour les délits, le retrait de points est égal à la moitié »
COURSE_LENGTH = timedelta(days=1)  # R223-5: « d'une durée de deux jours consécutifs »

#: The last day the engine accepts in its input. Its delays reach 10 years past a withdrawal and
#: ``date`` stops at 9999-12-31: a fact dated later could only end in a date that does not exist,
#: so it is refused by name (tests/data/registry/independent/robustness probes it).
LAST_SUPPORTED_DAY = date(9899, 12, 31)
_TOO_LATE = (
    f"dates after {LAST_SUPPORTED_DAY.isoformat()} are out of range: a 10-year delay "
    "from them would pass 9999-12-31"
)


class PointsError(ValueError):
    """Facts given to the engine are impossible (e.g. a withdrawal before its offence).

    ``field`` names the offending attribute and ``position`` the index of the event in the list
    the caller gave (offences and courses are counted separately).
    """

    def __init__(self, msg: str, *, field: str, position: int | None = None) -> None:
        where = field if position is None else f"{field} of event {position}"
        super().__init__(f"{msg} ({where})")
        self.field, self.position = field, position


class OffenceClass(Enum):
    """Class of an offence: contravention of the 1st to 5th class, or a délit (L223-2).

    Each class carries what L223-2 and L223-6 say of it: ``delit`` (a délit withdraws 6 points),
    ``heavy`` (al. 2: « un délit ou une contravention
    de la quatrième ou de la cinquième classe » lengthens the full restoration to 3 years) and
    ``ten_year`` (last al.: the points of « contraventions des quatre premières classes » come
    back after 10 years).
    """

    C1 = "C1"
    C2 = "C2"
    C3 = "C3"
    C4 = "C4"
    C5 = "C5"
    DELIT = "DELIT"

    def __init__(self, value: str) -> None:
        self.delit = value == "DELIT"  # L223-2 I: withdraws exactly half the maximum
        self.heavy = value in ("C4", "C5", "DELIT")
        self.ten_year = value in ("C1", "C2", "C3", "C4")


@dataclass(frozen=True, slots=True)
class LicenceFacts:
    """What the engine needs to know of a licence: issue, probation, the 48SI letter.

    ``issued`` and the probation: L223-1, R223-1. ``invalidation_notified`` is the day the holder
    received the registered letter « 48SI » that notifies the invalidation for a zero balance
    (L223-5 I, R223-3 III): the right to drive is lost on that day, not when the balance reaches
    0 (CE 29/09/2023 n° 461479; RULES.md R5, I13). ``None``: no letter received (yet).
    """

    issued: date
    probationary: bool = False
    accompanied_driving: bool = False
    invalidation_notified: date | None = None


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


def _is_date(value: object) -> bool:
    """A calendar day: a ``date`` but not a ``datetime`` (which compares unequal to every date)."""
    return isinstance(value, date) and not isinstance(value, datetime)


def check_asof(asof: object) -> None:
    """Refuse a balance date that is not a calendar day, or too late for the delays to exist."""
    if not _is_date(asof):
        raise PointsError("the date of the balance must be a date", field="asof")
    if asof > LAST_SUPPORTED_DAY:  # type: ignore[operator]
        raise PointsError(_TOO_LATE, field="asof")


def check_facts(
    licence: LicenceFacts, offences: tuple[Offence, ...], courses: tuple[Course, ...]
) -> None:
    """Refuse impossible facts, the first one found, naming the field and the event's position.

    The licence first, then the offences, then the courses, each in the caller's order (I16,
    L223-1 al. 4, L223-2, R223-8).
    """
    if not _is_date(licence.issued):
        raise PointsError("the issue date must be a date", field="issued")
    if licence.issued > LAST_SUPPORTED_DAY:
        raise PointsError(_TOO_LATE, field="issued")
    notified = licence.invalidation_notified
    if notified is not None:
        if not _is_date(notified):
            raise PointsError("the 48SI date must be a date", field="invalidation_notified")
        if notified > LAST_SUPPORTED_DAY:
            raise PointsError(_TOO_LATE, field="invalidation_notified")
        if notified < licence.issued:
            raise PointsError(
                "the 48SI letter predates the licence", field="invalidation_notified"
            )
    for i, off in enumerate(offences):
        _check_offence(licence, off, i)
    for i, course in enumerate(courses):
        _check_course(licence, course, i)


def _check_offence(licence: LicenceFacts, off: Offence, i: int) -> None:
    """L223-2 (0 to 6 points), L223-1 al. 4 (effective on or after the offence), I16."""
    committed, effective = off.committed, off.effective
    if not (isinstance(committed, date) and isinstance(effective, date)) or (
        isinstance(committed, datetime) or isinstance(effective, datetime)
    ):  # calendar days, not datetimes (which compare unequal to every date)
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
    if off.offence_class.delit and off.points != DELIT_POINTS:
        raise PointsError(
            "a délit withdraws 6 points, half the maximum (L223-2 I)", field="points", position=i
        )
    if off.effective < off.committed:
        raise PointsError(
            "the withdrawal cannot take effect before the offence", field="effective", position=i
        )
    if off.committed < licence.issued:
        raise PointsError(
            "the offence predates the licence it would withdraw points from",
            field="date",
            position=i,
        )


def _check_course(licence: LicenceFacts, course: Course, i: int) -> None:
    """A course ends on or after its first day (R223-5) and happens to an existing licence."""
    start, end = course.start, course.end
    if not (isinstance(start, date) and isinstance(end, date)) or (
        isinstance(start, datetime) or isinstance(end, datetime)
    ):
        raise PointsError("course dates must be dates", field="end", position=i)
    if course.end < course.start:
        raise PointsError("a course cannot end before it starts", field="end", position=i)
    if course.end != course.start + COURSE_LENGTH:
        raise PointsError(
            "a course lasts two consecutive days: its last day is the day after its first "
            "(R223-5)",
            field="end",
            position=i,
        )
    if course.end > LAST_SUPPORTED_DAY:
        raise PointsError(_TOO_LATE, field="end", position=i)
    if course.start < licence.issued:
        raise PointsError("the course predates the licence", field="start", position=i)
