"""One function per write endpoint of the agent API: body in, registry write, event JSON out.

Why apart from the HTTP layer: :mod:`issuer.agent.service` wraps every one of these in the same
transaction, idempotency key, audit row and notices; each function here only reads its body
(:mod:`issuer.agent.payloads`), calls the registry (:mod:`registry.writes_events`) and says what
it created or changed. ``today`` is the day the registry records the event (Europe/Paris).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from issuer.agent import payloads
from registry.models import CourseRow, Licence, MedicalVisit, OffenceRow, Suspension
from registry.writes_events import (
    end_suspension,
    make_offence_effective,
    record_course,
    record_invalidation,
    record_medical_visit,
    record_offence,
    record_suspension,
)

__all__ = ["ENDPOINTS", "Endpoint", "Outcome"]


def _d(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a write did: the licence's NEPH, the HTTP status, the event as JSON, its kind."""

    neph: str
    status: int
    event: dict[str, Any]
    kind: str


def _neph(lic: Licence) -> str:
    return lic.driver.neph


def offence_json(row: OffenceRow) -> dict[str, Any]:
    """An offence as the API answers it."""
    return {"id": row.id, "neph": _neph(row_licence(row)), "committed": _d(row.committed_on),
            "place": row.place, "natinf": row.natinf, "label": row.label,
            "offence_class": row.offence_class, "points": row.points,
            "effective": _d(row.effective_on), "recorded": _d(row.recorded_on)}


def row_licence(row: Any) -> Licence:
    """The licence an event row belongs to (loaded by its foreign key)."""
    from sqlalchemy.orm import object_session

    session = object_session(row)
    assert session is not None
    licence = session.get(Licence, row.licence_id)
    assert licence is not None
    return licence


def suspension_json(row: Suspension) -> dict[str, Any]:
    """A suspension as the API answers it."""
    return {"id": row.id, "neph": _neph(row_licence(row)), "kind": row.kind,
            "start": _d(row.start_on), "end": _d(row.end_on), "recorded": _d(row.recorded_on)}


def _offence(session: Session, data: dict[str, Any], _id: int | None, today: date) -> Outcome:
    new = payloads.offence(data)
    row = record_offence(session, payloads.neph_of(data), new, today=today)
    return Outcome(payloads.neph_of(data), 201, offence_json(row), "offence")


def _effective(session: Session, data: dict[str, Any], ident: int | None,
               today: date) -> Outcome:
    effective = payloads.end_date(data, "effective")
    assert ident is not None
    row = make_offence_effective(session, ident, effective)
    event = offence_json(row)
    return Outcome(event["neph"], 200, event, "offence_effective")


def _course(session: Session, data: dict[str, Any], _id: int | None, today: date) -> Outcome:
    new = payloads.course(data)
    row: CourseRow = record_course(session, payloads.neph_of(data), new, today=today)
    return Outcome(payloads.neph_of(data), 201,
                   {"id": row.id, "neph": payloads.neph_of(data), "centre": row.centre,
                    "start": _d(row.start_on), "end": _d(row.end_on),
                    "recorded": _d(row.recorded_on)}, "course")


def _visit(session: Session, data: dict[str, Any], _id: int | None, today: date) -> Outcome:
    new = payloads.medical_visit(data)
    row: MedicalVisit = record_medical_visit(session, payloads.neph_of(data), new, today=today)
    return Outcome(payloads.neph_of(data), 201,
                   {"id": row.id, "neph": payloads.neph_of(data), "visited": _d(row.visited_on),
                    "outcome": row.outcome, "valid_until": _d(row.valid_until),
                    "recorded": _d(row.recorded_on)}, "medical_visit")


def _suspension(session: Session, data: dict[str, Any], _id: int | None,
                today: date) -> Outcome:
    new = payloads.suspension(data)
    row = record_suspension(session, payloads.neph_of(data), new, today=today)
    return Outcome(payloads.neph_of(data), 201, suspension_json(row), "suspension")


def _suspension_end(session: Session, data: dict[str, Any], ident: int | None,
                    today: date) -> Outcome:
    end = payloads.end_date(data, "end")
    assert ident is not None
    event = suspension_json(end_suspension(session, ident, end))
    return Outcome(event["neph"], 200, event, "suspension_end")


def _invalidation(session: Session, data: dict[str, Any], _id: int | None,
                  today: date) -> Outcome:
    received = payloads.invalidation(data)
    lic = record_invalidation(session, payloads.neph_of(data), received)
    return Outcome(payloads.neph_of(data), 201,
                   {"id": lic.id, "neph": payloads.neph_of(data), "date": _d(received),
                    "recorded": _d(today)}, "invalidation")


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A write endpoint: its name (for the audit), the scopes that allow it, its function."""

    name: str
    scopes: frozenset[str]
    write: Callable[[Session, dict[str, Any], int | None, date], Outcome]


ENDPOINTS = {
    e.name: e
    for e in (
        Endpoint("offences", frozenset({"offences"}), _offence),
        Endpoint("offences/<id>/effective", frozenset({"offences"}), _effective),
        Endpoint("courses", frozenset({"courses"}), _course),
        Endpoint("medical-visits", frozenset({"medical"}), _visit),
        Endpoint("suspensions", frozenset({"suspensions"}), _suspension),
        Endpoint("suspensions/<id>/end", frozenset({"suspensions"}), _suspension_end),
        # The 48SI letter follows from the points (offences) and ends the right to drive like
        # a suspension: either scope may report it.
        Endpoint("invalidations", frozenset({"offences", "suspensions"}), _invalidation),
    )
}
