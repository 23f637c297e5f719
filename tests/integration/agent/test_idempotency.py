"""Two workers receiving one Idempotency-Key at once write once, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from issuer.agent.models import SCOPES, AgentAudit
from issuer.agent.tokens import create_token
from issuer.web import create_app
from registry.models import OffenceRow
from tests.integration.agent.test_api import offence_body
from tests.integration.portal.portal_site import Site, make_site
from tests.support.databases import scratch_postgres_database


def _same_key_at_once(site: Site, workers: int = 4) -> None:
    """``workers`` apps (as separate gunicorn workers would be) post one key at the same time."""
    apps = [create_app(site.settings) for _ in range(workers)]
    portal = apps[0].extensions["portal"]
    with portal.sessions.begin() as session:
        token = create_token(session, f"race-{uuid.uuid4().hex[:8]}", SCOPES, now=portal.utcnow())
    body = offence_body(site, site.neph("full"), points=2, offence_class="C4",
                        committed=(site.today - timedelta(days=40)).isoformat())
    barrier = threading.Barrier(workers)
    answers: list[Any] = [None] * workers

    def post(i: int) -> None:
        client = apps[i].test_client()
        barrier.wait()
        answers[i] = client.post("/api/v1/agent/offences", json=body,
                                 headers={"Authorization": f"Bearer {token}",
                                          "Idempotency-Key": "one-key"})

    with portal.sessions() as session:
        rows = session.scalar(select(func.count()).select_from(OffenceRow))
    threads = [threading.Thread(target=post, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert {a.status_code for a in answers} == {201}, [a.json for a in answers]
    assert len({a.data for a in answers}) == 1
    with portal.sessions() as session:
        assert session.scalar(select(func.count()).select_from(OffenceRow)) == rows + 1
        assert session.scalar(select(func.count()).select_from(AgentAudit)) == 1
    for app in apps:
        app.extensions["portal"].engine.dispose()


def test_same_key_at_once_on_sqlite(tmp_path: Path) -> None:
    _same_key_at_once(make_site(tmp_path / "data"))


@pytest.fixture
def pg_site(postgres_url: str, tmp_path: Path) -> Iterator[Site]:
    """A seeded site on a fresh PostgreSQL database (created here, dropped after)."""
    with scratch_postgres_database(postgres_url, "agent") as url:
        yield make_site(tmp_path / "data", url)


@pytest.mark.postgres
def test_same_key_at_once_on_postgres(pg_site: Site) -> None:
    _same_key_at_once(pg_site)
