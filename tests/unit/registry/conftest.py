"""Registry fixtures: a migrated database on each backend (SQLite file, PostgreSQL when set).

Migrating costs more than most tests, so each backend is migrated once per session: SQLite tests
get a copy of a migrated template file, PostgreSQL tests get the migrated database with every table
emptied (DELETE, children first) before the test, in a schema of their own.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import Engine, MetaData, inspect, text
from sqlalchemy.orm import Session, sessionmaker

from permis2d.settings import Settings
from registry.db import make_engine, session_factory, upgrade_schema


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once per session (WAL checkpointed on close)."""
    path = tmp_path_factory.mktemp("registry-template") / "registry.sqlite3"
    upgrade_schema(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_migrated(postgres_url: str) -> Iterator[str]:
    """A private schema of the test PostgreSQL, migrated to head once, dropped at the end.

    The schema (``search_path`` in the URL) keeps these tests from seeing or destroying the
    tables of other test runs that share the database.
    """
    schema = f"registry_unit_{uuid.uuid4().hex[:12]}"
    admin = make_engine(postgres_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in postgres_url else "?"
    url = f"{postgres_url}{sep}options={quote(f'-csearch_path={schema}')}"
    try:
        upgrade_schema(url)
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_engine(postgres_migrated: str) -> Iterator[Engine]:
    """One engine for emptying the PostgreSQL tables between tests."""
    engine = make_engine(postgres_migrated)
    yield engine
    engine.dispose()


def _empty(engine: Engine) -> None:
    """Delete every row, children first; re-migrate if a test left the schema downgraded."""
    if not inspect(engine).has_table("drivers"):
        upgrade_schema(engine.url.render_as_string(hide_password=False))
    meta = MetaData()
    meta.reflect(engine)
    with engine.begin() as conn:
        for table in reversed(meta.sorted_tables):
            if table.name != "alembic_version":
                conn.execute(table.delete())


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, settings: Settings) -> Iterator[str]:
    """An empty, migrated database URL: the settings' SQLite file, or the test PostgreSQL."""
    if request.param == "sqlite":
        url = settings.database_url
        assert url is not None
        target = Path(url.removeprefix("sqlite:///"))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(request.getfixturevalue("sqlite_template"), target)
    else:
        url = request.getfixturevalue("postgres_migrated")
        _empty(request.getfixturevalue("postgres_engine"))
    yield url


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
