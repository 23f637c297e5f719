"""Turn the registry's ``DriverRecord`` into the issuer's :class:`DriverFacts` (the one adapter).

Why one adapter: the registry speaks its own enums (``LicenceState.SUSPENDED``) and ledger; the
documents speak annex 13 (``SUSPENDU``) and French wording. Mapping here keeps both sides free to
evolve, and lets tests build facts the registry could not hold (20 categories).

State mapping (annex 13, p.148): valid → ``VALIDE`` (50), suspended → ``SUSPENDU`` (47),
medically suspended → ``SUSPENDU MEDICAL`` (48), invalidated (0 points, 48SI) → ``INVALIDE`` (13),
cancelled by a court → ``ANNULE JUDICIAIRE`` (03). None of them is refused: the document states it.

The RII history covers the ten years up to the record's date (offences, restorations, courses,
medical visits, suspensions); points come from the engine's ledger, so a withdrawal capped by the
balance shows what was actually withdrawn.
"""

from __future__ import annotations

from datetime import datetime

from issuer.facts import (
    CategoryLine,
    DriverFacts,
    HistoryEntry,
    HistoryKind,
    SuspensionFacts,
)
from issuer.facts import SuspensionKind as PrintedSuspensionKind
from issuer.pdf import french_date
from issuer.validity import add_months
from registry.points import LedgerReason, PointsStatus
from registry.records import DriverRecord, LicenceState, SuspensionKind

__all__ = ["HISTORY_YEARS", "STATE_LABELS", "facts_from_record"]

HISTORY_YEARS = 10

STATE_LABELS = {
    LicenceState.VALID: "VALIDE",
    LicenceState.SUSPENDED: "SUSPENDU",
    LicenceState.MEDICALLY_SUSPENDED: "SUSPENDU MEDICAL",
    LicenceState.INVALIDATED: "INVALIDE",
    LicenceState.CANCELLED: "ANNULE JUDICIAIRE",
}
"""Registry licence state → annex-13 label (the E5 code comes from :mod:`issuer.kinds`)."""

_MEDICAL_WORDS = {"fit": "Apte", "fit_with_restrictions": "Apte avec restrictions",
                  "unfit": "Inapte"}
_SUSPENSION_WORDS = {"administrative": "administrative", "judicial": "judiciaire",
                     "medical": "médicale"}

_RESTORATION_WORDS = {
    LedgerReason.SIX_MONTHS: "Récupération de points (6 mois sans infraction)",
    LedgerReason.TWO_YEARS: "Récupération totale (2 ans sans infraction)",
    LedgerReason.THREE_YEARS: "Récupération totale (3 ans sans infraction)",
    LedgerReason.TEN_YEARS: "Récupération des points d'une infraction de plus de 10 ans",
    LedgerReason.PROBATION_INCREMENT: "Majoration annuelle du permis probatoire",
}


def _history(record: DriverRecord) -> tuple[HistoryEntry, ...]:
    since = add_months(record.asof, -12 * HISTORY_YEARS)
    deltas: dict[object, int] = {}
    entries: list[HistoryEntry] = []
    for item in record.points.ledger:
        # Only the withdrawal itself (or the course's credit) belongs to the event's row; a later
        # restoration naming the same event is a row of its own.
        if item.event is not None and item.reason in (LedgerReason.OFFENCE, LedgerReason.COURSE):
            deltas[item.event] = deltas.get(item.event, 0) + item.delta
        words = _RESTORATION_WORDS.get(item.reason)
        if words and item.date >= since:
            entries.append(HistoryEntry(item.date, HistoryKind.RESTORATION, words, item.delta))
    for offence in record.offences:
        if offence.committed < since:
            continue
        label = f"{offence.label} — {offence.place} (NATINF {offence.natinf})"
        if offence.effective is None:
            label += " — en attente de la réalité de l'infraction"
        points = deltas.get(f"offence:{offence.id}")
        entries.append(HistoryEntry(offence.committed, HistoryKind.OFFENCE, label, points))
    for course in record.courses:
        if course.end < since:
            continue
        label = (f"Stage de sensibilisation à la sécurité routière, {course.centre}, "
                 f"du {french_date(course.start)} au {french_date(course.end)}")
        entries.append(HistoryEntry(course.end, HistoryKind.COURSE, label,
                                    deltas.get(f"course:{course.id}")))
    for visit in record.medical_visits:
        if visit.visited < since:
            continue
        label = "Contrôle médical de l'aptitude à la conduite : "
        label += _MEDICAL_WORDS.get(visit.outcome, visit.outcome)
        if visit.valid_until:
            label += f", aptitude valable jusqu'au {french_date(visit.valid_until)}"
        entries.append(HistoryEntry(visit.visited, HistoryKind.MEDICAL, label))
    for suspension in record.suspensions:
        if suspension.end is not None and suspension.end < since:
            continue
        until = f"au {french_date(suspension.end)}" if suspension.end else "jusqu'à nouvel ordre"
        kind = _SUSPENSION_WORDS.get(suspension.kind.value, suspension.kind.value)
        label = f"Suspension {kind} du permis du {french_date(suspension.start)} {until}"
        entries.append(HistoryEntry(suspension.start, HistoryKind.SUSPENSION, label))
    return tuple(sorted(entries, key=lambda e: e.on, reverse=True))


_PRINTED_KINDS = {
    SuspensionKind.ADMINISTRATIVE: PrintedSuspensionKind.ADMINISTRATIVE,
    SuspensionKind.JUDICIAL: PrintedSuspensionKind.JUDICIAL,
    SuspensionKind.MEDICAL: PrintedSuspensionKind.MEDICAL,
}


def _suspension(record: DriverRecord) -> SuspensionFacts | None:
    """The suspension in force at the record's date; of several, the one that ends last.

    The one that ends last is the one that says when the holder may drive again; a suspension
    "until further notice" (no end) outlasts any other.
    """
    active = [s for s in record.suspensions if s.active_on(record.asof)]
    if not active:
        return None
    last = max(active, key=lambda s: (s.end is None, s.end or s.start))
    return SuspensionFacts(_PRINTED_KINDS[last.kind], last.start, last.end)


def facts_from_record(record: DriverRecord, *, data_as_of: datetime) -> DriverFacts:
    """The facts the documents certify, from a registry record read at ``data_as_of``."""
    identity = record.identity
    categories = tuple(
        CategoryLine(c.code, c.obtained, c.valid_until, c.restrictions)
        for c in record.categories
        if c.valid_on(record.asof)
    )
    return DriverFacts(
        neph=identity.neph,
        civility=identity.civility,
        surname=identity.surname,
        given_names=identity.first_names,
        birth_date=identity.birth_date.ddmmyyyy(),
        birth_place=identity.birth_place,
        state=STATE_LABELS[record.state],
        categories=categories,
        data_as_of=data_as_of,
        points_balance=record.points.balance,
        history=_history(record),
        licence_number=record.licence.number,
        licence_issued_on=record.licence.issued,
        usage_name=identity.usage_name,
        suspension=_suspension(record),
        invalidation_pending=record.points.status is PointsStatus.INVALIDATION_PENDING,
        invalidation_notified=record.licence.invalidation_notified,
    )


