"""Database plumbing of the registry: engine, sessions and schema migrations.

Why here: every caller (CLI, issuer web app, tests, benchmarks) needs the same engine set-up. On
SQLite (the embedded default) each connection turns foreign keys on and the file uses WAL so that
the issuer's readers do not block a writer; any other SQLAlchemy URL (PostgreSQL in production) is
used as given. The schema belongs to Alembic: ``upgrade_schema`` runs the migrations shipped as
package data under ``registry/migrations``, never ``metadata.create_all``.
"""

from __future__ import annotations

import ast
import contextlib
import os
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["downgrade_schema", "ensure_schema", "make_engine", "packaged_heads",
           "session_factory", "upgrade_schema"]


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; on SQLite, a private file (0600 in a 0700 folder), FKs and WAL.

    SQLite leaves foreign keys off unless each connection asks (https://sqlite.org/foreignkeys.html
    §2), so the pragma runs on every new connection. WAL is not available for ``:memory:``.
    The registry holds personal data (issue 10, item 7): the file is created 0600 before SQLite
    opens it, and SQLite gives its ``-wal`` and ``-shm`` files the database file's mode.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, **kwargs)
    database = parsed.database
    if database and database != ":memory:" and not database.startswith("file:"):
        _private_file(Path(database).expanduser())
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if database and database != ":memory:":
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    return engine


def _private_file(path: Path) -> None:
    """Create ``path`` (and missing folders) private, or tighten an existing file of ours."""
    for folder in reversed([p for p in path.parents if not p.exists()]):
        folder.mkdir(mode=0o700, exist_ok=True)
    os.close(os.open(path, os.O_RDONLY | os.O_CREAT, 0o600))
    for existing in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with contextlib.suppress(FileNotFoundError):
            info = existing.stat()
            if info.st_uid == os.getuid() and info.st_mode & 0o077:
                existing.chmod(0o600)


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


def _revision_ids(value: ast.expr) -> tuple[str, ...]:
    """The revision id(s) of an Alembic ``revision``/``down_revision`` value (None, str, tuple)."""
    literal = ast.literal_eval(value)
    if literal is None:
        return ()
    if isinstance(literal, str):
        return (literal,)
    return tuple(literal)


def packaged_heads() -> frozenset[str]:
    """The head revision(s) of the migrations shipped in ``registry/migrations/versions``.

    Read from each file's ``revision`` and ``down_revision`` assignments with :mod:`ast`, not by
    importing Alembic (about half a second, most of ``permis2d issue``'s start-up): a head is a
    revision that no other revision names as its ``down_revision``. An empty set means "could
    not tell", and callers then let Alembic decide.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for entry in (resources.files("registry") / "migrations" / "versions").iterdir():
        if not entry.name.endswith(".py") or entry.name.startswith("_"):
            continue
        found: dict[str, tuple[str, ...]] = {}
        try:
            for node in ast.parse(entry.read_text(encoding="utf-8")).body:
                # ``revision = "i002"`` or, in newer Alembic templates, ``revision: str = "i002"``.
                target = (node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1
                          else node.target if isinstance(node, ast.AnnAssign) else None)
                if (isinstance(target, ast.Name) and target.id in ("revision", "down_revision")
                        and node.value is not None):  # type: ignore[union-attr]
                    found[target.id] = _revision_ids(node.value)  # type: ignore[union-attr]
        except (SyntaxError, ValueError):
            return frozenset()
        if len(found.get("revision", ())) != 1:
            return frozenset()
        revisions.update(found["revision"])
        parents.update(found.get("down_revision", ()))
    return frozenset(revisions - parents)


def ensure_schema(engine: Engine) -> bool:
    """Upgrade the schema only when it is behind the packaged head; True if it upgraded.

    Issue 11: ``permis2d issue`` ran a full Alembic upgrade on every call (~0.4 s, plus Alembic's
    import). One read of ``alembic_version`` now tells whether there is anything to do; any
    doubt (no version table, another revision, heads not readable) goes to :func:`upgrade_schema`.
    """
    heads = packaged_heads()
    if heads and inspect(engine).has_table("alembic_version"):
        with engine.connect() as connection:
            current = set(connection.execute(
                text("SELECT version_num FROM alembic_version")).scalars())
        if current == heads:
            return False
    upgrade_schema(engine.url.render_as_string(hide_password=False))
    return True
