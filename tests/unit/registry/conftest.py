"""Registry fixtures: a migrated database on each backend (SQLite file, PostgreSQL when set)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, MetaData, text
from sqlalchemy.orm import Session, sessionmaker

from permis2d.settings import Settings
from registry.db import downgrade_schema, make_engine, session_factory, upgrade_schema


def _reset_postgres(url: str) -> None:
    """Drop whatever a previous run left in the test database (tables and Alembic's version)."""
    engine = make_engine(url)
    try:
        meta = MetaData()
        meta.reflect(engine)
        meta.drop_all(engine)
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, settings: Settings) -> Iterator[str]:
    """An empty, migrated database URL: the settings' SQLite file, or the test PostgreSQL."""
    if request.param == "sqlite":
        url = settings.database_url
        assert url is not None
    else:
        url = request.getfixturevalue("postgres_url")
        _reset_postgres(url)
    upgrade_schema(url)
    yield url
    if request.param == "postgresql":
        downgrade_schema(url)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on the migrated database, disposed after the test."""
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    """The session maker the application would use."""
    return session_factory(engine)


@pytest.fixture
def backend_settings(db_url: str, settings: Settings) -> Settings:
    """Settings whose database is the migrated ``db_url`` (SQLite file or PostgreSQL)."""
    return Settings.from_env(
        {
            "PERMIS2D_DATA_DIR": str(settings.data_dir),
            "PERMIS2D_KEY_PASSPHRASE": "test-passphrase",
            "PERMIS2D_DATABASE_URL": db_url,
        }
    )
