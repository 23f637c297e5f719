"""Through the API to the driver: balance, calendar, history, notices, ADCS and verdict."""

from __future__ import annotations

import email
import re
from datetime import UTC, datetime, timedelta
from email import policy
from pathlib import Path

from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from issuer.kinds import DocumentKind
from issuer.web.demo_account import ensure_demo_account
from keys import KeyStore
from permis2d.cli import cli
from tests.integration.agent.conftest import Agent
from tests.integration.agent.test_api import offence_body
from tests.integration.portal.portal_site import Site, csrf_token
from twoddoc import decode
from verifier import Check, TrustStore, verify_text
from verifier.driving import driving_verdict


def _linked_client(app: Flask, site: Site, profile: str, address: str) -> FlaskClient:
    portal = app.extensions["portal"]
    record = site.record(site.neph(profile))
    _, password = ensure_demo_account(portal.engine, record, now=portal.utcnow(), email=address)
    client = app.test_client()
    token = csrf_token(client.get("/connexion").text)
    assert client.post("/connexion", data={"email": address, "password": password,
                                           "csrf_token": token}).status_code == 303
    return client


def _mails_to(site: Site, address: str) -> list[email.message.EmailMessage]:
    found = []
    for path in site.outbox():
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] == address:
            found.append(message)
    return found


def test_offence_reaches_points_calendar_history_and_mail(agent: Agent, app: Flask,
                                                          site: Site) -> None:
    neph = site.neph("probationary")
    client = _linked_client(app, site, "probationary", "notice@example.org")
    before = site.record(neph).points.balance
    calendar_before = client.get("/mes-points/calendrier.ics").data
    body = offence_body(site, neph, points=3, label="Usage du téléphone tenu en main",
                        natinf=22027)
    assert agent.post("offences", body, "portal-1").status_code == 201
    after = site.record(neph).points.balance
    assert after == before - 3
    points_page = client.get("/mes-points").text
    assert re.search(rf"\b{after}\b", points_page)
    assert client.get("/mes-points/calendrier.ics").data != calendar_before
    history = client.get("/historique").text
    assert "Usage du téléphone tenu en main" in history
    assert site.today.strftime("%d/%m/%Y") in history and "date non transmise" not in history
    mails = {m["Subject"]: m for m in _mails_to(site, "notice@example.org")}
    assert "Retrait de points enregistré" in mails
    if after <= 6:
        assert f"Votre solde est de {after} points" in mails  # and what a course can do
    text = mails["Retrait de points enregistré"].get_body(("plain",)).get_content()
    assert f"Nouveau solde : {after} point(s)" in text and "/mes-points" in text
    assert "Restitution prévue" in text  # the restoration the offence delays
    assert neph not in text  # no more than the portal shows, and no identifier

    token = csrf_token(client.get("/avis").text)
    assert client.post("/avis", data={"csrf_token": token}).status_code == 303
    assert 'name="enabled" value="y" >' in client.get("/avis").text
    count = len(_mails_to(site, "notice@example.org"))
    second = offence_body(site, neph, points=1, place="PARIS")
    assert agent.post("offences", second, "portal-2").status_code == 201
    assert len(_mails_to(site, "notice@example.org")) == count
    assert client.post("/avis", data={"enabled": "y"}).status_code == 400  # no CSRF token


def test_notices_run_sends_a_restoration_once(agent: Agent, app: Flask, site: Site) -> None:
    neph = site.neph("long_history")
    _linked_client(app, site, "long_history", "restore@example.org")
    assert agent.post("offences", offence_body(site, neph, points=1, place="NICE"),
                      "restore-1").status_code == 201
    due = site.record(neph).points.calendar[0].date
    runner = CliRunner()

    def run(day: object) -> str:
        answer = runner.invoke(cli, ["notices", "run", "--on", str(day)], obj=site.settings)
        assert answer.exit_code == 0, answer.output
        return answer.output.strip()

    mails = len(_mails_to(site, "restore@example.org"))
    run(due - timedelta(days=1))
    assert run(due) != "0 notice(s) sent"
    assert len(_mails_to(site, "restore@example.org")) == mails + 1
    assert _mails_to(site, "restore@example.org")[-1]["Subject"] == "Des points vous sont restitués"
    assert run(due) == "0 notice(s) sent"
    assert len(_mails_to(site, "restore@example.org")) == mails + 1


def test_suspension_makes_the_adcs_suspended_and_driving_refused(agent: Agent, app: Flask,
                                                                 site: Site,
                                                                 tmp_path: Path) -> None:
    neph = site.neph("heavy_expiring")
    answer = agent.post("suspensions", {"neph": neph, "kind": "administrative",
                                        "start": site.today.isoformat(),
                                        "end": (site.today + timedelta(days=60)).isoformat()},
                        "susp-adcs")
    assert answer.status_code == 201, answer.json
    issuer = app.extensions["portal"].issuer()
    issued = issuer.issue(DocumentKind.ADCS, neph, on=site.today,
                          now=datetime.now(UTC).replace(tzinfo=None), requested_by="test")
    assert decode(issued.text).get("E5") == "47"  # annex 13: SUSPENDU
    trust = TrustStore.load([KeyStore.open(site.settings).export_trust(tmp_path / "trust")])
    result = verify_text(issued.text, trust, at=site.today)
    assert result.checks[Check.SIGNATURE] and result.document is not None
    verdict = driving_verdict(result.document)
    assert verdict is not None and verdict.to_json()["allowed"] is False
    assert verdict.label_fr == "SUSPENDU"
