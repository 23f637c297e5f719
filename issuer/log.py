"""The issuance log: one row per issued document, the row's id being the document id.

Why the database allocates the id: the row is inserted first, in the transaction that signs,
renders and writes the document, and its autoincrement key (a PostgreSQL sequence; SQLite's
``AUTOINCREMENT``, which never reuses the key of a deleted row) becomes DI ``01``. Concurrent
transactions can therefore never get the same id, whatever the number of processes, and a
document whose transaction rolls back (unreadable barcode, PDF not written) is not in the log.
After a rollback SQLite may give that id again (PostgreSQL never does): harmless, because the
rolled-back document is never published (the issuer renames its PDF into place only after the
commit).

The table lives on the registry's metadata (same database, ``registry.models.Base``); its schema is
created by the Alembic revision ``registry/migrations/versions/i001_issuance_log.py``.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Connection,
    Date,
    DateTime,
    Integer,
    RowMapping,
    String,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from registry.models import Base

__all__ = ["DOCUMENT_ID_DIGITS", "IssuanceLog", "allocate", "document_id_for", "finish",
           "lookup", "text_digest"]

DOCUMENT_ID_DIGITS = 10


class IssuanceLog(Base):
    """An issued RIR, ADCS or RII: id, type, NEPH, certificate, dates, 2D-Doc hash, requester."""

    __tablename__ = "issuance_log"
    __table_args__ = (
        CheckConstraint("kind IN ('rir', 'adcs', 'rii')", name="kind"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str | None] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(4))
    neph: Mapped[str] = mapped_column(String(19), index=True)
    ca_id: Mapped[str] = mapped_column(String(4))
    cert_id: Mapped[str] = mapped_column(String(4))
    issued_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    pages: Mapped[int] = mapped_column(Integer)
    text_sha256: Mapped[str | None] = mapped_column(String(64))
    requested_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime)


_TABLE = IssuanceLog.__table__


def document_id_for(row_id: int) -> str:
    """The document id (DI 01, [A-Z0-9]) of log row ``row_id``: ten digits, zero-padded."""
    return f"{row_id:0{DOCUMENT_ID_DIGITS}d}"


def text_digest(text: str) -> str:
    """SHA-256 (hex) of the 2D-Doc text's bytes, control characters included."""
    return hashlib.sha256(text.encode("latin-1")).hexdigest()


_INSERT = (
    insert(_TABLE)
    .values({name: bindparam(name) for name in (
        "kind", "neph", "ca_id", "cert_id", "issued_on", "expires_on", "pages", "requested_by",
        "created_at")})
    .returning(_TABLE.c.id)
)
"""Built once: SQLAlchemy then only binds values (building a statement per call cost more)."""

_FINISH = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("row_id"))
    .values(document_id=bindparam("document_id"), text_sha256=bindparam("text_sha256"),
            expires_on=bindparam("expires_on"), pages=bindparam("pages"))
)


def allocate(
    connection: Connection,
    *,
    kind: str,
    neph: str,
    ca_id: str,
    cert_id: str,
    issued_on: date,
    expires_on: date | None,
    pages: int,
    requested_by: str,
    created_at: datetime,
) -> str:
    """Insert the log row inside the caller's transaction and return its document id.

    The INSERT is the transaction's first statement, so SQLite takes its write lock at once (no
    read-then-write upgrade that would fail with "database is locked" under concurrency). The row
    gets its ``document_id`` column from :func:`finish`, in the same transaction: one INSERT and
    one UPDATE by primary key per document, nothing read back.
    """
    row_id = connection.execute(_INSERT, {
        "kind": kind,
        "neph": neph,
        "ca_id": ca_id,
        "cert_id": cert_id,
        "issued_on": issued_on,
        "expires_on": expires_on,
        "pages": pages,
        "requested_by": requested_by[:120],
        "created_at": created_at,
    }).scalar_one()
    return document_id_for(row_id)


def finish(connection: Connection, document_id: str, *, text: str, expires_on: date | None,
           pages: int) -> None:
    """Record the document id, the signed text's hash, the expiry and the page count.

    Same transaction as :func:`allocate`; the row is found by its primary key, which the
    document id spells in ten digits.
    """
    if not (len(document_id) == DOCUMENT_ID_DIGITS and document_id.isdigit()):
        raise ValueError(f"document id {document_id!r} is not {DOCUMENT_ID_DIGITS} digits")
    result = connection.execute(_FINISH, {
        "row_id": int(document_id),
        "document_id": document_id,
        "text_sha256": text_digest(text),
        "expires_on": expires_on,
        "pages": pages,
    })
    if result.rowcount != 1:
        raise LookupError(f"no issuance log row {document_id} in this transaction")


def lookup(connection: Connection, document_id: str) -> RowMapping | None:
    """The log row of ``document_id`` as a mapping, or None."""
    return connection.execute(
        select(_TABLE).where(_TABLE.c.document_id == document_id)
    ).mappings().one_or_none()
