"""Log in with FranceConnect (issue 14): the portal's two routes and the FC log-out.

``GET /connexion/franceconnect`` keeps a fresh ``state`` and ``nonce`` in the session and sends
the browser to the provider; ``GET /connexion/franceconnect/retour`` hands the callback to
:class:`issuer.franceconnect.FranceConnectClient`, which checks everything FranceConnect asks a
service provider to check, then:
- an account already known by the pairwise ``sub`` logs in and goes to *Mes points*;
- otherwise an account is opened from the identity FranceConnect vouches for (no e-mail, no
  password: FranceConnect is how it logs in) and goes to ``/permis``, which asks only the format
  and the NEPH and matches the registry's record against that identity.
The session records the login method, ``acr`` (the RII needs ``franceconnect`` + ``eidas1``), the
identity (names, birth date, birthplace and country) and the ID token, which log-out must hand back
to FranceConnect's ``end_session``. Every refusal is a page in words, never a 500.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import Blueprint, Response, redirect, render_template, session, url_for
from flask import request as flask_request

from issuer.franceconnect import (
    FranceConnectClient,
    FranceConnectConfig,
    FranceConnectError,
    FranceConnectIdentity,
)
from issuer.web import current_portal
from issuer.web.auth import log_in, log_out
from issuer.web.i18n import current_language
from issuer.web.models import Account
from permis2d.settings import Settings

__all__ = ["FC_METHOD", "bp", "client_for", "end_fc_session"]

bp = Blueprint("franceconnect", __name__)

FC_METHOD = "franceconnect"


def client_for(settings: Settings) -> FranceConnectClient:
    """The client of this portal's registration (``PERMIS2D_FC_*``, ``PERMIS2D_ISSUER_URL``)."""
    base = settings.issuer_url.rstrip("/")
    return FranceConnectClient(FranceConnectConfig(
        discovery_url=settings.fc_discovery_url, client_id=settings.fc_client_id,
        client_secret=settings.fc_client_secret,
        redirect_uri=f"{base}/connexion/franceconnect/retour",
        post_logout_redirect_uri=f"{base}/connexion"))


def _client() -> FranceConnectClient:
    return current_portal().franceconnect


def _refused(error: FranceConnectError) -> tuple[str, int]:
    """The refusal in words, with the two ways forward; the detail goes to the log only."""
    current_portal().log.warning("FranceConnect login refused: %s", error)
    message = error.message_en if current_language() == "en" else error.message_fr
    status = 503 if error.code == "unavailable" else 400
    return render_template("portal/fc_refused.html", message=message, code=error.code), status


@bp.get("/connexion/franceconnect")
def start() -> Response | tuple[str, int]:
    """Send the browser to FranceConnect's authorization endpoint (code flow)."""
    try:
        request = _client().begin()
    except FranceConnectError as exc:
        return _refused(exc)
    session["fc_state"], session["fc_nonce"] = request.state, request.nonce
    return redirect(request.url, code=302)


@bp.get("/connexion/franceconnect/retour")
def callback() -> Response | tuple[str, int]:
    """Finish the login: check the answer, then log the account in (or open it)."""
    state, nonce = session.pop("fc_state", ""), session.pop("fc_nonce", "")
    portal = current_portal()
    try:
        identity = _client().finish(flask_request.args.to_dict(), state=state, nonce=nonce,
                                    now=portal.now())
    except FranceConnectError as exc:
        return _refused(exc)
    account = _account_for(identity)
    log_in(account, FC_METHOD, acr=identity.acr, fc_id_token=identity.id_token,
           fc_identity=_session_identity(identity))
    target = "portal.points" if account.neph else "portal.link"
    return redirect(url_for(target), code=303)


def _session_identity(identity: FranceConnectIdentity) -> dict[str, Any]:
    """What the session keeps of the identity (issue 14, part 2): plain JSON values."""
    return {"given_names": " ".join(identity.given_names), "family_name": identity.family_name,
            "preferred_username": identity.preferred_username,
            "birth_date": identity.birth_date.isoformat(), "birthplace": identity.birthplace,
            "birthcountry": identity.birthcountry}


def _account_for(identity: FranceConnectIdentity) -> Account:
    """The account remembered by ``sub``, or a new one opened from the FranceConnect identity.

    A new account is confirmed at once (FranceConnect vouches for the person) and has neither
    e-mail nor password: nothing links it to an e-mail account of the same person, so a
    FranceConnect login can never take over an account it does not own.
    """
    portal = current_portal()
    now = portal.utcnow()
    with portal.sessions.begin() as db:
        account = db.query(Account).filter_by(fc_sub=identity.sub).one_or_none()
        if account is None:
            account = Account(
                email=None, password_hash=None, family_name=identity.family_name,
                given_names=" ".join(identity.given_names), birth_date=identity.birth_date,
                created_at=now, terms_accepted_at=now, confirmed_at=now, fc_sub=identity.sub,
                session_version=1)
            db.add(account)
            db.flush()
        db.expunge(account)
    return account


def end_fc_session() -> Response | None:
    """For a FranceConnect session: end ours and send the browser to FranceConnect's
    ``end_session`` (with the ID token), which comes back to ``/connexion``. Otherwise ``None``."""
    if session.get("method") != FC_METHOD or not session.get("fc_id_token"):
        return None
    id_token = session["fc_id_token"]
    log_out()
    try:
        url = _client().logout_url(id_token, secrets.token_urlsafe(16))
    except FranceConnectError:
        return None  # ours is ended; FranceConnect's ends by itself when its session expires
    return redirect(url, code=302)
