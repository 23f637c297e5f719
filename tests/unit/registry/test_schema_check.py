"""``ensure_schema``: upgrade only when the database is behind its migrations (issue 11)."""

from __future__ import annotations

from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy import event, inspect

from permis2d.settings import Settings
from registry.db import (
    _alembic_config,
    downgrade_schema,
    ensure_schema,
    make_engine,
    packaged_heads,
)


def test_packaged_heads_agree_with_alembic() -> None:
    script = ScriptDirectory.from_config(_alembic_config("sqlite://"))
    assert packaged_heads() == frozenset(script.get_heads())


def test_upgrades_a_new_or_old_database_and_then_only_reads(settings: Settings) -> None:
    url = settings.database_url or ""
    engine = make_engine(url)
    try:
        assert ensure_schema(engine) is True  # empty database: created
        assert "issuance_log" in inspect(engine).get_table_names()
        statements: list[str] = []

        def on_execute(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", on_execute)
        assert ensure_schema(engine) is False  # up to date: one read, nothing written
        event.remove(engine, "before_cursor_execute", on_execute)
        assert not [s for s in statements if not s.lstrip().upper().startswith(("SELECT",
                                                                                 "PRAGMA"))]
        downgrade_schema(url, "i001")
    finally:
        engine.dispose()
    engine = make_engine(url)
    try:
        # Behind (an older release's schema): upgraded.
        assert "status" not in {c["name"] for c in inspect(engine).get_columns("issuance_log")}
        assert ensure_schema(engine) is True
        assert "status" in {c["name"] for c in inspect(engine).get_columns("issuance_log")}
    finally:
        engine.dispose()
