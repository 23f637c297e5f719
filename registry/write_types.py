"""What a writer gives the registry: a driver, a licence and its events, before validation.

Why a module of its own: :mod:`registry.writes` (validation and rows) and
:mod:`registry.writes_json` (the ``registry add`` JSON form) both build these values, and the seed
(:mod:`registry.seed`) generates them; each stays within the 400-line rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from registry.record_types import BirthDate

__all__ = [
    "NewCategory",
    "NewCourse",
    "NewDriver",
    "NewLicence",
    "NewMedicalVisit",
    "NewOffence",
    "NewSuspension",
]


@dataclass(frozen=True, slots=True)
class NewCategory:
    """A category to register: code, date obtained, end of validity, restriction codes."""

    code: str
    obtained: date
    valid_until: date | None = None
    restrictions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NewOffence:
    """An offence to register (``effective`` ``None`` while its reality is not established)."""

    committed: date
    place: str
    natinf: int
    label: str
    offence_class: str
    points: int
    effective: date | None = None


@dataclass(frozen=True, slots=True)
class NewCourse:
    """A road-safety course to register."""

    centre: str
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class NewMedicalVisit:
    """A medical visit to register."""

    visited: date
    outcome: str
    valid_until: date | None = None


@dataclass(frozen=True, slots=True)
class NewSuspension:
    """A suspension to register."""

    kind: str
    start: date
    end: date | None = None


@dataclass(frozen=True, slots=True)
class NewLicence:
    """A licence with its categories and events."""

    format: str
    number: str
    issued: date
    prefecture: str
    probationary: bool = False
    accompanied_driving: bool = False
    probation_start: date | None = None
    invalidation_notified: date | None = None  # the day the 48SI letter was received
    cancelled_on: date | None = None
    categories: tuple[NewCategory, ...] = ()
    offences: tuple[NewOffence, ...] = ()
    courses: tuple[NewCourse, ...] = ()
    medical_visits: tuple[NewMedicalVisit, ...] = ()
    suspensions: tuple[NewSuspension, ...] = ()


@dataclass(frozen=True, slots=True)
class NewDriver:
    """A driver to register, with the licence."""

    neph: str
    civility: str
    surname: str
    first_names: tuple[str, ...]
    birth_date: BirthDate
    birth_place: str
    birth_country: str
    usage_name: str | None = None
    licence: NewLicence | None = field(default=None)
    birth_place_code: str | None = None
    """INSEE code of the birth commune (5 characters: ``75056``, ``2A004``), when born in France."""
