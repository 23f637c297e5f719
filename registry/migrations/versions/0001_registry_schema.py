"""Registry schema: drivers, first names, licences, categories, restrictions and events.

Revision ID: 0001
Revises:
Create Date: 2026-11-22

Why checked autogeneration: the CHECK constraints mirror registry/models.py and are portable
SQL (no SQLite-only function), so the same revision runs on SQLite and PostgreSQL.
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "drivers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("neph", sa.String(length=19), nullable=False),
        sa.Column("civility", sa.String(length=3), nullable=False),
        sa.Column("surname", sa.String(length=80), nullable=False),
        sa.Column("usage_name", sa.String(length=80), nullable=True),
        sa.Column("birth_year", sa.Integer(), nullable=False),
        sa.Column("birth_month", sa.Integer(), nullable=True),
        sa.Column("birth_day", sa.Integer(), nullable=True),
        sa.Column("birth_place", sa.String(length=80), nullable=False),
        sa.Column("birth_country", sa.String(length=2), nullable=False),
        sa.CheckConstraint("civility IN ('M', 'MME')", name=op.f("ck_drivers_civility")),
        sa.CheckConstraint(
            "ltrim(neph, '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ') = ''",
            name=op.f("ck_drivers_neph_alphabet"),
        ),
        sa.CheckConstraint(
            "birth_day IS NULL OR (birth_month IS NOT NULL AND birth_day BETWEEN 1 AND 31)",
            name=op.f("ck_drivers_birth_day"),
        ),
        sa.CheckConstraint(
            "birth_month IS NULL OR birth_month BETWEEN 1 AND 12",
            name=op.f("ck_drivers_birth_month"),
        ),
        sa.CheckConstraint("birth_year BETWEEN 1890 AND 2200", name=op.f("ck_drivers_birth_year")),
        sa.CheckConstraint("length(neph) BETWEEN 5 AND 19", name=op.f("ck_drivers_neph_length")),
        sa.CheckConstraint("length(surname) >= 1", name=op.f("ck_drivers_surname_present")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drivers")),
        sa.UniqueConstraint("neph", name=op.f("uq_drivers_neph")),
    )
    op.create_table(
        "driver_first_names",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("driver_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.CheckConstraint("length(name) >= 1", name=op.f("ck_driver_first_names_name_present")),
        sa.CheckConstraint("position BETWEEN 1 AND 6", name=op.f("ck_driver_first_names_position")),
        sa.ForeignKeyConstraint(
            ["driver_id"],
            ["drivers.id"],
            name=op.f("fk_driver_first_names_driver_id_drivers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_driver_first_names")),
        sa.UniqueConstraint("driver_id", "position", name="uq_driver_first_names_position"),
    )
    with op.batch_alter_table("driver_first_names", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_driver_first_names_driver_id"), ["driver_id"], unique=False
        )

    op.create_table(
        "licences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("driver_id", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=5), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("prefecture", sa.String(length=3), nullable=False),
        sa.Column("probationary", sa.Boolean(), nullable=False),
        sa.Column("probation_start", sa.Date(), nullable=True),
        sa.Column("accompanied_driving", sa.Boolean(), nullable=False),
        sa.Column("invalidated_48si_on", sa.Date(), nullable=True),
        sa.Column("cancelled_on", sa.Date(), nullable=True),
        sa.CheckConstraint("format IN ('card', 'paper')", name=op.f("ck_licences_format")),
        sa.CheckConstraint(
            "cancelled_on IS NULL OR cancelled_on >= issued_on", name=op.f("ck_licences_cancelled")
        ),
        sa.CheckConstraint(
            "invalidated_48si_on IS NULL OR invalidated_48si_on >= issued_on",
            name=op.f("ck_licences_si48_date"),
        ),
        sa.CheckConstraint(
            "probation_start IS NULL OR probation_start >= issued_on",
            name=op.f("ck_licences_probation_start"),
        ),
        sa.ForeignKeyConstraint(
            ["driver_id"],
            ["drivers.id"],
            name=op.f("fk_licences_driver_id_drivers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_licences")),
        sa.UniqueConstraint("driver_id", name=op.f("uq_licences_driver_id")),
        sa.UniqueConstraint("number", name=op.f("uq_licences_number")),
    )
    op.create_table(
        "categories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("licence_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=3), nullable=False),
        sa.Column("obtained_on", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "code IN ('AM', 'A1', 'A2', 'A', 'B1', 'B', 'BE', 'C1', 'C1E', 'C', 'CE', "
            "'D1', 'D1E', 'D', 'DE')",
            name=op.f("ck_categories_code"),
        ),
        sa.CheckConstraint(
            "valid_until IS NULL OR valid_until >= obtained_on", name=op.f("ck_categories_validity")
        ),
        sa.ForeignKeyConstraint(
            ["licence_id"],
            ["licences.id"],
            name=op.f("fk_categories_licence_id_licences"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_categories")),
        sa.UniqueConstraint("licence_id", "code", name="uq_categories_licence_code"),
    )
    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_categories_licence_id"), ["licence_id"], unique=False)

    op.create_table(
        "courses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("licence_id", sa.Integer(), nullable=False),
        sa.Column("centre", sa.String(length=120), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=False),
        sa.CheckConstraint("end_on >= start_on", name=op.f("ck_courses_end_after_start")),
        sa.ForeignKeyConstraint(
            ["licence_id"],
            ["licences.id"],
            name=op.f("fk_courses_licence_id_licences"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courses")),
    )
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_courses_licence_id"), ["licence_id"], unique=False)

    op.create_table(
        "medical_visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("licence_id", sa.Integer(), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=24), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "outcome IN ('fit', 'fit_with_restrictions', 'unfit')",
            name=op.f("ck_medical_visits_outcome"),
        ),
        sa.CheckConstraint(
            "valid_until IS NULL OR valid_until >= visited_on",
            name=op.f("ck_medical_visits_validity"),
        ),
        sa.ForeignKeyConstraint(
            ["licence_id"],
            ["licences.id"],
            name=op.f("fk_medical_visits_licence_id_licences"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_medical_visits")),
    )
    with op.batch_alter_table("medical_visits", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_medical_visits_licence_id"), ["licence_id"], unique=False
        )

    op.create_table(
        "offences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("licence_id", sa.Integer(), nullable=False),
        sa.Column("committed_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=80), nullable=False),
        sa.Column("natinf", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("offence_class", sa.String(length=5), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "offence_class IN ('C1', 'C2', 'C3', 'C4', 'C5', 'DELIT')",
            name=op.f("ck_offences_class"),
        ),
        sa.CheckConstraint(
            "effective_on IS NULL OR effective_on >= committed_on",
            name=op.f("ck_offences_effective_after"),
        ),
        sa.CheckConstraint("natinf BETWEEN 1 AND 99999", name=op.f("ck_offences_natinf")),
        sa.CheckConstraint("points BETWEEN 0 AND 6", name=op.f("ck_offences_points")),
        sa.ForeignKeyConstraint(
            ["licence_id"],
            ["licences.id"],
            name=op.f("fk_offences_licence_id_licences"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offences")),
    )
    with op.batch_alter_table("offences", schema=None) as batch_op:
        batch_op.create_index(
            "ix_offences_licence_effective", ["licence_id", "effective_on"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_offences_licence_id"), ["licence_id"], unique=False)

    op.create_table(
        "suspensions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("licence_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('administrative', 'judicial', 'medical')", name=op.f("ck_suspensions_kind")
        ),
        sa.CheckConstraint(
            "end_on IS NULL OR end_on >= start_on", name=op.f("ck_suspensions_end_after_start")
        ),
        sa.ForeignKeyConstraint(
            ["licence_id"],
            ["licences.id"],
            name=op.f("fk_suspensions_licence_id_licences"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suspensions")),
    )
    with op.batch_alter_table("suspensions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_suspensions_licence_id"), ["licence_id"], unique=False)

    op.create_table(
        "category_restrictions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.CheckConstraint(
            "ltrim(code, '0123456789.') = ''", name=op.f("ck_category_restrictions_code_alphabet")
        ),
        sa.CheckConstraint(
            "length(code) BETWEEN 2 AND 8", name=op.f("ck_category_restrictions_code_length")
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_category_restrictions_category_id_categories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_category_restrictions")),
        sa.UniqueConstraint("category_id", "code", name="uq_category_restrictions_code"),
    )
    with op.batch_alter_table("category_restrictions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_category_restrictions_category_id"), ["category_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("category_restrictions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_category_restrictions_category_id"))

    op.drop_table("category_restrictions")
    with op.batch_alter_table("suspensions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_suspensions_licence_id"))

    op.drop_table("suspensions")
    with op.batch_alter_table("offences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offences_licence_id"))
        batch_op.drop_index("ix_offences_licence_effective")

    op.drop_table("offences")
    with op.batch_alter_table("medical_visits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_medical_visits_licence_id"))

    op.drop_table("medical_visits")
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_courses_licence_id"))

    op.drop_table("courses")
    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_categories_licence_id"))

    op.drop_table("categories")
    op.drop_table("licences")
    with op.batch_alter_table("driver_first_names", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_driver_first_names_driver_id"))

    op.drop_table("driver_first_names")
    op.drop_table("drivers")
