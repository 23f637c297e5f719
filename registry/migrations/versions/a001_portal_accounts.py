"""The driver portal's tables: accounts, tokens, failed attempts, documents (issuer/web/models.py).

Revision ID: a001
Revises: 0002
Create Date: 2026-12-02

Why in the registry's chain: the portal shares the registry database (one engine per worker)
and its lockout counters and tokens must be visible to every worker and machine (issue 13).
The model is ``issuer.web.models``; this revision mirrors it on SQLite and PostgreSQL.
"""

import sqlalchemy as sa
from alembic import op

revision = "a001"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "portal_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),  # none: a FranceConnect account
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("family_name", sa.String(length=80), nullable=False),
        sa.Column("given_names", sa.String(length=120), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("terms_accepted_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("neph", sa.String(length=19), nullable=True),
        sa.Column("licence_format", sa.String(length=5), nullable=True),
        sa.Column("linked_at", sa.DateTime(), nullable=True),
        sa.Column("fc_sub", sa.String(length=255), nullable=True),
        sa.Column("session_version", sa.Integer(), nullable=False),
        sa.CheckConstraint("licence_format IS NULL OR licence_format IN ('card', 'paper')",
                           name=op.f("ck_portal_accounts_licence_format")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_accounts")),
        sa.UniqueConstraint("email", name=op.f("uq_portal_accounts_email")),
        sa.UniqueConstraint("fc_sub", name=op.f("uq_portal_accounts_fc_sub")),
    )
    op.create_index(op.f("ix_portal_accounts_neph"), "portal_accounts", ["neph"], unique=False)
    op.create_table(
        "portal_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=8), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("purpose IN ('confirm', 'reset')",
                           name=op.f("ck_portal_tokens_purpose")),
        sa.ForeignKeyConstraint(["account_id"], ["portal_accounts.id"],
                                name=op.f("fk_portal_tokens_account_id_portal_accounts"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_tokens")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_portal_tokens_token_sha256")),
    )
    op.create_index(op.f("ix_portal_tokens_account_id"), "portal_tokens", ["account_id"],
                    unique=False)
    op.create_table(
        "portal_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=5), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('login', 'link')", name=op.f("ck_portal_attempts_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_attempts")),
    )
    op.create_index("ix_portal_attempts_kind_subject_at", "portal_attempts",
                    ["kind", "subject", "at"], unique=False)
    op.create_table(
        "portal_documents",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=4), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.CheckConstraint("kind IN ('rir', 'adcs', 'rii')",
                           name=op.f("ck_portal_documents_kind")),
        sa.ForeignKeyConstraint(["account_id"], ["portal_accounts.id"],
                                name=op.f("fk_portal_documents_account_id_portal_accounts"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_documents")),
    )
    op.create_index("ix_portal_documents_account_created", "portal_documents",
                    ["account_id", "created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_portal_documents_account_created", table_name="portal_documents")
    op.drop_table("portal_documents")
    op.drop_index("ix_portal_attempts_kind_subject_at", table_name="portal_attempts")
    op.drop_table("portal_attempts")
    op.drop_index(op.f("ix_portal_tokens_account_id"), table_name="portal_tokens")
    op.drop_table("portal_tokens")
    op.drop_index(op.f("ix_portal_accounts_neph"), table_name="portal_accounts")
    op.drop_table("portal_accounts")
