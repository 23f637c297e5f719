"""Listing: keyset pages in NEPH order, five statements a page, rows equal to the read model's.

On both backends. The rows are compared with :func:`registry.records.load_driver_record` on every
seeded profile at several dates, so the batched loader cannot drift from ``registry show``.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from permis2d.cli import cli
from permis2d.settings import Settings
from registry import cli as registry_cli
from registry.db import make_engine, session_factory
from registry.listing import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    first_clean_driver,
    iter_drivers,
    list_drivers,
)
from registry.models import Driver, FirstName
from registry.records import LicenceState, load_driver_record
from registry.seed import PROFILES, seed_registry

ASOF = date(2026, 11, 22)
COUNT = len(PROFILES) + 12


@pytest.fixture
def seeded(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """Every profile and a dozen ordinary drivers, plus one driver without a licence."""
    with sessions.begin() as session:
        seed_registry(session, count=COUNT, seed=5, asof=ASOF)
        session.add(
            Driver(
                neph="00000NOLICENCE", civility="MME", surname="SANS", birth_year=1990,
                birth_place="Lyon", birth_country="FR", first_names=[FirstName(position=1,
                name="Alix")],
            )
        )  # fmt: skip
    return sessions


def _from_record(session: Session, neph: str, asof: date) -> dict[str, Any]:
    record = load_driver_record(session, neph, asof=asof)
    return {
        "neph": record.neph,
        "surname": record.identity.surname,
        "first_names": list(record.identity.first_names),
        "state": record.state.value,
        "balance": record.points.balance,
        "probationary": record.licence.probationary,
    }


@contextmanager
def _statements(engine: Engine, *, with_parameters: bool = False) -> Iterator[list[Any]]:
    """The statements sent to ``engine`` meanwhile (with their parameters if asked)."""
    seen: list[Any] = []

    def count(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        seen.append((statement, parameters) if with_parameters else statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


@pytest.mark.parametrize("asof", [date(2019, 6, 30), date(2024, 2, 29), ASOF, date(2031, 1, 31)])
def test_rows_equal_the_read_model_on_every_profile(
    seeded: sessionmaker[Session], asof: date
) -> None:
    with seeded() as session:
        rows = list(iter_drivers(session, asof=asof, page_size=7))
        nephs = sorted(session.scalars(Driver.__table__.select().with_only_columns(Driver.neph)))
        nephs.remove("00000NOLICENCE")  # no licence, no state: not listed
        expected = [_from_record(session, neph, asof) for neph in nephs]
    assert rows == expected
    if asof == ASOF:
        states = {r["state"] for r in rows}
        assert {"valid", "suspended", "medically_suspended", "invalidated", "cancelled"} <= states


def test_pages_chain_by_next_after_and_the_last_says_so(seeded: sessionmaker[Session]) -> None:
    with seeded() as session:
        whole = list_drivers(session, asof=ASOF, limit=MAX_PAGE_SIZE)
        assert whole.next_after is None and len(whole.rows) == COUNT
        nephs = [r["neph"] for r in whole.rows]
        assert nephs == sorted(nephs)
        walked, after, pages = [], None, 0
        while True:
            page = list_drivers(session, asof=ASOF, after=after, limit=5)
            walked.extend(page.rows)
            pages += 1
            if page.next_after is None:
                break
            assert page.next_after == page.rows[-1]["neph"] and len(page.rows) == 5
            after = page.next_after
        assert walked == list(whole.rows)
        assert pages == -(-COUNT // 5)
        # A page ending exactly on the last driver says it is the last (no empty page after it).
        exact = list_drivers(session, asof=ASOF, after=nephs[-6], limit=5)
        assert [r["neph"] for r in exact.rows] == nephs[-5:] and exact.next_after is None
        # ``after`` need not be a registered NEPH: the page starts at the next one in order.
        between = list_drivers(session, asof=ASOF, after=nephs[3] + "0", limit=2)
        assert [r["neph"] for r in between.rows] == nephs[4:6]
        assert list_drivers(session, asof=ASOF, after="ZZZZZ").rows == ()


def test_a_page_costs_five_statements_whatever_its_size(
    seeded: sessionmaker[Session], engine: Engine
) -> None:
    with seeded() as session:
        session.connection()  # the SQLite pragmas run on connect, not on the page
        for limit in (1, 10, MAX_PAGE_SIZE):
            with _statements(engine) as seen:
                list_drivers(session, asof=ASOF, limit=limit)
            assert len(seen) == 5, seen


def test_limit_is_bounded() -> None:
    for bad in (0, -1, MAX_PAGE_SIZE + 1):
        with pytest.raises(ValueError, match="limit"):
            list_drivers(None, asof=ASOF, limit=bad)  # type: ignore[arg-type]


def test_first_clean_driver_is_valid_with_every_point(seeded: sessionmaker[Session]) -> None:
    with seeded() as session:
        neph = first_clean_driver(session, asof=ASOF)
        assert neph is not None
        record = load_driver_record(session, neph, asof=ASOF)
    assert record.state is LicenceState.VALID and record.offences == ()
    assert record.points.balance == record.points.ceiling


def test_first_clean_driver_on_an_empty_registry(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        assert first_clean_driver(session, asof=ASOF) is None


def _invoke(settings: Settings, *args: str) -> Result:
    return CliRunner().invoke(cli, ["registry", "list", *args], obj=settings)


def test_cli_walks_pages_with_after_and_refuses_bad_options(
    backend_settings: Settings, seeded: sessionmaker[Session]
) -> None:
    walked: list[dict[str, Any]] = []
    after: list[str] = []
    while True:
        result = _invoke(backend_settings, "--json", "--limit", "8", "--asof", "2026-11-22", *after)
        assert result.exit_code == 0, result.stderr
        page = json.loads(result.stdout)
        assert set(page) == {"asof", "drivers", "next_after"} and page["asof"] == "2026-11-22"
        walked.extend(page["drivers"])
        if page["next_after"] is None:
            break
        after = ["--after", page["next_after"]]
    assert len(walked) == COUNT and len({r["neph"] for r in walked}) == COUNT
    text = _invoke(backend_settings, "--limit", "3", "--asof", "2026-11-22")
    assert text.exit_code == 0
    lines = text.stdout.splitlines()
    assert lines[0].split() == ["NEPH", "NAME", "STATE", "POINTS"] and len(lines) == 4
    assert lines[1].startswith(walked[0]["neph"]) and lines[1].rstrip().endswith(
        str(walked[0]["balance"])
    )
    assert f"--after {walked[2]['neph']}" in text.stderr
    for bad in (["--limit", "0"], ["--limit", str(MAX_PAGE_SIZE + 1)], ["--after", "abc-1"]):
        refused = _invoke(backend_settings, *bad)
        assert refused.exit_code == 2, bad
        assert bad[0] in refused.stderr and "Traceback" not in refused.stderr


def test_cli_page_bounds_are_the_listing_s() -> None:
    assert (registry_cli._PAGE_DEFAULT, registry_cli._PAGE_MAX) == (
        DEFAULT_PAGE_SIZE,
        MAX_PAGE_SIZE,
    )


def test_sqlite_reads_through_indexes_only(sqlite_template: Path, tmp_path: Path) -> None:
    """The embedded default: every read statement SEARCHes an index (no bare table SCAN)."""
    target = tmp_path / "registry.sqlite3"
    shutil.copyfile(sqlite_template, target)
    engine = make_engine(f"sqlite:///{target}")
    sessions = session_factory(engine)
    try:
        with sessions.begin() as session:
            seed_registry(session, count=COUNT, seed=5, asof=ASOF)
        with sessions() as session:
            session.connection()
            with _statements(engine, with_parameters=True) as sent:
                page = list_drivers(session, asof=ASOF, after="5", limit=DEFAULT_PAGE_SIZE)
                load_driver_record(session, page.rows[3]["neph"], asof=ASOF)
                first_clean_driver(session, asof=ASOF)
            assert len(sent) == 5 + 7 + 1
            for statement, parameters in sent:
                plan = session.connection().exec_driver_sql(
                    f"EXPLAIN QUERY PLAN {statement}", parameters
                )
                for *_ids, detail in plan:
                    if detail.startswith("SCAN "):  # only the demo's bounded window of NEPHs
                        assert "USING COVERING INDEX" in detail, (detail, statement)
    finally:
        engine.dispose()
