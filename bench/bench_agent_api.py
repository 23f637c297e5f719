"""Benchmark the agent API: offences recorded per second on PostgreSQL, next to the floor.

Run: ``.venv/bin/python bench/bench_agent_api.py [--threads 8] [--workers 2] [--requests 400]
[--seconds 20] [--json] [--postgres-url URL]`` (URL also from ``PERMIS2D_TEST_POSTGRES_URL``;
PostgreSQL is required: it is what several workers share in production).

It creates a throw-away database, migrates and seeds it, creates a token, starts the real issuer
app (``python -m issuer.web.serve``, gunicorn sync workers) on 127.0.0.1 and sends a bounded load:
``--threads`` client threads with keep-alive sessions post ``POST /api/v1/agent/offences``, each
with its own ``Idempotency-Key``, at most ``--requests`` requests and ``--seconds`` seconds.
Next to it, in the same run: the floor, the same validated insert done in process
(:func:`registry.writes_events.record_offence`, one transaction each), sequentially. Medians of
latencies; ``--json`` prints one JSON line at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _env import cpu_model  # noqa: E402
from _load import closed_loop  # noqa: E402

from issuer.agent.models import SCOPES  # noqa: E402
from issuer.agent.tokens import create_token  # noqa: E402
from issuer.web.serve import spawn_issuer, stop_issuer  # noqa: E402
from permis2d.params import french_today  # noqa: E402
from permis2d.settings import Settings  # noqa: E402
from registry.db import make_engine, session_factory, upgrade_schema  # noqa: E402
from registry.records import LicenceState, load_driver_record  # noqa: E402
from registry.seed import demo_drivers, seed_registry  # noqa: E402
from registry.write_types import NewOffence  # noqa: E402
from registry.writes_events import record_offence  # noqa: E402
from tests.support.databases import scratch_postgres_database  # noqa: E402

SEED_COUNT = 60


def _site(data_dir: Path, url: str) -> tuple[Settings, list[str], str, dt.date]:
    """Seed the registry; return settings, NEPHs of valid licences, a token, today."""
    settings = Settings.from_env({"PERMIS2D_DATA_DIR": str(data_dir),
                                  "PERMIS2D_DATABASE_URL": url})
    now = dt.datetime.now(dt.UTC)
    today = french_today(now)
    upgrade_schema(url)
    engine = make_engine(url)
    sessions = session_factory(engine)
    with sessions.begin() as session:
        seed_registry(session, count=SEED_COUNT, seed=2024, asof=today)
        token = create_token(session, "bench", SCOPES, now=now.replace(tzinfo=None))
    nephs = []
    with sessions() as session:
        for driver in demo_drivers(count=SEED_COUNT, seed=2024, asof=today):
            record = load_driver_record(session, driver.neph, asof=today)
            if record.state is LicenceState.VALID and record.licence.issued < today:
                nephs.append(driver.neph)
    engine.dispose()
    return settings, nephs, token, today


def _body(neph: str, today: dt.date, n: int) -> dict[str, object]:
    return {"neph": neph, "committed": (today - dt.timedelta(days=1)).isoformat(),
            "place": f"BENCH {n}", "natinf": 11, "label": "Excès de vitesse < 20 km/h",
            "offence_class": "C4", "points": 1, "effective": None}


def floor(url: str, nephs: list[str], today: dt.date, count: int) -> float:
    """Offences per second recorded in process, one validated insert per transaction."""
    engine = make_engine(url)
    sessions = session_factory(engine)
    start = time.perf_counter()
    for n in range(count):
        body = _body(nephs[n % len(nephs)], today, n)
        new = NewOffence(dt.date.fromisoformat(str(body["committed"])), str(body["place"]), 11,
                         str(body["label"]), "C4", 1, None)
        with sessions.begin() as session:
            record_offence(session, nephs[n % len(nephs)], new, today=today)
    elapsed = time.perf_counter() - start
    engine.dispose()
    return count / elapsed


def load(url: str, token: str, nephs: list[str], today: dt.date, *, threads: int,
         count: int, seconds: float) -> dict[str, float]:
    """``threads`` clients posting offences until ``count`` requests or ``seconds`` passed."""

    def post(session: requests.Session, n: int) -> requests.Response:
        return session.post(f"{url}/api/v1/agent/offences",
                            json=_body(nephs[n % len(nephs)], today, n),
                            headers={"Idempotency-Key": f"bench-{n}"}, timeout=60)

    def authorise(session: requests.Session) -> None:
        session.headers["Authorization"] = f"Bearer {token}"

    return closed_loop(post, threads=threads, count=count, seconds=seconds, expect=201,
                       prepare=authorise)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=400, help="at most")
    parser.add_argument("--seconds", type=float, default=20.0, help="at most")
    parser.add_argument("--floor-count", type=int, default=200)
    parser.add_argument("--postgres-url", default=os.environ.get("PERMIS2D_TEST_POSTGRES_URL"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not args.postgres_url:
        parser.error("PostgreSQL is required: --postgres-url or PERMIS2D_TEST_POSTGRES_URL")

    with (tempfile.TemporaryDirectory() as tmp,
          scratch_postgres_database(args.postgres_url, "bench_agent") as db_url):
        work = Path(tmp)
        settings, nephs, token, today = _site(work / "data", db_url)
        floor_rps = floor(db_url, nephs, today, args.floor_count)
        log = work / "gunicorn.log"
        process, url = spawn_issuer(work / "data", log, workers=args.workers,
                                    env={"PERMIS2D_DATABASE_URL": db_url}, quiet=True)
        try:
            served = load(url, token, nephs, today, threads=args.threads, count=args.requests,
                          seconds=args.seconds)
        finally:
            stop_issuer(process)
        del settings

    ratio = served["rps"] / floor_rps
    print(f"python={sys.version.split()[0]} cpu={cpu_model()} cpus={os.cpu_count()} "
          f"workers={args.workers} threads={args.threads} db=postgresql")
    header = (f"{'scenario':<22}{'reqs':>6}{'err':>5}{'offences/s':>12}{'p50 ms':>9}"
              f"{'p99 ms':>9}{'floor/s':>9}{'ratio':>7}")
    print(header)
    print("-" * len(header))
    print(f"{'POST offences (HTTP)':<22}{served['requests']:>6.0f}{served['errors']:>5.0f}"
          f"{served['rps']:>12.1f}{served['p50_ms']:>9.1f}{served['p99_ms']:>9.1f}"
          f"{floor_rps:>9.1f}{ratio:>7.2f}")
    if args.json:
        print(json.dumps({"bench": "agent_api", "threads": args.threads,
                          "workers": args.workers, "served": served,
                          "floor_offences_per_s": floor_rps, "ratio": ratio}))


if __name__ == "__main__":
    main()
