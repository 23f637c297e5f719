"""The read model of the registry: a driver's record at a date, as frozen dataclasses.

Why a module of its own: the issuer (RIR, ADCS, RII payloads), the CLI and the portal read these
values without a session or lazy ORM objects, and :mod:`registry.records` (the queries that fill
them) stays within the 400-line rule. Importing this module loads no SQLAlchemy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

from registry.points import OffenceClass, PointsResult

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
    "OffenceInfo",
    "SuspensionInfo",
    "SuspensionKind",
]


class LicenceFormat(Enum):
    """The physical licence: European card (since 2013) or the three-fold pink paper."""

    CARD = "card"
    PAPER = "paper"


class LicenceState(Enum):
    """State of the right to drive at a date (2D-Doc DI E5, annex 13 of the spec, p.148)."""

    VALID = "valid"
    SUSPENDED = "suspended"
    MEDICALLY_SUSPENDED = "medically_suspended"
    INVALIDATED = "invalidated"  # 0 points and the 48SI letter received (L223-5 I, R223-3 III)
    CANCELLED = "cancelled"  # annulation by a court (L224-14, 221-8 Code pénal)


class SuspensionKind(Enum):
    """Who suspended: the prefect (L224-1, L224-2), a court (L224-12) or a medical decision."""

    ADMINISTRATIVE = "administrative"
    JUDICIAL = "judicial"
    MEDICAL = "medical"


@dataclass(frozen=True, slots=True)
class BirthDate:
    """A birth date whose day, or day and month, may be unknown (civil status "00/00/1950")."""

    year: int
    month: int | None = None
    day: int | None = None

    def ddmmyyyy(self) -> str:
        """The 2D-Doc DI 69 form, ``00`` for an unknown day or month (spec annex, DI 69)."""
        return f"{self.day or 0:02d}{self.month or 0:02d}{self.year:04d}"

    def as_date(self) -> date | None:
        """The full date when day and month are known, else ``None``."""
        if self.month is None or self.day is None:
            return None
        return date(self.year, self.month, self.day)


@dataclass(frozen=True, slots=True)
class Identity:
    """Civil identity of the driver, as registered (accents kept; the codec normalises)."""

    neph: str
    civility: str
    surname: str
    usage_name: str | None
    first_names: tuple[str, ...]
    birth_date: BirthDate
    birth_place: str
    birth_country: str
    birth_place_code: str | None = None
    """INSEE code of the birth commune; ``None`` when born abroad or not registered."""


@dataclass(frozen=True, slots=True)
class SuspensionInfo:
    """A suspension with its kind and dates (``end`` ``None``: until further notice)."""

    kind: SuspensionKind
    start: date
    end: date | None

    def active_on(self, day: date) -> bool:
        """True when ``day`` lies within the suspension, both ends included."""
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class LicenceInfo:
    """The licence and its state at ``asof`` (state dates: suspension, 48SI, cancellation).

    ``invalidation_notified`` is the day the holder received the 48SI letter (migration 0003);
    the licence is invalidated from that day if its balance is still 0 (RULES.md R5, I13).
    """

    format: LicenceFormat
    number: str
    issued: date
    prefecture: str
    probationary: bool
    probation_start: date | None
    probation_end: date | None
    accompanied_driving: bool
    state: LicenceState
    suspension: SuspensionInfo | None
    invalidation_notified: date | None
    cancelled_on: date | None

    @property
    def invalidated_48si(self) -> date | None:
        """The 48SI date under its name before migration 0003 (docs/CONTRACTS.md)."""
        return self.invalidation_notified


@dataclass(frozen=True, slots=True)
class CategoryInfo:
    """A category held: date obtained, end of validity (heavy ones), EU restriction codes."""

    code: str
    obtained: date
    valid_until: date | None
    restrictions: tuple[str, ...]

    def valid_on(self, day: date) -> bool:
        """True when obtained on or before ``day`` and not past its end of validity."""
        return self.obtained <= day and (self.valid_until is None or day <= self.valid_until)


@dataclass(frozen=True, slots=True)
class OffenceInfo:
    """An offence as registered; ``effective`` is ``None`` while its reality is not established."""

    id: int
    committed: date
    place: str
    natinf: int
    label: str
    offence_class: OffenceClass
    points: int
    effective: date | None
    recorded: date | None = None  # the day the registry recorded it (issue 15), when known


@dataclass(frozen=True, slots=True)
class CourseInfo:
    """A road-safety course: centre, first and last day."""

    id: int
    centre: str
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class MedicalVisitInfo:
    """A medical fitness visit: date, outcome, end of the validity it grants."""

    visited: date
    outcome: str
    valid_until: date | None


@dataclass(frozen=True, slots=True)
class DriverRecord:
    """Everything the registry knows of a driver at ``asof``, points included."""

    asof: date
    identity: Identity
    licence: LicenceInfo
    categories: tuple[CategoryInfo, ...]
    offences: tuple[OffenceInfo, ...]
    courses: tuple[CourseInfo, ...]
    medical_visits: tuple[MedicalVisitInfo, ...]
    suspensions: tuple[SuspensionInfo, ...]
    points: PointsResult

    @property
    def neph(self) -> str:
        """The driver's NEPH."""
        return self.identity.neph

    @property
    def state(self) -> LicenceState:
        """The licence state at ``asof``."""
        return self.licence.state
