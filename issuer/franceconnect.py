"""The portal's FranceConnect v2 client: the OpenID Connect code flow, checked at every step.

Why a module of its own, with no Flask in it: the web view only keeps ``state``, ``nonce`` and the
result in the session; everything FranceConnect's partner documentation asks of a service
provider ("Fournisseur de service", v2) is decided here and tested against the local provider:
- the authorization request carries ``state`` and ``nonce`` (32 random bytes each: FranceConnect
  refuses a nonce under 22 characters), ``acr_values=eidas1`` and one scope per claim;
- the code is exchanged with ``client_secret_post`` (FranceConnect accepts no other method; it is
  not Authlib's default, ``client_secret_basic``);
- the ID token's signature (keys from the provider's JWKS, ES256 or RS256: the algorithm is never
  taken from the token alone), issuer, audience, expiry, nonce and ``acr`` are checked;
- tokens live 60 s, so userinfo is called at once; it answers ``application/jwt``, a JWT signed
  like the ID token, checked the same way, whose ``sub`` must equal the ID token's;
- log-out goes to ``end_session`` with ``id_token_hint``, ``state`` and a registered
  ``post_logout_redirect_uri``, so the caller keeps the ID token of an FC session.
Every refusal is a :class:`FranceConnectError` with a stable ``code`` and words for the driver.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.integrations.requests_client import OAuthError as AuthlibOAuthError
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

__all__ = [
    "SCOPES",
    "AuthorizationRequest",
    "FranceConnectClient",
    "FranceConnectConfig",
    "FranceConnectError",
    "FranceConnectIdentity",
]

#: One scope per claim (FranceConnect v2); the identity pivot and the usage name.
SCOPES = ("openid", "given_name", "family_name", "birthdate", "birthplace", "birthcountry",
          "gender", "preferred_username")
ACR = "eidas1"
SIGNING_ALGORITHMS = ("ES256", "RS256")
#: Clock tolerance for ``exp``/``iat``, in seconds: the tokens themselves live 60 s.
LEEWAY = 10

# What the driver reads for each refusal (French, English). Technical details go to the log.
_WORDS: dict[str, tuple[str, str]] = {
    "access_denied": ("Vous avez annulé la connexion avec FranceConnect.",
                      "You cancelled the FranceConnect login."),
    "provider_error": ("FranceConnect n'a pas pu vous identifier. Réessayez dans un instant.",
                       "FranceConnect could not identify you. Try again in a moment."),
    "state_mismatch": ("Cette réponse de FranceConnect ne correspond pas à votre demande de "
                       "connexion. Recommencez la connexion depuis ce site.",
                       "This FranceConnect answer does not match your login request. Start the "
                       "login again from this site."),
    "invalid_response": ("La réponse de FranceConnect est incomplète ou invalide. Recommencez la "
                         "connexion.", "FranceConnect's answer is incomplete or invalid. "
                         "Start the login again."),
    "unavailable": ("FranceConnect ne répond pas pour le moment. Réessayez plus tard ou "
                    "connectez-vous avec votre adresse électronique.",
                    "FranceConnect is not answering. Try again later or log in with your "
                    "e-mail address."),
    "insufficient_level": ("FranceConnect n'a pas confirmé le niveau d'identification requis "
                           "(eIDAS faible).", "FranceConnect did not confirm the required "
                           "identification level (eIDAS low)."),
}


class FranceConnectError(Exception):
    """A refused FranceConnect login: ``code`` is stable, ``detail`` is for the log only."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code, self.detail = code, detail

    @property
    def message_fr(self) -> str:
        return _WORDS.get(self.code, _WORDS["invalid_response"])[0]

    @property
    def message_en(self) -> str:
        return _WORDS.get(self.code, _WORDS["invalid_response"])[1]


@dataclass(frozen=True)
class FranceConnectConfig:
    """Where the provider is and who we are to it (``PERMIS2D_FC_*`` settings)."""

    discovery_url: str
    client_id: str
    client_secret: str = field(repr=False)
    redirect_uri: str
    post_logout_redirect_uri: str
    timeout: float = 5.0


@dataclass(frozen=True)
class AuthorizationRequest:
    """Where to send the browser, and the two values the session keeps until the callback."""

    url: str
    state: str
    nonce: str


@dataclass(frozen=True)
class FranceConnectIdentity:
    """The identity FranceConnect vouches for (the "identité pivot"), and the login's ID token."""

    sub: str
    given_names: tuple[str, ...]
    family_name: str
    preferred_username: str | None
    birth_date: date
    birthplace: str | None
    birthcountry: str
    gender: str | None
    acr: str
    id_token: str = field(repr=False)


class FranceConnectClient:
    """One provider, one client registration; metadata and keys fetched once, then reused."""

    def __init__(self, config: FranceConnectConfig, *,
                 http: requests.Session | None = None) -> None:
        self.config = config
        self._http = http or requests.Session()
        self._metadata: dict[str, Any] | None = None
        self._keys: KeySet | None = None

    # -- provider documents -------------------------------------------------------------
    def _get_json(self, url: str) -> dict[str, Any]:
        try:
            response = self._http.get(url, timeout=self.config.timeout)
            response.raise_for_status()
            return response.json()
        except (requests.RequestException, ValueError) as exc:
            raise FranceConnectError("unavailable", f"GET {url}: {exc}") from exc

    def metadata(self) -> dict[str, Any]:
        """The discovery document (OpenID Connect Discovery 1.0 §4), fetched once."""
        if self._metadata is None:
            document = self._get_json(self.config.discovery_url)
            for name in ("issuer", "authorization_endpoint", "token_endpoint",
                         "userinfo_endpoint", "jwks_uri", "end_session_endpoint"):
                if not isinstance(document.get(name), str):
                    raise FranceConnectError("unavailable", f"discovery lacks {name}")
            self._metadata = document
        return self._metadata

    def _keyset(self, *, refresh: bool = False) -> KeySet:
        if self._keys is None or refresh:
            self._keys = KeySet.import_key_set(self._get_json(self.metadata()["jwks_uri"]))
        return self._keys

    # -- the flow -------------------------------------------------------------------------
    def begin(self) -> AuthorizationRequest:
        """The authorization request (code flow) with fresh ``state`` and ``nonce``."""
        state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        query = urlencode({
            "response_type": "code", "client_id": self.config.client_id,
            "redirect_uri": self.config.redirect_uri, "scope": " ".join(SCOPES),
            "state": state, "nonce": nonce, "acr_values": ACR,
        })
        return AuthorizationRequest(f"{self.metadata()['authorization_endpoint']}?{query}",
                                    state, nonce)

    def finish(self, params: Mapping[str, str], *, state: str, nonce: str,
               now: datetime) -> FranceConnectIdentity:
        """Check the callback, exchange the code, check both JWTs; return the identity."""
        if not state or not hmac.compare_digest(params.get("state", ""), state):
            raise FranceConnectError("state_mismatch", "state differs from the session's")
        if "error" in params:
            code = "access_denied" if params["error"] == "access_denied" else "provider_error"
            raise FranceConnectError(code, f"{params['error']}: {params.get('error_description')}")
        if not params.get("code"):
            raise FranceConnectError("invalid_response", "no code in the callback")
        tokens = self._exchange(params["code"])
        id_claims = self._verified(tokens["id_token"], now=now, kind="ID token")
        if not hmac.compare_digest(str(id_claims.get("nonce", "")), nonce):
            raise FranceConnectError("invalid_response", "ID token nonce differs")
        if id_claims.get("acr") != ACR:
            raise FranceConnectError("insufficient_level", f"acr {id_claims.get('acr')!r}")
        info = self._userinfo(tokens["access_token"], now=now)
        if info.get("sub") != id_claims["sub"]:
            raise FranceConnectError("invalid_response", "userinfo sub differs from the ID token")
        return _identity(info, acr=id_claims["acr"], id_token=tokens["id_token"])

    def logout_url(self, id_token: str, state: str) -> str:
        """``end_session`` with the three parameters FranceConnect v2 requires."""
        query = urlencode({"id_token_hint": id_token, "state": state,
                           "post_logout_redirect_uri": self.config.post_logout_redirect_uri})
        return f"{self.metadata()['end_session_endpoint']}?{query}"

    # -- steps ----------------------------------------------------------------------------
    def _exchange(self, code: str) -> dict[str, Any]:
        session = OAuth2Session(self.config.client_id, self.config.client_secret,
                                token_endpoint_auth_method="client_secret_post")  # noqa: S106
        try:
            tokens = session.fetch_token(self.metadata()["token_endpoint"], code=code,
                                         grant_type="authorization_code",
                                         redirect_uri=self.config.redirect_uri,
                                         timeout=self.config.timeout)
        except AuthlibOAuthError as exc:
            raise FranceConnectError("invalid_response", f"token endpoint: {exc}") from exc
        except requests.RequestException as exc:
            raise FranceConnectError("unavailable", f"token endpoint: {exc}") from exc
        if not isinstance(tokens.get("id_token"), str) or not tokens.get("access_token"):
            raise FranceConnectError("invalid_response", "token response lacks a token")
        return dict(tokens)

    def _userinfo(self, access_token: str, *, now: datetime) -> dict[str, Any]:
        try:
            response = self._http.get(self.metadata()["userinfo_endpoint"],
                                      headers={"Authorization": f"Bearer {access_token}"},
                                      timeout=self.config.timeout)
        except requests.RequestException as exc:
            raise FranceConnectError("unavailable", f"userinfo: {exc}") from exc
        content_type = response.headers.get("content-type", "").split(";")[0].strip()
        if response.status_code != 200 or content_type != "application/jwt":
            raise FranceConnectError("invalid_response",
                                     f"userinfo answered {response.status_code} {content_type}")
        return self._verified(response.text.strip(), now=now, kind="userinfo")

    def _verified(self, token: str, *, now: datetime, kind: str) -> dict[str, Any]:
        """Signature against the provider's keys, then ``iss``, ``aud``, ``exp``, ``iat``."""
        try:
            try:
                claims = jwt.decode(token, self._keyset(), algorithms=SIGNING_ALGORITHMS).claims
            except JoseError:
                # A key rotated since we fetched the JWKS: fetch it once more, then judge.
                claims = jwt.decode(token, self._keyset(refresh=True),
                                    algorithms=SIGNING_ALGORITHMS).claims
        except (JoseError, ValueError) as exc:
            raise FranceConnectError("invalid_response", f"{kind} signature: {exc}") from exc
        if claims.get("iss") != self.metadata()["issuer"]:
            raise FranceConnectError("invalid_response", f"{kind} issuer {claims.get('iss')!r}")
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.config.client_id not in audiences:
            raise FranceConnectError("invalid_response", f"{kind} audience {audience!r}")
        instant = now.timestamp()
        if not isinstance(claims.get("exp"), int) or claims["exp"] + LEEWAY < instant:
            raise FranceConnectError("invalid_response", f"{kind} expired")
        if isinstance(claims.get("iat"), int) and claims["iat"] - LEEWAY > instant:
            raise FranceConnectError("invalid_response", f"{kind} issued in the future")
        return claims


def _strict_date(text: str) -> date:
    """``YYYY-MM-DD`` only (``date.fromisoformat`` also takes week dates such as 2026-W01-1)."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-" or not text.replace("-", "").isdigit():
        raise ValueError(f"birthdate {text!r} is not YYYY-MM-DD")
    return date.fromisoformat(text)


def _identity(info: Mapping[str, Any], *, acr: str, id_token: str) -> FranceConnectIdentity:
    """The identity pivot from verified userinfo claims; a missing pivot claim is refused."""
    try:
        given = str(info["given_name"]).split()
        family = str(info["family_name"]).strip()
        birth = _strict_date(str(info["birthdate"]))
        country = str(info["birthcountry"])
    except (KeyError, ValueError) as exc:
        raise FranceConnectError("invalid_response", f"userinfo claim: {exc}") from exc
    if not given or not family:
        raise FranceConnectError("invalid_response", "empty name in userinfo")
    return FranceConnectIdentity(
        sub=str(info["sub"]), given_names=tuple(given), family_name=family,
        preferred_username=str(info.get("preferred_username") or "").strip() or None,
        birth_date=birth, birthplace=str(info.get("birthplace") or "") or None,
        birthcountry=country, gender=info.get("gender"), acr=acr, id_token=id_token,
    )
