"""Schema and engine: Alembic up and down, SQLite pragmas, CHECK constraints on both backends."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from permis2d.settings import Settings
from registry.db import downgrade_schema, make_engine, upgrade_schema
from registry.models import Base, CourseRow, Driver, FirstName, Licence

TABLES = {
    "drivers", "driver_first_names", "licences", "categories", "category_restrictions",
    "offences", "courses", "medical_visits", "suspensions",
}  # fmt: skip


def test_upgrade_then_downgrade_on_an_empty_database(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        assert set(inspect(engine).get_table_names()) >= TABLES
        downgrade_schema(db_url)
        assert set(inspect(engine).get_table_names()) & TABLES == set()
        upgrade_schema(db_url)
        assert set(inspect(engine).get_table_names()) >= TABLES
    finally:
        engine.dispose()


def _ours(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Compare only the registry's tables (other packages' revisions share the chain)."""
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
    return table in TABLES


def test_migration_matches_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": _ours})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_sqlite_file_uses_wal_and_foreign_keys(settings: Settings) -> None:
    url = settings.database_url
    assert url is not None and url.startswith("sqlite:///")
    upgrade_schema(url)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    finally:
        engine.dispose()


def _raw_driver(neph: str) -> Driver:
    return Driver(
        neph=neph, civility="M", surname="DUPONT", birth_year=1970, birth_place="Paris",
        birth_country="FR", first_names=[FirstName(position=1, name="Jean")],
    )  # fmt: skip


@pytest.mark.parametrize("neph", ["abc12345", "1234", "12345678901234567890", "12-345678"])
def test_check_refuses_a_bad_neph_without_python_validation(
    sessions: sessionmaker[Session], neph: str
) -> None:
    # PostgreSQL refuses a 20-character value for VARCHAR(19) as a DataError, before the CHECK.
    with pytest.raises(DBAPIError), sessions.begin() as session:
        session.add(_raw_driver(neph))
    with sessions() as session:
        assert session.query(Driver).count() == 0


def test_unique_neph_and_course_dates_are_enforced_by_the_database(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        session.add(_raw_driver("ABC12345"))
    with pytest.raises(IntegrityError), sessions.begin() as session:
        session.add(_raw_driver("ABC12345"))
    driver_lic = Licence(
        format="card", number="N1", issued_on=date(2020, 1, 1), prefecture="75",
        probationary=False, accompanied_driving=False,
    )  # fmt: skip
    with sessions.begin() as session:
        driver = session.query(Driver).one()
        driver.licence = driver_lic
    with pytest.raises(IntegrityError), sessions.begin() as session:
        lic = session.query(Licence).one()
        lic.courses.append(
            CourseRow(centre="X", start_on=date(2024, 3, 2), end_on=date(2024, 3, 1))
        )
    with sessions() as session:
        assert session.query(Driver).count() == 1
        assert session.query(CourseRow).count() == 0


def test_foreign_keys_are_enforced(sessions: sessionmaker[Session]) -> None:
    with pytest.raises(IntegrityError), sessions.begin() as session:
        session.add(
            CourseRow(
                licence_id=424242, centre="X", start_on=date(2024, 1, 1), end_on=date(2024, 1, 2)
            )
        )
