"""Linking, *Mes points*, the ``.ics``, *Historique* and *Mes documents* through the contract."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar

from issuer.web.demo_account import ensure_demo_account
from tests.integration.portal.portal_site import PASSWORD, Site, csrf_token, identity_form

# Seeded profiles (registry/seed.py) covering every kind the issue names.
KINDS = ["full", "probationary", "probationary_aac", "recent_delit", "suspended",
         "medically_suspended", "invalidated", "cancelled", "long_history"]


def _linked_client(app: Flask, site: Site, profile: str, email: str) -> FlaskClient:
    """A client logged in to a confirmed account linked to the ``profile`` driver."""
    portal = app.extensions["portal"]
    record = site.record(site.neph(profile))
    _, password = ensure_demo_account(portal.engine, record, now=portal.utcnow(), email=email)
    client = app.test_client()
    token = csrf_token(client.get("/connexion").text)
    answer = client.post("/connexion", data={"email": email, "password": password,
                                             "csrf_token": token})
    assert answer.status_code == 303
    return client


def _unlinked_client(app: Flask, site: Site, profile: str, email: str) -> FlaskClient:
    """A client logged in to a confirmed account with the driver's identity, not linked."""
    client = app.test_client()
    form = identity_form(site.record(site.neph(profile)), email,
                         csrf_token=csrf_token(client.get("/inscription").text))
    assert client.post("/inscription", data=form).status_code == 303
    link = re.search(r"/inscription/confirmer/\S+", site.outbox()[-1].read_text()).group(0)
    assert client.get(link).status_code == 303
    token = csrf_token(client.get("/connexion").text)
    assert client.post("/connexion", data={"email": email, "password": PASSWORD,
                                           "csrf_token": token}).status_code == 303
    return client


def _link(client: FlaskClient, neph: str, fmt: str = "card") -> object:
    token = csrf_token(client.get("/permis").text)
    return client.post("/permis", data={"format": fmt, "neph": neph, "csrf_token": token})


def test_linking_matches_identity_ignoring_case_and_accents(app: Flask, site: Site) -> None:
    neph = site.neph("long_names")
    record = site.record(neph)
    client = app.test_client()
    form = identity_form(record, "accents@example.org",
                         csrf_token=csrf_token(client.get("/inscription").text),
                         family_name=record.identity.surname.lower(),
                         given_names=record.identity.first_names[0].upper())
    assert client.post("/inscription", data=form).status_code == 303
    link = re.search(r"/inscription/confirmer/\S+", site.outbox()[-1].read_text()).group(0)
    client.get(link)
    token = csrf_token(client.get("/connexion").text)
    client.post("/connexion", data={"email": "accents@example.org", "password": PASSWORD,
                                    "csrf_token": token})
    spaced = " ".join(neph[i:i + 3] for i in range(0, len(neph), 3)).lower()
    answer = _link(client, spaced, "paper")
    assert answer.status_code == 303 and answer.headers["Location"] == "/mes-points"
    assert client.get("/mes-points").status_code == 200
    assert client.get("/permis").status_code == 302  # one licence per account


def test_wrong_birth_date_is_refused_without_naming_the_field(app: Flask, site: Site) -> None:
    neph = site.neph("full")
    record = site.record(neph)
    client = _unlinked_client(app, site, "full", "wrongbirth@example.org")
    portal = app.extensions["portal"]
    with portal.sessions.begin() as db:
        from issuer.web.models import Account

        account = db.query(Account).filter_by(email="wrongbirth@example.org").one()
        birth = record.identity.birth_date.as_date()
        account.birth_date = date(birth.year - 1, birth.month, min(birth.day, 28))
    answer = _link(client, neph)
    assert answer.status_code == 400
    text = answer.text.lower()
    assert "ne correspondent pas" in text
    assert 'id="neph-error"' not in answer.text and 'aria-invalid' not in answer.text
    unknown = _link(client, "ZZZZZ99999")  # an unknown NEPH gets the very same answer
    assert unknown.status_code == 400
    assert "ne correspondent pas" in unknown.text.lower()
    for _ in range(3):
        _link(client, neph)
    locked = _link(client, neph)  # the sixth try within an hour
    assert locked.status_code == 429


def test_bad_neph_format_is_an_error_next_to_the_field(app: Flask, site: Site) -> None:
    client = _unlinked_client(app, site, "full", "badneph@example.org")
    answer = _link(client, "12-3")
    assert answer.status_code == 400 and 'id="neph-error"' in answer.text
    bad_format = client.post("/permis", data={"format": "scroll", "neph": site.neph("full"),
                                              "csrf_token": csrf_token(answer.text)})
    assert bad_format.status_code == 400 and 'id="format-error"' in bad_format.text


def _table(html: str) -> list[tuple[str, int]]:
    body = html.split('id="calendar-table"', 1)
    if len(body) == 1:
        return []
    return [(day, int(points)) for day, points in re.findall(
        r'<time datetime="([\d-]+)">[^<]*</time></td><td class="num" data-points="(\d+)"',
        body[1])]


@pytest.mark.parametrize("profile", KINDS)
def test_balance_and_calendar_are_the_engines(app: Flask, site: Site, profile: str) -> None:
    client = _linked_client(app, site, profile, f"{profile}@example.org")
    page = client.get("/mes-points")
    assert page.status_code == 200
    expected = site.record(site.neph(profile)).points
    balance = re.search(r'data-balance="(\d+)"', page.text)
    assert balance and int(balance.group(1)) == expected.balance
    calendar = [(r.date.isoformat(), r.points) for r in expected.calendar]
    assert _table(page.text) == calendar
    svg = re.findall(r'<g class="restoration" data-date="([\d-]+)" data-points="(\d+)"',
                     page.text)
    assert [(d, int(p)) for d, p in svg] == calendar
    ics = client.get("/mes-points/calendrier.ics")
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    parsed = Calendar.from_ical(ics.data)
    events = [e for e in parsed.walk("VEVENT")]
    assert [e.decoded("DTSTART").isoformat() for e in events] == [d for d, _ in calendar]
    if expected.balance == 0:
        assert 'id="zero-balance"' in page.text and "48SI" in page.text
    if profile.startswith("probationary"):
        assert 'id="probation"' in page.text
    history = client.get("/historique")
    assert history.status_code == 200


def test_history_lists_offences_with_both_dates_newest_first(app: Flask, site: Site) -> None:
    client = _linked_client(app, site, "long_history", "history@example.org")
    page = client.get("/historique").text
    days = re.findall(r'<li class="event[^"]*">\s*<p class="event-head"><time datetime="([\d-]+)"',
                      page)
    assert days and days == sorted(days, reverse=True)
    assert "retrait effectif le" in page and "Règle :" in page


def test_documents_adcs_rir_rii_and_scoping(app: Flask, site: Site) -> None:
    alice = _linked_client(app, site, "full", "docs-alice@example.org")
    bob = _linked_client(app, site, "full", "docs-bob@example.org")  # same licence, other login
    token = csrf_token(alice.get("/mes-documents").text)
    adcs = alice.post("/mes-documents/adcs", data={"csrf_token": token})
    assert adcs.status_code == 200 and adcs.mimetype == "application/pdf"
    assert adcs.data.startswith(b"%PDF")
    rir = alice.post("/mes-documents/rir", data={"csrf_token": token})
    assert rir.status_code == 200 and rir.mimetype == "application/pdf"
    rii = alice.post("/mes-documents/rii", data={"csrf_token": token})
    assert rii.status_code == 403 and "FranceConnect" in rii.text
    listing = alice.get("/mes-documents").text
    ids = re.findall(r"/mes-documents/([A-Za-z0-9_-]{22})\.pdf", listing)
    assert len(ids) == 2
    again = alice.get(f"/mes-documents/{ids[-1]}.pdf")
    assert again.status_code == 200 and again.data == adcs.data
    assert bob.get(f"/mes-documents/{ids[-1]}.pdf").status_code == 404
    assert re.findall(r"/mes-documents/([A-Za-z0-9_-]{22})\.pdf",
                      bob.get("/mes-documents").text) == []
    assert alice.get("/mes-documents/0000000001.pdf").status_code == 404
    assert alice.get("/mes-documents/" + "A" * 22 + ".pdf").status_code == 404


def test_issuance_is_logged_for_the_account(app: Flask, site: Site) -> None:
    from sqlalchemy import select

    from issuer.log import IssuanceLog

    client = _linked_client(app, site, "probationary", "logged@example.org")
    token = csrf_token(client.get("/mes-documents").text)
    assert client.post("/mes-documents/adcs", data={"csrf_token": token}).status_code == 200
    with app.extensions["portal"].sessions() as db:
        rows = db.scalars(select(IssuanceLog.requested_by).where(
            IssuanceLog.neph == site.neph("probationary"))).all()
    assert any(r.startswith("portal:account:") for r in rows)
