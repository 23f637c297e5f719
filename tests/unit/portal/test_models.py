"""The revision a001 matches the portal's models, and goes down cleanly."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

import issuer.web.models  # noqa: F401  (registers the tables on the metadata)
from issuer.web.models import TABLES
from permis2d.settings import Settings
from registry.db import downgrade_schema, make_engine, upgrade_schema
from registry.models import Base


def _ours(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
    return table in TABLES


def test_revision_matches_the_models_and_downgrades(settings: Settings) -> None:
    url = settings.database_url or ""
    upgrade_schema(url)
    engine = make_engine(url)
    try:
        assert set(inspect(engine).get_table_names()) >= TABLES
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"include_object": _ours})
            assert compare_metadata(context, Base.metadata) == []
        downgrade_schema(url, "i001")
        assert TABLES.isdisjoint(inspect(engine).get_table_names())
    finally:
        engine.dispose()
