"""The issuer web app: the driver portal (accounts, licence, points, history, documents).

Typical use::

    from issuer.web import create_app
    app = create_app(settings)          # gunicorn: ``permis2d serve issuer``

Why a factory (Flask tutorial ``flaskr/__init__.py``, STYLE §7): tests, the benchmark and gunicorn
each build their app from a :class:`Settings`, with no global state; the clock and the mailer are
parameters so that tests can move time and read the mails. Blueprints split the app by area:
``accounts`` (sign-up, log-in, reset), ``portal`` (licence, points, history), ``documents``; the
FranceConnect client and the agent API (issues 14, 15) register theirs beside them.

Security (issue 13, part 2): Flask-WTF CSRF on every form (a missing or wrong ``csrf_token``
answers 400), the session cookie ``HttpOnly``, ``SameSite=Lax`` and ``Secure`` unless the portal's
URL is on 127.0.0.1/localhost, a strict CSP (:mod:`issuer.web.security`), bounded request bodies.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from issuer.web.i18n import format_date, format_long_date, gettext, select_language
from issuer.web.mail import Mailer, mailer_for
from issuer.web.security import Passwords, csp_allowing_form_action, origin_of, security_headers
from permis2d.params import french_today
from permis2d.settings import Settings
from registry.db import make_engine, session_factory

__all__ = ["Portal", "create_app", "current_portal"]

STATIC = resources.files("issuer") / "web" / "static"
MAX_BODY_BYTES = 64 * 1024  # forms only: no upload on the portal
SQLITE_BUSY_TIMEOUT = 30.0


@dataclass
class Portal:
    """What the views share, built once per app: database, passwords, mailer, clock, issuer."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    passwords: Passwords
    mailer: Mailer
    now: Callable[[], dt.datetime]
    issuer_factory: Callable[[], Any] | None = None
    franceconnect: Any = None  # issuer.franceconnect.FranceConnectClient (its metadata cached)
    _issuer: Any = field(default=None, repr=False)
    #: One issuance at a time per process: gunicorn's threads share the issuer (keys, fonts,
    #: reportlab's global font registry), which is not written for concurrent use.
    issue_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def log(self) -> logging.Logger:
        """The portal's logger (refusals worth an operator's eye, never personal data)."""
        return logging.getLogger("permis2d.portal")

    def utcnow(self) -> dt.datetime:
        """The current time as naive UTC (how the portal's tables store it)."""
        return self.now().astimezone(dt.UTC).replace(tzinfo=None)

    def today(self) -> dt.date:
        """Today in Europe/Paris (the day a French driver reads on a page)."""
        return french_today(self.now())

    def issuer(self) -> Any:
        """The :class:`issuer.service.Issuer`, opened on first use (keys, fonts, templates).

        Call it holding :attr:`issue_lock`.
        """
        if self._issuer is None:
            if self.issuer_factory is not None:
                self._issuer = self.issuer_factory()
            else:
                from issuer.service import Issuer

                self._issuer = Issuer(self.settings, engine=self.engine)
        return self._issuer


def current_portal() -> Portal:
    """The :class:`Portal` of the app handling the current request."""
    return current_app.extensions["portal"]


def _is_local(url: str) -> bool:
    return (urlsplit(url).hostname or "") in ("127.0.0.1", "localhost", "::1")


def create_app(
    settings: Settings | None = None,
    *,
    mailer: Mailer | None = None,
    now: Callable[[], dt.datetime] | None = None,
    issuer_factory: Callable[[], Any] | None = None,
    engine: Engine | None = None,
) -> Flask:
    """Build the portal: blueprints, CSRF, cookies, headers, shared :class:`Portal`."""
    from issuer.agent.api import bp as agent_bp
    from issuer.web.accounts import bp as accounts_bp
    from issuer.web.documents import bp as documents_bp
    from issuer.web.errors import register_error_handlers
    from issuer.web.fc_login import bp as franceconnect_bp
    from issuer.web.fc_login import client_for
    from issuer.web.notice_settings import bp as notice_settings_bp
    from issuer.web.portal import bp as portal_bp

    settings = settings or Settings.from_env()
    url = settings.database_url or ""
    if engine is None:
        connect_args = {"timeout": SQLITE_BUSY_TIMEOUT} if url.startswith("sqlite") else {}
        engine = make_engine(url, connect_args=connect_args)
    app = Flask(
        "issuer.web",
        template_folder=str(resources.files("permis2d.templates")),
        static_folder=str(STATIC),
        static_url_path="/static",
    )
    app.config.update(
        SECRET_KEY=settings.flask_secret_key(),
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        MAX_FORM_MEMORY_SIZE=MAX_BODY_BYTES,
        SESSION_COOKIE_NAME="permis2d_portal",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=not _is_local(settings.issuer_url),
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=2),
        # An absolute lifetime: the cookie is not re-signed on every page (it cost ~0.5 ms).
        SESSION_REFRESH_EACH_REQUEST=False,
        WTF_CSRF_TIME_LIMIT=2 * 3600,
        SEND_FILE_MAX_AGE_DEFAULT=3600,
    )
    clock = now or (lambda: dt.datetime.now(dt.UTC))
    portal = Portal(
        settings=settings,
        engine=engine,
        sessions=session_factory(engine),
        passwords=Passwords(),
        mailer=mailer or mailer_for(settings.smtp_url, settings.outbox_dir),
        now=clock,
        issuer_factory=issuer_factory,
        franceconnect=client_for(settings),
    )
    app.extensions["portal"] = portal
    app.config["PORTAL_TODAY"] = portal.today
    csrf = CSRFProtect(app)
    csrf.exempt(agent_bp)  # bearer tokens, no cookie: the agent API (issue 15) has no CSRF

    app.register_blueprint(accounts_bp)
    app.register_blueprint(portal_bp)
    app.register_blueprint(documents_bp)
    app.register_blueprint(franceconnect_bp)
    app.register_blueprint(agent_bp)
    app.register_blueprint(notice_settings_bp)
    register_error_handlers(app)
    app.before_request(select_language)
    # Globals (not a context processor) so that imported macros see them too.
    app.jinja_env.globals.update(_=gettext, format_date=format_date, long_date=format_long_date)

    @app.context_processor
    def _globals() -> dict[str, Any]:
        from issuer.web.auth import current_account

        return {
            "lang": g.get("lang", "fr"),
            "account": current_account(),
            "demo": settings.ca_id == "FR00",
        }

    # Log-out of a FranceConnect session is a form whose answer redirects to FranceConnect's
    # end_session: the CSP's form-action must allow that one origin (CSP 3, form-action).
    csp = csp_allowing_form_action(origin_of(settings.fc_discovery_url))

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", csp)
        return security_headers(response)

    return app
