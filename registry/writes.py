"""Write side of the registry: validated inputs for a driver and the events of a licence.

Why validate in Python when the schema has CHECK constraints: a constraint violation says which
constraint failed, in the database's words, after a round trip; these checks name the field and
its position (``first_names[6]``, ``licence.courses[1].end``) before anything is written, and cover
what SQL cannot say portably (a real calendar date for a birth date, the NEPH alphabet as a
message). The CHECKs remain the last line of defence for any other writer. A failed write raises
and the caller's transaction rolls back, so the database is left unchanged.
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from registry.errors import (
    DuplicateNEPHError,
    RegistryValidationError,
    UnknownNEPHError,
)
from registry.models import (
    CATEGORY_CODES,
    CIVILITIES,
    LICENCE_FORMATS,
    MEDICAL_OUTCOMES,
    OFFENCE_CLASSES,
    SUSPENSION_KINDS,
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
    compute_points,
    occasion_of,
)
from registry.points.facts import COURSE_LENGTH, DELIT_POINTS
from registry.record_types import BirthDate
from registry.write_types import (
    NewCategory,
    NewCourse,
    NewDriver,
    NewLicence,
    NewMedicalVisit,
    NewOffence,
    NewSuspension,
)

__all__ = [
    "NewCategory",
    "NewCourse",
    "NewDriver",
    "NewLicence",
    "NewMedicalVisit",
    "NewOffence",
    "NewSuspension",
    "add_course",
    "add_offence",
    "register_driver",
    "validate_driver",
    "validate_neph",
]

_NEPH = re.compile(r"[A-Z0-9]{5,19}")
_RESTRICTION = re.compile(r"\d{2}(\.\d{2,3})?")
_COUNTRY = re.compile(r"[A-Z]{2}")
#: An INSEE commune code: the département (01-95, 2A, 2B, 971-976) then the commune, 5 characters.
_INSEE_COMMUNE = re.compile(r"(?:[0-9]{2}|2[AB])[0-9]{3}", re.ASCII)
_PREFECTURE = re.compile(r"\d{2,3}|2[AB]")
MAX_FIRST_NAMES = 6
HEAVY_CATEGORIES = frozenset({"C1", "C1E", "C", "CE", "D1", "D1E", "D", "DE"})


def _fail(msg: str, path: str, position: int | None = None) -> RegistryValidationError:
    return RegistryValidationError(msg, field=path, position=position)


def validate_neph(neph: object) -> str:
    """Return ``neph`` if it is 5 to 19 characters of ``[A-Z0-9]``, else raise naming it."""
    if not isinstance(neph, str) or not _NEPH.fullmatch(neph):
        raise _fail(f"{neph!r} is not a NEPH (5 to 19 characters A-Z, 0-9)", "neph")
    return neph


def _text(value: object, path: str, max_len: int, position: int | None = None) -> None:
    if not isinstance(value, str) or not value.strip():
        raise _fail("must be a non-empty text", path, position)
    if len(value) > max_len:
        raise _fail(f"longer than {max_len} characters", path, position)


def _one_of(value: object, allowed: tuple[str, ...], path: str) -> None:
    if value not in allowed:
        raise _fail(f"{value!r} is not one of {', '.join(allowed)}", path)


def _validate_birth(birth: BirthDate) -> None:
    if not 1890 <= birth.year <= 2200:
        raise _fail(f"year {birth.year} out of range", "birth_date")
    if birth.day is not None and birth.month is None:
        raise _fail("a day without a month", "birth_date")
    if birth.month is not None and not 1 <= birth.month <= 12:
        raise _fail(f"month {birth.month} out of range", "birth_date")
    if birth.day is not None:
        try:
            birth.as_date()
        except ValueError as exc:
            raise _fail(f"not a real date ({exc})", "birth_date") from exc


def validate_driver(new: NewDriver) -> None:
    """Check every field of ``new``; raise :class:`RegistryValidationError` naming the first bad."""
    validate_neph(new.neph)
    _one_of(new.civility, CIVILITIES, "civility")
    _text(new.surname, "surname", 80)
    if new.usage_name is not None:
        _text(new.usage_name, "usage_name", 80)
    if not 1 <= len(new.first_names) <= MAX_FIRST_NAMES:
        raise _fail(
            f"1 to {MAX_FIRST_NAMES} first names, got {len(new.first_names)}", "first_names"
        )
    for i, name in enumerate(new.first_names):
        _text(name, "first_names", 40, i)
    _validate_birth(new.birth_date)
    _text(new.birth_place, "birth_place", 80)
    if new.birth_place_code is not None and not _INSEE_COMMUNE.fullmatch(new.birth_place_code):
        raise _fail(f"{new.birth_place_code!r} is not an INSEE commune code (5 characters, "
                    "e.g. 75056 or 2A004)", "birth_place_code")
    if not _COUNTRY.fullmatch(new.birth_country or ""):
        raise _fail(f"{new.birth_country!r} is not an ISO 3166 alpha-2 code", "birth_country")
    if new.licence is not None:
        _validate_licence(new.licence)


def _validate_licence(lic: NewLicence) -> None:
    _one_of(lic.format, LICENCE_FORMATS, "licence.format")
    _text(lic.number, "licence.number", 20)
    if not _PREFECTURE.fullmatch(lic.prefecture or ""):
        raise _fail(f"{lic.prefecture!r} is not a département code", "licence.prefecture")
    for name in ("probation_start", "invalidation_notified", "cancelled_on"):
        value = getattr(lic, name)
        if value is not None and value < lic.issued:
            raise _fail("before the issue date", f"licence.{name}")
    seen: set[str] = set()
    for i, cat in enumerate(lic.categories):
        path = f"licence.categories[{i}]"
        _one_of(cat.code, CATEGORY_CODES, f"{path}.code")
        if cat.code in seen:
            raise _fail(f"category {cat.code} listed twice", f"{path}.code")
        seen.add(cat.code)
        if cat.code in HEAVY_CATEGORIES and cat.valid_until is None:
            # R221-11: the heavy categories are granted for a limited time, renewed after a
            # medical visit, so the registry must know when each one ends.
            raise _fail(f"category {cat.code} needs an end of validity", f"{path}.valid_until")
        if cat.valid_until is not None and cat.valid_until < cat.obtained:
            raise _fail("end of validity before the date obtained", f"{path}.valid_until")
        for j, code in enumerate(cat.restrictions):
            if not isinstance(code, str) or not _RESTRICTION.fullmatch(code):
                raise _fail(f"{code!r} is not an EU restriction code", f"{path}.restrictions", j)
        if len(set(cat.restrictions)) != len(cat.restrictions):
            raise _fail("a restriction listed twice", f"{path}.restrictions")
    for i, off in enumerate(lic.offences):
        _validate_offence(off, f"licence.offences[{i}]", lic.issued)
    for i, course in enumerate(lic.courses):
        _validate_course(course, f"licence.courses[{i}]", lic.issued)
    for i, visit in enumerate(lic.medical_visits):
        path = f"licence.medical_visits[{i}]"
        _one_of(visit.outcome, MEDICAL_OUTCOMES, f"{path}.outcome")
        if visit.valid_until is not None and visit.valid_until < visit.visited:
            raise _fail("validity ends before the visit", f"{path}.valid_until")
    for i, susp in enumerate(lic.suspensions):
        path = f"licence.suspensions[{i}]"
        _one_of(susp.kind, SUSPENSION_KINDS, f"{path}.kind")
        if susp.end is not None and susp.end < susp.start:
            raise _fail("ends before it starts", f"{path}.end")
    if lic.invalidation_notified is not None:
        _validate_letter(lic)


def _validate_letter(lic: NewLicence) -> None:
    """A 48SI letter notifies a zero balance: refuse one received before any (R223-3 III, I21)."""
    facts = LicenceFacts(lic.probation_start or lic.issued, lic.probationary,
                         lic.accompanied_driving, lic.invalidation_notified)  # fmt: skip
    offences = tuple(
        Offence(o.committed, o.effective, o.points, OffenceClass(o.offence_class),
                occasion=occasion_of(o.place))
        for o in lic.offences
        if o.effective is not None
    )  # fmt: skip
    courses = tuple(Course(c.start, c.end) for c in lic.courses)
    try:
        compute_points(facts, offences, courses, asof=facts.issued)
    except PointsError as exc:
        raise _fail(str(exc).rsplit(" (", 1)[0], f"licence.{exc.field}", exc.position) from exc


def _validate_offence(off: NewOffence, path: str, issued: date) -> None:
    _one_of(off.offence_class, OFFENCE_CLASSES, f"{path}.offence_class")
    if isinstance(off.points, bool) or not isinstance(off.points, int) or not 0 <= off.points <= 6:
        raise _fail(f"{off.points!r} is not 0 to 6 points (L223-2)", f"{path}.points")
    if off.offence_class == "DELIT" and off.points != DELIT_POINTS:
        raise _fail(f"a délit withdraws 6 points, not {off.points} (L223-2 I)", f"{path}.points")
    if (
        isinstance(off.natinf, bool)
        or not isinstance(off.natinf, int)
        or not 0 < off.natinf < 100000
    ):
        raise _fail(f"{off.natinf!r} is not a NATINF code", f"{path}.natinf")
    _text(off.place, f"{path}.place", 80)
    _text(off.label, f"{path}.label", 200)
    if off.committed < issued:
        raise _fail("committed before the licence was issued", f"{path}.committed")
    if off.effective is not None and off.effective < off.committed:
        raise _fail("effective before the offence was committed", f"{path}.effective")


def _validate_course(course: NewCourse, path: str, issued: date) -> None:
    _text(course.centre, f"{path}.centre", 120)
    if course.end < course.start:
        raise _fail("the course ends before it starts", f"{path}.end")
    if course.end != course.start + COURSE_LENGTH:
        raise _fail("a course lasts two consecutive days (R223-5)", f"{path}.end")
    if course.start < issued:
        raise _fail("the course predates the licence", f"{path}.start")


def register_driver(session: Session, new: NewDriver) -> Driver:
    """Validate and add ``new`` to ``session`` (flushed, not committed); return the row.

    Raises :class:`DuplicateNEPHError` when the NEPH is taken, :class:`RegistryValidationError`
    for a bad field; the caller's transaction should then be rolled back.
    """
    validate_driver(new)
    if session.scalar(select(Driver.id).where(Driver.neph == new.neph)) is not None:
        raise DuplicateNEPHError(new.neph)
    driver = Driver(
        neph=new.neph,
        civility=new.civility,
        surname=new.surname,
        usage_name=new.usage_name,
        birth_year=new.birth_date.year,
        birth_month=new.birth_date.month,
        birth_day=new.birth_date.day,
        birth_place=new.birth_place,
        birth_place_code=new.birth_place_code,
        birth_country=new.birth_country,
        first_names=[FirstName(position=i + 1, name=n) for i, n in enumerate(new.first_names)],
    )
    if new.licence is not None:
        driver.licence = _licence_row(new.licence)
    session.add(driver)
    try:
        session.flush()
    except IntegrityError as exc:
        # A concurrent writer, or a licence number already in use: name what SQL refused.
        raise _integrity(exc) from exc
    return driver


def _integrity(exc: IntegrityError) -> RegistryValidationError:
    text = str(exc.orig).lower()
    if "neph" in text:
        return _fail("already registered (unique NEPH)", "neph")
    if "number" in text:
        return _fail("licence number already in use", "licence.number")
    return _fail(f"refused by the database: {exc.orig}", "driver")


def _licence_row(lic: NewLicence) -> Licence:
    row = Licence(
        format=lic.format,
        number=lic.number,
        issued_on=lic.issued,
        prefecture=lic.prefecture,
        probationary=lic.probationary,
        probation_start=lic.probation_start,
        accompanied_driving=lic.accompanied_driving,
        invalidation_notified=lic.invalidation_notified,
        cancelled_on=lic.cancelled_on,
    )
    row.categories = [
        Category(
            code=c.code,
            obtained_on=c.obtained,
            valid_until=c.valid_until,
            restrictions=[Restriction(code=r) for r in c.restrictions],
        )
        for c in lic.categories
    ]
    row.offences = [_offence_row(o) for o in lic.offences]
    row.courses = [CourseRow(centre=c.centre, start_on=c.start, end_on=c.end) for c in lic.courses]
    row.medical_visits = [
        MedicalVisit(visited_on=v.visited, outcome=v.outcome, valid_until=v.valid_until)
        for v in lic.medical_visits
    ]
    row.suspensions = [
        Suspension(kind=s.kind, start_on=s.start, end_on=s.end) for s in lic.suspensions
    ]
    return row


def _offence_row(o: NewOffence) -> OffenceRow:
    return OffenceRow(
        committed_on=o.committed,
        place=o.place,
        natinf=o.natinf,
        label=o.label,
        offence_class=o.offence_class,
        points=o.points,
        effective_on=o.effective,
    )


def _licence_of(session: Session, neph: str) -> Licence:
    validate_neph(neph)
    driver = session.scalars(select(Driver).where(Driver.neph == neph)).one_or_none()
    if driver is None or driver.licence is None:
        raise UnknownNEPHError(neph)
    return driver.licence


def add_course(session: Session, neph: str, course: NewCourse) -> CourseRow:
    """Record a road-safety course on the licence of ``neph`` (validated, flushed)."""
    lic = _licence_of(session, neph)
    _validate_course(course, "course", lic.issued_on)
    row = CourseRow(centre=course.centre, start_on=course.start, end_on=course.end)
    lic.courses.append(row)
    session.flush()
    return row


def add_offence(session: Session, neph: str, offence: NewOffence) -> OffenceRow:
    """Record an offence on the licence of ``neph`` (validated, flushed)."""
    lic = _licence_of(session, neph)
    _validate_offence(offence, "offence", lic.issued_on)
    row = _offence_row(offence)
    lic.offences.append(row)
    session.flush()
    return row
