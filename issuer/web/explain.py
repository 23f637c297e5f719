"""Words for what the points engine and the registry say: rules, states, history lines.

Why here: drivers complain that the real service shows bare tables; each line of ours says why,
citing the rule of ``registry/RULES.md`` (R…) and its article. Every label is French (translated
by :func:`issuer.web.i18n.gettext`); a value we do not know yet (the engine gains statuses such as
``invalidation_pending``) is shown by its name rather than breaking the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

from issuer.web.i18n import format_date
from issuer.web.i18n import gettext as _
from registry.records import DriverRecord

__all__ = ["HistoryLine", "history", "reason_label", "state_label", "status_label"]

_REASONS = {
    "initial": ("Capital de points du permis", "R1, R11 — art. R223-1"),
    "offence": ("Retrait de points pour une infraction", "R2 — art. L223-1"),
    "course": ("Stage de sensibilisation : jusqu'à 4 points, une fois par an",
               "R9 — art. L223-6 al. 4, R223-8"),
    "6_months": ("Point rendu 6 mois après une infraction à 1 point, sans nouvelle infraction",
                 "R8 — art. L223-6 al. 3"),
    "2_years": ("12 points rendus après 2 ans sans infraction", "R6 — art. L223-6 al. 1"),
    "3_years": ("12 points rendus après 3 ans sans infraction (infraction grave : 4e ou 5e "
                "classe, ou délit)", "R7 — art. L223-6 al. 2"),
    "10_years": ("Points rendus 10 ans après une contravention des quatre premières classes",
                 "R10 — art. L223-6 dernier al."),
    "probation_increment": ("Année de permis probatoire sans infraction",
                            "R12 — art. R223-1 II"),
}
_SHORT = {
    "course": "stage", "6_months": "6 mois", "2_years": "2 ans", "3_years": "3 ans",
    "10_years": "10 ans", "probation_increment": "probatoire",
}
_STATES = {
    "valid": "Valide",
    "suspended": "Suspendu",
    "medically_suspended": "Suspendu pour raison médicale",
    "invalidated": "Invalidé (solde nul, lettre 48SI)",
    "cancelled": "Annulé par un tribunal",
    "invalidation_pending": "Solde nul : invalidation en cours (lettre 48SI à venir)",
}
_STATUSES = {
    "valid": "Valide",
    "invalidated": "Invalidé : plus aucun point",
    "invalidation_pending": "Solde nul : invalidation en cours",
}
_SUSPENSIONS = {
    "administrative": "Suspension administrative (préfet)",
    "judicial": "Suspension judiciaire (tribunal)",
    "medical": "Suspension pour raison médicale",
}
_OUTCOMES = {"fit": "apte", "fit_with_restrictions": "apte avec restrictions", "unfit": "inapte"}


def _value(member: object) -> str:
    return member.value if isinstance(member, Enum) else str(member)


def reason_label(reason: object) -> tuple[str, str]:
    """(explanation, rule) of a ledger or calendar reason; an unknown one by its name."""
    label, rule = _REASONS.get(_value(reason), (_value(reason), ""))
    return _(label), rule


def reason_short(reason: object) -> str:
    """One or two words for the timeline: « 6 mois », « 2 ans », « stage »…"""
    return _(_SHORT.get(_value(reason), _value(reason)))


def state_label(state: object) -> str:
    """The licence state in words."""
    return _(_STATES.get(_value(state), _value(state)))


def status_label(status: object) -> str:
    """The points status in words."""
    return _(_STATUSES.get(_value(status), _value(status)))


@dataclass(frozen=True)
class HistoryLine:
    """One line of *Historique*: when, what kind, what, points, why, and the rule."""

    day: date
    kind: str
    title: str
    detail: str
    points: int | None = None
    rule: str = ""


def _offence_lines(record: DriverRecord, withdrawn: dict[str, int]) -> list[HistoryLine]:
    lines = []
    for offence in record.offences:
        recorded = getattr(offence, "recorded", None)
        if offence.effective is None:
            detail = _("Commise le {committed} à {place}. Pas encore de retrait : il n'aura lieu "
                       "qu'au paiement de l'amende ou à la condamnation définitive.",
                       committed=format_date(offence.committed), place=offence.place)
            if recorded:
                detail += " " + _("Enregistrée le {recorded}.", recorded=format_date(recorded))
            points = None
        else:
            detail = _("Commise le {committed} à {place} ; retrait effectif le {effective} "
                       "(paiement ou condamnation) ; enregistrée le {recorded}.",
                       committed=format_date(offence.committed), place=offence.place,
                       effective=format_date(offence.effective),
                       recorded=format_date(recorded) if recorded else _("date non transmise"))
            points = -withdrawn.get(f"offence:{offence.id}", 0)
        lines.append(HistoryLine(offence.effective or offence.committed, "offence",
                                 offence.label, detail, points, "R2 — art. L223-1"))
    return lines


def history(record: DriverRecord, *, today: date, years: int = 10) -> list[HistoryLine]:
    """Ten years of events, newest first: offences, restorations, courses, visits, suspensions."""
    withdrawn = {str(e.event): -e.delta for e in record.points.ledger
                 if _value(e.reason) == "offence" and e.delta < 0}
    lines = _offence_lines(record, withdrawn)
    for entry in record.points.ledger:
        reason = _value(entry.reason)
        if reason in ("offence", "initial"):
            continue
        label, rule = reason_label(entry.reason)
        lines.append(HistoryLine(entry.date, "restoration", label,
                                 _("Solde après ce changement : {balance} points.",
                                   balance=entry.balance), entry.delta, rule))
    for course in record.courses:
        lines.append(HistoryLine(course.end, "course", _("Stage de sensibilisation à la "
                                                         "sécurité routière"),
                                 _("{centre}, du {start} au {end}. Les points éventuels sont "
                                   "crédités le lendemain du dernier jour.", centre=course.centre,
                                   start=format_date(course.start), end=format_date(course.end)),
                                 None, "R9 — art. R223-8"))
    for visit in record.medical_visits:
        outcome = _(_OUTCOMES.get(visit.outcome, visit.outcome))
        detail = _("Résultat : {outcome}.", outcome=outcome)
        if visit.valid_until:
            detail += " " + _("Aptitude valable jusqu'au {day}.",
                              day=format_date(visit.valid_until))
        lines.append(HistoryLine(visit.visited, "medical", _("Visite médicale"), detail,
                                 None, "art. R221-10"))
    for suspension in record.suspensions:
        end = format_date(suspension.end) if suspension.end else _("nouvel ordre")
        lines.append(HistoryLine(suspension.start, "suspension",
                                 _(_SUSPENSIONS.get(_value(suspension.kind),
                                                    _value(suspension.kind))),
                                 _("Du {start} jusqu'au {end} : pendant ce temps, conduire est "
                                   "interdit.", start=format_date(suspension.start), end=end),
                                 None, "art. L224-1 ff."))
    licence = record.licence
    if licence.invalidated_48si:
        lines.append(HistoryLine(licence.invalidated_48si, "invalidation",
                                 _("Lettre 48SI : permis invalidé"),
                                 _("Le solde est à zéro : le permis n'est plus valide."),
                                 None, "R5 — art. L223-5"))
    if licence.cancelled_on:
        lines.append(HistoryLine(licence.cancelled_on, "cancellation",
                                 _("Permis annulé par un tribunal"), "", None, "art. L224-14"))
    start = date(today.year - years, today.month, min(today.day, 28))
    lines = [line for line in lines if start <= line.day <= today]
    lines.sort(key=lambda line: line.day, reverse=True)
    return lines
