"""Presentation of registry records for the CLI: the list pages, a text page, a JSON object.

Why separate from the CLI: the same JSON shape serves ``registry show --json``, ``registry list
--json`` and any caller that needs a record as plain data, and it is tested without click.

Why pages: a national registry holds tens of millions of drivers (issue 11 item 5), so a listing
is read one keyset page at a time (``WHERE neph > :after ORDER BY neph LIMIT :n``, the unique
NEPH index giving the order) and each page's facts are loaded in five statements whatever its
size (the page, then first names, offences, courses and suspensions ``IN`` the page's ids),
never one record per driver. Time per page and memory stay flat as the registry grows
(bench/bench_registry.py; tests/integration/registry/test_postgres_scale.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import Session

from registry.models import CourseRow, Driver, FirstName, Licence, OffenceRow, Suspension
from registry.points import LicenceFacts, OffenceClass, add_months, compute_points
from registry.records import (
    CourseInfo,
    DriverRecord,
    OffenceInfo,
    SuspensionInfo,
    SuspensionKind,
    _state,  # the one rule for a licence's state; shared, not copied (see _list_row)
    points_inputs,
)

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "ListingPage",
    "first_clean_driver",
    "iter_drivers",
    "list_drivers",
    "record_to_json",
    "render_record",
]

DEFAULT_PAGE_SIZE = 100
# At most 500 a page: with 1,000 ids ``IN`` a page, PostgreSQL 15 already prefers reading the
# whole offences table of a 100,000-driver registry to 1,000 index probes (measured: Seq Scan at
# 1,000, bitmap index scan at 300-700); 500 keeps the tables that grow with the nation on their
# indexes from 10^5 drivers up, for one round trip per 500 drivers (≈ 1 % of a page's time).
MAX_PAGE_SIZE = 500
_DEMO_WINDOW = 1000  # the demo looks for a clean licence among the first NEPHs only

_IDS = bindparam("ids", expanding=True)
_PAGE = (
    select(
        Driver.id,
        Driver.neph,
        Driver.surname,
        Licence.id.label("licence_id"),
        Licence.issued_on,
        Licence.probationary,
        Licence.probation_start,
        Licence.accompanied_driving,
        Licence.invalidation_notified,
        Licence.cancelled_on,
    )
    .join(Licence, Licence.driver_id == Driver.id)  # a driver without a licence is not listed
    .where(Driver.neph > bindparam("after"))
    .order_by(Driver.neph)
    .limit(bindparam("n"))
)
_NAMES = (
    select(FirstName.driver_id, FirstName.name)
    .where(FirstName.driver_id.in_(_IDS))
    .order_by(FirstName.driver_id, FirstName.position)
)
_OFFENCES = (
    select(
        OffenceRow.licence_id,
        OffenceRow.id,
        OffenceRow.committed_on,
        OffenceRow.place,
        OffenceRow.natinf,
        OffenceRow.label,
        OffenceRow.offence_class,
        OffenceRow.points,
        OffenceRow.effective_on,
    )
    .where(OffenceRow.licence_id.in_(_IDS))
    .order_by(OffenceRow.licence_id, OffenceRow.committed_on, OffenceRow.id)
)
_COURSES = (
    select(
        CourseRow.licence_id, CourseRow.id, CourseRow.centre, CourseRow.start_on, CourseRow.end_on
    )
    .where(CourseRow.licence_id.in_(_IDS))
    .order_by(CourseRow.licence_id, CourseRow.start_on, CourseRow.id)
)
_SUSPENSIONS = (
    select(Suspension.licence_id, Suspension.kind, Suspension.start_on, Suspension.end_on)
    .where(Suspension.licence_id.in_(_IDS))
    .order_by(Suspension.licence_id, Suspension.start_on, Suspension.id)
)


@dataclass(frozen=True, slots=True)
class ListingPage:
    """One page of the listing, in NEPH order, and the ``after`` of the next (``None``: last)."""

    rows: tuple[dict[str, Any], ...]
    next_after: str | None

    def to_json(self, asof: date) -> dict[str, Any]:
        """``{"asof", "drivers": [...], "next_after"}``: pass ``next_after`` as ``--after``."""
        return {"asof": asof.isoformat(), "drivers": list(self.rows), "next_after": self.next_after}


def _grouped(rows: Any) -> dict[int, list[Any]]:
    """Rows grouped by their first column (the driver or licence id), order kept."""
    groups: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        groups[row[0]].append(row[1:])
    return groups


def list_drivers(
    session: Session, *, asof: date, after: str | None = None, limit: int = DEFAULT_PAGE_SIZE
) -> ListingPage:
    """The drivers holding a licence whose NEPH sorts after ``after``, at most ``limit`` of them.

    Each row: neph, surname, first_names, state, balance and probationary at ``asof``, exactly as
    :func:`registry.records.load_driver_record` reports them. One more row than asked is read to
    know whether a next page exists, so ``next_after`` is ``None`` on the last page.
    """
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValueError(f"limit must be between 1 and {MAX_PAGE_SIZE}, not {limit}")
    conn = session.connection()
    page = conn.execute(_PAGE, {"after": after or "", "n": limit + 1}).all()
    more = len(page) > limit
    page = page[:limit]
    if not page:
        return ListingPage((), None)
    licence_ids = [row.licence_id for row in page]
    names = _grouped(conn.execute(_NAMES, {"ids": [row.id for row in page]}))
    offences = _grouped(conn.execute(_OFFENCES, {"ids": licence_ids}))
    courses = _grouped(conn.execute(_COURSES, {"ids": licence_ids}))
    suspensions = _grouped(conn.execute(_SUSPENSIONS, {"ids": licence_ids}))
    rows = tuple(
        _list_row(
            row,
            asof,
            names.get(row.id, ()),
            offences.get(row.licence_id, ()),
            courses.get(row.licence_id, ()),
            suspensions.get(row.licence_id, ()),
        )
        for row in page
    )
    return ListingPage(rows, page[-1].neph if more else None)


def _list_row(
    row: Any,
    asof: date,
    names: Sequence[Any],
    offence_rows: Sequence[Any],
    course_rows: Sequence[Any],
    suspension_rows: Sequence[Any],
) -> dict[str, Any]:
    """A listing row from one driver's batched rows, by the read model's own rules.

    The points go through the same :func:`registry.records.points_inputs` and engine, the state
    through the same rule as :func:`registry.records.load_driver_record` (a test compares both on
    every seeded profile), so the listing cannot say other than ``registry show``.
    """
    offences = tuple(
        OffenceInfo(r[0], r[1], r[2], r[3], r[4], OffenceClass(r[5]), r[6], r[7])
        for r in offence_rows
    )
    courses = tuple(CourseInfo(*r) for r in course_rows)
    suspensions = tuple(SuspensionInfo(SuspensionKind(r[0]), r[1], r[2]) for r in suspension_rows)
    facts = LicenceFacts(
        issued=row.probation_start or row.issued_on,
        probationary=row.probationary,
        accompanied_driving=row.accompanied_driving,
        invalidation_notified=row.invalidation_notified,
    )
    engine_offences, engine_courses = points_inputs(facts, offences, courses)
    points = compute_points(facts, engine_offences, engine_courses, asof=asof)
    active = next((s for s in reversed(suspensions) if s.active_on(asof)), None)
    state = _state(row.cancelled_on, points, active, asof)
    probation_months = 24 if row.accompanied_driving else 36
    return {
        "neph": row.neph,
        "surname": row.surname,
        "first_names": [n[0] for n in names],
        "state": state.value,
        "balance": points.balance,
        "probationary": row.probationary and asof < add_months(facts.issued, probation_months),
    }


def iter_drivers(
    session: Session, *, asof: date, after: str | None = None, page_size: int = MAX_PAGE_SIZE
) -> Iterator[dict[str, Any]]:
    """Every listed driver after ``after``, page by page: one page in memory at a time."""
    while True:
        page = list_drivers(session, asof=asof, after=after, limit=page_size)
        yield from page.rows
        if page.next_after is None:
            return
        after = page.next_after


def first_clean_driver(session: Session, *, asof: date) -> str | None:
    """The first NEPH, among the first ``_DEMO_WINDOW``, whose licence is plainly valid at ``asof``.

    Plainly valid: issued by ``asof``, no offence, suspension, 48SI or cancellation on record,
    hence every point and no state but valid (what the demo's ADCS needs). One bounded
    statement: the candidates are the first NEPHs of the unique index, not the whole registry.
    """
    window = select(Driver.id).order_by(Driver.neph).limit(_DEMO_WINDOW).scalar_subquery()
    statement = (
        select(Driver.neph)
        .join(Licence, Licence.driver_id == Driver.id)
        .where(
            Driver.id.in_(window),
            Licence.issued_on <= asof,
            Licence.invalidation_notified.is_(None),
            Licence.cancelled_on.is_(None),
            ~exists().where(OffenceRow.licence_id == Licence.id),
            ~exists().where(Suspension.licence_id == Licence.id),
        )
        .order_by(Driver.neph)
        .limit(1)
    )
    return session.scalars(statement).first()


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
            "birth_place_code": ident.birth_place_code,
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
                "recorded": _d(o.recorded),
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
        + (f" (INSEE {ident.birth_place_code})" if ident.birth_place_code else "")
        + f" ({ident.birth_country})",
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
