"""Issuance log of the issuer: one row per issued RIR, ADCS or RII (issuer/log.py).

Revision ID: i001
Revises: 0001
Create Date: 2026-11-22

Why in the registry's chain: the log shares the registry database, and the id allocation must sit
in the same transaction as the log row (issue 5). The model is ``issuer.log.IssuanceLog``; this
revision mirrors it. ``sqlite_autoincrement`` makes SQLite never reuse an id (PostgreSQL uses a
sequence, which never does either).
"""

import sqlalchemy as sa
from alembic import op

revision = "i001"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "issuance_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("document_id", sa.String(length=20), nullable=True),
        sa.Column("kind", sa.String(length=4), nullable=False),
        sa.Column("neph", sa.String(length=19), nullable=False),
        sa.Column("ca_id", sa.String(length=4), nullable=False),
        sa.Column("cert_id", sa.String(length=4), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("text_sha256", sa.String(length=64), nullable=True),
        sa.Column("requested_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('rir', 'adcs', 'rii')",
                           name=op.f("ck_issuance_log_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issuance_log")),
        sa.UniqueConstraint("document_id", name=op.f("uq_issuance_log_document_id")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_issuance_log_neph"), "issuance_log", ["neph"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_issuance_log_neph"), table_name="issuance_log")
    op.drop_table("issuance_log")
