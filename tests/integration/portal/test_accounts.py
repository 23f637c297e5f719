"""Accounts through the contract: sign-up, confirmation, log-in, lockout, CSRF, reset, log-out."""

from __future__ import annotations

import time
from datetime import timedelta
from urllib.parse import urlsplit

from flask.testing import FlaskClient

from tests.integration.portal.portal_site import (
    PASSWORD,
    Clock,
    Site,
    csrf_token,
    identity_form,
    mail_link,
)


def _signup(client: FlaskClient, site: Site, email: str, **changes: str) -> str:
    """Sign up the 'full' driver under ``email``; return the confirmation path from the mail."""
    before = set(site.outbox())
    token = csrf_token(client.get("/inscription").text)
    form = identity_form(site.record(site.neph("full")), email, csrf_token=token, **changes)
    answer = client.post("/inscription", data=form)
    assert answer.status_code == 303, answer.text
    new = sorted(set(site.outbox()) - before)
    assert len(new) == 1
    return urlsplit(mail_link(new[0])).path


def _login(client: FlaskClient, email: str, password: str = PASSWORD):
    token = csrf_token(client.get("/connexion").text)
    return client.post("/connexion", data={"email": email, "password": password,
                                            "csrf_token": token})


def test_signup_confirm_login_and_unlinked_account_goes_to_permis(client: FlaskClient,
                                                                  site: Site) -> None:
    link = _signup(client, site, "Alice.Full@Example.org")
    assert link.startswith("/inscription/confirmer/")
    assert _login(client, "alice.full@example.org").status_code == 403  # not confirmed yet
    confirmed = client.get(link)
    assert confirmed.status_code == 303
    assert client.get(link).status_code == 400  # single use
    answer = _login(client, "ALICE.FULL@example.org")
    assert answer.status_code == 303 and answer.headers["Location"] == "/mes-points"
    for page in ("/mes-points", "/historique", "/mes-documents", "/mes-points/calendrier.ics"):
        moved = client.get(page)
        assert moved.status_code == 302 and moved.headers["Location"] == "/permis", page


def test_pages_need_a_login(client: FlaskClient) -> None:
    for page in ("/mes-points", "/historique", "/mes-documents", "/permis"):
        answer = client.get(page)
        assert answer.status_code == 302
        assert answer.headers["Location"].startswith("/connexion")


def test_signup_errors_sit_next_to_their_field(client: FlaskClient, site: Site) -> None:
    token = csrf_token(client.get("/inscription").text)
    form = identity_form(site.record(site.neph("full")), "bad-address", csrf_token=token,
                         password="short", password_confirm="short", accept_terms="")
    answer = client.post("/inscription", data=form)
    assert answer.status_code == 400
    for field in ("email", "password", "accept_terms"):
        assert f'id="{field}-error"' in answer.text


def test_confirmation_link_expires_after_12_hours(client: FlaskClient, site: Site,
                                                  clock: Clock) -> None:
    link = _signup(client, site, "late@example.org")
    clock.offset = timedelta(hours=12, minutes=1)
    assert client.get(link).status_code == 400


def test_signup_with_a_taken_address_looks_the_same(client: FlaskClient, site: Site) -> None:
    _signup(client, site, "taken@example.org")
    client.get(_signup(client, site, "taken@example.org"))  # the second mail resends a link
    again = _signup(client, site, "taken@example.org")  # confirmed now: a "you have one" mail
    assert again.startswith("/mot-de-passe-oublie")


def test_missing_csrf_token_is_400(client: FlaskClient, site: Site) -> None:
    for path, form in [("/connexion", {"email": "a@b.fr", "password": "x" * 12}),
                       ("/inscription", identity_form(site.record(site.neph("full")), "c@d.fr")),
                       ("/deconnexion", {}), ("/permis", {"format": "card", "neph": "12345"}),
                       ("/mes-documents/adcs", {})]:
        assert client.post(path, data=form).status_code == 400, path


def test_lockout_after_five_failures_for_known_and_unknown_addresses(
        client: FlaskClient, site: Site, clock: Clock) -> None:
    client.get(_signup(client, site, "locked@example.org"))
    for address in ("locked@example.org", "nobody@example.org"):
        for _ in range(5):
            assert _login(client, address, "wrong password 123").status_code == 400
        refused = _login(client, address, PASSWORD)
        assert refused.status_code == 429
        assert "Trop de tentatives" in refused.text
    clock.offset = timedelta(minutes=14)
    assert _login(client, "locked@example.org").status_code == 429
    clock.offset = timedelta(minutes=15, seconds=1)
    assert _login(client, "locked@example.org").status_code == 303


def test_unknown_address_answers_like_a_wrong_password(client: FlaskClient, site: Site) -> None:
    client.get(_signup(client, site, "timing@example.org"))
    durations = {}
    for address in ("timing@example.org", "unknown-timing@example.org"):
        start = time.perf_counter()
        answer = _login(client, address, "a wrong password!")
        durations[address] = time.perf_counter() - start
        assert answer.status_code == 400
        assert "Adresse e-mail ou mot de passe incorrect." in answer.text
    known, unknown = durations.values()
    assert unknown > known / 3  # the dummy argon2 verify is spent (not a tight timing test)


def test_password_reset_changes_password_and_ends_other_sessions(
        client: FlaskClient, app, site: Site) -> None:
    client.get(_signup(client, site, "reset@example.org"))
    assert _login(client, "reset@example.org").status_code == 303
    other = app.test_client()
    token = csrf_token(other.get("/mot-de-passe-oublie").text)
    before = set(site.outbox())
    assert other.post("/mot-de-passe-oublie", data={"email": "reset@example.org",
                                                     "csrf_token": token}).status_code == 303
    assert other.post("/mot-de-passe-oublie", data={"email": "nobody@example.org",
                                                     "csrf_token": token}).status_code == 303
    (mail,) = sorted(set(site.outbox()) - before)  # only the existing account got a mail
    path = urlsplit(mail_link(mail)).path
    page = other.get(path)
    assert page.status_code == 200
    new = "another long passphrase"
    done = other.post(path, data={"password": new, "password_confirm": new,
                                  "csrf_token": csrf_token(page.text)})
    assert done.status_code == 303
    assert other.get(path).status_code == 400  # single use
    assert client.get("/permis").status_code == 302  # the first session ended
    assert _login(other, "reset@example.org").status_code == 400
    assert _login(other, "reset@example.org", new).status_code == 303


def test_logout_is_a_post_with_csrf(client: FlaskClient, site: Site) -> None:
    client.get(_signup(client, site, "bye@example.org"))
    _login(client, "bye@example.org")
    page = client.get("/permis")
    assert page.status_code == 200
    assert client.get("/deconnexion").status_code == 405
    out = client.post("/deconnexion", data={"csrf_token": csrf_token(page.text)})
    assert out.status_code == 303
    assert client.get("/permis").status_code == 302


def test_headers_cookie_flags_and_csp(client: FlaskClient, site: Site) -> None:
    client.get(_signup(client, site, "headers@example.org"))
    answer = _login(client, "headers@example.org")
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # on 127.0.0.1; see test_secure_cookie_outside_localhost
    csp = client.get("/connexion").headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe" not in csp


def test_secure_cookie_outside_localhost(site: Site) -> None:
    from dataclasses import replace

    from issuer.web import create_app

    app = create_app(replace(site.settings, issuer_url="https://permis.example.org/"))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    app.extensions["portal"].engine.dispose()


def test_english_switch(client: FlaskClient) -> None:
    page = client.get("/connexion?lang=en")
    assert '<html lang="en">' in page.text and "Log in" in page.text
    assert "Log in" in client.get("/connexion").text  # remembered in the session


def test_every_405_names_the_allowed_methods(client: FlaskClient) -> None:
    """RFC 9110 §15.5.6: a 405 carries ``Allow`` (issue 10 asked it of every service)."""
    for method, path in (("get", "/deconnexion"), ("get", "/mes-documents/adcs"),
                         ("put", "/connexion"), ("delete", "/inscription")):
        answer = getattr(client, method)(path)
        assert answer.status_code == 405, (method, path)
        assert "POST" in answer.headers.get("Allow", ""), (method, path, answer.headers)
        assert answer.mimetype == "text/html"
