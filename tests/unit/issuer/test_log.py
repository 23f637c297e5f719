"""Issuance log: its Alembic revisions match the model; ids come from the database, once."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import delete, inspect, update
from sqlalchemy.exc import IntegrityError

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
        downgrade_schema(url, "i001")
        columns = {c["name"] for c in inspect(engine).get_columns("issuance_log")}
        assert not columns & {"status", "file_path", "owner"}
        downgrade_schema(url, "0001")
        assert "issuance_log" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_ids_are_allocated_by_the_database_and_never_given_again(settings: Settings) -> None:
    url = settings.database_url or ""
    upgrade_schema(url)
    engine = make_engine(url)
    values = dict(kind="rir", neph="120375100001", ca_id="FR00", cert_id="0001",
                  issued_on=date(2026, 10, 31), expires_on=None, pages=1, requested_by="t",
                  created_at=datetime(2026, 10, 31, 9, 0))
    try:
        with engine.begin() as connection:
            first = log.allocate(connection, **values)
        with engine.begin() as connection:
            failed = log.allocate(connection, **values)
        with engine.begin() as connection:
            assert log.fail(connection, failed) is True
            assert log.fail(connection, failed) is False  # only a pending row fails
            with pytest.raises(log.LogStateError):
                log.finish(connection, failed, text="x", expires_on=None, pages=1)
        with engine.connect() as connection, connection.begin() as transaction:
            rolled_back = log.allocate(connection, **values)
            transaction.rollback()
        with engine.begin() as connection:
            third = log.allocate(connection, **values)
            log.finish(connection, third, text="DC04\x1dX", expires_on=None, pages=2)
            row = log.lookup(connection, third)
            pending = [r["document_id"] for r in log.pending_rows(connection)]
    finally:
        engine.dispose()
    assert first == document_id_for(1) == "0000000001"
    assert failed == "0000000002"
    # An allocation rolled back before its commit never carried a document: its id may come
    # back. A committed one (pending, then failed) never does.
    assert rolled_back == third == "0000000003"
    assert row is not None and row["pages"] == 2 and row["status"] == log.ISSUED
    assert row["text_sha256"] == text_digest("DC04\x1dX")
    assert pending == [first]
    assert len(text_digest("x")) == 64


def test_deleted_rows_do_not_give_their_ids_back(settings: Settings) -> None:
    # AUTOINCREMENT on SQLite (a sequence on PostgreSQL): even a row deleted by hand keeps its id.
    url = settings.database_url or ""
    upgrade_schema(url)
    engine = make_engine(url)
    values = dict(kind="adcs", neph="120375100001", ca_id="FR00", cert_id="0001",
                  issued_on=date(2024, 2, 29), expires_on=None, pages=1, requested_by="t",
                  created_at=datetime(2024, 2, 29, 9, 0))
    try:
        with engine.begin() as connection:
            first = log.allocate(connection, **values)
        with engine.begin() as connection:
            connection.execute(delete(IssuanceLog.__table__))
        with engine.begin() as connection:
            second = log.allocate(connection, **values)
    finally:
        engine.dispose()
    assert (first, second) == ("0000000001", "0000000002")


def test_status_is_checked_by_the_database(settings: Settings) -> None:
    url = settings.database_url or ""
    upgrade_schema(url)
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            document_id = log.allocate(
                connection, kind="rii", neph="1", ca_id="FR00", cert_id="0001",
                issued_on=date(2026, 1, 31), expires_on=None, pages=1, requested_by="t",
                created_at=datetime(2026, 1, 31, 9, 0))
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(update(IssuanceLog.__table__).values(status="lost"))
    finally:
        engine.dispose()
    assert document_id == "0000000001"
