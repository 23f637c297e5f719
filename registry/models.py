"""The registry's tables (SNPC, système national des permis de conduire), SQLAlchemy 2.x ORM.

Why each constraint: a national registry must refuse what cannot exist even when a caller skips the
Python validation (:mod:`registry.validation`), so every rule that SQL can state portably is also
a CHECK, UNIQUE or FOREIGN KEY here (and in the Alembic migration that creates it). Only portable
SQL is used (``ltrim``, ``length``, ``IN``, comparisons): the same schema runs on SQLite and
PostgreSQL. The vocabularies (categories, classes, kinds) are the tuples below, shared with the
validation layer.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, synonym

__all__ = [
    "CATEGORY_CODES",
    "CIVILITIES",
    "LICENCE_FORMATS",
    "MEDICAL_OUTCOMES",
    "NEPH_ALPHABET",
    "OFFENCE_CLASSES",
    "SUSPENSION_KINDS",
    "Base",
    "Category",
    "CourseRow",
    "Driver",
    "FirstName",
    "Licence",
    "MedicalVisit",
    "OffenceRow",
    "Restriction",
    "Suspension",
]

NEPH_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
CIVILITIES = ("M", "MME")
LICENCE_FORMATS = ("card", "paper")  # European card (format UE) or three-fold pink paper
# Directive 2006/126/EC art. 4 and R221-4 of the Code de la route: the 15 categories.
CATEGORY_CODES = (
    "AM", "A1", "A2", "A", "B1", "B", "BE", "C1", "C1E", "C", "CE", "D1", "D1E", "D", "DE",
)  # fmt: skip
OFFENCE_CLASSES = ("C1", "C2", "C3", "C4", "C5", "DELIT")
MEDICAL_OUTCOMES = ("fit", "fit_with_restrictions", "unfit")
SUSPENSION_KINDS = ("administrative", "judicial", "medical")

_NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    """Declarative base with a naming convention, so migrations can name every constraint."""

    metadata = MetaData(naming_convention=_NAMING)


class Driver(Base):
    """A driver, identified by the NEPH (numéro d'enregistrement préfectoral harmonisé)."""

    __tablename__ = "drivers"
    __table_args__ = (
        CheckConstraint("length(neph) BETWEEN 5 AND 19", name="neph_length"),
        CheckConstraint(f"ltrim(neph, '{NEPH_ALPHABET}') = ''", name="neph_alphabet"),
        CheckConstraint(_in("civility", CIVILITIES), name="civility"),
        CheckConstraint("length(surname) >= 1", name="surname_present"),
        CheckConstraint("birth_year BETWEEN 1890 AND 2200", name="birth_year"),
        CheckConstraint("birth_month IS NULL OR birth_month BETWEEN 1 AND 12", name="birth_month"),
        CheckConstraint(
            "birth_day IS NULL OR (birth_month IS NOT NULL AND birth_day BETWEEN 1 AND 31)",
            name="birth_day",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    neph: Mapped[str] = mapped_column(String(19), unique=True)
    civility: Mapped[str] = mapped_column(String(3))
    surname: Mapped[str] = mapped_column(String(80))
    usage_name: Mapped[str | None] = mapped_column(String(80))
    birth_year: Mapped[int] = mapped_column(Integer)
    birth_month: Mapped[int | None] = mapped_column(Integer)
    birth_day: Mapped[int | None] = mapped_column(Integer)
    birth_place: Mapped[str] = mapped_column(String(80))
    birth_place_code: Mapped[str | None] = mapped_column(String(5))
    """INSEE code of the birth commune (``42218``, ``2A004``); none when born abroad or unknown.
    FranceConnect sends the same code as ``birthplace`` (issue 14: linking by identity)."""
    birth_country: Mapped[str] = mapped_column(String(2))

    first_names: Mapped[list[FirstName]] = relationship(
        order_by="FirstName.position", cascade="all, delete-orphan"
    )
    licence: Mapped[Licence | None] = relationship(back_populates="driver", uselist=False)


class FirstName(Base):
    """One of a driver's first names, in civil-status order (at most six)."""

    __tablename__ = "driver_first_names"
    __table_args__ = (
        UniqueConstraint("driver_id", "position", name="uq_driver_first_names_position"),
        CheckConstraint("position BETWEEN 1 AND 6", name="position"),
        CheckConstraint("length(name) >= 1", name="name_present"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # No index of its own: uq_driver_first_names_position leads with driver_id (migration 0002).
    driver_id: Mapped[int] = mapped_column(ForeignKey("drivers.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(40))


class Licence(Base):
    """A driver's licence: format, number, issue, probation and the court's cancellation."""

    __tablename__ = "licences"
    __table_args__ = (
        CheckConstraint(_in("format", LICENCE_FORMATS), name="format"),
        CheckConstraint(
            "probation_start IS NULL OR probation_start >= issued_on", name="probation_start"
        ),
        CheckConstraint(
            "invalidation_notified IS NULL OR invalidation_notified >= issued_on",
            name="invalidation_notified",
        ),
        CheckConstraint("cancelled_on IS NULL OR cancelled_on >= issued_on", name="cancelled"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    driver_id: Mapped[int] = mapped_column(
        ForeignKey("drivers.id", ondelete="CASCADE"), unique=True
    )
    format: Mapped[str] = mapped_column(String(5))
    number: Mapped[str] = mapped_column(String(20), unique=True)
    issued_on: Mapped[date] = mapped_column(Date)
    prefecture: Mapped[str] = mapped_column(String(3))
    probationary: Mapped[bool] = mapped_column(Boolean)
    probation_start: Mapped[date | None] = mapped_column(Date)
    accompanied_driving: Mapped[bool] = mapped_column(Boolean)
    # The day the holder received the 48SI letter (L223-5 I, R223-3 III; migration 0003).
    invalidation_notified: Mapped[date | None] = mapped_column(Date)
    invalidated_48si_on = synonym("invalidation_notified")  # its name before migration 0003
    cancelled_on: Mapped[date | None] = mapped_column(Date)

    driver: Mapped[Driver] = relationship(back_populates="licence")
    categories: Mapped[list[Category]] = relationship(
        order_by="Category.id", cascade="all, delete-orphan"
    )
    offences: Mapped[list[OffenceRow]] = relationship(
        order_by="OffenceRow.id", cascade="all, delete-orphan"
    )
    courses: Mapped[list[CourseRow]] = relationship(
        order_by="CourseRow.id", cascade="all, delete-orphan"
    )
    medical_visits: Mapped[list[MedicalVisit]] = relationship(
        order_by="MedicalVisit.id", cascade="all, delete-orphan"
    )
    suspensions: Mapped[list[Suspension]] = relationship(
        order_by="Suspension.id", cascade="all, delete-orphan"
    )


class Category(Base):
    """A category held (R221-4): date obtained and, for heavy ones, end of validity."""

    __tablename__ = "categories"
    __table_args__ = (
        UniqueConstraint("licence_id", "code", name="uq_categories_licence_code"),
        CheckConstraint(_in("code", CATEGORY_CODES), name="code"),
        CheckConstraint("valid_until IS NULL OR valid_until >= obtained_on", name="validity"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # No index of its own: uq_categories_licence_code leads with licence_id (migration 0002).
    licence_id: Mapped[int] = mapped_column(ForeignKey("licences.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(3))
    obtained_on: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)

    restrictions: Mapped[list[Restriction]] = relationship(
        order_by="Restriction.code", cascade="all, delete-orphan"
    )


class Restriction(Base):
    """An EU harmonised restriction code on a category (directive 2006/126/EC annex I)."""

    __tablename__ = "category_restrictions"
    __table_args__ = (
        UniqueConstraint("category_id", "code", name="uq_category_restrictions_code"),
        CheckConstraint("length(code) BETWEEN 2 AND 8", name="code_length"),
        CheckConstraint("ltrim(code, '0123456789.') = ''", name="code_alphabet"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # No index of its own: uq_category_restrictions_code leads with category_id (migration 0002).
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(8))


class OffenceRow(Base):
    """An offence: date and place, NATINF code and label, class, points, effective date."""

    __tablename__ = "offences"
    __table_args__ = (
        CheckConstraint(_in("offence_class", OFFENCE_CLASSES), name="class"),
        CheckConstraint("points BETWEEN 0 AND 6", name="points"),
        CheckConstraint(
            "effective_on IS NULL OR effective_on >= committed_on", name="effective_after"
        ),
        CheckConstraint("natinf BETWEEN 1 AND 99999", name="natinf"),
        Index("ix_offences_licence_effective", "licence_id", "effective_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # No index of its own: ix_offences_licence_effective leads with licence_id (migration 0002).
    licence_id: Mapped[int] = mapped_column(ForeignKey("licences.id", ondelete="CASCADE"))
    committed_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(80))
    natinf: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(200))
    offence_class: Mapped[str] = mapped_column(String(5))
    points: Mapped[int] = mapped_column(Integer)
    effective_on: Mapped[date | None] = mapped_column(Date)
    recorded_on: Mapped[date | None] = mapped_column(Date)
    """The day the registry recorded it (issue 15); ``None`` for rows older than revision a002."""


class CourseRow(Base):
    """A road-safety course (stage de sensibilisation, R223-5): centre and dates."""

    __tablename__ = "courses"
    __table_args__ = (CheckConstraint("end_on >= start_on", name="end_after_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    licence_id: Mapped[int] = mapped_column(
        ForeignKey("licences.id", ondelete="CASCADE"), index=True
    )
    centre: Mapped[str] = mapped_column(String(120))
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date] = mapped_column(Date)
    recorded_on: Mapped[date | None] = mapped_column(Date)


class MedicalVisit(Base):
    """A medical fitness visit (R221-10, arrêté du 28 mars 2022): date, outcome, validity."""

    __tablename__ = "medical_visits"
    __table_args__ = (
        CheckConstraint(_in("outcome", MEDICAL_OUTCOMES), name="outcome"),
        CheckConstraint("valid_until IS NULL OR valid_until >= visited_on", name="validity"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    licence_id: Mapped[int] = mapped_column(
        ForeignKey("licences.id", ondelete="CASCADE"), index=True
    )
    visited_on: Mapped[date] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(24))
    valid_until: Mapped[date | None] = mapped_column(Date)
    recorded_on: Mapped[date | None] = mapped_column(Date)


class Suspension(Base):
    """A suspension (L224-1 administrative, L224-2/R224 judicial, R226-2 medical): kind, dates."""

    __tablename__ = "suspensions"
    __table_args__ = (
        CheckConstraint(_in("kind", SUSPENSION_KINDS), name="kind"),
        CheckConstraint("end_on IS NULL OR end_on >= start_on", name="end_after_start"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    licence_id: Mapped[int] = mapped_column(
        ForeignKey("licences.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date | None] = mapped_column(Date)
    recorded_on: Mapped[date | None] = mapped_column(Date)
