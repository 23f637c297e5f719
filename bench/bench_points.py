"""Benchmark the points engine: driver balances per second, engine alone and with a registry read.

Why: the engine is date arithmetic and must stay cheap enough to recompute a balance on every
read (the registry stores events, never balances); issue 4 asks for 50,000 balances a second per
core for the engine alone. Each driver has a 10-year history of 20 events (14 offences, 6
courses), the same seeded histories on every run. The table compares, in one run:

- ``bare floor``: what any implementation pays with the bare standard library and no rule: read
  the 20 events, turn their dates into ordinals, sort them, write one ledger entry per event and
  the result;
- ``stdlib floor``: the same number of month additions (uncached) and heap operations as an
  event-queue engine, no rules (the floor of the first engine, kept for comparison);
- ``engine``: :func:`registry.points.compute_points`, inputs already in memory, and its parts:
  checking the facts and listing the events (``_events``), the rules loop (``_walk``);
- ``SQLAlchemy Core rows``: fetching the same driver's rows with bare SQLAlchemy Core (SQLite);
- ``registry read``: :func:`registry.records.load_driver_record` (ORM load + engine), SQLite.

Every benchmark runs once per round, rounds interleaved, each pass after ``gc.collect()``; the
table shows the median CPU time (``time.process_time``, one core) and the median wall time.
``--json`` prints one JSON object as the last line; ``--profile`` adds where the engine's time
goes (cProfile, by function). Not run by the tests.

Where the time goes (Nov 2026, shared 2-core AMD EPYC, load ≈ 2, CPU µs per driver, medians):
the engine ≈ 34-37, down from ≈ 64-69 before issue 4 (the heap engine, same machine, same
inputs): checking the facts and listing the events ≈ 10, the walk ≈ 23, the result ≈ 2. A
driver here has 13.4 withdrawals, 4.8 credited courses, 2.7 six-month points and 22 ledger
entries; writing the entries (a named tuple each) costs ≈ 7 of the walk, and each withdrawal
≈ 1 (cap, ledger, 6-month and 10-year queues, the 2/3-year delay). The bare floor, with no rule
at all, is ≈ 11, half the 20 µs that 50,000/s allows: the other half spread over the ≈ 35
steps of a driver's walk is ≈ 0.25 µs a step, about ten bytecodes on this machine, less than one
rule costs, so the goal is out of reach for CPython here. The engine is ≈ 5 % of a registry
read (≈ 600, mostly SQLAlchemy).

    .venv/bin/python bench/bench_points.py [--drivers 2000] [--read-drivers 200] [--repeat 7]
                                            [--json] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import heapq
import io
import json
import os
import platform
import pstats
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _env import cpu_model

from registry.db import make_engine, session_factory, upgrade_schema
from registry.models import CourseRow, Driver, Licence, OffenceRow
from registry.points import (
    Course,
    LedgerEntry,
    LedgerReason,
    LicenceFacts,
    Offence,
    OffenceClass,
    PointsResult,
    PointsStatus,
    _events,
    _walk,
    add_months,
    compute_points,
)
from registry.records import BirthDate, load_driver_record
from registry.writes import (
    NewCategory,
    NewCourse,
    NewDriver,
    NewLicence,
    NewOffence,
    register_driver,
)

ASOF = date(2026, 6, 1)
CLASSES = ("C2", "C3", "C3", "C4", "C4", "C5")
Inputs = list[tuple[LicenceFacts, tuple[Offence, ...], tuple[Course, ...]]]


def make_histories(n: int, seed: int = 20) -> list[NewDriver]:
    """``n`` drivers, each with 14 offences and 6 courses over the 10 years before ``ASOF``."""
    rng = random.Random(seed)
    drivers = []
    for i in range(n):
        start = add_months(ASOF, -120)
        offences = []
        for _ in range(14):
            committed = start + timedelta(days=rng.randint(0, 3550))
            offences.append(
                NewOffence(
                    committed, "Lyon", 11303, "Excès de vitesse", rng.choice(CLASSES),
                    rng.choice((1, 1, 2, 3)), committed + timedelta(days=rng.randint(5, 60)),
                )
            )  # fmt: skip
        courses = [
            NewCourse("Centre", d, d + timedelta(days=1))
            for d in (start + timedelta(days=300 + 600 * k + rng.randint(0, 30)) for k in range(6))
        ]
        issued = add_months(start, -24)
        drivers.append(
            NewDriver(
                neph=f"BENCH{i:07d}", civility="M", surname="BENCH", first_names=("Jean",),
                birth_date=BirthDate(1970, 1, 1), birth_place="Lyon", birth_country="FR",
                licence=NewLicence(
                    format="card", number=f"B{i:09d}", issued=issued, prefecture="69",
                    categories=(NewCategory("B", issued),),
                    offences=tuple(sorted(offences, key=lambda o: o.committed)),
                    courses=tuple(courses),
                ),
            )
        )  # fmt: skip
    return drivers


def engine_inputs(drivers: list[NewDriver]) -> Inputs:
    """The engine's plain inputs for each driver."""
    out = []
    for d in drivers:
        lic = d.licence
        assert lic is not None
        offs = tuple(
            Offence(
                o.committed, o.effective or o.committed, o.points, OffenceClass(o.offence_class)
            )
            for o in lic.offences
        )
        out.append(
            (LicenceFacts(lic.issued), offs, tuple(Course(c.start, c.end) for c in lic.courses))
        )
    return out


def interleaved(
    benchmarks: list[tuple[str, Callable[[], int]]], rounds: int
) -> dict[str, tuple[float, float, int]]:
    """Median CPU and wall seconds per item of each benchmark, and its item count.

    One pass of every benchmark per round, so that a change of machine load hits them all alike;
    ``gc.collect()`` before each pass so that no pass pays for another's garbage.
    """
    cpu: dict[str, list[float]] = {name: [] for name, _ in benchmarks}
    wall: dict[str, list[float]] = {name: [] for name, _ in benchmarks}
    counts: dict[str, int] = {}
    for _ in range(rounds):
        for name, fn in benchmarks:
            gc.collect()
            c0, w0 = time.process_time(), time.perf_counter()
            count = fn()
            c1, w1 = time.process_time(), time.perf_counter()
            cpu[name].append((c1 - c0) / count)
            wall[name].append((w1 - w0) / count)
            counts[name] = count
    return {
        name: (statistics.median(cpu[name]), statistics.median(wall[name]), counts[name])
        for name, _ in benchmarks
    }


def engine_benchmarks(inputs: Inputs) -> list[tuple[str, Callable[[], int]]]:
    """The engine, its parts and the two floors, over the same inputs."""
    months = [6, 24, 36, 120] * 9  # about as many month additions as an event-queue engine
    asof_o = ASOF.toordinal()
    listed = [_events(*i) for i in inputs]

    def bare_floor() -> int:
        new, entry, reason = tuple.__new__, LedgerEntry, LedgerReason.OFFENCE
        valid = PointsStatus.VALID
        for _facts, offs, crs in inputs:
            events = [(o.effective.toordinal(), o.committed.toordinal(), o.points, o.effective,
                       o.offence_class) for o in offs]  # fmt: skip
            events += [(c.end.toordinal() + 1, c.start.toordinal(), 0, c.end, None) for c in crs]
            events.sort()
            ledger = [new(entry, (e[3], -e[2], reason, 12, None)) for e in events]
            PointsResult(ASOF, 12, valid, 12, tuple(ledger), (), None, None, False)
        return len(inputs)

    def stdlib_floor() -> int:
        for facts, offs, crs in inputs:
            queue: list[tuple[date, int]] = []
            for o in offs:
                heapq.heappush(queue, (o.effective, 0))
            for c in crs:
                heapq.heappush(queue, (c.end, 1))
            for m in months:
                heapq.heappush(queue, (add_months.__wrapped__(facts.issued, m), 2))
            while queue:
                heapq.heappop(queue)
        return len(inputs)

    def engine() -> int:
        for facts, offs, crs in inputs:
            compute_points(facts, offs, crs, asof=ASOF)
        return len(inputs)

    def events_only() -> int:
        for facts, offs, crs in inputs:
            _events(facts, offs, crs)
        return len(inputs)

    def walk_only() -> int:
        for (facts, _, _), (events, commits, probation, grouped) in zip(
            inputs, listed, strict=True
        ):
            _walk(facts, events, commits, probation, grouped, asof_o)
        return len(inputs)

    return [
        ("bare floor (read, sort, write)", bare_floor),
        ("stdlib floor (heap + add_months)", stdlib_floor),
        ("engine: compute_points", engine),
        ("  part: check + list events", events_only),
        ("  part: walk (rules, ledger)", walk_only),
    ]


def read_benchmarks(
    drivers: list[NewDriver], url: str
) -> tuple[list[tuple[str, Callable[[], int]]], Callable[[], None]]:
    """Bare Core rows and the registry read over SQLite at ``url``, and a function to close it."""
    upgrade_schema(url)
    db = make_engine(url)
    sessions = session_factory(db)
    with sessions.begin() as session:
        for d in drivers:
            register_driver(session, d)
    nephs = [d.neph for d in drivers]

    def core_rows() -> int:
        with db.connect() as conn:
            for neph in nephs:
                lic_id = conn.execute(
                    select(Licence.id).join(Driver).where(Driver.neph == neph)
                ).scalar_one()
                conn.execute(select(OffenceRow).where(OffenceRow.licence_id == lic_id)).all()
                conn.execute(select(CourseRow).where(CourseRow.licence_id == lic_id)).all()
        return len(nephs)

    def registry_read() -> int:
        with sessions() as session:
            for neph in nephs:
                load_driver_record(session, neph, asof=ASOF)
                session.expunge_all()
        return len(nephs)

    return [
        ("SQLAlchemy Core rows (SQLite)", core_rows),
        ("registry read: load_driver_record", registry_read),
    ], db.dispose


def main() -> None:
    """Run every benchmark and print the table (and JSON with ``--json``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drivers", type=int, default=2000)
    parser.add_argument("--read-drivers", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=7, help="interleaved rounds")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--profile", action="store_true", help="print where the engine's time goes")
    args = parser.parse_args()

    drivers = make_histories(args.drivers)
    inputs = engine_inputs(drivers)
    benchmarks = engine_benchmarks(inputs)
    with tempfile.TemporaryDirectory() as tmp:
        reads, close = read_benchmarks(
            drivers[: args.read_drivers], f"sqlite:///{tmp}/bench.sqlite3"
        )
        results = interleaved(benchmarks + reads, args.repeat)
        close()

    env: dict[str, object] = {
        "python": platform.python_version(),
        "sqlalchemy": sqlalchemy.__version__,
        "sqlite": sqlite3.sqlite_version,
        "cpu": cpu_model(),
        "cpus": os.cpu_count(),
        "loadavg": round(os.getloadavg()[0], 2),
        "events_per_driver": 20,
        "drivers": args.drivers,
        "read_drivers": args.read_drivers,
        "rounds": args.repeat,
    }
    print(f"Python {env['python']}, SQLAlchemy {env['sqlalchemy']}, SQLite {env['sqlite']}, "
          f"{env['cpu']} ({env['cpus']} CPUs, load {env['loadavg']})")  # fmt: skip
    print(f"{args.drivers} drivers x 20 events (engine), {args.read_drivers} (registry); "
          f"medians of {args.repeat} interleaved rounds")  # fmt: skip
    print(f"{'benchmark':<36} {'CPU µs/driver':>14} {'drivers/s/core':>15} {'wall µs':>9}")
    out: dict[str, object] = {"env": env}
    for name, (cpu, wall, count) in results.items():
        print(f"{name:<36} {cpu * 1e6:>14.1f} {1 / cpu:>15.0f} {wall * 1e6:>9.1f}")
        out[name.strip()] = {
            "cpu_us_per_driver": round(cpu * 1e6, 2),
            "per_second_per_core": round(1 / cpu),
            "wall_us_per_driver": round(wall * 1e6, 2),
            "count": count,
        }
    engine_rate = 1 / results["engine: compute_points"][0]
    print(f"goal 50,000/s per core: {'met' if engine_rate >= 50_000 else 'not met'} "
          f"({engine_rate:,.0f}/s)")  # fmt: skip
    out["goal_met"] = engine_rate >= 50_000

    if args.profile:
        engine = dict(benchmarks)["engine: compute_points"]
        prof = cProfile.Profile()
        prof.runcall(engine)
        text = io.StringIO()
        pstats.Stats(prof, stream=text).sort_stats("tottime").print_stats(10)
        print(text.getvalue())
    if args.json:
        print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
