"""Bearer tokens of the agent API: created once, shown once, stored as SHA-256, revocable.

Why SHA-256 and not argon2id as for passwords: a token is 32 random bytes (256 bits of entropy,
``secrets.token_urlsafe``), so no dictionary can guess it and a slow hash would only slow every
API call; the lookup is by hash and the comparison of the found hash is constant-time
(``hmac.compare_digest``), as for the portal's one-time tokens.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from issuer.agent.models import SCOPES, AgentToken

__all__ = ["TokenError", "TokenInfo", "authenticate", "create_token", "list_tokens",
           "revoke_token"]

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}")


class TokenError(ValueError):
    """A token command refused: bad name or scope, name taken, unknown token."""


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """A token as listed (never its secret)."""

    name: str
    scopes: tuple[str, ...]
    created_at: datetime
    revoked_at: datetime | None


def _sha256(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(session: Session, name: str, scopes: tuple[str, ...], *, now: datetime) -> str:
    """Create the token ``name`` with ``scopes``; return its secret (the only time it is seen)."""
    if not _NAME.fullmatch(name):
        raise TokenError(f"{name!r} is not a token name (1 to 80 of A-Z a-z 0-9 . _ -)")
    if not scopes:
        raise TokenError(f"at least one scope among {', '.join(SCOPES)}")
    for scope in scopes:
        if scope not in SCOPES:
            raise TokenError(f"{scope!r} is not one of {', '.join(SCOPES)}")
    secret = secrets.token_urlsafe(32)
    ordered = " ".join(s for s in SCOPES if s in scopes)
    session.add(AgentToken(name=name, token_sha256=_sha256(secret), scopes=ordered,
                           created_at=now, revoked_at=None))
    try:
        session.flush()
    except IntegrityError as exc:
        raise TokenError(f"a token named {name!r} already exists") from exc
    return secret


def list_tokens(session: Session) -> list[TokenInfo]:
    """Every token, by name, revoked ones included."""
    rows = session.scalars(select(AgentToken).order_by(AgentToken.name))
    return [TokenInfo(r.name, tuple(r.scopes.split()), r.created_at, r.revoked_at) for r in rows]


def revoke_token(session: Session, name: str, *, now: datetime) -> None:
    """Revoke the token ``name`` (its row stays: the audit names it)."""
    row = session.scalars(select(AgentToken).where(AgentToken.name == name)).one_or_none()
    if row is None:
        raise TokenError(f"no token named {name!r}")
    if row.revoked_at is None:
        row.revoked_at = now
        session.flush()


def authenticate(session: Session, presented: str) -> AgentToken | None:
    """The live token whose secret is ``presented``, else ``None``."""
    digest = _sha256(presented)
    row = session.scalars(select(AgentToken).where(AgentToken.token_sha256 == digest)
                          ).one_or_none()
    if row is None or row.revoked_at is not None:
        return None
    return row if hmac.compare_digest(row.token_sha256, digest) else None
