"""Issuance log: its Alembic revision matches the model; ids come from the database."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from issuer import log
from issuer.log import IssuanceLog, document_id_for, text_digest
from permis2d.settings import Settings
from registry.db import downgrade_schema, make_engine, upgrade_schema
from registry.models import Base


def _ours(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
    return table == IssuanceLog.__tablename__


def test_revision_matches_the_model_and_downgrades(settings: Settings) -> None:
    url = settings.database_url or ""
    upgrade_schema(url)
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"include_object": _ours})
            assert compare_metadata(context, Base.metadata) == []
        downgrade_schema(url, "0001")
        assert "issuance_log" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_ids_are_allocated_by_the_database_in_the_transaction(settings: Settings) -> None:
    url = settings.database_url or ""
    upgrade_schema(url)
    engine = make_engine(url)
    values = dict(kind="rir", neph="120375100001", ca_id="FR00", cert_id="0001",
                  issued_on=date(2026, 10, 31), expires_on=None, pages=1, requested_by="t",
                  created_at=datetime(2026, 10, 31, 9, 0))
    try:
        with engine.begin() as connection:
            first = log.allocate(connection, **values)
        with engine.connect() as connection, connection.begin() as transaction:
            rolled_back = log.allocate(connection, **values)
            transaction.rollback()
        with engine.begin() as connection:
            third = log.allocate(connection, **values)
            log.finish(connection, third, text="DC04\x1dX", expires_on=None, pages=2)
            row = log.lookup(connection, third)
    finally:
        engine.dispose()
    assert first == document_id_for(1) == "0000000001"
    assert rolled_back == "0000000002"
    # SQLite rolls the counter back with the row: the unpublished id 2 may be given again.
    assert third == "0000000002"
    assert row is not None and row["pages"] == 2
    assert row["text_sha256"] == text_digest("DC04\x1dX")
    assert len(text_digest("x")) == 64
