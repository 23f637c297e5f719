"""Grow a PostgreSQL registry to a national size in seconds: clone its drivers by SQL.

Why SQL and not :func:`registry.seed.seed_registry`: seeding goes through the validation and the
ORM (≈ 1 ms a driver); a scale test or benchmark needs 10^5-10^6 drivers in well under a minute.
Each table is copied onto itself once per clone number ``k`` (``INSERT … SELECT … CROSS JOIN
generate_series``), every id and foreign key shifted by ``k × stride`` so the clones keep the
seeded drivers' shapes (names, categories, restrictions, offences, courses, visits,
suspensions) and their links. The columns are read from the database, so a column another
revision adds is copied too. Used by tests/integration/registry/test_postgres_scale.py and
bench/bench_registry.py.
"""

from __future__ import annotations

from sqlalchemy import Connection, inspect, text

__all__ = ["REGISTRY_TABLES", "grow_registry"]

# Parents first, so every foreign key of a clone finds its parent clone.
REGISTRY_TABLES = (
    "drivers", "driver_first_names", "licences", "categories", "category_restrictions",
    "offences", "courses", "medical_visits", "suspensions",
)  # fmt: skip
_SHIFTED = {"id", "driver_id", "licence_id", "category_id"}


def _expression(table: str, column: str, stride: int) -> str:
    """What clone ``k`` stores in ``column``: a shifted id, a unique NEPH or number, or a copy."""
    if column in _SHIFTED:
        return f'"{column}" + k * {stride}'
    if (table, column) == ("drivers", "neph"):
        return "neph || lpad(k::text, 6, '0')"  # 12 + 6 characters, after its original in order
    if (table, column) == ("licences", "number"):
        return f"'G' || (id + k * {stride})::text"  # seeded numbers start with two digits
    return f'"{column}"'


def grow_registry(conn: Connection, copies: int) -> int:
    """Add ``copies`` clones of every driver in the registry; return the number of drivers.

    Also moves each id sequence past the clones and runs ANALYZE, so the planner sees the sizes.
    """
    stride = 1 + max(
        conn.execute(text(f'SELECT coalesce(max(id), 0) FROM "{t}"')).scalar_one()
        for t in REGISTRY_TABLES
    )
    columns = inspect(conn)
    for table in REGISTRY_TABLES:
        names = [c["name"] for c in columns.get_columns(table)]
        targets = ", ".join(f'"{name}"' for name in names)
        exprs = ", ".join(_expression(table, name, stride) for name in names)
        conn.execute(
            text(
                f'INSERT INTO "{table}" ({targets}) '
                f'SELECT {exprs} FROM "{table}" CROSS JOIN generate_series(1, :copies) AS k'
            ),
            {"copies": copies},
        )
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f'(SELECT max(id) FROM "{table}"))'
            )
        )
    for table in REGISTRY_TABLES:  # these tables only: a bare ANALYZE visits every schema
        conn.execute(text(f'ANALYZE "{table}"'))
    return conn.execute(text("SELECT count(*) FROM drivers")).scalar_one()
