"""``permis2d agent create-token / list-tokens / revoke-token``; revision a002 and the models."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import inspect

from issuer.agent.models import TABLES
from issuer.agent.tokens import authenticate
from permis2d.cli import cli
from permis2d.settings import Settings
from registry.db import downgrade_schema, make_engine, session_factory, upgrade_schema
from registry.models import Base


def _settings(tmp_path: Path) -> Settings:
    return Settings.from_env({"PERMIS2D_DATA_DIR": str(tmp_path / "data")})


def test_create_list_revoke(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    runner = CliRunner()
    made = runner.invoke(cli, ["agent", "create-token", "--name", "ANTAI", "--scope", "offences",
                               "--scope", "read"], obj=settings)
    assert made.exit_code == 0, made.output
    secret = made.output.strip()
    assert len(secret) >= 43
    engine = make_engine(settings.database_url or "")
    with session_factory(engine)() as session:
        token = authenticate(session, secret)
        assert token is not None and token.scopes == "offences read"
        assert token.token_sha256 != secret
    twice = runner.invoke(cli, ["agent", "create-token", "--name", "ANTAI", "--scope", "read"],
                          obj=settings)
    assert twice.exit_code == 1 and "already exists" in twice.output
    bad = runner.invoke(cli, ["agent", "create-token", "--name", "X", "--scope", "all"],
                        obj=settings)
    assert bad.exit_code == 2
    listed = runner.invoke(cli, ["agent", "list-tokens"], obj=settings)
    assert "ANTAI\toffences read" in listed.output and secret not in listed.output
    assert runner.invoke(cli, ["agent", "revoke-token", "ANTAI"], obj=settings).exit_code == 0
    with session_factory(engine)() as session:
        assert authenticate(session, secret) is None
    assert "revoked" in runner.invoke(cli, ["agent", "list-tokens"], obj=settings).output
    unknown = runner.invoke(cli, ["agent", "revoke-token", "--name", "nobody"], obj=settings)
    assert unknown.exit_code == 1
    engine.dispose()


_EVENTS = {"offences", "courses", "medical_visits", "suspensions"}


def _ours(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
    return table in TABLES or table in _EVENTS


def test_revision_matches_the_models_and_downgrades(tmp_path: Path) -> None:
    url = _settings(tmp_path).database_url or ""
    upgrade_schema(url)
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"include_object": _ours})
            assert compare_metadata(context, Base.metadata) == []
        downgrade_schema(url, "0004")
        names = inspect(engine).get_table_names()
        assert TABLES.isdisjoint(names)
        assert "recorded_on" not in {c["name"] for c in inspect(engine).get_columns("offences")}
    finally:
        engine.dispose()
