"""Read side of the registry: a driver's full record at a date, as frozen dataclasses.

Why a separate read model: the issuer (RIR, ADCS, RII payloads) and the CLI need the identity,
licence, categories, events and points in one immutable value, without holding a session or lazy
ORM objects. ``load_driver_record`` runs a few indexed queries, feeds the pure points engine
(:func:`registry.points.compute_points`) and derives the licence state at ``asof`` from the
points (L223-1 al. 3, R223-3 III), the suspensions (L224-1 ff.) and a court's cancellation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from registry.errors import NoLicenceError, UnknownNEPHError
from registry.models import Category, Driver, Licence
from registry.points import (
    Course,
    LicenceFacts,
    Offence,
    OffenceClass,
    PointsResult,
    PointsStatus,
    add_months,
    compute_points,
)

__all__ = [
    "BirthDate",
    "CategoryInfo",
    "CourseInfo",
    "DriverRecord",
    "Identity",
    "LicenceFormat",
    "LicenceInfo",
    "LicenceState",
    "MedicalVisitInfo",
    "NoLicenceError",
    "OffenceInfo",
    "SuspensionInfo",
    "SuspensionKind",
    "UnknownNEPHError",
    "load_driver_record",
    "points_inputs",
]


class LicenceFormat(Enum):
    """The physical licence: European card (since 2013) or the three-fold pink paper."""

    CARD = "card"
    PAPER = "paper"


class LicenceState(Enum):
    """State of the right to drive at a date (2D-Doc DI E5, annex 13 of the spec, p.148)."""

    VALID = "valid"
    SUSPENDED = "suspended"
    MEDICALLY_SUSPENDED = "medically_suspended"
    INVALIDATED = "invalidated"  # 0 points, letter 48SI (R223-3 III)
    CANCELLED = "cancelled"  # annulation by a court (L224-14, 221-8 Code pénal)


class SuspensionKind(Enum):
    """Who suspended: the prefect (L224-1, L224-2), a court (L224-12) or a medical decision."""

    ADMINISTRATIVE = "administrative"
    JUDICIAL = "judicial"
    MEDICAL = "medical"


@dataclass(frozen=True, slots=True)
class BirthDate:
    """A birth date whose day, or day and month, may be unknown (civil status "00/00/1950")."""

    year: int
    month: int | None = None
    day: int | None = None

    def ddmmyyyy(self) -> str:
        """The 2D-Doc DI 69 form, ``00`` for an unknown day or month (spec annex, DI 69)."""
        return f"{self.day or 0:02d}{self.month or 0:02d}{self.year:04d}"

    def as_date(self) -> date | None:
        """The full date when day and month are known, else ``None``."""
        if self.month is None or self.day is None:
            return None
        return date(self.year, self.month, self.day)


@dataclass(frozen=True, slots=True)
class Identity:
    """Civil identity of the driver, as registered (accents kept; the codec normalises)."""

    neph: str
    civility: str
    surname: str
    usage_name: str | None
    first_names: tuple[str, ...]
    birth_date: BirthDate
    birth_place: str
    birth_country: str


@dataclass(frozen=True, slots=True)
class SuspensionInfo:
    """A suspension with its kind and dates (``end`` ``None``: until further notice)."""

    kind: SuspensionKind
    start: date
    end: date | None

    def active_on(self, day: date) -> bool:
        """True when ``day`` lies within the suspension, both ends included."""
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class LicenceInfo:
    """The licence and its state at ``asof`` (state dates: suspension, 48SI, cancellation)."""

    format: LicenceFormat
    number: str
    issued: date
    prefecture: str
    probationary: bool
    probation_start: date | None
    probation_end: date | None
    accompanied_driving: bool
    state: LicenceState
    suspension: SuspensionInfo | None
    invalidated_48si: date | None
    cancelled_on: date | None


@dataclass(frozen=True, slots=True)
class CategoryInfo:
    """A category held: date obtained, end of validity (heavy ones), EU restriction codes."""

    code: str
    obtained: date
    valid_until: date | None
    restrictions: tuple[str, ...]

    def valid_on(self, day: date) -> bool:
        """True when obtained on or before ``day`` and not past its end of validity."""
        return self.obtained <= day and (self.valid_until is None or day <= self.valid_until)


@dataclass(frozen=True, slots=True)
class OffenceInfo:
    """An offence as registered; ``effective`` is ``None`` while its reality is not established."""

    id: int
    committed: date
    place: str
    natinf: int
    label: str
    offence_class: OffenceClass
    points: int
    effective: date | None


@dataclass(frozen=True, slots=True)
class CourseInfo:
    """A road-safety course: centre, first and last day."""

    id: int
    centre: str
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class MedicalVisitInfo:
    """A medical fitness visit: date, outcome, end of the validity it grants."""

    visited: date
    outcome: str
    valid_until: date | None


@dataclass(frozen=True, slots=True)
class DriverRecord:
    """Everything the registry knows of a driver at ``asof``, points included."""

    asof: date
    identity: Identity
    licence: LicenceInfo
    categories: tuple[CategoryInfo, ...]
    offences: tuple[OffenceInfo, ...]
    courses: tuple[CourseInfo, ...]
    medical_visits: tuple[MedicalVisitInfo, ...]
    suspensions: tuple[SuspensionInfo, ...]
    points: PointsResult

    @property
    def neph(self) -> str:
        """The driver's NEPH."""
        return self.identity.neph

    @property
    def state(self) -> LicenceState:
        """The licence state at ``asof``."""
        return self.licence.state


def _driver_query(neph: str):  # type: ignore[no-untyped-def]
    return (
        select(Driver)
        .where(Driver.neph == neph)
        .options(
            selectinload(Driver.first_names),
            selectinload(Driver.licence)
            .selectinload(Licence.categories)
            .selectinload(Category.restrictions),
            selectinload(Driver.licence).selectinload(Licence.offences),
            selectinload(Driver.licence).selectinload(Licence.courses),
            selectinload(Driver.licence).selectinload(Licence.medical_visits),
            selectinload(Driver.licence).selectinload(Licence.suspensions),
        )
    )


def points_inputs(
    licence: Licence,
) -> tuple[LicenceFacts, tuple[Offence, ...], tuple[Course, ...]]:
    """The engine's plain inputs for a licence row.

    Offences whose effective date is unknown are left out (no withdrawal yet: L223-1 al. 4).
    Offences committed the same day at the same place are one occasion, hence simultaneous
    (L223-2 III; RULES.md I3); the ledger names events ``offence:<id>`` and ``course:<id>``.
    """
    facts = LicenceFacts(
        issued=licence.probation_start or licence.issued_on,
        probationary=licence.probationary,
        accompanied_driving=licence.accompanied_driving,
    )
    offences = tuple(
        Offence(
            committed=o.committed_on,
            effective=o.effective_on,
            points=o.points,
            offence_class=OffenceClass(o.offence_class),
            ref=f"offence:{o.id}",
            occasion=o.place.casefold(),
        )
        for o in licence.offences
        if o.effective_on is not None
    )
    courses = tuple(
        Course(start=c.start_on, end=c.end_on, ref=f"course:{c.id}") for c in licence.courses
    )
    return facts, offences, courses


def load_driver_record(session: Session, neph: str, *, asof: date) -> DriverRecord:
    """The record of the driver ``neph`` at the end of the day ``asof``.

    Raises :class:`UnknownNEPHError` when no driver has this NEPH and :class:`NoLicenceError`
    when the driver holds no licence.
    """
    driver = session.scalars(_driver_query(neph)).one_or_none()
    if driver is None:
        raise UnknownNEPHError(neph)
    lic = driver.licence
    if lic is None:
        raise NoLicenceError(neph)
    facts, offences, courses = points_inputs(lic)
    points = compute_points(facts, offences, courses, asof=asof)
    suspensions = tuple(
        SuspensionInfo(SuspensionKind(s.kind), s.start_on, s.end_on)
        for s in sorted(lic.suspensions, key=lambda s: (s.start_on, s.id))
    )
    active = next((s for s in reversed(suspensions) if s.active_on(asof)), None)
    state = _state(lic, points, active, asof)
    probation_end = None
    if lic.probationary:
        probation_end = add_months(facts.issued, 24 if lic.accompanied_driving else 36)
    licence = LicenceInfo(
        format=LicenceFormat(lic.format),
        number=lic.number,
        issued=lic.issued_on,
        prefecture=lic.prefecture,
        probationary=lic.probationary and probation_end is not None and asof < probation_end,
        probation_start=facts.issued if lic.probationary else None,
        probation_end=probation_end,
        accompanied_driving=lic.accompanied_driving,
        state=state,
        suspension=active,
        invalidated_48si=lic.invalidated_48si_on,
        cancelled_on=lic.cancelled_on,
    )
    identity = Identity(
        neph=driver.neph,
        civility=driver.civility,
        surname=driver.surname,
        usage_name=driver.usage_name,
        first_names=tuple(f.name for f in driver.first_names),
        birth_date=BirthDate(driver.birth_year, driver.birth_month, driver.birth_day),
        birth_place=driver.birth_place,
        birth_country=driver.birth_country,
    )
    return DriverRecord(
        asof=asof,
        identity=identity,
        licence=licence,
        categories=tuple(
            CategoryInfo(
                c.code, c.obtained_on, c.valid_until, tuple(r.code for r in c.restrictions)
            )
            for c in lic.categories
        ),
        offences=tuple(
            OffenceInfo(
                id=o.id,
                committed=o.committed_on,
                place=o.place,
                natinf=o.natinf,
                label=o.label,
                offence_class=OffenceClass(o.offence_class),
                points=o.points,
                effective=o.effective_on,
            )
            for o in sorted(lic.offences, key=lambda o: (o.committed_on, o.id))
        ),
        courses=tuple(
            CourseInfo(c.id, c.centre, c.start_on, c.end_on)
            for c in sorted(lic.courses, key=lambda c: (c.start_on, c.id))
        ),
        medical_visits=tuple(
            MedicalVisitInfo(v.visited_on, v.outcome, v.valid_until)
            for v in sorted(lic.medical_visits, key=lambda v: (v.visited_on, v.id))
        ),
        suspensions=suspensions,
        points=points,
    )


def _state(
    lic: Licence, points: PointsResult, active: SuspensionInfo | None, asof: date
) -> LicenceState:
    """The licence state at ``asof``, the gravest first: cancelled, invalidated, suspended."""
    if lic.cancelled_on is not None and lic.cancelled_on <= asof:
        return LicenceState.CANCELLED
    if points.status is PointsStatus.INVALIDATED or (
        lic.invalidated_48si_on is not None and lic.invalidated_48si_on <= asof
    ):
        return LicenceState.INVALIDATED
    if active is not None:
        if active.kind is SuspensionKind.MEDICAL:
            return LicenceState.MEDICALLY_SUSPENDED
        return LicenceState.SUSPENDED
    return LicenceState.VALID
