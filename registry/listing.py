"""Presentation of registry records for the CLI: the list rows, a text page, a JSON object.

Why separate from the CLI: the same JSON shape serves ``registry show --json``, ``registry list
--json`` and any caller that needs a record as plain data, and it is tested without click.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import Driver
from registry.records import DriverRecord, load_driver_record

__all__ = ["list_drivers", "record_to_json", "render_record"]


def list_drivers(session: Session, *, asof: date) -> list[dict[str, Any]]:
    """One row per driver holding a licence, ordered by NEPH: neph, names, state, balance."""
    rows = []
    for neph in session.scalars(select(Driver.neph).order_by(Driver.neph)):
        try:
            record = load_driver_record(session, neph, asof=asof)
        except LookupError:
            continue  # A driver without a licence has no state or balance to list.
        rows.append(
            {
                "neph": record.neph,
                "surname": record.identity.surname,
                "first_names": list(record.identity.first_names),
                "state": record.state.value,
                "balance": record.points.balance,
                "probationary": record.licence.probationary,
            }
        )
    return rows


def _d(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def record_to_json(record: DriverRecord) -> dict[str, Any]:
    """The record as JSON-ready data (dates ISO, enums by value)."""
    ident, lic = record.identity, record.licence
    return {
        "asof": record.asof.isoformat(),
        "identity": {
            "neph": ident.neph,
            "civility": ident.civility,
            "surname": ident.surname,
            "usage_name": ident.usage_name,
            "first_names": list(ident.first_names),
            "birth_date": {
                "year": ident.birth_date.year,
                "month": ident.birth_date.month,
                "day": ident.birth_date.day,
            },
            "birth_place": ident.birth_place,
            "birth_country": ident.birth_country,
        },
        "licence": {
            "format": lic.format.value,
            "number": lic.number,
            "issued": lic.issued.isoformat(),
            "prefecture": lic.prefecture,
            "probationary": lic.probationary,
            "probation_end": _d(lic.probation_end),
            "accompanied_driving": lic.accompanied_driving,
            "state": lic.state.value,
            "suspension": None
            if lic.suspension is None
            else {
                "kind": lic.suspension.kind.value,
                "start": lic.suspension.start.isoformat(),
                "end": _d(lic.suspension.end),
            },
            "invalidated_48si": _d(lic.invalidated_48si),
            "cancelled_on": _d(lic.cancelled_on),
        },
        "categories": [
            {
                "code": c.code,
                "obtained": c.obtained.isoformat(),
                "valid_until": _d(c.valid_until),
                "restrictions": list(c.restrictions),
            }
            for c in record.categories
        ],
        "offences": [
            {
                "id": o.id,
                "committed": o.committed.isoformat(),
                "place": o.place,
                "natinf": o.natinf,
                "label": o.label,
                "class": o.offence_class.value,
                "points": o.points,
                "effective": _d(o.effective),
            }
            for o in record.offences
        ],
        "courses": [
            {"id": c.id, "centre": c.centre, "start": c.start.isoformat(), "end": c.end.isoformat()}
            for c in record.courses
        ],
        "medical_visits": [
            {
                "visited": v.visited.isoformat(),
                "outcome": v.outcome,
                "valid_until": _d(v.valid_until),
            }
            for v in record.medical_visits
        ],
        "points": record.points.to_json(),
    }


def render_record(record: DriverRecord) -> str:
    """A text page: identity, licence, categories, balance, history and calendar."""
    ident, lic, pts = record.identity, record.licence, record.points
    birth = ident.birth_date
    lines = [
        f"NEPH {ident.neph}   at {record.asof.isoformat()}",
        f"{ident.civility} {ident.surname}"
        + (f" (usage: {ident.usage_name})" if ident.usage_name else "")
        + f", {' '.join(ident.first_names)}",
        f"born {birth.day or '??'}/{birth.month or '??'}/{birth.year} in {ident.birth_place}"
        f" ({ident.birth_country})",
        f"licence {lic.number} ({lic.format.value}), issued {lic.issued.isoformat()}"
        f" by prefecture {lic.prefecture}"
        + (f", probationary until {_d(lic.probation_end)}" if lic.probationary else ""),
        f"state: {lic.state.value}"
        + (
            f" ({lic.suspension.kind.value} suspension {lic.suspension.start.isoformat()}"
            f" to {_d(lic.suspension.end) or 'further notice'})"
            if lic.suspension
            else ""
        )
        + (f", 48SI {lic.invalidated_48si.isoformat()}" if lic.invalidated_48si else ""),
        f"points: {pts.balance} / {pts.ceiling} ({pts.status.value})",
        "categories:",
    ]
    for c in record.categories:
        until = f" until {c.valid_until.isoformat()}" if c.valid_until else ""
        restr = f" restrictions {', '.join(c.restrictions)}" if c.restrictions else ""
        lines.append(f"  {c.code:<4} since {c.obtained.isoformat()}{until}{restr}")
    lines.append("offences:")
    for o in record.offences:
        eff = o.effective.isoformat() if o.effective else "pending"
        lines.append(
            f"  {o.committed.isoformat()} {o.place}: NATINF {o.natinf} {o.label}"
            f" [{o.offence_class.value}, {o.points} pt, effective {eff}]"
        )
    lines.append("history:")
    for e in pts.ledger:
        event = f" ({e.event})" if e.event is not None else ""
        lines.append(
            f"  {e.date.isoformat()}  {e.delta:+3d}  -> {e.balance:2d}  {e.reason.value}{event}"
        )
    lines.append("calendar:")
    for r in pts.calendar:
        lines.append(f"  {r.date.isoformat()}  +{r.points}  {r.reason.value}")
    if not pts.calendar:
        lines.append("  (no automatic restoration due)")
    return "\n".join(lines)
