"""The portal's own tables: accounts, one-time tokens, failed attempts, issued documents.

Why in the database and not in process memory: lockout counters, confirmation and reset tokens
must hold whichever gunicorn worker or machine answers the next request (issue 13, part 2;
ARCHITECTURE.md, "Scale"). The registry (the national file) knows nothing of accounts: these
tables only point at a NEPH. They live on the registry's metadata because they share its database
and Alembic chain, like the issuance log; the revision ``a001`` creates them.

- ``portal_accounts``: one login. ``password_hash`` may be empty for an account that only ever
  logs in with FranceConnect (issue 14 fills ``fc_sub``, the pairwise subject); ``session_version``
  grows when the password changes, which ends every other session of the account.
- ``portal_tokens``: e-mail confirmation and password reset. Only the SHA-256 of a token is
  stored (a database leak gives no usable link); a token is single-use (``used_at``) and expires.
- ``portal_attempts``: failed log-ins (keyed by a hash of the e-mail, so an unknown address is
  throttled exactly like a known one) and failed licence linkings (keyed by account).
- ``portal_documents``: each document an account downloaded, under a random id (not the issuance
  log's sequential number, which is guessable), with its PDF so it can be downloaded again.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from registry.models import Base

__all__ = ["TABLES", "Account", "Attempt", "PortalDocument", "PortalToken"]


class Account(Base):
    """A driver's login: e-mail and password (argon2id), identity declared at sign-up, licence.

    An account opened by a FranceConnect login has no e-mail and no password: its identity is
    the one FranceConnect vouched for, and it logs in by its pairwise ``fc_sub``.
    """

    __tablename__ = "portal_accounts"
    __table_args__ = (
        CheckConstraint("licence_format IS NULL OR licence_format IN ('card', 'paper')",
                        name="licence_format"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    family_name: Mapped[str] = mapped_column(String(80))
    given_names: Mapped[str] = mapped_column(String(120))
    birth_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    terms_accepted_at: Mapped[datetime] = mapped_column(DateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    neph: Mapped[str | None] = mapped_column(String(19), index=True)
    licence_format: Mapped[str | None] = mapped_column(String(5))
    linked_at: Mapped[datetime | None] = mapped_column(DateTime)
    fc_sub: Mapped[str | None] = mapped_column(String(255), unique=True)
    session_version: Mapped[int] = mapped_column(Integer, default=1)


class PortalToken(Base):
    """A single-use link token (confirmation or reset): only its SHA-256 is kept."""

    __tablename__ = "portal_tokens"
    __table_args__ = (CheckConstraint("purpose IN ('confirm', 'reset')", name="purpose"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("portal_accounts.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(8))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)


class Attempt(Base):
    """A failed attempt: ``kind`` login (subject: e-mail hash) or link (subject: account id)."""

    __tablename__ = "portal_attempts"
    __table_args__ = (
        CheckConstraint("kind IN ('login', 'link')", name="kind"),
        Index("ix_portal_attempts_kind_subject_at", "kind", "subject", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(5))
    subject: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime)


class PortalDocument(Base):
    """A document issued to an account, under a random id, with its PDF for re-download."""

    __tablename__ = "portal_documents"
    __table_args__ = (
        CheckConstraint("kind IN ('rir', 'adcs', 'rii')", name="kind"),
        Index("ix_portal_documents_account_created", "account_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("portal_accounts.id", ondelete="CASCADE"))
    document_id: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(4))
    issued_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)


TABLES = frozenset({"portal_accounts", "portal_tokens", "portal_attempts", "portal_documents"})
"""The portal's table names (for the migration test, which compares only these)."""
