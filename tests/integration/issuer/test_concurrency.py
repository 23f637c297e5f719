"""Concurrent issuance from two real processes on one SQLite file: 200 documents, 200 ids."""

from __future__ import annotations

import multiprocessing
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from issuer.kinds import DocumentKind
from issuer.log import IssuanceLog
from issuer.service import Issuer
from permis2d.settings import Settings

PER_PROCESS = 100


def _issue_many(settings: Settings, neph: str, queue: multiprocessing.Queue) -> None:
    """Child process: its own engine, key store and renderer; issue PER_PROCESS documents."""
    issuer = Issuer(settings)
    ids = [
        issuer.issue(DocumentKind.ADCS, neph, on=date(2026, 10, 31),
                     now=datetime(2026, 10, 31, 12, 0), requested_by=f"proc:{neph}").document_id
        for _ in range(PER_PROCESS)
    ]
    queue.put(ids)


def test_two_processes_never_share_a_document_id(issuer: Issuer, tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    issuer.engine.dispose()  # no pooled connection crosses the fork
    workers = [context.Process(target=_issue_many, args=(issuer.settings, neph, queue))
               for neph in ("120375100001", "120375100002")]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
        assert worker.exitcode == 0
    ids = [doc_id for result in results for doc_id in result]
    assert len(ids) == 2 * PER_PROCESS
    assert len(set(ids)) == 2 * PER_PROCESS
    with issuer.engine.connect() as connection:
        logged = connection.execute(select(IssuanceLog.__table__.c.document_id)).scalars().all()
    assert sorted(logged) == sorted(ids)
