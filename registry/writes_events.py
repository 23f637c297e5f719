"""Events written one at a time on an existing licence: the agent API's writes (issue 15).

Why a module beside :mod:`registry.writes`: that one validates a whole driver as ``registry add``
brings it; these are the later events other systems report (an offence, its payment, a course, a
medical visit, a suspension and its end, the 48SI letter). Each reuses the same field checks
(:func:`registry.writes.add_offence`, ``_validate_*``), stamps the day it was recorded beside the
day it took effect, and refuses with :class:`LicenceStateError` (HTTP 409) a write that the
licence's state forbids: a course or suspension on an invalidated or cancelled licence, a letter
when the balance is not zero (L223-5 I, R223-3 III), an offence made effective twice, a
suspension ended twice. Functions flush, never commit: the caller owns the transaction.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.errors import LicenceStateError, RegistryValidationError, UnknownEventError
from registry.models import (
    MEDICAL_OUTCOMES,
    SUSPENSION_KINDS,
    CourseRow,
    Driver,
    Licence,
    MedicalVisit,
    OffenceRow,
    Suspension,
)
from registry.records import load_driver_record
from registry.write_types import NewCourse, NewMedicalVisit, NewOffence, NewSuspension
from registry.writes import add_course, add_offence, validate_neph

__all__ = [
    "end_suspension",
    "licence_of",
    "make_offence_effective",
    "record_course",
    "record_invalidation",
    "record_medical_visit",
    "record_offence",
    "record_suspension",
]


def licence_of(session: Session, neph: str) -> Licence:
    """The licence of ``neph``; :class:`UnknownNEPHError` when no driver holds one."""
    from registry.errors import UnknownNEPHError

    validate_neph(neph)
    driver = session.scalars(select(Driver).where(Driver.neph == neph)).one_or_none()
    if driver is None or driver.licence is None:
        raise UnknownNEPHError(neph)
    return driver.licence


def _ended(lic: Licence, on: date, what: str) -> None:
    """Refuse ``what`` when the licence was cancelled or invalidated on or before ``on``."""
    if lic.cancelled_on is not None and lic.cancelled_on <= on:
        raise LicenceStateError(f"the licence was cancelled on {lic.cancelled_on}", field=what)
    if lic.invalidation_notified is not None and lic.invalidation_notified <= on:
        raise LicenceStateError(
            f"the licence was invalidated (48SI) on {lic.invalidation_notified}", field=what)


def record_offence(session: Session, neph: str, new: NewOffence, *, today: date) -> OffenceRow:
    """Record an offence (validated as ``registry add`` does), stamped ``recorded_on=today``."""
    _ended(licence_of(session, neph), new.committed, "committed")
    row = add_offence(session, neph, new)
    row.recorded_on = today
    session.flush()
    return row


def make_offence_effective(session: Session, offence_id: int, effective: date) -> OffenceRow:
    """The payment or conviction that makes an offence's loss take effect (L223-1 al. 4)."""
    row = session.get(OffenceRow, offence_id)
    if row is None:
        raise UnknownEventError("offence", offence_id)
    if row.effective_on is not None:
        raise LicenceStateError(f"the loss already took effect on {row.effective_on}",
                                field="effective")
    if effective < row.committed_on:
        raise RegistryValidationError("effective before the offence was committed",
                                      field="effective")
    row.effective_on = effective
    session.flush()
    return row


def record_course(session: Session, neph: str, new: NewCourse, *, today: date) -> CourseRow:
    """Record a road-safety course; refused once the licence is invalidated or cancelled."""
    _ended(licence_of(session, neph), new.start, "start")
    row = add_course(session, neph, new)
    row.recorded_on = today
    session.flush()
    return row


def record_medical_visit(session: Session, neph: str, new: NewMedicalVisit, *,
                         today: date) -> MedicalVisit:
    """Record a medical visit (outcome one of :data:`MEDICAL_OUTCOMES`)."""
    lic = licence_of(session, neph)
    if new.outcome not in MEDICAL_OUTCOMES:
        raise RegistryValidationError(
            f"{new.outcome!r} is not one of {', '.join(MEDICAL_OUTCOMES)}", field="outcome")
    if new.valid_until is not None and new.valid_until < new.visited:
        raise RegistryValidationError("validity ends before the visit", field="valid_until")
    if new.visited < lic.issued_on:
        raise RegistryValidationError("the visit predates the licence", field="visited")
    row = MedicalVisit(visited_on=new.visited, outcome=new.outcome,
                       valid_until=new.valid_until, recorded_on=today)
    lic.medical_visits.append(row)
    session.flush()
    return row


def record_suspension(session: Session, neph: str, new: NewSuspension, *,
                      today: date) -> Suspension:
    """Record a suspension; refused while another one is still running on its first day."""
    lic = licence_of(session, neph)
    if new.kind not in SUSPENSION_KINDS:
        raise RegistryValidationError(
            f"{new.kind!r} is not one of {', '.join(SUSPENSION_KINDS)}", field="kind")
    if new.end is not None and new.end < new.start:
        raise RegistryValidationError("ends before it starts", field="end")
    if new.start < lic.issued_on:
        raise RegistryValidationError("the suspension predates the licence", field="start")
    _ended(lic, new.start, "start")
    for other in lic.suspensions:
        if other.start_on <= new.start and (other.end_on is None or new.start <= other.end_on):
            raise LicenceStateError(f"suspension {other.id} is already running on that day",
                                    field="start")
    row = Suspension(kind=new.kind, start_on=new.start, end_on=new.end, recorded_on=today)
    lic.suspensions.append(row)
    session.flush()
    return row


def end_suspension(session: Session, suspension_id: int, end: date) -> Suspension:
    """Set the end of a suspension ordered "until further notice"; refused if it has one."""
    row = session.get(Suspension, suspension_id)
    if row is None:
        raise UnknownEventError("suspension", suspension_id)
    if row.end_on is not None:
        raise LicenceStateError(f"the suspension already ends on {row.end_on}", field="end")
    if end < row.start_on:
        raise RegistryValidationError("ends before it starts", field="end")
    row.end_on = end
    session.flush()
    return row


def record_invalidation(session: Session, neph: str, received: date) -> Licence:
    """Record the day the 48SI letter was received; it notifies a zero balance (R223-3 III)."""
    lic = licence_of(session, neph)
    if received < lic.issued_on:
        raise RegistryValidationError("before the issue date", field="date")
    if lic.invalidation_notified is not None:
        raise LicenceStateError(
            f"a 48SI letter was already received on {lic.invalidation_notified}", field="date")
    if lic.cancelled_on is not None and lic.cancelled_on <= received:
        raise LicenceStateError(f"the licence was cancelled on {lic.cancelled_on}", field="date")
    balance = load_driver_record(session, neph, asof=received).points.balance
    if balance != 0:
        raise LicenceStateError(f"the balance is {balance}, not 0, on that day", field="date")
    lic.invalidation_notified = received
    session.flush()
    return lic
