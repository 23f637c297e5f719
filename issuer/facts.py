"""What the issuer certifies about a driver: plain frozen data, built from a registry record.

The payload builder and the PDF layout read only these dataclasses, never a database session
(pure core, ARCHITECTURE.md). :func:`issuer.records.facts_from_record` is the one adapter from the
registry's ``DriverRecord``; tests build facts in memory (e.g. a driver with 20 categories, more
than the registry can hold).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

__all__ = ["CategoryLine", "DriverFacts", "HistoryEntry", "HistoryKind", "SuspensionFacts",
           "SuspensionKind"]


@dataclass(frozen=True)
class CategoryLine:
    """One licence category with its dates and restriction codes (EU codes, e.g. ``78``)."""

    code: str
    obtained_on: date | None
    valid_until: date | None = None
    restrictions: tuple[str, ...] = ()


class HistoryKind(enum.Enum):
    """Kinds of events on the full statement (RII); the value is the French wording."""

    OFFENCE = "Infraction"
    RESTORATION = "Restitution de points"
    COURSE = "Stage de sensibilisation"
    MEDICAL = "Visite médicale"
    SUSPENSION = "Mesure administrative"
    OTHER = "Autre"


@dataclass(frozen=True)
class HistoryEntry:
    """One dated event of the 10-year history (offence, restoration, course, medical visit)."""

    on: date
    kind: HistoryKind
    label: str
    points: int | None = None
    """Signed change of the balance (-4, +1...), or None when the event moves no points."""


class SuspensionKind(enum.Enum):
    """Who suspended the licence; the value is the French adjective printed after "Suspension".

    The prefect (L224-1, L224-2 Code de la route), a court (L224-12) or a medical decision.
    """

    ADMINISTRATIVE = "administrative"
    JUDICIAL = "judiciaire"
    MEDICAL = "médicale"


@dataclass(frozen=True)
class SuspensionFacts:
    """The suspension in force on the document's date, as the registry holds it.

    Printed, not signed: annex 13 has no code for a judicial suspension (``47`` SUSPENDU covers
    every non-medical one) and no 2D-Doc field carries a suspension's end, so the PDF marks both
    as not covered by the signature.
    """

    kind: SuspensionKind
    start: date
    end: date | None
    """Last day of the suspension, both ends included; None: until further notice."""


@dataclass(frozen=True)
class DriverFacts:
    """A driver's identity, licence and history as certified on one date.

    ``state`` is an annex-13 label (``VALIDE``, ``SUSPENDU``...); ``civility`` the spec's
    abbreviation (``M``, ``MME``); ``given_names`` in civil-status order; ``data_as_of`` is the time
    of the registry data (DI ``E8``).
    """

    neph: str
    civility: str
    surname: str
    given_names: tuple[str, ...]
    birth_date: str
    """DDMMYYYY, ``00`` for an unknown day or month (DI 69, civil status "00/00/1950")."""
    birth_place: str
    state: str
    categories: tuple[CategoryLine, ...]
    data_as_of: datetime
    points_balance: int | None = None
    history: tuple[HistoryEntry, ...] = ()
    licence_number: str | None = None
    licence_issued_on: date | None = None
    usage_name: str | None = None
    """Nom d'usage (e.g. a spouse's name): printed but not signed, the payload carries the
    civil-status name (DI ``6G``) only (issue 9, item 9: "outside the signature, said so")."""
    suspension: SuspensionFacts | None = None
    """The suspension in force on the document's date, if any."""
    invalidation_pending: bool = False
    """Balance 0, the 48SI letter not received yet (issue 12): the licence still allows driving
    and a road-safety course can still restore points; the RII says so in words."""
    invalidation_notified: date | None = None
    """The day the holder received the 48SI letter (invalidated for a zero balance from then)."""
