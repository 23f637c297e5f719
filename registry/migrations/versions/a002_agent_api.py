"""The agent API and notices (issue 15): tokens, idempotency keys, audit, notices; recorded dates.

Revision ID: a002
Revises: 0004
Create Date: 2026-12-02

Why: the registry gets a write API (``issuer/agent``) whose tokens, idempotency keys and audit
must be shared by every worker, and notices that must never be sent twice; the models are
``issuer.agent.models``. Each event also records the day it was recorded beside the day it took
effect (``recorded_on``, nullable: rows written before this revision never said).
"""

import sqlalchemy as sa
from alembic import op

revision = "a002"
down_revision = "0004"
branch_labels = None
depends_on = None

_EVENTS = ("offences", "courses", "medical_visits", "suspensions")


def upgrade() -> None:
    for table in _EVENTS:  # plain ALTER TABLE: a batch copy would cascade-delete through FKs
        op.add_column(table, sa.Column("recorded_on", sa.Date(), nullable=True))
    op.create_table(
        "agent_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_tokens")),
        sa.UniqueConstraint("name", name=op.f("uq_agent_tokens_name")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_agent_tokens_token_sha256")),
    )
    op.create_table(
        "agent_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("request_sha256", sa.String(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["token_id"], ["agent_tokens.id"],
                                name=op.f("fk_agent_requests_token_id_agent_tokens"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_requests")),
        sa.UniqueConstraint("token_id", "idempotency_key",
                            name=op.f("uq_agent_requests_token_id")),
    )
    op.create_table(
        "agent_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_name", sa.String(length=80), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("endpoint", sa.String(length=120), nullable=False),
        sa.Column("neph", sa.String(length=19), nullable=False),
        sa.Column("change", sa.Text(), nullable=False),
        sa.Column("balance_before", sa.Integer(), nullable=True),
        sa.Column("balance_after", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_audit")),
    )
    op.create_index(op.f("ix_agent_audit_neph"), "agent_audit", ["neph"], unique=False)
    op.create_table(
        "notices_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["portal_accounts.id"],
                                name=op.f("fk_notices_sent_account_id_portal_accounts"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices_sent")),
        sa.UniqueConstraint("account_id", "key", name=op.f("uq_notices_sent_account_id")),
    )
    op.create_table(
        "notice_settings",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["portal_accounts.id"],
                                name=op.f("fk_notice_settings_account_id_portal_accounts"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_notice_settings")),
    )
    op.create_table(
        "notice_runs",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("ran_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_notice_runs")),
    )


def downgrade() -> None:
    op.drop_table("notice_runs")
    op.drop_table("notice_settings")
    op.drop_table("notices_sent")
    op.drop_index(op.f("ix_agent_audit_neph"), table_name="agent_audit")
    op.drop_table("agent_audit")
    op.drop_table("agent_requests")
    op.drop_table("agent_tokens")
    for table in reversed(_EVENTS):
        op.drop_column(table, "recorded_on")
