"""The agent API's routes (issue 15, Contract): ``/api/v1/agent/...``, JSON in and out.

Why a blueprint of the issuer app: it shares the portal's engine, clock and mailer, so a write
reaches the driver's pages and e-mail at once. It is exempt from CSRF (no cookie: a bearer token
authenticates every request) and answers JSON for every error, never an HTML page
(``issuer/web/errors.py`` checks the path). 401 without a valid token, 403 without the scope.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from issuer.agent.models import AgentToken
from issuer.agent.service import MAX_KEY_LENGTH, Answer, error, perform_write
from issuer.agent.tokens import authenticate
from issuer.agent.writes import ENDPOINTS
from issuer.web import current_portal
from registry.errors import NoLicenceError, RegistryValidationError, UnknownNEPHError
from registry.writes import validate_neph

__all__ = ["PREFIX", "bp"]

PREFIX = "/api/v1/agent"
MAX_ID = 2**31 - 1  # the ids are 32-bit integers: a larger one is unknown, not an overflow

bp = Blueprint("agent", __name__, url_prefix=PREFIX)


def _json(answer: Answer) -> Response:
    response = jsonify(answer.body)
    response.status_code = answer.status
    if answer.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="permis2d-agent"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _token(scopes: frozenset[str]) -> AgentToken | Answer:
    """The request's live token if it holds one of ``scopes``, else the 401/403 answer."""
    header = request.headers.get("Authorization", "")
    scheme, _, presented = header.partition(" ")
    if scheme.lower() != "bearer" or not presented.strip() or len(presented) > 200:
        return error(401, "a valid bearer token is required", "Authorization")
    portal = current_portal()
    with portal.sessions() as session:
        token = authenticate(session, presented.strip())
    if token is None:
        return error(401, "a valid bearer token is required", "Authorization")
    if scopes.isdisjoint(token.scopes.split()):
        return error(403, f"this token lacks the scope {' or '.join(sorted(scopes))}",
                     "Authorization")
    return token


def _write(endpoint: str, ident: int | None = None) -> Response:
    spec = ENDPOINTS[endpoint]
    token = _token(spec.scopes)
    if isinstance(token, Answer):
        return _json(token)
    key = request.headers.get("Idempotency-Key")
    if key is not None and not 0 < len(key) <= MAX_KEY_LENGTH:
        return _json(error(400, f"1 to {MAX_KEY_LENGTH} characters", "Idempotency-Key"))
    if ident is not None and ident > MAX_ID:
        return _json(error(404, f"no event with id {ident}", "id"))
    portal = current_portal()
    answer = perform_write(portal.sessions, token, endpoint, ident, request.get_data(),
                           key, now=portal.utcnow(), today=portal.today())
    if answer.outcome is not None:
        from issuer.notices import notify_write

        notify_write(portal, answer.outcome, answer.before, answer.after)
    return _json(answer)


@bp.post("/offences")
def offences() -> Response:
    """Record an offence (scope ``offences``)."""
    return _write("offences")


@bp.post("/offences/<int:ident>/effective")
def offence_effective(ident: int) -> Response:
    """The payment or conviction: the loss takes effect (scope ``offences``)."""
    return _write("offences/<id>/effective", ident)


@bp.post("/courses")
def courses() -> Response:
    """Record a road-safety course (scope ``courses``)."""
    return _write("courses")


@bp.post("/medical-visits")
def medical_visits() -> Response:
    """Record a medical visit (scope ``medical``)."""
    return _write("medical-visits")


@bp.post("/suspensions")
def suspensions() -> Response:
    """Record a suspension (scope ``suspensions``)."""
    return _write("suspensions")


@bp.post("/suspensions/<int:ident>/end")
def suspension_end(ident: int) -> Response:
    """Set the end of a suspension (scope ``suspensions``)."""
    return _write("suspensions/<id>/end", ident)


@bp.post("/invalidations")
def invalidations() -> Response:
    """Record the receipt of the 48SI letter (scope ``offences`` or ``suspensions``)."""
    return _write("invalidations")


@bp.get("/drivers/<neph>")
def driver(neph: str) -> Response:
    """The record and the points result, as ``permis2d registry show --json`` (scope ``read``)."""
    from registry.listing import record_to_json
    from registry.records import load_driver_record

    token = _token(frozenset({"read"}))
    if isinstance(token, Answer):
        return _json(token)
    try:
        validate_neph(neph)
    except RegistryValidationError as exc:
        return _json(error(404, str(exc), "neph"))
    portal = current_portal()
    try:
        with portal.sessions() as session:
            record = load_driver_record(session, neph, asof=portal.today())
    except (UnknownNEPHError, NoLicenceError) as exc:
        return _json(error(404, str(exc), "neph"))
    return _json(Answer(200, record_to_json(record)))


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 document of this API (public: it holds no data)."""
    from issuer.agent.openapi import document

    body: dict[str, Any] = document()
    return _json(Answer(200, body))
