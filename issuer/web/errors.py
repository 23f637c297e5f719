"""Error pages of the portal: every refusal is a page in words with what to do next.

A missing or wrong ``csrf_token`` is a 400 (Flask-WTF's :class:`CSRFError`); an unknown page or
another account's document a 404; a too large form a 413. Nothing answers a traceback. An HTTP
error keeps its own headers: a 405 names the allowed methods in ``Allow`` (RFC 9110 §15.5.6).
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from issuer.web.i18n import gettext as _

__all__ = ["error_page", "register_error_handlers"]

_MESSAGES = {
    400: ("Demande incorrecte", "La demande n'a pas pu être traitée. Revenez à la page "
          "précédente, rechargez-la et recommencez."),
    403: ("Accès refusé", "Vous n'avez pas accès à cette page."),
    404: ("Page introuvable", "Cette page n'existe pas, ou elle ne vous est pas accessible. "
          "Vérifiez l'adresse ou revenez à l'accueil."),
    405: ("Méthode non autorisée", "Cette adresse ne s'utilise pas ainsi. Revenez à l'accueil."),
    413: ("Demande trop grande", "Le formulaire envoyé est trop grand."),
    429: ("Trop de demandes", "Patientez quelques minutes avant de recommencer."),
    500: ("Erreur du service", "Le service a rencontré une erreur. Réessayez dans un moment."),
}


def error_page(status: int, title: str | None = None, message: str | None = None,
               ) -> tuple[str, int]:
    """The error page for ``status`` (French texts, translated when the page is in English)."""
    default_title, default_message = _MESSAGES.get(status, _MESSAGES[400])
    return render_template("portal/error.html", status=status,
                           title=_(title or default_title),
                           message=_(message or default_message)), status


def register_error_handlers(app: Flask) -> None:
    """HTML error pages for CSRF failures and every HTTP error."""

    @app.errorhandler(CSRFError)
    def _csrf(_exc: CSRFError) -> tuple[str, int]:
        return error_page(400, "Formulaire expiré",
                          "Le formulaire a expiré ou n'a pas été envoyé depuis ce site. "
                          "Rechargez la page et envoyez-le à nouveau.")

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> tuple[str | Response, int, list[tuple[str, str]]]:
        # Keep the error's own headers (a 405's Allow, RFC 9110 §15.5.6), not its content type.
        headers = [(name, value) for name, value in exc.get_headers()
                   if name.lower() != "content-type"]
        if request.path.startswith(API_PREFIX):
            return (*_json_error(exc.code or 500, exc.name), headers)
        return (*error_page(exc.code or 500), headers)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> tuple[str | Response, int]:
        app.logger.exception("unexpected error", exc_info=exc)
        if request.path.startswith(API_PREFIX):
            return _json_error(500, "Internal Server Error")
        return error_page(500)


API_PREFIX = "/api/"
"""Paths answered in JSON, never an HTML page (the agent API, issue 15)."""


def _json_error(status: int, message: str) -> tuple[Response, int]:
    return jsonify({"error": message, "field": None, "position": None}), status
