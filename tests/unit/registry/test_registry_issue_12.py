"""The registry stores the facts of issue 12: the 48SI letter's day, a délit of 6 points, a course
of two consecutive days; ``registry show`` says what the 48SI letter is; migration 0003 keeps the
dates it renames."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from permis2d.cli import cli
from permis2d.settings import Settings
from registry.db import downgrade_schema, make_engine, upgrade_schema
from registry.errors import RegistryValidationError
from registry.points import PointsStatus
from registry.records import LicenceState, load_driver_record
from registry.seed import PROFILES
from registry.writes import NewCourse, NewOffence, add_course, register_driver
from tests.unit.registry.test_writes import _lic, _new

# Issue 12's worked example, as registered offences (L223-1 al. 4: effective = payment).
EXAMPLE = (
    NewOffence(date(2024, 1, 10), "Lyon", 20631, "Feu rouge", "C4", 4, date(2024, 2, 1)),
    NewOffence(date(2024, 3, 10), "Lyon", 22334, "Alcool", "DELIT", 6, date(2024, 5, 2)),
    NewOffence(date(2024, 6, 1), "Vienne", 20631, "Feu rouge", "C4", 4, date(2024, 7, 1)),
)


@pytest.mark.parametrize(("changes", "field"), [
    # L223-2 I: a délit withdraws 6 points.
    ({"offences": (replace(EXAMPLE[1], points=4),)}, "licence.offences[0].points"),
    # R223-5: two consecutive days.
    ({"courses": (NewCourse("C", date(2024, 3, 1), date(2024, 3, 1)),)}, "licence.courses[0].end"),
    ({"courses": (NewCourse("C", date(2024, 3, 1), date(2024, 3, 3)),)}, "licence.courses[0].end"),
    # R223-3 III: a 48SI letter follows a zero balance (here there is no offence at all).
    ({"invalidation_notified": date(2024, 8, 20)}, "licence.invalidation_notified"),
])
def test_impossible_facts_are_refused_by_name(
    sessions: sessionmaker[Session], changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(RegistryValidationError) as err, sessions.begin() as session:
        register_driver(session, _new(licence=_lic(**changes)))
    assert err.value.field == field


def test_add_course_refuses_a_course_that_is_not_two_consecutive_days(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        register_driver(session, _new())
    with pytest.raises(RegistryValidationError) as err, sessions.begin() as session:
        add_course(session, "0123456789AB", NewCourse("C", date(2024, 3, 1), date(2024, 3, 5)))
    assert err.value.field == "course.end"


@pytest.mark.parametrize(("courses", "letter", "asof", "balance", "status", "state"), [
    # The worked example: a course between the zero balance and the letter counts (CE 461479).
    ((NewCourse("C", date(2024, 7, 15), date(2024, 7, 16)),), date(2024, 8, 20), date(2024, 9, 1),
     4, PointsStatus.VALID, LicenceState.VALID),
    # Without the course: invalidated from the receipt of the letter (L223-5 I, R223-3 III).
    ((), date(2024, 8, 20), date(2024, 9, 1), 0, PointsStatus.INVALIDATED,
     LicenceState.INVALIDATED),
    # Before the letter: 0 points, still in force.
    ((), date(2024, 8, 20), date(2024, 8, 19), 0, PointsStatus.INVALIDATION_PENDING,
     LicenceState.VALID),
    # A course after the letter: nothing (CE 17/04/2025 n° 492072).
    ((NewCourse("C", date(2024, 8, 26), date(2024, 8, 27)),), date(2024, 8, 20), date(2024, 9, 1),
     0, PointsStatus.INVALIDATED, LicenceState.INVALIDATED),
])  # fmt: skip
def test_registry_record_follows_the_48si_letter(
    sessions: sessionmaker[Session], courses: tuple[NewCourse, ...], letter: date, asof: date,
    balance: int, status: PointsStatus, state: LicenceState,
) -> None:
    lic = _lic(issued=date(2010, 1, 1), offences=EXAMPLE, courses=courses,
               invalidation_notified=letter, categories=())  # fmt: skip
    with sessions.begin() as session:
        register_driver(session, _new(licence=lic))
    with sessions() as session:
        record = load_driver_record(session, "0123456789AB", asof=asof)
    assert (record.points.balance, record.points.status, record.state) == (balance, status, state)
    assert record.licence.invalidation_notified == letter == record.licence.invalidated_48si


def _invoke(settings: Settings, *args: str) -> Any:
    return CliRunner().invoke(cli, list(args), obj=settings)


def test_show_says_what_the_48si_letter_is(backend_settings: Settings) -> None:
    asof = "2026-11-22"
    seeded = _invoke(backend_settings, "registry", "seed", "--count", str(len(PROFILES)),
                     "--asof", asof)  # fmt: skip
    assert seeded.exit_code == 0, seeded.stderr
    listed = _invoke(backend_settings, "registry", "list", "--json", "--asof", asof)
    rows = json.loads(listed.stdout)["drivers"]
    by_profile = {
        name: next(r for r in rows if r["neph"].endswith(f"{i + 1:06d}"))
        for i, name in enumerate(PROFILES)
    }
    pending = by_profile["invalidation_pending"]
    assert (pending["balance"], pending["state"]) == (0, "valid")
    shown = _invoke(backend_settings, "registry", "show", pending["neph"], "--asof", asof)
    assert shown.exit_code == 0, shown.stderr
    assert "(invalidation_pending)" in shown.stdout
    assert "48SI is the registered letter" in shown.stdout
    assert "completed before the letter is received still counts" in shown.stdout
    as_json = json.loads(_invoke(backend_settings, "registry", "show", pending["neph"], "--json",
                                 "--asof", asof).stdout)  # fmt: skip
    assert as_json["points"]["status"] == "invalidation_pending"
    gone = _invoke(backend_settings, "registry", "show", by_profile["invalidated"]["neph"],
                   "--asof", asof)  # fmt: skip
    assert "with a zero balance: the licence is invalidated from that day" in gone.stdout


def test_migration_0003_keeps_the_48si_dates(tmp_path: Any) -> None:
    """Renaming ``invalidated_48si_on`` to ``invalidation_notified`` loses no date, both ways."""
    url = f"sqlite:///{tmp_path}/m.sqlite3"
    upgrade_schema(url, revision="i001")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO drivers (id, neph, civility, surname, birth_year, "
                          "birth_place, birth_country) VALUES (1, 'ABCDE1', 'M', 'X', 1970, "
                          "'Lyon', 'FR')"))
        conn.execute(text("INSERT INTO licences (id, driver_id, format, number, issued_on, "
                          "prefecture, probationary, accompanied_driving, invalidated_48si_on) "
                          "VALUES (1, 1, 'card', 'N1', '2010-01-01', '69', 0, 0, '2024-08-20')"))
    upgrade_schema(url)
    with engine.connect() as conn:
        day = conn.execute(text("SELECT invalidation_notified FROM licences")).scalar_one()
        assert str(day) == "2024-08-20"
        with pytest.raises(Exception, match="CHECK"):  # the CHECK came along
            conn.execute(text("UPDATE licences SET invalidation_notified = '2000-01-01'"))
    downgrade_schema(url, revision="i001")
    with engine.connect() as conn:
        assert str(conn.execute(text("SELECT invalidated_48si_on FROM licences")).scalar_one()) \
            == "2024-08-20"
    engine.dispose()


def test_documents_wording_explains_the_48si_letter() -> None:
    """The documents' shared wording says what the 48SI letter is and that a course completed
    before it still counts (issue 12); the layout shows it for a pending or invalidated licence."""
    from pathlib import Path

    import jinja2

    folder = Path(__file__).resolve().parents[3] / "templates" / "documents"
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(folder),
                             undefined=jinja2.StrictUndefined, autoescape=False)
    words = env.get_template("common.j2").make_module(
        {"state_label": "", "issued_on": "", "data_as_of": "", "verifier_url": "",
         "restrictions": ""})  # fmt: skip
    pending = str(words.invalidation_pending_note)
    assert "« 48SI »" in pending and "L223-5" in pending
    assert "achevé avant la réception de cette lettre" in pending and "4 points" in pending
    assert "20/08/2024" in str(words.invalidated_note("20/08/2024"))
