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
from dataclasses import dataclass
from datetime import date, datetime
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, g, redirect, request, session, url_for
from sqlalchemy import bindparam, select

from issuer.web.models import Account

__all__ = ["SessionAccount", "current_account", "licence_required", "log_in", "log_out",
           "login_required",
           "safe_next"]


@dataclass(frozen=True, slots=True)
class SessionAccount:
    """The logged-in account as the pages need it (read-only; writes go through the ORM)."""

    id: int
    email: str
    family_name: str
    given_names: str
    birth_date: date
    confirmed_at: datetime | None
    neph: str | None
    session_version: int


# One indexed Core query per request: loading an ORM entity cost ~3 ms of a ~10 ms page
# (bench/bench_portal.py).
_ACCOUNT = select(
    Account.id, Account.email, Account.family_name, Account.given_names, Account.birth_date,
    Account.confirmed_at, Account.neph, Account.session_version,
).where(Account.id == bindparam("id"))


def log_in(account: Account | SessionAccount, method: str, **extra: Any) -> None:
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


def current_account() -> SessionAccount | None:
    """The logged-in account, read once per request; ``None`` when the session is not valid."""
    if "account" in g:
        return g.account
    account: SessionAccount | None = None
    account_id = session.get("account")
    if isinstance(account_id, int):
        with current_app.extensions["portal"].engine.connect() as connection:
            row = connection.execute(_ACCOUNT, {"id": account_id}).one_or_none()
        account = SessionAccount(*row) if row is not None else None
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
