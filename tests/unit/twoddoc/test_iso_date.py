"""One strict ``YYYY-MM-DD`` parser for the CLI, the verifier API and the registry's JSON readers.

Issue 11: four parsers disagreed, and the API took ``2026-W01-1`` (a week date) as 29 December
2025. Each edge now calls :func:`twoddoc.dates.parse_iso_date`; these tests hold every edge to it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from permis2d.settings import Settings
from registry.errors import RegistryValidationError
from registry.scenario import ScenarioError, parse_scenario
from registry.writes_json import driver_from_json
from twoddoc.dates import FRENCH_TIME, parse_iso_date
from verifier.trust import TrustStore
from verifier.web import create_app

REFUSED = ["2026-W01-1", "20260101", "2026-1-1", "2023-02-29", "2026-02-30", "2026-13-01",
           "２０２６-01-01", "٢٠٢٦-01-01", "2026-01-01\n", " 2026-01-01", "2026-01-01T00:00",
           "", "tomorrow"]


@pytest.mark.parametrize(("text", "day"), [
    ("2024-02-29", date(2024, 2, 29)),  # leap year
    ("2000-02-29", date(2000, 2, 29)),  # century leap year
    ("2026-01-31", date(2026, 1, 31)),  # month ends
    ("2026-04-30", date(2026, 4, 30)),
    ("2026-12-31", date(2026, 12, 31)),
])
def test_reads_calendar_dates(text: str, day: date) -> None:
    assert parse_iso_date(text) == day


@pytest.mark.parametrize("text", [*REFUSED, None, 20260101, ["2026-01-01"]])
def test_refuses_every_other_form(text: object) -> None:
    with pytest.raises(ValueError, match=r"YYYY-MM-DD|calendar date"):
        parse_iso_date(text)


def test_french_time_is_paris() -> None:
    assert str(FRENCH_TIME) == "Europe/Paris"


def test_verifier_policy_imports_neither_click_nor_sqlalchemy() -> None:
    code = ("import sys, verifier.policy; "
            "print(sorted(m for m in ('click', 'sqlalchemy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[3])
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("text", ["2026-W01-1", "20260101", "2023-02-29", "٢٠٢٦-01-01"])
def test_verifier_api_at_refuses_other_forms(settings: Settings, text: str) -> None:
    client = create_app(settings, TrustStore.empty()).test_client()
    response = client.post("/api/v1/verify", json={"text": "DC04", "at": text})
    assert response.status_code == 400
    assert response.json["error"]["code"] == "bad_date"
    assert response.json["error"]["field"] == "at"


def test_verifier_api_at_reads_a_leap_day(settings: Settings) -> None:
    client = create_app(settings, TrustStore.empty()).test_client()
    response = client.post("/api/v1/verify", json={"text": "DC04", "at": "2028-02-29"})
    assert response.json["at"] == "2028-02-29"


@pytest.mark.parametrize("text", ["2026-W01-1", "20260101", "2023-02-29"])
def test_scenario_reader_refuses_other_forms(text: str) -> None:
    data = {"name": "s", "asof": text, "licence": {"issued": "2020-01-01"}, "events": []}
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data)
    assert caught.value.field == "asof"


def test_registry_add_reader_refuses_a_week_date() -> None:
    driver = json.loads('{"neph": "120375100001", "civility": "M", "surname": "DURAND", '
                        '"first_names": ["JEAN"], "birth_date": "1980-01-01", '
                        '"birth_place": "LYON", "birth_country": "FR", '
                        '"licence": {"format": "card", "number": "X1", "issued": "2026-W01-1",'
                        ' "prefecture": "69", "categories": []}}')
    with pytest.raises(RegistryValidationError, match="YYYY-MM-DD") as caught:
        driver_from_json(driver)
    assert caught.value.field == "licence.issued"
