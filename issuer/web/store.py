"""Database operations of the portal's accounts: the rules, with the clock as a parameter.

Every function takes a SQLAlchemy :class:`Session` (the caller owns the transaction) and ``now``
(naive UTC), never the clock: the lockout windows and token expiries are tested by passing times.

Lockout (issue 13, part 2): five failed log-ins for one e-mail within 15 minutes lock it for
15 minutes from the fifth. Failures are keyed by a hash of the normalised e-mail, not by account,
so an address without an account is throttled the same way and the answers cannot tell them
apart. Linking a licence: five failures within an hour lock linking for that account for an hour.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from issuer.web.models import Account, Attempt, PortalToken
from issuer.web.security import hash_token, new_token

__all__ = [
    "CONFIRM_VALIDITY",
    "LINK_WINDOW",
    "LOGIN_WINDOW",
    "MAX_FAILURES",
    "RESET_VALIDITY",
    "change_password",
    "clear_failures",
    "consume_token",
    "create_account",
    "email_subject",
    "find_account",
    "issue_token",
    "locked_until",
    "normalise_email",
    "record_failure",
]

CONFIRM_VALIDITY = timedelta(hours=12)
RESET_VALIDITY = timedelta(hours=1)
LOGIN_WINDOW = timedelta(minutes=15)
LINK_WINDOW = timedelta(hours=1)
MAX_FAILURES = 5


def normalise_email(email: str) -> str:
    """The e-mail as stored and compared: trimmed, lower case (domains are case-insensitive;
    no provider we know treats local parts differently by case)."""
    return email.strip().lower()


def email_subject(email: str) -> str:
    """The key of an e-mail's failed log-ins: SHA-256 of the normalised address."""
    return hashlib.sha256(normalise_email(email).encode("utf-8", "surrogatepass")).hexdigest()


def find_account(session: Session, email: str) -> Account | None:
    """The account of ``email`` (normalised), or ``None``."""
    return session.scalars(
        select(Account).where(Account.email == normalise_email(email))).one_or_none()


def create_account(session: Session, *, email: str, password_hash: str, family_name: str,
                   given_names: str, birth_date: date, now: datetime) -> Account:
    """Insert an unconfirmed account (the caller checked the address is free)."""
    account = Account(email=normalise_email(email), password_hash=password_hash,
                      family_name=family_name.strip(), given_names=given_names.strip(),
                      birth_date=birth_date, created_at=now, terms_accepted_at=now,
                      session_version=1)
    session.add(account)
    session.flush()
    return account


def issue_token(session: Session, account: Account, purpose: str, *, now: datetime) -> str:
    """A new single-use token for ``account`` (``confirm`` 12 h, ``reset`` 1 h); returns it."""
    token = new_token()
    validity = CONFIRM_VALIDITY if purpose == "confirm" else RESET_VALIDITY
    session.add(PortalToken(account_id=account.id, purpose=purpose, token_sha256=hash_token(token),
                            created_at=now, expires_at=now + validity))
    session.flush()
    return token


def consume_token(session: Session, token: str, purpose: str, *, now: datetime,
                  ) -> Account | None:
    """Use ``token`` once: its account if it is known, unused and unexpired, else ``None``.

    The lookup is by the token's SHA-256 (an index hit on a value an attacker cannot choose to
    collide), so no comparison leaks the stored token through timing. The update is conditional
    on ``used_at IS NULL`` so two concurrent uses cannot both succeed.
    """
    if not token or len(token) > 100:
        return None
    digest = hash_token(token)
    row = session.scalars(select(PortalToken).where(
        PortalToken.token_sha256 == digest, PortalToken.purpose == purpose)).one_or_none()
    if row is None or row.used_at is not None or row.expires_at <= now:
        return None
    used = session.execute(
        update(PortalToken).where(PortalToken.id == row.id, PortalToken.used_at.is_(None))
        .values(used_at=now))
    if used.rowcount != 1:
        return None
    if purpose == "reset":  # one reset ends every other pending reset link of the account
        session.execute(update(PortalToken).where(
            PortalToken.account_id == row.account_id, PortalToken.purpose == "reset",
            PortalToken.used_at.is_(None)).values(used_at=now))
    return session.get(Account, row.account_id)


def record_failure(session: Session, kind: str, subject: str, *, now: datetime) -> None:
    """Count one failed attempt; forget this subject's attempts older than a day."""
    session.execute(delete(Attempt).where(Attempt.kind == kind, Attempt.subject == subject,
                                          Attempt.at < now - timedelta(days=1)))
    session.add(Attempt(kind=kind, subject=subject, at=now))
    session.flush()


def clear_failures(session: Session, kind: str, subject: str) -> None:
    """Forget the failures of ``subject`` (after a successful log-in or linking)."""
    session.execute(delete(Attempt).where(Attempt.kind == kind, Attempt.subject == subject))


def locked_until(session: Session, kind: str, subject: str, *, now: datetime,
                 ) -> datetime | None:
    """The end of the lock of ``subject``, or ``None`` when it is not locked at ``now``.

    Locked when some five consecutive failures lie within one window and the fifth is less
    than one window old: the lock lasts one window from the fifth failure.
    """
    window = LOGIN_WINDOW if kind == "login" else LINK_WINDOW
    recent = session.scalar(select(func.count()).select_from(Attempt).where(
        Attempt.kind == kind, Attempt.subject == subject, Attempt.at > now - 2 * window))
    if not recent or recent < MAX_FAILURES:
        return None
    times = sorted(session.scalars(select(Attempt.at).where(
        Attempt.kind == kind, Attempt.subject == subject, Attempt.at > now - 2 * window)))
    end: datetime | None = None
    for first, fifth in zip(times, times[MAX_FAILURES - 1:], strict=False):
        if fifth - first <= window and fifth + window > now:
            end = fifth + window if end is None else max(end, fifth + window)
    return end


def change_password(session: Session, account: Account, password_hash: str) -> None:
    """Set a new password hash and end every session of the account (version + 1)."""
    account.password_hash = password_hash
    account.session_version = (account.session_version or 1) + 1
