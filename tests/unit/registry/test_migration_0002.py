"""Migration 0002: the four redundant indexes go, each column still leads an index; down restores.

Why a test per backend: SQLite and PostgreSQL name and report the indexes of UNIQUE constraints
differently (SQLite's ``sqlite_autoindex_*`` is not listed by ``get_indexes``), so "covered" is
checked through both the indexes and the unique constraints the inspector reports.
"""

from __future__ import annotations

from sqlalchemy import Engine, inspect

from registry.db import downgrade_schema, upgrade_schema

DROPPED = {
    "ix_driver_first_names_driver_id": ("driver_first_names", "driver_id"),
    "ix_categories_licence_id": ("categories", "licence_id"),
    "ix_offences_licence_id": ("offences", "licence_id"),
    "ix_category_restrictions_category_id": ("category_restrictions", "category_id"),
}


def _index_names(engine: Engine, table: str) -> set[str]:
    return {ix["name"] for ix in inspect(engine).get_indexes(table)}


def _leading_columns(engine: Engine, table: str) -> dict[str, str]:
    """Each index or unique constraint of ``table`` by name, with its first column."""
    insp = inspect(engine)
    found = {ix["name"]: ix["column_names"][0] for ix in insp.get_indexes(table)}
    found |= {uq["name"]: uq["column_names"][0] for uq in insp.get_unique_constraints(table)}
    return found


def test_head_has_no_redundant_index_and_every_column_still_leads_one(engine: Engine) -> None:
    for name, (table, column) in DROPPED.items():
        leading = _leading_columns(engine, table)
        assert name not in leading
        covering = [other for other, first in leading.items() if first == column]
        assert covering, f"{table}.{column} is left without an index"


def test_downgrade_restores_the_indexes_and_upgrade_drops_them_again(
    db_url: str, engine: Engine
) -> None:
    downgrade_schema(db_url, "i001")
    try:
        for name, (table, _column) in DROPPED.items():
            assert name in _index_names(engine, table)
    finally:
        upgrade_schema(db_url)
    for name, (table, _column) in DROPPED.items():
        assert name not in _index_names(engine, table)
