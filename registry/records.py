"""Read side of the registry: a driver's full record at a date, as frozen dataclasses.

Why a separate read model: the issuer (RIR, ADCS, RII payloads) and the CLI need the identity,
licence, categories, events and points in one immutable value, without holding a session or lazy
ORM objects. ``load_driver_record`` runs a few indexed queries, feeds the pure points engine
(:func:`registry.points.compute_points`) and derives the licence state at ``asof`` from the
points (L223-1 al. 3, R223-3 III), the suspensions (L224-1 ff.) and a court's cancellation.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from registry.errors import NoLicenceError, RegistryValidationError, UnknownNEPHError
from registry.models import (
    Category,
    CourseRow,
    Driver,
    FirstName,
    Licence,
    MedicalVisit,
    OffenceRow,
    Restriction,
    Suspension,
)
from registry.points import (
    Course,
    LicenceFacts,
    Offence,
    OffenceClass,
    PointsError,
    PointsResult,
    PointsStatus,
    add_months,
    compute_points,
    occasion_of,
)
from registry.record_types import (
    BirthDate,
    CategoryInfo,
    CourseInfo,
    DriverRecord,
    Identity,
    LicenceFormat,
    LicenceInfo,
    LicenceState,
    MedicalVisitInfo,
    OffenceInfo,
    SuspensionInfo,
    SuspensionKind,
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


_DRIVER = (
    select(
        Driver.id,
        Driver.neph,
        Driver.civility,
        Driver.surname,
        Driver.usage_name,
        Driver.birth_year,
        Driver.birth_month,
        Driver.birth_day,
        Driver.birth_place,
        Driver.birth_place_code,
        Driver.birth_country,
        Licence.id.label("licence_id"),
        Licence.format,
        Licence.number,
        Licence.issued_on,
        Licence.prefecture,
        Licence.probationary,
        Licence.probation_start,
        Licence.accompanied_driving,
        Licence.invalidation_notified,
        Licence.cancelled_on,
    )
    .outerjoin(Licence, Licence.driver_id == Driver.id)
    .where(Driver.neph == bindparam("neph"))
)
_NAMES = (
    select(FirstName.name)
    .where(FirstName.driver_id == bindparam("driver"))
    .order_by(FirstName.position)
)
_CATEGORIES = (
    select(Category.code, Category.obtained_on, Category.valid_until, Restriction.code)
    .outerjoin(Restriction, Restriction.category_id == Category.id)
    .where(Category.licence_id == bindparam("licence"))
    .order_by(Category.id, Restriction.code)
)
_OFFENCES = (
    select(
        OffenceRow.id,
        OffenceRow.committed_on,
        OffenceRow.place,
        OffenceRow.natinf,
        OffenceRow.label,
        OffenceRow.offence_class,
        OffenceRow.points,
        OffenceRow.effective_on,
        OffenceRow.recorded_on,
    )
    .where(OffenceRow.licence_id == bindparam("licence"))
    .order_by(OffenceRow.committed_on, OffenceRow.id)
)
_COURSES = (
    select(CourseRow.id, CourseRow.centre, CourseRow.start_on, CourseRow.end_on)
    .where(CourseRow.licence_id == bindparam("licence"))
    .order_by(CourseRow.start_on, CourseRow.id)
)
_VISITS = (
    select(MedicalVisit.visited_on, MedicalVisit.outcome, MedicalVisit.valid_until)
    .where(MedicalVisit.licence_id == bindparam("licence"))
    .order_by(MedicalVisit.visited_on, MedicalVisit.id)
)
_SUSPENSIONS = (
    select(Suspension.kind, Suspension.start_on, Suspension.end_on)
    .where(Suspension.licence_id == bindparam("licence"))
    .order_by(Suspension.start_on, Suspension.id)
)


def points_inputs(
    facts: LicenceFacts, offences: tuple[OffenceInfo, ...], courses: tuple[CourseInfo, ...]
) -> tuple[tuple[Offence, ...], tuple[Course, ...]]:
    """The engine's plain inputs for a licence's registered offences and courses.

    Offences whose effective date is unknown are left out (no withdrawal yet: L223-1 al. 4).
    Offences committed the same day at the same place are one occasion, hence simultaneous
    (L223-2 III; RULES.md I3, places compared by :func:`registry.points.occasion_of`); the ledger
    names events ``offence:<id>`` and ``course:<id>``.
    """
    engine_offences = tuple(
        Offence(
            committed=o.committed,
            effective=o.effective,
            points=o.points,
            offence_class=o.offence_class,
            ref=f"offence:{o.id}",
            occasion=occasion_of(o.place),
        )
        for o in offences
        if o.effective is not None
    )
    engine_courses = tuple(Course(c.start, c.end, ref=f"course:{c.id}") for c in courses)
    return engine_offences, engine_courses


def load_driver_record(session: Session, neph: str, *, asof: date) -> DriverRecord:
    """The record of the driver ``neph`` at the end of the day ``asof``.

    Seven indexed Core queries built once with bound parameters (driver and licence, first
    names, categories with restrictions, offences, courses, visits, suspensions): ORM entity
    loading, or rebuilding the statements per call, cost several times more per record
    (bench/bench_points.py). Raises :class:`UnknownNEPHError` when no driver has this NEPH
    and :class:`NoLicenceError` when the driver holds no licence.
    """
    conn = session.connection()
    row = conn.execute(_DRIVER, {"neph": neph}).one_or_none()
    if row is None:
        raise UnknownNEPHError(neph)
    lic_id = row.licence_id
    if lic_id is None:
        raise NoLicenceError(neph)
    names = tuple(r.name for r in conn.execute(_NAMES, {"driver": row.id}))
    categories: list[CategoryInfo] = []
    current: tuple[str, date, date | None] | None = None
    restrictions: list[str] = []
    for code, obtained, valid_until, restriction in conn.execute(_CATEGORIES, {"licence": lic_id}):
        if current is None or current[0] != code:
            if current is not None:
                categories.append(CategoryInfo(*current, tuple(restrictions)))
            current, restrictions = (code, obtained, valid_until), []
        if restriction is not None:
            restrictions.append(restriction)
    if current is not None:
        categories.append(CategoryInfo(*current, tuple(restrictions)))
    offences = tuple(
        OffenceInfo(r[0], r[1], r[2], r[3], r[4], OffenceClass(r[5]), r[6], r[7], r[8])
        for r in conn.execute(_OFFENCES, {"licence": lic_id})
    )
    courses = tuple(CourseInfo(*r) for r in conn.execute(_COURSES, {"licence": lic_id}))
    visits = tuple(MedicalVisitInfo(*r) for r in conn.execute(_VISITS, {"licence": lic_id}))
    suspensions = tuple(
        SuspensionInfo(SuspensionKind(r[0]), r[1], r[2])
        for r in conn.execute(_SUSPENSIONS, {"licence": lic_id})
    )
    facts = LicenceFacts(
        issued=row.probation_start or row.issued_on,
        probationary=row.probationary,
        accompanied_driving=row.accompanied_driving,
        invalidation_notified=row.invalidation_notified,
    )
    engine_offences, engine_courses = points_inputs(facts, offences, courses)
    try:
        points = compute_points(facts, engine_offences, engine_courses, asof=asof)
    except PointsError as exc:  # facts written before their validation existed
        raise RegistryValidationError(
            f"the registered facts cannot happen: {exc}", field=f"licence.{exc.field}",
            position=exc.position,
        ) from exc
    active = next((s for s in reversed(suspensions) if s.active_on(asof)), None)
    state = _state(row.cancelled_on, points, active, asof)
    probation_end = None
    if row.probationary:
        probation_end = add_months(facts.issued, 24 if row.accompanied_driving else 36)
    licence = LicenceInfo(
        format=LicenceFormat(row.format),
        number=row.number,
        issued=row.issued_on,
        prefecture=row.prefecture,
        probationary=row.probationary and probation_end is not None and asof < probation_end,
        probation_start=facts.issued if row.probationary else None,
        probation_end=probation_end,
        accompanied_driving=row.accompanied_driving,
        state=state,
        suspension=active,
        invalidation_notified=row.invalidation_notified,
        cancelled_on=row.cancelled_on,
    )
    identity = Identity(
        neph=row.neph,
        civility=row.civility,
        surname=row.surname,
        usage_name=row.usage_name,
        first_names=names,
        birth_date=BirthDate(row.birth_year, row.birth_month, row.birth_day),
        birth_place=row.birth_place,
        birth_country=row.birth_country,
        birth_place_code=row.birth_place_code,
    )
    return DriverRecord(
        asof=asof,
        identity=identity,
        licence=licence,
        categories=tuple(categories),
        offences=offences,
        courses=courses,
        medical_visits=visits,
        suspensions=suspensions,
        points=points,
    )


def _state(
    cancelled_on: date | None,
    points: PointsResult,
    active: SuspensionInfo | None,
    asof: date,
) -> LicenceState:
    """The licence state at ``asof``, the gravest first: cancelled, invalidated, suspended.

    Invalidated only once the 48SI letter was received with a zero balance (the engine's
    ``INVALIDATED``); at 0 points before it (``INVALIDATION_PENDING``) the licence is still in
    force (L223-5 I; CE 29/09/2023 n° 461479) and its state is that of its other facts.
    """
    if cancelled_on is not None and cancelled_on <= asof:
        return LicenceState.CANCELLED
    if points.status is PointsStatus.INVALIDATED:
        return LicenceState.INVALIDATED
    if active is not None:
        if active.kind is SuspensionKind.MEDICAL:
            return LicenceState.MEDICALLY_SUSPENDED
        return LicenceState.SUSPENDED
    return LicenceState.VALID
