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

__all__ = ["CategoryLine", "DriverFacts", "HistoryEntry", "HistoryKind"]


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
