"""The local FranceConnect behaves as FranceConnect v2 asks of a service provider (issue 14).

Driven over HTTP like a browser and a client would, against the real Node program: discovery at
the v2 path, code flow with state, nonce ≥ 22 characters and acr eidas1, client_secret_post only,
ES256 ID token, userinfo as a signed JWT, pairwise sub, single-use codes, end_session with
id_token_hint and a registered post_logout_redirect_uri.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
from urllib.parse import parse_qs, urljoin, urlparse

import pytest
import requests
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from permis2d.fcsim import SIM_DIR

SCOPES = "openid given_name family_name birthdate birthplace birthcountry gender"
IDENTITIES = json.loads((SIM_DIR / "identities.json").read_text())["identities"]


def _b64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def verified_claims(jwt: str, jwks: dict) -> dict:
    """Check an ES256 JWS against the provider's JWKS (RFC 7515/7518) and return its claims."""
    header_b64, payload_b64, signature_b64 = jwt.split(".")
    header = json.loads(_b64(header_b64))
    assert header["alg"] == "ES256"
    (key,) = [k for k in jwks["keys"] if k["kid"] == header["kid"]]
    public = ec.EllipticCurvePublicNumbers(
        int.from_bytes(_b64(key["x"]), "big"), int.from_bytes(_b64(key["y"]), "big"), ec.SECP256R1()
    ).public_key()
    raw = _b64(signature_b64)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    public.verify(der, f"{header_b64}.{payload_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    return json.loads(_b64(payload_b64))


def _authorize_params(sim, **over):
    params = {
        "client_id": sim.client_id, "redirect_uri": sim.redirect_uri, "response_type": "code",
        "scope": SCOPES, "state": secrets.token_urlsafe(32), "nonce": secrets.token_urlsafe(32),
        "acr_values": "eidas1",
    }
    params.update(over)
    return params


def _login(sim, params, login="usager.complet", password="test-complet"):
    """Walk the browser's redirects through the provider's login form; return the callback query."""
    browser = requests.Session()
    response = browser.get(f"{sim.api}/authorize", params=params, allow_redirects=False)
    page = browser.get(urljoin(sim.base, response.headers["location"]))
    assert "FranceConnect (simulation)" in page.text
    uid = re.search(r"/interaction/([\w-]+)/login", page.text).group(1)
    response = browser.post(f"{sim.base}/interaction/{uid}/login",
                            data={"login": login, "password": password}, allow_redirects=False)
    while not response.headers["location"].startswith(sim.redirect_uri):
        response = browser.get(urljoin(sim.base, response.headers["location"]),
                               allow_redirects=False)
    return browser, parse_qs(urlparse(response.headers["location"]).query)


def _token(sim, code):
    return requests.post(f"{sim.api}/token", data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": sim.redirect_uri,
        "client_id": sim.client_id, "client_secret": sim.client_secret,
    })


def test_discovery_is_at_the_v2_path_and_says_what_franceconnect_supports(fc_sim):
    config = requests.get(f"{fc_sim.api}/.well-known/openid-configuration").json()
    assert config["issuer"] == fc_sim.api
    assert config["authorization_endpoint"] == f"{fc_sim.api}/authorize"
    assert config["end_session_endpoint"] == f"{fc_sim.api}/session/end"
    assert config["token_endpoint_auth_methods_supported"] == ["client_secret_post"]
    assert config["id_token_signing_alg_values_supported"] == ["ES256"]
    assert config["subject_types_supported"] == ["pairwise"]
    assert config["acr_values_supported"] == ["eidas1"]
    assert {"birthplace", "birthcountry", "given_name"} <= set(config["scopes_supported"])


def test_code_flow_gives_a_signed_id_token_and_a_signed_userinfo_jwt(fc_sim):
    params = _authorize_params(fc_sim)
    _, query = _login(fc_sim, params)
    assert query["state"] == [params["state"]]
    tokens = _token(fc_sim, query["code"][0])
    assert tokens.status_code == 200
    body = tokens.json()
    assert body["expires_in"] == 60
    jwks = requests.get(f"{fc_sim.api}/jwks").json()
    claims = verified_claims(body["id_token"], jwks)
    assert claims["nonce"] == params["nonce"]
    assert claims["acr"] == "eidas1"
    assert claims["aud"] == fc_sim.client_id
    assert claims["exp"] - claims["iat"] == 60
    userinfo = requests.get(f"{fc_sim.api}/userinfo",
                            headers={"Authorization": f"Bearer {body['access_token']}"})
    assert userinfo.headers["content-type"].startswith("application/jwt")
    info = verified_claims(userinfo.text, jwks)
    expected = IDENTITIES[0]["claims"]
    assert info["sub"] == claims["sub"] != IDENTITIES[0]["login"]  # pairwise, not the login
    assert info["family_name"] == expected["family_name"]
    assert info["birthdate"] == expected["birthdate"]
    assert info["birthcountry"] == "99100"


def test_a_code_is_single_use(fc_sim):
    _, query = _login(fc_sim, _authorize_params(fc_sim))
    assert _token(fc_sim, query["code"][0]).status_code == 200
    replay = _token(fc_sim, query["code"][0])
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"


def test_client_secret_basic_is_refused(fc_sim):
    _, query = _login(fc_sim, _authorize_params(fc_sim))
    response = requests.post(f"{fc_sim.api}/token", auth=(fc_sim.client_id, fc_sim.client_secret),
                             data={"grant_type": "authorization_code", "code": query["code"][0],
                                   "redirect_uri": fc_sim.redirect_uri})
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


@pytest.mark.parametrize(("override", "problem"), [
    ({"nonce": "x" * 21}, "nonce"),
    ({"nonce": None}, "nonce"),
    ({"acr_values": None}, "acr_values"),
    ({"acr_values": "eidas2"}, "acr_values"),
])
def test_authorize_refusals_come_back_to_the_redirect_uri(fc_sim, override, problem):
    params = {k: v for k, v in _authorize_params(fc_sim, **override).items() if v is not None}
    response = requests.get(f"{fc_sim.api}/authorize", params=params, allow_redirects=False)
    location = response.headers["location"]
    assert location.startswith(fc_sim.redirect_uri)
    query = parse_qs(urlparse(location).query)
    assert query["error"] == ["invalid_request"]
    assert problem in query["error_description"][0]
    assert query["state"] == [params["state"]]


def test_a_wrong_password_stays_on_the_login_page(fc_sim):
    browser = requests.Session()
    response = browser.get(f"{fc_sim.api}/authorize", params=_authorize_params(fc_sim),
                           allow_redirects=False)
    page = browser.get(urljoin(fc_sim.base, response.headers["location"]))
    uid = re.search(r"/interaction/([\w-]+)/login", page.text).group(1)
    wrong = browser.post(f"{fc_sim.base}/interaction/{uid}/login",
                         data={"login": "usager.complet", "password": "nope"})
    assert wrong.status_code == 401
    assert "incorrect" in wrong.text


def test_cancelling_sends_access_denied_back(fc_sim):
    browser = requests.Session()
    params = _authorize_params(fc_sim)
    response = browser.get(f"{fc_sim.api}/authorize", params=params, allow_redirects=False)
    page = browser.get(urljoin(fc_sim.base, response.headers["location"]))
    uid = re.search(r"/interaction/([\w-]+)/abort", page.text).group(1)
    response = browser.post(f"{fc_sim.base}/interaction/{uid}/abort", allow_redirects=False)
    while not response.headers["location"].startswith(fc_sim.redirect_uri):
        response = browser.get(urljoin(fc_sim.base, response.headers["location"]),
                               allow_redirects=False)
    query = parse_qs(urlparse(response.headers["location"]).query)
    assert query["error"] == ["access_denied"]
    assert query["state"] == [params["state"]]


def test_an_identity_without_acr_gets_an_id_token_without_acr(fc_sim):
    _, query = _login(fc_sim, _authorize_params(fc_sim), "usager.sansacr", "test-sansacr")
    body = _token(fc_sim, query["code"][0]).json()
    claims = verified_claims(body["id_token"], requests.get(f"{fc_sim.api}/jwks").json())
    assert "acr" not in claims


def test_end_session_needs_the_id_token_and_ends_the_provider_session(fc_sim):
    browser, query = _login(fc_sim, _authorize_params(fc_sim))
    id_token = _token(fc_sim, query["code"][0]).json()["id_token"]
    missing = browser.get(f"{fc_sim.api}/session/end",
                          params={"state": "s", "post_logout_redirect_uri": fc_sim.logout_uri})
    assert missing.status_code == 400
    page = browser.get(f"{fc_sim.api}/session/end", params={
        "id_token_hint": id_token, "state": "s", "post_logout_redirect_uri": fc_sim.logout_uri})
    assert page.status_code == 200
    action = re.search(r'<form id="op.logoutForm" method="post" action="([^"]+)"', page.text)
    xsrf = re.search(r'name="xsrf" value="([^"]+)"', page.text).group(1)
    done = browser.post(action.group(1), data={"xsrf": xsrf, "logout": "yes"},
                        allow_redirects=False)
    assert done.headers["location"] == f"{fc_sim.logout_uri}?state=s"
    # The provider's session is gone: a new authorization asks for the login again.
    again = browser.get(f"{fc_sim.api}/authorize", params=_authorize_params(fc_sim),
                        allow_redirects=False)
    assert again.headers["location"].startswith("/interaction/")


def test_an_unregistered_post_logout_uri_is_refused(fc_sim):
    browser, query = _login(fc_sim, _authorize_params(fc_sim))
    id_token = _token(fc_sim, query["code"][0]).json()["id_token"]
    response = browser.get(f"{fc_sim.api}/session/end", params={
        "id_token_hint": id_token, "state": "s",
        "post_logout_redirect_uri": "http://127.0.0.1:9/elsewhere"}, allow_redirects=False)
    assert response.status_code == 400
