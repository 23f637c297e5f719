"""Benchmark the registry's read path on PostgreSQL as it grows: 10^4, 10^5, 10^6 drivers.

Why: issue 11 item 5 asks that no cost grow with the nation. For each size, a private schema is
migrated to ``i001`` (before the index clean-up), seeded with 40 demo drivers, grown by SQL
(tests/integration/registry/growth.py), its indexes measured, then migrated to head (revision
0002 drops the four redundant indexes) and measured again. Every size is grown first, then all
are measured in the same interleaved rounds (a shared machine's load falls on each alike):

- ``read``: :func:`registry.records.load_driver_record` on random NEPHs, next to its floor
  ``read floor`` (the driver's row by NEPH: one indexed statement, nothing built),
  and the shared buffers a record's statements touch (EXPLAIN ANALYZE, BUFFERS);
- ``page``: :func:`registry.listing.list_drivers` of 500 drivers after a random NEPH, next to
  ``page floor`` (the same five statements, rows fetched, nothing computed) and ``page N+1``
  (the same 500 drivers read one record each, as the listing did before: 1 + 7 × 500
  statements);
- the whole listing, projected from the median page: ours and the N+1 way.

Times are wall-clock medians (the database works in another process), client CPU beside them
(``cpu``); ``bufs``: shared buffers a record touches; ``idx MB``: the registry's indexes at
``i001``, ``0002``: after the migration; ``grow s``: seeding and growing the registry.
``--json`` prints one JSON object as the last line. Needs ``PERMIS2D_BENCH_POSTGRES_URL`` (or
``PERMIS2D_TEST_POSTGRES_URL``); every schema it creates is dropped. Not run by the tests.

Measured (2 Dec 2026, PostgreSQL 15, a shared 2-core AMD EPYC under load ≈ 10, so the wall
times are noisy; medians of 5 interleaved rounds), at 10^4 / 10^5 / 10^6 drivers: a record
1.86 / 1.70 / 1.72 ms of client CPU (wall 9.7 / 8.0 / 12.6, its one-statement floor 0.8 / 0.9 /
1.0) touching 24 / 26 / 29 buffers (the B-trees' depth, log N); a page of 500 drivers 40
/ 48 / 34 ms of CPU (wall 218 / 206 / 147, its statements alone 214 / 154 / 106) against 5.7 /
5.8 / 5.1 s the N+1 way; the whole listing of 10^6 drivers ≈ 5 min instead of ≈ 2.9 hours.
Revision 0002 frees 0.9 / 8.5 / 85 MB of 5.1 / 48 / 490 MB of indexes (17 %).

    .venv/bin/python bench/bench_registry.py [--sizes 10000,100000,1000000] [--reads 200]
                                              [--pages 10] [--repeat 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlalchemy
from sqlalchemy import Engine, event, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _env import cpu_model

from registry import listing
from registry.db import make_engine, session_factory, upgrade_schema
from registry.listing import MAX_PAGE_SIZE, list_drivers
from registry.records import load_driver_record
from registry.seed import seed_registry
from tests.integration.registry.growth import REGISTRY_TABLES, grow_registry

ASOF = date(2026, 11, 22)
SEEDED = 40
REDUNDANT = (
    "ix_driver_first_names_driver_id", "ix_categories_licence_id", "ix_offences_licence_id",
    "ix_category_restrictions_category_id",
)  # fmt: skip


@contextmanager
def private_schema(url: str) -> Iterator[str]:
    """A fresh schema of the database at ``url``; yields a URL whose search_path is it."""
    schema = f"bench_registry_{uuid.uuid4().hex[:12]}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"
    try:
        yield f"{url}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def index_bytes(engine: Engine) -> tuple[int, int]:
    """Bytes of every index of the registry tables, and of the four redundant ones."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT indexrelname, pg_relation_size(indexrelid) FROM pg_stat_user_indexes "
                "WHERE schemaname = current_schema() AND relname = ANY(:tables)"
            ),
            {"tables": list(REGISTRY_TABLES)},
        ).all()
    return sum(size for _, size in rows), sum(size for name, size in rows if name in REDUNDANT)


def timed(fn: Callable[[], int], repeat: int) -> tuple[float, float, int]:
    """Median wall and CPU seconds per unit over ``repeat`` runs of ``fn`` (returns units)."""
    walls, cpus, units = [], [], 0
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        units = fn()
        walls.append((time.perf_counter() - w0) / units)
        cpus.append((time.process_time() - c0) / units)
    return statistics.median(walls), statistics.median(cpus), units


def buffers_per_record(engine: Engine, nephs: list[str]) -> float:
    """Median shared buffers (hit + read) that one record's statements touch."""
    sent: list[tuple[str, Any]] = []

    def record(_c: Any, _cur: Any, statement: str, parameters: Any, *_: Any) -> None:
        sent.append((statement, parameters))

    totals = []
    with session_factory(engine)() as session:
        for neph in nephs:
            sent.clear()
            event.listen(engine, "before_cursor_execute", record)
            try:
                load_driver_record(session, neph, asof=ASOF)
            finally:
                event.remove(engine, "before_cursor_execute", record)
            total = 0
            for statement, parameters in sent:
                plan = session.connection().exec_driver_sql(
                    f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {statement}", parameters
                ).scalar()
                top = plan[0]["Plan"]
                total += top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0)
            totals.append(total)
    return statistics.median(totals)


class Registry:
    """One grown registry in its own schema, and the benchmarks that read it."""

    def __init__(self, schema_url: str, size: int, reads: int, pages: int) -> None:
        """Migrate to i001, seed, grow to ``size``, measure the indexes, migrate to head."""
        upgrade_schema(schema_url, "i001")
        self.engine = make_engine(schema_url)
        self.sessions = session_factory(self.engine)
        t0 = time.perf_counter()
        with self.sessions.begin() as session:
            seed_registry(session, count=SEEDED, seed=2024, asof=ASOF)
        with self.engine.begin() as conn:
            self.drivers = grow_registry(conn, size // SEEDED - 1)
        self.grow_s = time.perf_counter() - t0
        self.index_before, self.index_redundant = index_bytes(self.engine)
        upgrade_schema(schema_url)
        self.index_after, _ = index_bytes(self.engine)
        with self.engine.connect() as conn:
            conn.execute(text("SELECT setseed(0.42)"))
            self.read_nephs = conn.execute(
                text("SELECT neph FROM drivers ORDER BY random() LIMIT :n"), {"n": reads}
            ).scalars().all()
            # Pages start anywhere but within a full page of the end: every page lists 500.
            self.page_afters = conn.execute(
                text(
                    "SELECT neph FROM (SELECT neph FROM drivers ORDER BY neph LIMIT :full) AS s "
                    "ORDER BY random() LIMIT :n"
                ),
                {"full": self.drivers - MAX_PAGE_SIZE, "n": pages},
            ).scalars().all()

    def benchmarks(self) -> list[tuple[str, Callable[[], int]]]:
        """(name, function returning the units it did) for each measured operation."""
        return [
            ("read", self.read), ("read floor", self.read_floor), ("page", self.page),
            ("page floor", self.page_floor), ("page N+1", self.page_n_plus_one),
        ]  # fmt: skip

    def read(self) -> int:
        with self.sessions() as session:
            for neph in self.read_nephs:
                load_driver_record(session, neph, asof=ASOF)
        return len(self.read_nephs)

    def read_floor(self) -> int:
        with self.engine.connect() as conn:
            for neph in self.read_nephs:
                conn.execute(text("SELECT * FROM drivers WHERE neph = :n"), {"n": neph}).one()
        return len(self.read_nephs)

    def page(self) -> int:
        with self.sessions() as session:
            for after in self.page_afters:
                list_drivers(session, asof=ASOF, after=after, limit=MAX_PAGE_SIZE)
        return len(self.page_afters)

    def page_floor(self) -> int:
        with self.engine.connect() as conn:
            for after in self.page_afters:
                rows = conn.execute(listing._PAGE, {"after": after, "n": MAX_PAGE_SIZE}).all()
                drivers, licences = [r.id for r in rows], [r.licence_id for r in rows]
                conn.execute(listing._NAMES, {"ids": drivers}).all()
                for statement in (listing._OFFENCES, listing._COURSES, listing._SUSPENSIONS):
                    conn.execute(statement, {"ids": licences}).all()
        return len(self.page_afters)

    def page_n_plus_one(self) -> int:
        """Two pages the old way: their NEPHs, then one record (seven statements) each."""
        with self.sessions() as session:
            for after in self.page_afters[:2]:
                nephs = session.execute(
                    text("SELECT neph FROM drivers WHERE neph > :a ORDER BY neph LIMIT :n"),
                    {"a": after, "n": MAX_PAGE_SIZE},
                ).scalars().all()
                for neph in nephs:
                    load_driver_record(session, neph, asof=ASOF)
        return 2

    def summary(self, runs: dict[str, list[tuple[float, float, int]]]) -> dict[str, Any]:
        """The row of the table: medians of the rounds, projections and index sizes."""
        wall = {name: statistics.median(r[0] for r in rs) for name, rs in runs.items()}
        cpu = {name: statistics.median(r[1] for r in rs) for name, rs in runs.items()}
        pages_total = -(-self.drivers // MAX_PAGE_SIZE)
        return {
            "drivers": self.drivers,
            "grow_s": round(self.grow_s, 1),
            "read_us": round(wall["read"] * 1e6, 1),
            "read_cpu_us": round(cpu["read"] * 1e6, 1),
            "read_floor_us": round(wall["read floor"] * 1e6, 1),
            "buffers_per_record": buffers_per_record(self.engine, self.read_nephs[:20]),
            "page_ms": round(wall["page"] * 1e3, 2),
            "page_cpu_ms": round(cpu["page"] * 1e3, 2),
            "page_floor_ms": round(wall["page floor"] * 1e3, 2),
            "page_n_plus_one_ms": round(wall["page N+1"] * 1e3, 2),
            "listing_s": round(wall["page"] * pages_total, 1),
            "listing_n_plus_one_s": round(wall["page N+1"] * pages_total, 1),
            "index_mb_before": round(self.index_before / 2**20, 1),
            "index_mb_redundant": round(self.index_redundant / 2**20, 1),
            "index_mb_after": round(self.index_after / 2**20, 1),
        }


def main() -> None:
    """Measure every size and print the table (and JSON with ``--json``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--reads", type=int, default=200, help="random records read per round")
    parser.add_argument("--pages", type=int, default=10, help="random pages listed per round")
    parser.add_argument("--repeat", type=int, default=5, help="interleaved rounds")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("PERMIS2D_BENCH_POSTGRES_URL") or os.environ.get(
        "PERMIS2D_TEST_POSTGRES_URL"
    )
    if not url:
        sys.exit("set PERMIS2D_BENCH_POSTGRES_URL (or PERMIS2D_TEST_POSTGRES_URL)")
    sizes = [int(s) for s in args.sizes.split(",")]
    with make_engine(url).connect() as conn:
        server = conn.execute(text("SHOW server_version")).scalar_one()
    env = {
        "python": platform.python_version(),
        "sqlalchemy": sqlalchemy.__version__,
        "postgresql": server,
        "cpu": cpu_model(),
        "cpus": os.cpu_count(),
        "loadavg": round(os.getloadavg()[0], 2),
        "page_size": MAX_PAGE_SIZE,
        "rounds": args.repeat,
    }
    print(f"Python {env['python']}, SQLAlchemy {env['sqlalchemy']}, PostgreSQL {server}, "
          f"{env['cpu']} ({env['cpus']} CPUs, load {env['loadavg']})")  # fmt: skip
    print(f"{args.reads} random records and {args.pages} random pages of {MAX_PAGE_SIZE} per "
          f"round; wall medians of {args.repeat} interleaved rounds")  # fmt: skip
    print(
        f"{'drivers':>9} {'read µs':>8} {'cpu':>6} {'floor':>6} {'bufs':>5} {'page ms':>8} "
        f"{'cpu':>6} {'floor':>6} {'N+1 ms':>8} {'list s':>7} {'N+1 s':>8} {'idx MB':>7} "
        f"{'0002':>7} {'grow s':>7}"
    )
    rows = []
    with ExitStack() as stack:
        registries = []
        for size in sizes:  # all grown first, then measured in the same interleaved rounds
            schema_url = stack.enter_context(private_schema(url))
            registries.append(Registry(schema_url, size, args.reads, args.pages))
            stack.callback(registries[-1].engine.dispose)
        runs: list[dict[str, list[tuple[float, float, int]]]] = [{} for _ in registries]
        for _round in range(args.repeat):
            for registry, registry_runs in zip(registries, runs, strict=True):
                for name, fn in registry.benchmarks():
                    registry_runs.setdefault(name, []).append(timed(fn, 1))
        for registry, registry_runs in zip(registries, runs, strict=True):
            r = registry.summary(registry_runs)
            rows.append(r)
            print(
                f"{r['drivers']:>9} {r['read_us']:>8.0f} {r['read_cpu_us']:>6.0f} "
                f"{r['read_floor_us']:>6.0f} {r['buffers_per_record']:>5.0f} "
                f"{r['page_ms']:>8.1f} {r['page_cpu_ms']:>6.1f} {r['page_floor_ms']:>6.1f} "
                f"{r['page_n_plus_one_ms']:>8.0f} {r['listing_s']:>7.1f} "
                f"{r['listing_n_plus_one_s']:>8.0f} {r['index_mb_before']:>7.1f} "
                f"{r['index_mb_after']:>7.1f} {r['grow_s']:>7.1f}"
            )
    if args.json:
        print(json.dumps({"env": env, "sizes": rows}, ensure_ascii=False))


if __name__ == "__main__":
    main()
