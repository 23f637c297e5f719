"""``kill -9`` at every step of issuance, on SQLite and PostgreSQL: no id is ever used twice.

Issue 10, item 4: thirty ``kill -9`` of an issuing loop left complete, validly signed ADCS as
staged files whose ids had been rolled back and handed out again. Here a real child process
(forked from the test, so it costs no fresh imports) kills itself with SIGKILL at each named
step of ``issuer.service.STEPS`` through the issuer's ``checkpoint`` hook;
the test checks what the crash left (the id is already spent, the staged file may be truncated),
then runs the recovery — at start-up of the next issuing process, or through
``permis2d issue --repair-log`` — and checks the invariants: nothing ``pending``, every ``issued``
row has its PDF in place, no staged file remains, each file of a ``failed`` row is in quarantine,
and the next document gets a new id.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, date, datetime
from multiprocessing.connection import Connection
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from issuer.kinds import DocumentKind
from issuer.log import IssuanceLog
from issuer.service import STEPS, Issuer
from keys import KeyStore
from permis2d.cli import cli
from permis2d.settings import Settings
from registry.db import make_engine, upgrade_schema
from registry.seed import demo_drivers, seed_registry
from tests.support.databases import scratch_postgres_database

ON = date(2026, 10, 31)
NOW = datetime(2026, 10, 31, 12, 0)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def crash_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings on a seeded registry (SQLite file, or a fresh PostgreSQL database) with a PKI."""
    env = {"PERMIS2D_DATA_DIR": str(tmp_path / "data"),
           "PERMIS2D_KEY_PASSPHRASE": "crash-test-passphrase"}
    with ExitStack() as stack:
        if request.param == "postgresql":
            env["PERMIS2D_DATABASE_URL"] = stack.enter_context(scratch_postgres_database(
                request.getfixturevalue("postgres_url"), "crash"))
        settings = Settings.from_env(env)
        upgrade_schema(settings.database_url or "")
        engine = make_engine(settings.database_url or "")
        with Session(engine) as session, session.begin():
            seed_registry(session, count=1, seed=2024, asof=ON)
        engine.dispose()
        KeyStore.open(settings).init(now=datetime(2026, 1, 1, tzinfo=UTC))
        yield settings


def _issue_in_child(settings: Settings, step: str, count: int, pipe: Connection) -> None:
    """The child: start-up recovery, then COUNT ADCS; SIGKILL itself on reaching ``step``."""

    def checkpoint(reached: str) -> None:
        if reached == step:
            os.kill(os.getpid(), signal.SIGKILL)

    issuer = Issuer(settings, checkpoint=checkpoint)
    pipe.send(list(issuer.recover(now=datetime.now(UTC)).failed))
    neph = demo_drivers(count=1, seed=2024, asof=ON)[0].neph
    for _ in range(count):
        issued = issuer.issue(DocumentKind.ADCS, neph, on=ON, now=NOW, requested_by="crash",
                              out_dir=settings.issued_dir)
        pipe.send(issued.document_id)
    pipe.close()


def _child(settings: Settings, step: str, count: int = 1) -> tuple[int | None, list[object]]:
    """Run a child process to its end (or death); its exit code and what it sent."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_issue_in_child, args=(settings, step, count, sender))
    process.start()
    sender.close()
    messages: list[object] = []
    with contextlib.suppress(EOFError):
        while True:
            messages.append(receiver.recv())
    process.join(timeout=120)
    return process.exitcode, messages


def _rows(settings: Settings) -> list[dict[str, object]]:
    engine = make_engine(settings.database_url or "")
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(IssuanceLog.__table__).order_by(IssuanceLog.id)).mappings().all()
    finally:
        engine.dispose()
    return [dict(row) for row in rows]


def _check_invariants(settings: Settings) -> list[dict[str, object]]:
    rows = _rows(settings)
    assert [r["status"] for r in rows if r["status"] == "pending"] == []
    assert len({r["document_id"] for r in rows}) == len(rows)
    issued_names = set()
    for row in rows:
        if row["status"] == "issued":
            path = Path(str(row["file_path"]))
            pdf = path.read_bytes()
            assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")  # complete
            issued_names.add(path.name)
    on_disk = {p.name for p in settings.issued_dir.iterdir()}
    # Only the PDFs of issued rows are published: no staged file, no PDF of a failed row.
    assert on_disk == issued_names
    return rows


def test_kill_9_at_every_step_never_reuses_an_id(crash_settings: Settings) -> None:
    settings = crash_settings
    quarantine = settings.quarantine_dir
    exitcode, messages = _child(settings, "none")
    assert exitcode == 0 and messages == [[], "0000000001"]
    last_id = "0000000001"
    for number, step in enumerate(STEPS):
        exitcode, messages = _child(settings, step)
        assert exitcode == -signal.SIGKILL, step
        crashed = _rows(settings)[-1]
        # The id was committed before anything was signed: it is spent, whatever follows.
        assert crashed["document_id"] > last_id
        assert crashed["status"] == ("issued" if step == "logged" else "pending")
        staged = list(settings.issued_dir.glob(".*.staged"))
        if step in ("staging", "staged"):
            assert len(staged) == 1 and staged[0].stat().st_mode & 0o777 == 0o600
        else:
            assert staged == []
        lost = [] if step == "logged" else [crashed["document_id"]]
        # Recover alternately at the start-up of the next issuing process and by --repair-log.
        if number % 2 == 0:
            exitcode, messages = _child(settings, "none")
            assert exitcode == 0 and messages[0] == lost
            last_id = str(messages[1])
        else:
            result = CliRunner().invoke(cli, ["issue", "--repair-log"], obj=settings)
            assert result.exit_code == 0, result.output
            assert result.output.startswith(f"{len(lost)} pending issuance(s) marked failed")
            last_id = str(crashed["document_id"])
        rows = _check_invariants(settings)
        assert max(str(r["document_id"]) for r in rows) == last_id
        if step in ("staging", "staged", "placed"):
            kept = sorted(quarantine.glob(f"{crashed['document_id']}-*"))
            assert len(kept) == 1 and kept[0].stat().st_mode & 0o777 == 0o600
    # The CLI recovers at start-up too, then issues with a fresh id.
    exitcode, _ = _child(settings, "staged")
    assert exitcode == -signal.SIGKILL
    crashed_id = str(_rows(settings)[-1]["document_id"])
    neph = demo_drivers(count=1, seed=2024, asof=ON)[0].neph
    result = CliRunner().invoke(cli, ["issue", "adcs", "--neph", neph, "--on", ON.isoformat()],
                                obj=settings)
    assert result.exit_code == 0, result.output
    assert result.output.split()[0] > crashed_id
    rows = _check_invariants(settings)
    ids = [str(r["document_id"]) for r in rows]
    # 1 + each step + one per start-up recovery + the last crash + the CLI's document.
    assert ids == sorted(ids) and len(set(ids)) == len(ids) == 1 + len(STEPS) + 3 + 2
    assert {r["status"] for r in rows} == {"issued", "failed"}
    assert quarantine.stat().st_mode & 0o777 == 0o700
