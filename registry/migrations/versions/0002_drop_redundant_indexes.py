"""Drop the four indexes whose column already leads a composite index of the same table.

Revision ID: 0002
Revises: i001
Create Date: 2026-12-02

Why: a B-tree on (a, b) serves every lookup on ``a`` alone, on SQLite (the query planner uses
the initial columns of an index: https://sqlite.org/optoverview.html) as on PostgreSQL (manual
§11.3, multicolumn indexes: "constraints on the leading (leftmost) columns").
Each dropped index repeats the leading column of a composite index (three UNIQUE constraints,
whose index both engines create, and one plain index):

- ``ix_driver_first_names_driver_id``: ``uq_driver_first_names_position`` (driver_id, position);
- ``ix_categories_licence_id``: ``uq_categories_licence_code`` (licence_id, code);
- ``ix_offences_licence_id``: ``ix_offences_licence_effective`` (licence_id, effective_on);
- ``ix_category_restrictions_category_id``: ``uq_category_restrictions_code`` (category_id, code).

They cost disk and every insert a write (139 MB of 641 MB of index at 1 M drivers, issue 11),
for no read: the read path's plans use the covering index (tests/integration/registry/
test_postgres_scale.py checks them with EXPLAIN). The downgrade recreates them.
"""

from alembic import op

revision = "0002"
down_revision = "i001"
branch_labels = None
depends_on = None

# (index, table, column): each column leads a unique or composite index of its table.
REDUNDANT = (
    ("ix_driver_first_names_driver_id", "driver_first_names", "driver_id"),
    ("ix_categories_licence_id", "categories", "licence_id"),
    ("ix_offences_licence_id", "offences", "licence_id"),
    ("ix_category_restrictions_category_id", "category_restrictions", "category_id"),
)


def upgrade() -> None:
    for index, table, _column in REDUNDANT:
        op.drop_index(index, table_name=table)


def downgrade() -> None:
    for index, table, column in REDUNDANT:
        op.create_index(index, table, [column], unique=False)
