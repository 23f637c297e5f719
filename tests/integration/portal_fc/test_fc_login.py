"""Log in with FranceConnect through the portal's contract, against the real local provider.

``GET /connexion/franceconnect`` → the provider's login → ``/connexion/franceconnect/retour``;
the first login asks only the NEPH; later logins go straight to *Mes points*; the RII needs a
FranceConnect session; log-out goes through the provider's ``end_session``; every refusal is a
page in words (issue 14, "Done when").
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urljoin, urlparse

import requests
from flask import Flask
from flask.testing import FlaskClient

from tests.integration.portal.portal_site import csrf_token
from tests.integration.portal_fc.conftest import PORTAL, FCSite
from twoddoc import decode


def _provider_round_trip(location: str, login: str, password: str | None = None, *,
                         cancel: bool = False, browser: requests.Session | None = None) -> str:
    """Play the browser at the provider: log in (or cancel); return our callback's path+query."""
    browser = browser or requests.Session()
    base = f"{urlparse(location).scheme}://{urlparse(location).netloc}"
    response = browser.get(location, allow_redirects=False)
    while not response.headers["location"].startswith(PORTAL):
        page = browser.get(urljoin(base, response.headers["location"]), allow_redirects=False)
        if page.status_code != 200:
            response = page
            continue
        uid = re.search(r"/interaction/([\w-]+)/login", page.text).group(1)
        action = "abort" if cancel else "login"
        response = browser.post(f"{base}/interaction/{uid}/{action}", allow_redirects=False,
                                data={"login": login, "password": password or f"test-{login}"})
    return response.headers["location"][len(PORTAL):]


def _fc_login(client: FlaskClient, login: str, **kw) -> object:
    start = client.get("/connexion/franceconnect")
    assert start.status_code == 302
    return client.get(_provider_round_trip(start.headers["Location"], login, **kw))


def _link(client: FlaskClient, neph: str) -> object:
    token = csrf_token(client.get("/permis").text)
    return client.post("/permis", data={"format": "card", "neph": neph, "csrf_token": token})


def test_first_login_asks_the_neph_then_the_rii_is_issued(fc_app: Flask, fc_site: FCSite):
    client = fc_app.test_client()
    back = _fc_login(client, "suspended")
    assert back.status_code == 303 and back.headers["Location"].endswith("/permis")
    page = client.get("/permis").text
    assert "FranceConnect" in page and 'name="neph"' in page
    assert 'name="family_name"' not in page  # only the NEPH and the format
    neph = fc_site.site.neph("suspended")
    assert _link(client, neph).status_code == 303
    points = client.get("/mes-points")
    assert points.status_code == 200
    token = csrf_token(client.get("/mes-documents").text)
    rii = client.post("/mes-documents/rii", data={"csrf_token": token})
    assert rii.status_code == 200 and rii.mimetype == "application/pdf"
    from verifier.scan import scan

    (text,) = scan(rii.data)
    document = decode(text)
    assert document.get("E4") == "RII" and document.get("AC") == neph


def test_a_known_sub_goes_straight_to_mes_points(fc_app: Flask, fc_site: FCSite):
    first = fc_app.test_client()
    _fc_login(first, "long_history")
    assert _link(first, fc_site.site.neph("long_history")).status_code == 303
    again = fc_app.test_client()
    back = _fc_login(again, "long_history")
    assert back.headers["Location"].endswith("/mes-points")


def test_the_button_comes_first_on_login_and_signup(fc_app: Flask):
    client = fc_app.test_client()
    for path in ("/connexion", "/inscription"):
        page = client.get(path).text
        assert page.index('id="fc-login"') < page.index('name="email"')  # FranceConnect first
        assert "Qu&#39;est-ce que FranceConnect ?" in page and ">ou<" in page


def test_a_password_session_is_refused_the_rii_with_the_way_to_get_it(fc_app: Flask,
                                                                      fc_site: FCSite):
    from issuer.web.demo_account import ensure_demo_account

    portal = fc_app.extensions["portal"]
    record = fc_site.site.record(fc_site.site.neph("full"))
    email, password = ensure_demo_account(portal.engine, record, now=portal.utcnow(),
                                          email="motdepasse@example.org")
    client = fc_app.test_client()
    client.post("/connexion", data={"email": email, "password": password,
                                    "csrf_token": csrf_token(client.get("/connexion").text)})
    refused = client.post("/mes-documents/rii",
                          data={"csrf_token": csrf_token(client.get("/mes-documents").text)})
    assert refused.status_code == 403
    assert "FranceConnect" in refused.text and 'href="/connexion/franceconnect"' in refused.text


def test_a_wrong_birth_date_is_not_linked_and_no_field_is_named(fc_app: Flask, fc_site: FCSite):
    client = fc_app.test_client()
    _fc_login(client, "autredate")
    answer = _link(client, fc_site.site.neph("full"))
    assert answer.status_code == 400
    text = answer.text
    assert "ne correspondent pas" in text
    assert "date de naissance est" not in text and "birth" not in text.lower()


def test_another_birthplace_is_not_linked(fc_app: Flask, fc_site: FCSite):
    record = fc_site.site.record(fc_site.site.neph("full"))
    assert record.identity.birth_place_code  # the registry has one, so it is compared
    client = fc_app.test_client()
    _fc_login(client, "autrelieu")
    assert _link(client, fc_site.site.neph("full")).status_code == 400


def test_an_identity_without_a_licence_cannot_link_a_stranger(fc_app: Flask, fc_site: FCSite):
    client = fc_app.test_client()
    _fc_login(client, "sanspermis")
    assert _link(client, fc_site.site.neph("probationary")).status_code == 400


def test_access_denied_is_a_page_in_words(fc_app: Flask):
    client = fc_app.test_client()
    back = _fc_login(client, "full", cancel=True)
    assert back.status_code == 400
    assert "Vous avez annulé la connexion avec FranceConnect." in back.text
    assert client.get("/mes-points").status_code == 302  # not logged in


def test_a_wrong_state_is_refused(fc_app: Flask):
    victim, attacker = fc_app.test_client(), fc_app.test_client()
    start = attacker.get("/connexion/franceconnect")
    callback = _provider_round_trip(start.headers["Location"], "full")
    victim.get("/connexion/franceconnect")  # the victim's own, different state
    answer = victim.get(callback)
    assert answer.status_code == 400
    assert 'data-code="state_mismatch"' in answer.text
    assert victim.get("/mes-points").status_code == 302


def test_a_replayed_callback_is_refused(fc_app: Flask):
    client = fc_app.test_client()
    start = client.get("/connexion/franceconnect")
    callback = _provider_round_trip(start.headers["Location"], "probationary")
    assert client.get(callback).status_code == 303
    replay = fc_app.test_client().get(callback)
    assert replay.status_code == 400


def test_an_id_token_without_acr_is_refused_in_words(fc_app: Flask):
    back = _fc_login(fc_app.test_client(), "sansacr")
    assert back.status_code == 400
    assert "eIDAS" in back.text


def test_logout_goes_through_end_session_and_ends_both_sessions(fc_app: Flask, fc_site: FCSite):
    client, browser = fc_app.test_client(), requests.Session()
    start = client.get("/connexion/franceconnect")
    client.get(_provider_round_trip(start.headers["Location"], "probationary", browser=browser))
    token = csrf_token(client.get("/permis").text)
    out = client.post("/deconnexion", data={"csrf_token": token})
    assert out.status_code == 302
    location = out.headers["Location"]
    assert location.startswith(f"{fc_site.sim}/api/v2/session/end?")
    query = parse_qs(urlparse(location).query)
    assert query["post_logout_redirect_uri"] == [f"{PORTAL}/connexion"]
    assert query["id_token_hint"][0].count(".") == 2 and query["state"][0]
    assert client.get("/mes-points").status_code == 302  # ours has ended
    page = browser.get(location)
    action = re.search(r'id="op.logoutForm" method="post" action="([^"]+)"', page.text).group(1)
    xsrf = re.search(r'name="xsrf" value="([^"]+)"', page.text).group(1)
    done = browser.post(action, data={"xsrf": xsrf, "logout": "yes"}, allow_redirects=False)
    assert done.headers["location"].startswith(f"{PORTAL}/connexion")
    # FranceConnect's session has ended too: the next login asks for the password again.
    again = browser.get(client.get("/connexion/franceconnect").headers["Location"],
                        allow_redirects=False)
    assert again.headers["location"].startswith("/interaction/")


def test_csp_lets_the_logout_form_reach_the_provider_only(fc_app: Flask, fc_site: FCSite):
    csp = fc_app.test_client().get("/connexion").headers["Content-Security-Policy"]
    assert f"form-action 'self' {fc_site.sim};" in csp
