"""The issuance log: one row per document id ever handed out, the row's id being the document id.

Why ids can never be handed out twice (issue 10, item 4): the row is inserted, as ``pending``,
in a short transaction of its own that commits *before* anything is signed. Its key comes from
a counter that nothing gives back once committed (a PostgreSQL sequence; SQLite's
``AUTOINCREMENT``, which never reuses the key of a row that existed), so a crash at any later
step leaves a ``pending`` row that still holds its id: no other document can get it. The row
becomes ``issued`` (with the signed text's hash) only after the PDF is in place under its name,
by a compare-and-set from ``pending``; a failure marks it ``failed``. Rows left ``pending`` by a
process that died are marked ``failed`` by the recovery (``issuer/recovery.py``), which also
quarantines their files.

States::

    pending ──(PDF in place, hash stored)──► issued
       └──────(error, or recovery after a crash)──► failed

The table lives on the registry's metadata (same database, ``registry.models.Base``); its schema is
created by the Alembic revisions ``i001_issuance_log.py`` and ``i002_issuance_states.py``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Connection,
    Date,
    DateTime,
    Integer,
    RowMapping,
    String,
    Text,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from registry.models import Base

__all__ = ["DOCUMENT_ID_DIGITS", "FAILED", "ISSUED", "PENDING", "IssuanceLog", "LogStateError",
           "allocate", "document_id_for", "fail", "finish", "lookup", "newest_for_path",
           "pending_rows", "set_file_path", "text_digest"]

DOCUMENT_ID_DIGITS = 10
PENDING, ISSUED, FAILED = "pending", "issued", "failed"


class LogStateError(LookupError):
    """The row is not ``pending`` any more (a recovery marked it failed), or does not exist."""


class IssuanceLog(Base):
    """An issued RIR, ADCS or RII: id, type, NEPH, certificate, dates, 2D-Doc hash, requester."""

    __tablename__ = "issuance_log"
    __table_args__ = (
        CheckConstraint("kind IN ('rir', 'adcs', 'rii')", name="kind"),
        CheckConstraint("status IN ('pending', 'issued', 'failed')", name="status"),
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
    status: Mapped[str] = mapped_column(String(8), index=True, server_default=ISSUED)
    file_path: Mapped[str | None] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(120))


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
        "created_at", "status", "owner")})
    .returning(_TABLE.c.id)
)
"""Built once: SQLAlchemy then only binds values (building a statement per call cost more)."""

_NAME = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("row_id"))
    .values(document_id=bindparam("document_id"))
)

_FILE = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("row_id"), _TABLE.c.status == PENDING)
    .values(file_path=bindparam("file_path"))
)

_FINISH = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("row_id"), _TABLE.c.status == PENDING)
    .values(status=ISSUED, text_sha256=bindparam("text_sha256"),
            expires_on=bindparam("expires_on"), pages=bindparam("pages"))
)

_FAIL = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("row_id"), _TABLE.c.status == PENDING)
    .values(status=FAILED)
)


def _row_id(document_id: str) -> int:
    if not (len(document_id) == DOCUMENT_ID_DIGITS and document_id.isdigit()):
        raise ValueError(f"document id {document_id!r} is not {DOCUMENT_ID_DIGITS} digits")
    return int(document_id)


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
    owner: str | None = None,
) -> str:
    """Insert a ``pending`` row inside the caller's transaction and return its document id.

    The caller commits this transaction before it signs anything (see the module docstring):
    from then on the id is spent, whatever happens to the process. The INSERT is the
    transaction's first statement, so SQLite takes its write lock at once (no read-then-write
    upgrade that would fail with "database is locked" under concurrency). ``owner`` names the
    issuing process (``host:pid``) so that a recovery can tell a crashed issuance from a live one.
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
        "status": PENDING,
        "owner": owner[:120] if owner else None,
    }).scalar_one()
    document_id = document_id_for(row_id)
    connection.execute(_NAME, {"row_id": row_id, "document_id": document_id})
    return document_id


def set_file_path(connection: Connection, document_id: str, file_path: str) -> None:
    """Record where a ``pending`` document's PDF will be placed, before it is signed.

    A recovery reads it to find the staged file (and the placed one) of a crashed issuance.
    """
    result = connection.execute(_FILE, {"row_id": _row_id(document_id), "file_path": file_path})
    if result.rowcount != 1:
        raise LogStateError(f"issuance log row {document_id} is not pending")


def finish(connection: Connection, document_id: str, *, text: str, expires_on: date | None,
           pages: int) -> None:
    """Mark a ``pending`` row ``issued`` with the signed text's hash, its expiry and page count.

    A compare-and-set: if a recovery marked the row ``failed`` meanwhile (or it does not exist),
    nothing changes and :class:`LogStateError` is raised, so the caller withdraws its file.
    """
    result = connection.execute(_FINISH, {
        "row_id": _row_id(document_id),
        "text_sha256": text_digest(text),
        "expires_on": expires_on,
        "pages": pages,
    })
    if result.rowcount != 1:
        raise LogStateError(f"issuance log row {document_id} is not pending")


def fail(connection: Connection, document_id: str) -> bool:
    """Mark a ``pending`` row ``failed``; False when it was not pending (nothing changed)."""
    return connection.execute(_FAIL, {"row_id": _row_id(document_id)}).rowcount == 1


def pending_rows(connection: Connection) -> Sequence[RowMapping]:
    """Every ``pending`` row (an index on ``status`` keeps this cheap on a long log)."""
    return connection.execute(
        select(_TABLE).where(_TABLE.c.status == PENDING).order_by(_TABLE.c.id)
    ).mappings().all()


def newest_for_path(connection: Connection, file_path: str) -> str | None:
    """The document id of the newest row whose PDF goes to ``file_path`` (``--out`` reuse)."""
    return connection.execute(
        select(_TABLE.c.document_id).where(_TABLE.c.file_path == file_path)
        .order_by(_TABLE.c.id.desc()).limit(1)
    ).scalar_one_or_none()


def lookup(connection: Connection, document_id: str) -> RowMapping | None:
    """The log row of ``document_id`` as a mapping, or None."""
    return connection.execute(
        select(_TABLE).where(_TABLE.c.document_id == document_id)
    ).mappings().one_or_none()
