"""Issuance log states: pending → issued | failed, the PDF's path and the issuing process.

Revision ID: i002
Revises: a001
Create Date: 2026-12-02

Why (issue 10, item 4): a crash between the id's allocation and the commit used to roll the id
back while a signed PDF was already staged; the id was then handed to another driver's
document. The row is now committed ``pending`` before signing, ``issued`` once its file is in
place, ``failed`` otherwise; ``file_path`` and ``owner`` let the recovery find the files of a
crashed issuance and tell it from a live one. Rows written before this revision were all
committed with their file, hence the server default ``issued``.

On SQLite the columns are added with ``ALTER TABLE ADD COLUMN`` (the status check inline),
never by Alembic's batch copy, which would rebuild the table and could drop the
``AUTOINCREMENT`` that keeps ids from being reused.
"""

import sqlalchemy as sa
from alembic import op

revision = "i002"
down_revision = "a001"
branch_labels = None
depends_on = None

_STATES = "status IN ('pending', 'issued', 'failed')"


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    check = sa.CheckConstraint(_STATES, name=op.f("ck_issuance_log_status"))
    status_check = [check] if sqlite else []
    op.add_column("issuance_log", sa.Column("status", sa.String(length=8), *status_check,
                                            nullable=False, server_default="issued"))
    op.add_column("issuance_log", sa.Column("file_path", sa.Text(), nullable=True))
    op.add_column("issuance_log", sa.Column("owner", sa.String(length=120), nullable=True))
    if not sqlite:
        op.create_check_constraint(op.f("ck_issuance_log_status"), "issuance_log", _STATES)
    op.create_index(op.f("ix_issuance_log_status"), "issuance_log", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_issuance_log_status"), table_name="issuance_log")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f("ck_issuance_log_status"), "issuance_log", type_="check")
    op.drop_column("issuance_log", "owner")
    op.drop_column("issuance_log", "file_path")
    op.drop_column("issuance_log", "status")
