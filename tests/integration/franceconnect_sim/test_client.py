"""The portal's FranceConnect client against the real local provider (issue 14, "Done when").

Each refusal the issue lists is produced for real: a replayed code and a wrong ``state`` by the
browser side; a wrong nonce, another audience and a damaged signature by a hostile proxy that
hands the client genuine tokens from other logins or alters them; an expired token by the
client's clock; a missing ``acr`` by a test identity; a userinfo JWT signed by another key.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urljoin, urlparse

import pytest
import requests

from issuer.franceconnect import FranceConnectClient, FranceConnectConfig, FranceConnectError
from tests.integration.franceconnect_sim.conftest import SECOND_CLIENT_ID, SECOND_CLIENT_SECRET
from tests.integration.franceconnect_sim.proxy import HostileProxy


@pytest.fixture
def proxy(fc_sim):
    hostile = HostileProxy(fc_sim.base)
    yield hostile
    hostile.close()


def _client(sim, base, client_id=None, client_secret=None):
    return FranceConnectClient(FranceConnectConfig(
        discovery_url=f"{base}/api/v2/.well-known/openid-configuration",
        client_id=client_id or sim.client_id, client_secret=client_secret or sim.client_secret,
        redirect_uri=sim.redirect_uri, post_logout_redirect_uri=sim.logout_uri))


def _browse(sim, url, login="usager.complet", password="test-complet", *, cancel=False):
    """A browser that follows the provider's pages and stops at our redirect URI."""
    browser = requests.Session()
    response = browser.get(url, allow_redirects=False)
    page = browser.get(urljoin(url, response.headers["location"]))
    uid = re.search(r"/interaction/([\w-]+)/login", page.text).group(1)
    base = f"{urlparse(url).scheme}://{urlparse(url).netloc}"
    if cancel:
        response = browser.post(f"{base}/interaction/{uid}/abort", allow_redirects=False)
    else:
        response = browser.post(f"{base}/interaction/{uid}/login",
                                data={"login": login, "password": password}, allow_redirects=False)
    while not response.headers["location"].startswith(sim.redirect_uri):
        response = browser.get(urljoin(base, response.headers["location"]), allow_redirects=False)
    return {k: v[0] for k, v in parse_qs(urlparse(response.headers["location"]).query).items()}


def _now():
    return datetime.now(UTC)


def test_a_login_gives_the_verified_identity(fc_sim, proxy):
    client = _client(fc_sim, proxy.base)
    request = client.begin()
    assert len(request.nonce) >= 32 and len(request.state) >= 32
    query = parse_qs(urlparse(request.url).query)
    assert query["acr_values"] == ["eidas1"]
    assert "birthplace" in query["scope"][0].split()
    identity = client.finish(_browse(fc_sim, request.url), state=request.state,
                             nonce=request.nonce, now=_now())
    assert identity.family_name == "RICHARD"
    assert identity.given_names[0] == "Jérôme"
    assert identity.acr == "eidas1"
    assert identity.birthcountry == "99100"
    logout = parse_qs(urlparse(client.logout_url(identity.id_token, "etat")).query)
    assert logout == {"id_token_hint": [identity.id_token], "state": ["etat"],
                      "post_logout_redirect_uri": [fc_sim.logout_uri]}


def test_a_wrong_state_is_refused_before_anything_is_exchanged(fc_sim, proxy):
    client = _client(fc_sim, proxy.base)
    request = client.begin()
    params = _browse(fc_sim, request.url)
    with pytest.raises(FranceConnectError) as caught:
        client.finish(params, state="x" * 43, nonce=request.nonce, now=_now())
    assert caught.value.code == "state_mismatch"
    # The code was not spent: the right state still logs in.
    assert client.finish(params, state=request.state, nonce=request.nonce, now=_now())


def test_a_replayed_code_is_refused(fc_sim, proxy):
    client = _client(fc_sim, proxy.base)
    request = client.begin()
    params = _browse(fc_sim, request.url)
    client.finish(params, state=request.state, nonce=request.nonce, now=_now())
    with pytest.raises(FranceConnectError) as caught:
        client.finish(params, state=request.state, nonce=request.nonce, now=_now())
    assert caught.value.code == "invalid_response"


def test_an_id_token_with_another_nonce_is_refused(fc_sim, proxy):
    client = _client(fc_sim, proxy.base)
    earlier = client.begin()
    stolen = client.finish(_browse(fc_sim, earlier.url), state=earlier.state,
                           nonce=earlier.nonce, now=_now()).id_token
    proxy.fault, proxy.id_token = "substitute_id_token", stolen
    request = client.begin()
    with pytest.raises(FranceConnectError, match="nonce"):
        client.finish(_browse(fc_sim, request.url), state=request.state, nonce=request.nonce,
                      now=_now())


def test_an_id_token_for_another_audience_is_refused(fc_sim, proxy):
    other = _client(fc_sim, fc_sim.base, SECOND_CLIENT_ID, SECOND_CLIENT_SECRET)
    theirs = other.begin()
    foreign = other.finish(_browse(fc_sim, theirs.url), state=theirs.state, nonce=theirs.nonce,
                           now=_now()).id_token
    proxy.fault, proxy.id_token = "substitute_id_token", foreign
    client = _client(fc_sim, proxy.base)
    request = client.begin()
    with pytest.raises(FranceConnectError, match="audience"):
        client.finish(_browse(fc_sim, request.url), state=request.state, nonce=request.nonce,
                      now=_now())


def test_an_id_token_with_a_damaged_signature_is_refused(fc_sim, proxy):
    proxy.fault = "damage_id_token_signature"
    client = _client(fc_sim, proxy.base)
    request = client.begin()
    with pytest.raises(FranceConnectError, match="ID token signature"):
        client.finish(_browse(fc_sim, request.url), state=request.state, nonce=request.nonce,
                      now=_now())


def test_an_expired_id_token_is_refused(fc_sim, proxy):
    client = _client(fc_sim, proxy.base)
    request = client.begin()
    with pytest.raises(FranceConnectError, match="expired"):
        client.finish(_browse(fc_sim, request.url), state=request.state, nonce=request.nonce,
                      now=_now() + timedelta(minutes=5))


def test_an_id_token_without_acr_is_refused(fc_sim, proxy):
    client = _client(fc_sim, proxy.base)
    request = client.begin()
    with pytest.raises(FranceConnectError) as caught:
        client.finish(_browse(fc_sim, request.url, "usager.sansacr", "test-sansacr"),
                      state=request.state, nonce=request.nonce, now=_now())
    assert caught.value.code == "insufficient_level"
    assert "eIDAS" in caught.value.message_fr


def test_a_userinfo_jwt_signed_by_another_key_is_refused(fc_sim, proxy):
    proxy.fault = "resign_userinfo"
    client = _client(fc_sim, proxy.base)
    request = client.begin()
    with pytest.raises(FranceConnectError, match="userinfo signature"):
        client.finish(_browse(fc_sim, request.url), state=request.state, nonce=request.nonce,
                      now=_now())


def test_access_denied_comes_back_in_words(fc_sim, proxy):
    client = _client(fc_sim, proxy.base)
    request = client.begin()
    params = _browse(fc_sim, request.url, cancel=True)
    with pytest.raises(FranceConnectError) as caught:
        client.finish(params, state=request.state, nonce=request.nonce, now=_now())
    assert caught.value.code == "access_denied"
    assert caught.value.message_fr == "Vous avez annulé la connexion avec FranceConnect."


def test_an_unreachable_provider_is_said_in_words(fc_sim):
    client = _client(fc_sim, "http://127.0.0.1:9")
    with pytest.raises(FranceConnectError) as caught:
        client.begin()
    assert caught.value.code == "unavailable"
    assert "FranceConnect ne répond pas" in caught.value.message_fr
