"""The agent API's tables: tokens, idempotency keys, audit, and the notices sent (issue 15).

Why in the database, on the registry's metadata: any gunicorn worker on any machine must see the
same tokens, recognise a replayed ``Idempotency-Key`` and append to one audit trail; the revision
``a002`` creates these tables (SQLite and PostgreSQL), beside the portal's (``a001``).

- ``agent_tokens``: only the SHA-256 of a token is kept (a leak gives no usable token); the scopes
  are space-separated; a revoked token keeps its row so the audit still names it.
- ``agent_requests``: one row per (token, ``Idempotency-Key``), unique, with the SHA-256 of the
  request and the answer given; two workers receiving the same key at once insert one row, the
  second waits for the first's commit and then replays its answer.
- ``agent_audit``: one row per write: token name, time, endpoint, NEPH, what changed (JSON), the
  balance before and after.
- ``notices_sent``: one row per notice and account, unique on its key, so a notice is never sent
  twice; ``notice_settings``: accounts that turned notices off; ``notice_runs``: the days
  ``permis2d notices run`` covered.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

import issuer.web.models  # noqa: F401  (portal_accounts, which the notices' tables point at)
from registry.models import Base

__all__ = [
    "SCOPES",
    "TABLES",
    "AgentAudit",
    "AgentRequest",
    "AgentToken",
    "NoticeRun",
    "NoticeSent",
    "NoticeSetting",
]

#: The scopes a token may carry (issue 15, Contract).
SCOPES = ("offences", "courses", "medical", "suspensions", "read")


class AgentToken(Base):
    """A bearer token of a feeding system: its name, scopes and the SHA-256 of its secret."""

    __tablename__ = "agent_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)


class AgentRequest(Base):
    """An ``Idempotency-Key`` of a token: the request's hash and the answer it got."""

    __tablename__ = "agent_requests"
    __table_args__ = (UniqueConstraint("token_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("agent_tokens.id", ondelete="CASCADE"))
    idempotency_key: Mapped[str] = mapped_column(String(255))
    request_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class AgentAudit(Base):
    """One write through the agent API."""

    __tablename__ = "agent_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_name: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(DateTime)
    endpoint: Mapped[str] = mapped_column(String(120))
    neph: Mapped[str] = mapped_column(String(19), index=True)
    change: Mapped[str] = mapped_column(Text)
    balance_before: Mapped[int | None] = mapped_column(Integer)
    balance_after: Mapped[int | None] = mapped_column(Integer)


class NoticeSent(Base):
    """A notice sent to an account; ``key`` says which (kind, event, date), never twice."""

    __tablename__ = "notices_sent"
    __table_args__ = (UniqueConstraint("account_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("portal_accounts.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(120))
    sent_at: Mapped[datetime] = mapped_column(DateTime)


class NoticeSetting(Base):
    """An account's choice about notices (no row: notices on)."""

    __tablename__ = "notice_settings"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("portal_accounts.id", ondelete="CASCADE"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean)


class NoticeRun(Base):
    """A day ``permis2d notices run`` covered (restorations due up to and including it)."""

    __tablename__ = "notice_runs"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    ran_at: Mapped[datetime] = mapped_column(DateTime)


TABLES = frozenset({"agent_tokens", "agent_requests", "agent_audit", "notices_sent",
                    "notice_settings", "notice_runs"})
"""This module's table names (for the migration test)."""
