"""Database plumbing of the registry: engine, sessions and schema migrations.

Why here: every caller (CLI, issuer web app, tests, benchmarks) needs the same engine set-up. On
SQLite (the embedded default) each connection turns foreign keys on and the file uses WAL so that
the issuer's readers do not block a writer; any other SQLAlchemy URL (PostgreSQL in production) is
used as given. The schema belongs to Alembic: ``upgrade_schema`` runs the migrations shipped as
package data under ``registry/migrations``, never ``metadata.create_all``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["downgrade_schema", "make_engine", "session_factory", "upgrade_schema"]


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; on SQLite, create the parent folder, enable FKs and WAL.

    SQLite leaves foreign keys off unless each connection asks (https://sqlite.org/foreignkeys.html
    §2), so the pragma runs on every new connection. WAL is not available for ``:memory:``.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, **kwargs)
    database = parsed.database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if database and database != ":memory:":
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session maker whose objects stay readable after commit (records are built from them)."""
    return sessionmaker(engine, expire_on_commit=False)


def _alembic_config(url: str) -> Config:
    """An Alembic config pointing at the packaged migrations, the URL passed as an attribute.

    The URL goes through ``attributes`` rather than ``sqlalchemy.url`` because ConfigParser
    interpolation would choke on the ``%`` of an escaped password.
    """
    # Imported here: Alembic costs about a second to import, and every ``permis2d`` command
    # imports this module (the CLI registers the registry group).
    from alembic.config import Config

    config = Config()
    location = resources.files("registry") / "migrations"
    config.set_main_option("script_location", str(location))
    config.attributes["url"] = url
    return config


def upgrade_schema(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` to ``revision`` (default: the latest) with Alembic."""
    from alembic import command

    command.upgrade(_alembic_config(url), revision)


def downgrade_schema(url: str, revision: str = "base") -> None:
    """Take the database at ``url`` back to ``revision`` (default: empty)."""
    from alembic import command

    command.downgrade(_alembic_config(url), revision)
