"""The real ``permis2d`` console script in its own process, on a SQLite file and on PostgreSQL.

Why a process: the database URL reaches the CLI only through ``PERMIS2D_DATABASE_URL``, Alembic
runs from the installed package data, and the exit codes and stderr are what a shell sees. On
PostgreSQL each test gets its own schema (``search_path`` in the URL), so it neither sees nor
disturbs other tests sharing the database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import text

from registry.db import make_engine

PERMIS2D = Path(sys.executable).with_name("permis2d")
ASOF = "2026-11-22"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A SQLite file URL, or a fresh PostgreSQL schema dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'registry.sqlite3'}"
        return
    base = request.getfixturevalue("postgres_url")
    schema = f"registry_it_{uuid.uuid4().hex[:12]}"
    admin = make_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def run(
    url: str, tmp_path: Path, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PERMIS2D_")}
    env |= {"PERMIS2D_DATA_DIR": str(tmp_path / "data"), "PERMIS2D_DATABASE_URL": url}
    return subprocess.run(
        [str(PERMIS2D), *args], input=stdin, capture_output=True, text=True, env=env, timeout=120
    )


def test_seed_list_show_and_refusals_in_a_real_process(database_url: str, tmp_path: Path) -> None:
    seeded = run(database_url, tmp_path, "registry", "seed", "--count", "15", "--asof", ASOF)
    assert seeded.returncode == 0, seeded.stderr
    assert "added 15 drivers" in seeded.stdout
    listed = run(database_url, tmp_path, "registry", "list", "--json", "--asof", ASOF)
    rows = json.loads(listed.stdout)["drivers"]
    assert len(rows) == 15
    assert {"invalidated", "suspended", "cancelled"} <= {r["state"] for r in rows}
    shown = run(database_url, tmp_path, "registry", "show", rows[0]["neph"], "--asof", ASOF)
    assert shown.returncode == 0
    assert rows[0]["neph"] in shown.stdout and "calendar:" in shown.stdout
    missing = run(database_url, tmp_path, "registry", "show", "NOSUCHNEPH", "--asof", ASOF)
    assert missing.returncode == 1
    assert missing.stderr.startswith("Error: ") and "Traceback" not in missing.stderr


def test_simulate_reads_stdin_in_a_real_process(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'unused.sqlite3'}"  # simulate never opens it
    scenario = {
        "name": "leap",
        "licence": {"issued": "2024-02-29", "probationary": True, "accompanied_driving": False},
        "events": [],
        "asof": "2025-02-28",
    }
    ok = run(database_url, tmp_path, "points", "simulate", "-", stdin=json.dumps(scenario))
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["balance"] == 8
    bad = run(
        database_url, tmp_path, "points", "simulate", "-",
        stdin=json.dumps({**scenario, "asof": "2025-02-29"}),
    )  # fmt: skip
    assert bad.returncode == 2
    assert bad.stderr.strip() == (
        "Error: scenario #0 'leap': asof: '2025-02-29' is not a calendar date "
        "(day is out of range for month)"
    )
