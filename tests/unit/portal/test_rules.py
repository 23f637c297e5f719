"""Pure parts of the portal: .ics text, identity matching, lockout windows, timeline, wording."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlalchemy.orm import Session

from issuer.web import store
from issuer.web.ics import calendar_ics
from issuer.web.linking import normalise_name
from issuer.web.timeline import timeline_rows
from registry.db import make_engine, upgrade_schema
from registry.points import LedgerReason, Restoration

ROOT = Path(__file__).resolve().parents[3]


def test_ics_folds_escapes_and_parses() -> None:
    events = [(date(2028, 2, 29), "Permis : +1 point(s) (6 mois)", "Règle R8; a, b\nc " * 8),
              (date(2027, 12, 31), "Permis : +4", "x")]
    text = calendar_ics(events, owner_key="k", stamp=datetime(2026, 12, 2, 6, 0), name="Mes points")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert text.endswith("\r\n")
    parsed = Calendar.from_ical(text)
    vevents = list(parsed.walk("VEVENT"))
    assert [e.decoded("DTSTART") for e in vevents] == [date(2028, 2, 29), date(2027, 12, 31)]
    assert vevents[0].decoded("DTEND") == date(2028, 3, 1)
    assert str(vevents[0]["DESCRIPTION"]) == "Règle R8; a, b\nc " * 8
    assert len({str(e["UID"]) for e in vevents}) == 2


@pytest.mark.parametrize(("a", "b"), [("FRANÇOIS", "francois"), ("Le Goff", "le-goff"),
                                      ("N'DIAYE", "n diaye"), ("Hélène  Marie", "helene marie"),
                                      ("DE SAINT-EXUPÉRY", "de saint exupery")])
def test_names_compare_without_case_accents_or_separators(a: str, b: str) -> None:
    assert normalise_name(a) == normalise_name(b)


def test_timeline_rows_sum_points_and_grow_downwards() -> None:
    today = date(2026, 12, 2)
    calendar = (Restoration(date(2027, 1, 31), 1, LedgerReason.SIX_MONTHS),
                Restoration(date(2029, 2, 28), 9, LedgerReason.THREE_YEARS))
    rows, height = timeline_rows(calendar, 3, today)
    assert [r.balance_after for r in rows] == [4, 12]
    assert rows[0].y < rows[1].y < height


@pytest.fixture
def db(settings) -> Session:
    url = settings.database_url or ""
    upgrade_schema(url)
    engine = make_engine(url)
    with Session(engine) as session:
        yield session
    engine.dispose()


def test_lockout_window_is_five_failures_in_15_minutes_for_15_minutes(db: Session) -> None:
    start = datetime(2026, 12, 2, 10, 0)
    subject = store.email_subject("A@Example.org ")
    assert subject == store.email_subject("a@example.org")
    for minute in (0, 4, 8, 12):
        store.record_failure(db, "login", subject, now=start + timedelta(minutes=minute))
    assert store.locked_until(db, "login", subject, now=start + timedelta(minutes=13)) is None
    store.record_failure(db, "login", subject, now=start + timedelta(minutes=16))  # 0 is out
    assert store.locked_until(db, "login", subject, now=start + timedelta(minutes=17)) is None
    fifth = start + timedelta(minutes=18)
    store.record_failure(db, "login", subject, now=fifth)
    assert store.locked_until(db, "login", subject, now=fifth) == fifth + timedelta(minutes=15)
    assert store.locked_until(db, "login", subject,
                              now=fifth + timedelta(minutes=15)) is None


def test_every_french_string_has_an_english_one() -> None:
    english = json.loads((ROOT / "issuer/web/english.json").read_text("utf-8"))
    pattern = re.compile(r'_\(\s*"((?:[^"\\]|\\.)*)"\s*[,)]')
    sources = [*(ROOT / "templates/portal").glob("*.html"), *(ROOT / "issuer/web").glob("*.py")]
    missing = []
    for path in sources:
        for match in pattern.finditer(path.read_text("utf-8")):
            text = match.group(1)
            if "\\" not in text and text not in english:
                missing.append((path.name, text))
    assert missing == []


def test_unknown_states_and_reasons_are_shown_by_name() -> None:
    from enum import Enum

    from issuer.web.explain import reason_label, state_label, status_label

    class Future(Enum):
        PENDING = "invalidation_pending"
        NEW = "something_new"

    assert "invalidation" in state_label(Future.PENDING).lower()
    assert status_label(Future.NEW) == "something_new"
    assert reason_label(Future.NEW) == ("something_new", "")
