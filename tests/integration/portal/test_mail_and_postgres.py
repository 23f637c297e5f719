"""The portal's mail through a real SMTP server (aiosmtpd), and the portal on PostgreSQL."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from dataclasses import replace
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import text

from issuer.web import create_app
from tests.integration.portal.portal_site import (
    PASSWORD,
    Site,
    csrf_token,
    identity_form,
    make_site,
)
from tests.support.databases import scratch_postgres_database


class _Inbox:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(envelope.original_content or envelope.content)
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[tuple[str, _Inbox]]:
    inbox = _Inbox()
    with socket.socket() as probe:  # aiosmtpd's start() connects to its port: pick a free one
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}", inbox
    finally:
        controller.stop()


def test_confirmation_mail_goes_through_smtp(site: Site, smtp_server: tuple[str, _Inbox]
                                             ) -> None:
    url, inbox = smtp_server
    app = create_app(replace(site.settings, smtp_url=url))
    client = app.test_client()
    before = list(site.outbox())
    form = identity_form(site.record(site.neph("full")), "smtp@example.org",
                         csrf_token=csrf_token(client.get("/inscription").text))
    assert client.post("/inscription", data=form).status_code == 303
    assert len(inbox.messages) == 1 and list(site.outbox()) == before
    message = message_from_bytes(inbox.messages[0], policy=policy.default)
    assert message["To"] == "smtp@example.org"
    body = message.get_body(("plain",)).get_content()
    link = re.search(r"http://127\.0\.0\.1:8000(/inscription/confirmer/\S+)", body).group(1)
    assert client.get(link).status_code == 303
    app.extensions["portal"].engine.dispose()


@pytest.fixture
def pg_site(postgres_url: str, tmp_path: Path) -> Iterator[Site]:
    """A seeded site on a fresh PostgreSQL database (created here, dropped after)."""
    with scratch_postgres_database(postgres_url, "portal") as url:
        yield make_site(tmp_path / "data", url)


@pytest.mark.postgres
def test_signup_link_points_and_adcs_on_postgres(pg_site: Site) -> None:
    app = create_app(pg_site.settings)
    client = app.test_client()
    neph = pg_site.neph("recent_delit")
    form = identity_form(pg_site.record(neph), "pg@example.org",
                         csrf_token=csrf_token(client.get("/inscription").text))
    assert client.post("/inscription", data=form).status_code == 303
    link = re.search(r"/inscription/confirmer/\S+", pg_site.outbox()[-1].read_text()).group(0)
    assert client.get(link).status_code == 303
    token = csrf_token(client.get("/connexion").text)
    for _ in range(5):
        client.post("/connexion", data={"email": "pg@example.org", "password": "nope nope nope",
                                        "csrf_token": token})
    locked = client.post("/connexion", data={"email": "pg@example.org", "password": PASSWORD,
                                             "csrf_token": token})
    assert locked.status_code == 429  # the counters live in PostgreSQL
    with app.extensions["portal"].engine.begin() as connection:
        connection.execute(text("DELETE FROM portal_attempts"))
    assert client.post("/connexion", data={"email": "pg@example.org", "password": PASSWORD,
                                           "csrf_token": token}).status_code == 303
    token = csrf_token(client.get("/permis").text)
    assert client.post("/permis", data={"format": "card", "neph": neph,
                                        "csrf_token": token}).status_code == 303
    page = client.get("/mes-points").text
    assert f'data-balance="{pg_site.record(neph).points.balance}"' in page
    adcs = client.post("/mes-documents/adcs", data={"csrf_token": token})
    assert adcs.status_code == 200 and adcs.data.startswith(b"%PDF")
    doc_id = re.search(r"/mes-documents/([A-Za-z0-9_-]{22})\.pdf",
                       client.get("/mes-documents").text).group(1)
    assert client.get(f"/mes-documents/{doc_id}.pdf").data == adcs.data
    app.extensions["portal"].engine.dispose()
