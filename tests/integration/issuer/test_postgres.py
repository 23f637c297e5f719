"""Issuance on PostgreSQL: the log's sequence gives distinct ids under two real processes.

Runs when ``PERMIS2D_TEST_POSTGRES_URL`` is set (CI starts a server with
``scripts/start-test-postgres.sh``). The test creates a database of its own on that server, so it
never disturbs another suite using the shared test database, and drops it afterwards.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from issuer.kinds import DocumentKind
from issuer.log import IssuanceLog, text_digest
from issuer.service import Issuer
from keys import KeyStore
from permis2d.settings import Settings
from registry.db import make_engine, upgrade_schema
from registry.seed import demo_drivers, seed_registry
from tests.support.databases import scratch_postgres_database

pytestmark = pytest.mark.postgres

ON = date(2026, 10, 31)
PER_PROCESS = 50


@pytest.fixture
def pg_settings(postgres_url: str, tmp_path: Path) -> Iterator[Settings]:
    """Settings on a fresh PostgreSQL database (created here, dropped after the test)."""
    with scratch_postgres_database(postgres_url, "issuer") as url:
        upgrade_schema(url)
        yield Settings.from_env({"PERMIS2D_DATA_DIR": str(tmp_path / "data"),
                                 "PERMIS2D_KEY_PASSPHRASE": "test-passphrase",
                                 "PERMIS2D_DATABASE_URL": url})


def _issue_many(settings: Settings, neph: str, queue: multiprocessing.Queue) -> None:
    issuer = Issuer(settings)
    queue.put([
        issuer.issue(DocumentKind.ADCS, neph, on=ON, now=datetime(2026, 10, 31, 12, 0),
                     requested_by=f"proc:{neph}").document_id
        for _ in range(PER_PROCESS)
    ])
    issuer.engine.dispose()


def test_postgres_log_and_concurrent_ids(pg_settings: Settings) -> None:
    engine = make_engine(pg_settings.database_url or "")
    with Session(engine) as session, session.begin():
        seed_registry(session, count=3, seed=2024, asof=ON)
    nephs = [d.neph for d in demo_drivers(count=3, seed=2024, asof=ON)]
    KeyStore.open(pg_settings).init(now=datetime(2026, 1, 1, tzinfo=UTC))
    one = Issuer(pg_settings).issue(DocumentKind.RII, nephs[2], on=ON,
                                    now=datetime(2026, 10, 31, 11, 0), requested_by="pg")
    engine.dispose()

    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    workers = [context.Process(target=_issue_many, args=(pg_settings, neph, queue))
               for neph in nephs[:2]]
    for worker in workers:
        worker.start()
    ids = [doc_id for _ in workers for doc_id in queue.get(timeout=120)]
    for worker in workers:
        worker.join(timeout=30)
        assert worker.exitcode == 0
    assert len(ids) == len(set(ids)) == 2 * PER_PROCESS
    assert one.document_id not in ids

    engine = make_engine(pg_settings.database_url or "")
    with engine.connect() as connection:
        rows = connection.execute(select(IssuanceLog.__table__)).mappings().all()
    engine.dispose()
    assert sorted(row["document_id"] for row in rows) == sorted([*ids, one.document_id])
    first = next(row for row in rows if row["document_id"] == one.document_id)
    assert first["text_sha256"] == text_digest(one.text) and first["kind"] == "rii"
