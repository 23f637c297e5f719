"""Who is logged in: the session's contents and the decorators that guard the pages.

The session (Flask's signed cookie, key ``PERMIS2D_SECRET_KEY``) holds only:
``account`` (id), ``method`` (how the driver logged in: ``password`` here, ``franceconnect`` in
issue 14, which adds ``acr`` and the ID token for ``end_session``), ``v`` (the account's
``session_version``: a password change ends every other session) and ``lang``. Every request
re-reads the account from the database, so a deleted account or a changed password logs out at
once on every worker.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, g, redirect, request, session, url_for

from issuer.web.models import Account

__all__ = ["current_account", "licence_required", "log_in", "log_out", "login_required",
           "safe_next"]


def log_in(account: Account, method: str, **extra: Any) -> None:
    """Start a fresh session for ``account`` (new cookie content: no session fixation)."""
    lang = session.get("lang")
    session.clear()
    session["account"] = account.id
    session["method"] = method
    session["v"] = account.session_version
    session.update(extra)
    if lang:
        session["lang"] = lang
    session.permanent = True


def log_out() -> None:
    """End the session, keeping only the language choice."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def current_account() -> Account | None:
    """The logged-in account, read once per request; ``None`` when the session is not valid."""
    if "account" in g:
        return g.account
    account: Account | None = None
    account_id = session.get("account")
    if isinstance(account_id, int):
        with current_app.extensions["portal"].sessions() as db:
            account = db.get(Account, account_id)
        if account is None or account.session_version != session.get("v") \
                or account.confirmed_at is None:
            account = None
            log_out()
    g.account = account
    return account


def safe_next(target: str | None) -> str | None:
    """A ``next`` target only when it is a path of this site (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Send an anonymous visitor to ``/connexion`` (then back here)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_account() is None:
            return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapper


def licence_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Logged in and linked to a licence; an unlinked account is sent to ``/permis``."""

    @wraps(view)
    @login_required
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        account = current_account()
        if account is None or not account.neph:
            return redirect(url_for("portal.link"))
        return view(*args, **kwargs)

    return wrapper
