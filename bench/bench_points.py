"""Benchmark the points engine: driver balances per second, engine alone and with a registry read.

Why: the engine is date arithmetic and must stay cheap enough to recompute a balance on every
read (the registry stores events, never balances). Each driver has a 10-year history of 20 events
(14 offences, 6 courses). The table compares, in one run:

- ``stdlib floor``: the same number of month additions and heap operations with the bare
  standard library, no rules (what any event-driven implementation must at least pay);
- ``engine``: :func:`registry.points.compute_points`, inputs already in memory;
- ``engine timeline only``: listing the events and the rules loop, without result assembly;
- ``SQLAlchemy Core rows``: fetching the same driver's rows with bare SQLAlchemy Core (SQLite);
- ``registry read``: :func:`registry.records.load_driver_record` (ORM load + engine), SQLite.

Medians over repeats, one core. ``--json`` prints one JSON object as the last line.
Run: ``.venv/bin/python bench/bench_points.py [--drivers N] [--repeat R] [--json]``.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import heapq
import io
import json
import platform
import pstats
import random
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

from registry.db import make_engine, session_factory, upgrade_schema
from registry.models import CourseRow, Driver, Licence, OffenceRow
from registry.points import (
    Course,
    LicenceFacts,
    Offence,
    OffenceClass,
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


def engine_inputs(
    drivers: list[NewDriver],
) -> list[tuple[LicenceFacts, tuple[Offence, ...], tuple[Course, ...]]]:
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


def cpu_model() -> str:
    """The CPU model from /proc/cpuinfo, else the platform's machine name."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def timed(fn: Callable[[], int], repeat: int) -> tuple[float, int]:
    """Median seconds of ``fn`` over ``repeat`` runs, and the count it returned."""
    samples = []
    count = 0
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        count = fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples), count


def main() -> None:
    """Run every benchmark and print the table (and JSON with ``--json``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drivers", type=int, default=2000)
    parser.add_argument("--read-drivers", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--profile", action="store_true", help="print where the engine's time goes")
    args = parser.parse_args()

    drivers = make_histories(args.drivers)
    inputs = engine_inputs(drivers)
    months = [6, 24, 36, 120] * 9  # about as many month additions as the engine makes

    def floor() -> int:
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

    def timeline() -> int:
        asof = ASOF.toordinal()
        for facts, offs, crs in inputs:
            _walk(facts, *_events(facts, offs, crs), asof)
        return len(inputs)

    rows: list[tuple[str, float, int]] = []
    for name, fn in (("stdlib floor (heap + dates)", floor), ("engine: compute_points", engine),
                     ("engine timeline only", timeline)):  # fmt: skip
        seconds, count = timed(fn, args.repeat)
        rows.append((name, seconds, count))

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        upgrade_schema(url)
        db = make_engine(url)
        sessions = session_factory(db)
        subset = drivers[: args.read_drivers]
        with sessions.begin() as session:
            for d in subset:
                register_driver(session, d)
        nephs = [d.neph for d in subset]

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

        for name, fn in (("SQLAlchemy Core rows (SQLite)", core_rows),
                         ("registry read: load_driver_record", registry_read)):  # fmt: skip
            seconds, count = timed(fn, args.repeat)
            rows.append((name, seconds, count))
        db.dispose()

    print(f"Python {platform.python_version()}, SQLAlchemy {sqlalchemy.__version__}, {cpu_model()}")
    print(f"{args.drivers} drivers x 20 events (engine), {args.read_drivers} (registry); "
          f"medians of {args.repeat}")  # fmt: skip
    print(f"{'benchmark':<38} {'µs/driver':>10} {'drivers/s':>11}")
    result: dict[str, object] = {
        "python": platform.python_version(),
        "sqlalchemy": sqlalchemy.__version__,
        "cpu": cpu_model(),
        "events_per_driver": 20,
    }
    for name, seconds, count in rows:
        per = seconds / count
        print(f"{name:<38} {per * 1e6:>10.1f} {1 / per:>11.0f}")
        result[name] = {"us_per_driver": round(per * 1e6, 2), "per_second": round(1 / per)}

    if args.profile:
        prof = cProfile.Profile()
        prof.runcall(engine)
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(8)
        print(out.getvalue())
    if args.json:
        print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
