"""The INSEE code of each driver's birth commune (issue 14, part 3).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

Why: FranceConnect vouches for the birthplace as an INSEE commune code (``birthplace`` claim);
linking a FranceConnect identity to a licence compares it with the registry's when both have one.
Nullable: drivers born abroad have no commune code, and older records may lack it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


# Plain ALTER TABLE on both backends (SQLite >= 3.35 drops a column in place): a batch copy of
# ``drivers`` would cascade-delete every licence through the foreign keys.
def upgrade() -> None:
    op.add_column("drivers", sa.Column("birth_place_code", sa.String(length=5), nullable=True))


def downgrade() -> None:
    op.drop_column("drivers", "birth_place_code")
