"""Benchmark the driver portal under gunicorn: *Mes points* and an ADCS download.

Run: ``.venv/bin/python bench/bench_portal.py [--threads 16] [--workers 2] [--json]
[--postgres-url URL]`` (PostgreSQL also from ``PERMIS2D_TEST_POSTGRES_URL``).

For each database (SQLite file; PostgreSQL when a URL is given: a throw-away database is created
and dropped), it migrates and seeds a registry, creates a dev PKI and a logged-in account linked
to a driver with a forecast calendar, starts the real portal (``python -m issuer.web.serve``, sync
workers, no access log) on 127.0.0.1, and sends a bounded load: ``--threads`` client threads with
keep-alive sessions, at most ``--requests`` requests and ``--seconds`` seconds per scenario.
Scenarios: ``GET /mes-points`` and ``POST /mes-documents/adcs``.

Next to each, measured in the same run: the server time gunicorn logs for each request (``%(D)s``,
from the request read to the response written), and the floor: the same work in process without
HTTP
(*Mes points*: registry read + points engine + template render,
:func:`issuer.web.portal.points_page`; ADCS: :meth:`issuer.service.Issuer.issue`), and the
served latency with one client (server time plus the loopback: what the ≤ 1.5 × floor goal is
about). Medians; ``--json`` prints one JSON
line at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _env import cpu_model  # noqa: E402
from _load import closed_loop  # noqa: E402

from issuer.kinds import DocumentKind  # noqa: E402
from issuer.web import create_app  # noqa: E402
from issuer.web.demo_account import ensure_demo_account  # noqa: E402
from issuer.web.portal import points_page  # noqa: E402
from issuer.web.serve import spawn_issuer, stop_issuer  # noqa: E402
from keys import KeyStore  # noqa: E402
from permis2d.params import french_today  # noqa: E402
from permis2d.settings import Settings  # noqa: E402
from registry.db import make_engine, session_factory, upgrade_schema  # noqa: E402
from registry.records import load_driver_record  # noqa: E402
from registry.seed import PROFILES, demo_drivers, seed_registry  # noqa: E402
from tests.support.databases import scratch_postgres_database  # noqa: E402

PASSPHRASE = "bench-passphrase"
PROFILE = "recent_delit"  # a balance below 12 and a forecast calendar to draw


def _site(data_dir: Path, database_url: str | None) -> tuple[Settings, str, str, str]:
    """Seed a registry and a PKI; return settings, NEPH, demo e-mail and password."""
    env = {"PERMIS2D_DATA_DIR": str(data_dir), "PERMIS2D_KEY_PASSPHRASE": PASSPHRASE}
    if database_url:
        env["PERMIS2D_DATABASE_URL"] = database_url
    settings = Settings.from_env(env)
    now = dt.datetime.now(dt.UTC)
    today = french_today(now)
    upgrade_schema(settings.database_url or "")
    engine = make_engine(settings.database_url or "")
    count = len(PROFILES) + 20
    with session_factory(engine).begin() as session:
        seed_registry(session, count=count, seed=2024, asof=today)
    neph = demo_drivers(count=count, seed=2024, asof=today)[PROFILES.index(PROFILE)].neph
    with session_factory(engine)() as session:
        record = load_driver_record(session, neph, asof=today)
    email, password = ensure_demo_account(engine, record, now=now.replace(tzinfo=None),
                                          email="bench@example.org")
    engine.dispose()
    KeyStore.open(settings).init(now=now - dt.timedelta(days=1))
    return settings, neph, email, password


def in_process(work: Callable[[], object], count: int) -> float:
    """Median milliseconds of ``work`` in this process, no HTTP (the floor)."""
    work()
    times = []
    for _ in range(count):
        gc.collect()
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _floors(settings: Settings, neph: str, count: int) -> dict[str, float]:
    app = create_app(settings)
    portal = app.extensions["portal"]
    with app.test_request_context("/mes-points"):
        page = in_process(lambda: points_page(neph), count)
    issuer = portal.issuer()
    adcs = in_process(lambda: issuer.issue(DocumentKind.ADCS, neph, on=portal.today(),
                                           now=portal.now(), requested_by="bench"),
                      max(5, count // 5))
    portal.engine.dispose()
    return {"mes-points": page, "adcs": adcs}


def load(send: Callable[[requests.Session], requests.Response], cookies: dict[str, str], *,
         threads: int, count: int, seconds: float) -> dict[str, float]:
    """At most ``count`` requests in at most ``seconds`` from ``threads`` logged-in clients."""
    return closed_loop(lambda session, _n: send(session), threads=threads, count=count,
                       seconds=seconds, prepare=lambda session: session.cookies.update(cookies))


def _login(url: str, email: str, password: str) -> tuple[dict[str, str], str]:
    session = requests.Session()
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      session.get(f"{url}/connexion", timeout=30).text).group(1)
    answer = session.post(f"{url}/connexion", data={"email": email, "password": password,
                                                    "csrf_token": token}, timeout=30)
    assert answer.status_code == 200 and "data-balance" in answer.text, answer.status_code
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      session.get(f"{url}/mes-documents", timeout=30).text).group(1)
    return session.cookies.get_dict(), token


def _server_ms(log: Path, request: str, skip: int) -> float:
    """Median server time (ms) of the ``request`` lines gunicorn logged after line ``skip``."""
    time.sleep(0.5)  # let the workers flush their access log
    lines = log.read_text().splitlines()[skip:]
    times = [int(m.group(1)) / 1000 for line in lines if f'"{request}"' in line
             and (m := re.search(r" (\d+)us$", line))]
    return statistics.median(times)


def run(backend: str, database_url: str | None, args: argparse.Namespace,
        work: Path) -> dict[str, dict[str, float]]:
    settings, neph, email, password = _site(work / backend, database_url)
    floors = _floors(settings, neph, args.floor_count)
    env = {"PERMIS2D_KEY_PASSPHRASE": PASSPHRASE}
    if database_url:
        env["PERMIS2D_DATABASE_URL"] = database_url
    log = work / f"{backend}.log"
    process, url = spawn_issuer(work / backend, log, env=env, workers=args.workers)
    results: dict[str, dict[str, float]] = {}
    try:
        cookies, token = _login(url, email, password)
        scenarios = {
            "mes-points": lambda s: s.get(f"{url}/mes-points", timeout=60),
            "adcs": lambda s: s.post(f"{url}/mes-documents/adcs", data={"csrf_token": token},
                                     timeout=60),
        }
        paths = {"mes-points": "GET /mes-points", "adcs": "POST /mes-documents/adcs"}
        for name, send in scenarios.items():
            seen = len(log.read_text().splitlines())
            one = load(send, cookies, threads=1, count=args.requests // 4, seconds=args.seconds)
            server = _server_ms(log, paths[name], seen)
            many = load(send, cookies, threads=args.threads, count=args.requests,
                        seconds=args.seconds)
            results[name] = {**many, "one_client_p50_ms": one["p50_ms"],
                             "server_p50_ms": server, "floor_ms": floors[name],
                             "ratio": server / floors[name]}
    finally:
        stop_issuer(process)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=400, help="per scenario, at most")
    parser.add_argument("--seconds", type=float, default=20.0, help="per scenario, at most")
    parser.add_argument("--floor-count", type=int, default=50)
    parser.add_argument("--postgres-url", default=os.environ.get("PERMIS2D_TEST_POSTGRES_URL"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    results: dict[str, dict[str, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        results["sqlite"] = run("sqlite", None, args, work)
        if args.postgres_url:
            with scratch_postgres_database(args.postgres_url, "bench_portal") as url:
                results["postgresql"] = run("postgresql", url, args, work)

    print(f"python={sys.version.split()[0]} cpu={cpu_model()} cpus={os.cpu_count()} "
          f"workers={args.workers} threads={args.threads}")
    header = (f"{'db':<11}{'scenario':<11}{'reqs':>6}{'err':>5}{'req/s':>8}{'p50 ms':>9}"
              f"{'p99 ms':>9}{'1-client p50':>13}{'server ms':>10}{'floor ms':>9}{'ratio':>7}")
    print(header)
    print("-" * len(header))
    for db, rows in results.items():
        for name, row in rows.items():
            print(f"{db:<11}{name:<11}{row['requests']:>6}{row['errors']:>5}{row['rps']:>8.1f}"
                  f"{row['p50_ms']:>9.1f}{row['p99_ms']:>9.1f}{row['one_client_p50_ms']:>13.2f}"
                  f"{row['server_p50_ms']:>10.2f}{row['floor_ms']:>9.2f}{row['ratio']:>7.2f}")
    if args.json:
        print(json.dumps({"bench": "portal", "threads": args.threads, "workers": args.workers,
                          "results": results}))


if __name__ == "__main__":
    main()
