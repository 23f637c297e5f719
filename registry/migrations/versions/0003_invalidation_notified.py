"""The day the holder received the 48SI letter: ``licences.invalidation_notified``.

Revision ID: 0003
Revises: i002
Create Date: 2026-12-02

Why: the right to drive is lost on receipt of the 48SI letter, not when the balance reaches 0
(L223-5 I, R223-3 III; CE 29/09/2023 n° 461479), so the points engine needs that day (issue 12;
``registry/RULES.md`` R5, I13). The registry already kept the letter's date as
``invalidated_48si_on``; this revision renames it to the name the scenario format uses, with its
CHECK (not before the issue date), so the registry stores one fact under one name.
"""

from alembic import op

revision = "0003"
down_revision = "i002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("licences", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_licences_si48_date"), type_="check")
        batch_op.alter_column("invalidated_48si_on", new_column_name="invalidation_notified")
        batch_op.create_check_constraint(
            "invalidation_notified",
            "invalidation_notified IS NULL OR invalidation_notified >= issued_on",
        )


def downgrade() -> None:
    with op.batch_alter_table("licences", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_licences_invalidation_notified"), type_="check")
        batch_op.alter_column("invalidation_notified", new_column_name="invalidated_48si_on")
        batch_op.create_check_constraint(
            "si48_date", "invalidated_48si_on IS NULL OR invalidated_48si_on >= issued_on"
        )
