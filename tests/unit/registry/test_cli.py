"""``permis2d registry`` seed, list, show, add, add-course through click's CliRunner, on both
backends: output, exit codes, idempotent seeding and refusals that leave the database unchanged."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from click.testing import CliRunner, Result

from permis2d.cli import cli
from permis2d.settings import Settings
from registry.seed import PROFILES

ASOF = "2026-11-22"


def invoke(settings: Settings, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), obj=settings, input=input)


def listing(settings: Settings) -> list[dict[str, Any]]:
    result = invoke(settings, "registry", "list", "--json", "--asof", ASOF)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["drivers"]


def test_seed_is_idempotent_and_says_so(backend_settings: Settings) -> None:
    first = invoke(
        backend_settings, "registry", "seed", "--count", "20", "--seed", "7", "--asof", ASOF
    )
    assert first.exit_code == 0, first.stderr
    assert "added 20 drivers" in first.stdout
    before = listing(backend_settings)
    again = invoke(
        backend_settings, "registry", "seed", "--count", "20", "--seed", "7", "--asof", ASOF
    )
    assert again.exit_code == 0
    assert "already seeded" in again.stdout and "nothing changed" in again.stdout
    assert listing(backend_settings) == before
    assert len(before) == 20
    states = {row["state"] for row in before}
    assert {"valid", "suspended", "medically_suspended", "invalidated", "cancelled"} <= states
    assert all({"neph", "state", "balance"} <= set(row) for row in before)


def test_show_prints_record_history_and_calendar(backend_settings: Settings) -> None:
    invoke(backend_settings, "registry", "seed", "--count", str(len(PROFILES)), "--asof", ASOF)
    rows = listing(backend_settings)
    delit = next(r for r in rows if r["neph"].endswith(f"{PROFILES.index('recent_delit') + 1:06d}"))
    text = invoke(backend_settings, "registry", "show", delit["neph"], "--asof", ASOF)
    assert text.exit_code == 0, text.stderr
    assert "history:" in text.stdout and "calendar:" in text.stdout
    assert "3_years" in text.stdout  # a délit: full restoration after 3 years (L223-6 al. 2)
    shown = invoke(backend_settings, "registry", "show", delit["neph"], "--json", "--asof", ASOF)
    record = json.loads(shown.stdout)
    assert record["points"]["balance"] == delit["balance"] == 6
    assert record["offences"][0]["class"] == "DELIT"


def test_show_unknown_and_malformed_neph(backend_settings: Settings) -> None:
    missing = invoke(backend_settings, "registry", "show", "ZZZZZZZZZZ", "--asof", ASOF)
    assert missing.exit_code == 1
    assert "ZZZZZZZZZZ" in missing.stderr
    bad = invoke(backend_settings, "registry", "show", "abc", "--asof", ASOF)
    assert bad.exit_code == 2
    assert "neph" in bad.stderr
    bad_date = invoke(backend_settings, "registry", "list", "--asof", "2026-02-30")
    assert bad_date.exit_code == 2
    assert "--asof" in bad_date.stderr


def _driver_json(neph: str) -> dict[str, Any]:
    return {
        "neph": neph, "civility": "M", "surname": "GÉRARD", "first_names": ["Loïc"],
        "birth_date": "1975-07-14", "birth_place": "Besançon", "birth_country": "FR",
        "licence": {
            "format": "card", "number": f"L{neph}", "issued": "2020-02-29", "prefecture": "25",
            "categories": [{"code": "B", "obtained": "2020-02-29", "restrictions": ["78"]}],
        },
    }  # fmt: skip


def test_add_refuses_duplicate_and_bad_input_leaving_the_registry_unchanged(
    backend_settings: Settings,
) -> None:
    ok = invoke(
        backend_settings, "registry", "add", "-", input=json.dumps(_driver_json("GER75001"))
    )
    assert ok.exit_code == 0, ok.stderr
    before = listing(backend_settings)
    dup = invoke(
        backend_settings, "registry", "add", "-", input=json.dumps(_driver_json("GER75001"))
    )
    assert dup.exit_code == 2
    assert "GER75001" in dup.stderr and "already exists" in dup.stderr
    bad_chars = invoke(
        backend_settings, "registry", "add", "-", input=json.dumps(_driver_json("ger-75002"))
    )
    assert bad_chars.exit_code == 2
    assert "(neph)" in bad_chars.stderr
    course = _driver_json("GER75003")
    course["licence"]["courses"] = [{"centre": "C", "start": "2024-03-02", "end": "2024-03-01"}]
    bad_course = invoke(backend_settings, "registry", "add", "-", input=json.dumps(course))
    assert bad_course.exit_code == 2
    assert "licence.courses[0].end" in bad_course.stderr
    assert "Traceback" not in bad_course.stderr + dup.stderr + bad_chars.stderr
    assert listing(backend_settings) == before


def test_add_course_command(backend_settings: Settings) -> None:
    invoke(backend_settings, "registry", "add", "-", input=json.dumps(_driver_json("GER75001")))
    bad = invoke(
        backend_settings, "registry", "add-course", "GER75001", "--centre", "ECF",
        "--start", "2024-03-02", "--end", "2024-03-01",
    )  # fmt: skip
    assert bad.exit_code == 2
    assert "course.end" in bad.stderr
    good = invoke(
        backend_settings, "registry", "add-course", "GER75001", "--centre", "ECF",
        "--start", "2024-02-28", "--end", "2024-02-29",
    )  # fmt: skip
    assert good.exit_code == 0, good.stderr
    shown = invoke(
        backend_settings, "registry", "show", "GER75001", "--json", "--asof", "2024-03-01"
    )
    assert json.loads(shown.stdout)["courses"][0]["end"] == "2024-02-29"
    unknown = invoke(
        backend_settings, "registry", "add-course", "NOPE12345", "--centre", "ECF",
        "--start", "2024-02-28", "--end", "2024-02-29",
    )  # fmt: skip
    assert unknown.exit_code == 1


def test_asof_defaults_to_today(backend_settings: Settings) -> None:
    invoke(backend_settings, "registry", "add", "-", input=json.dumps(_driver_json("GER75001")))
    shown = invoke(backend_settings, "registry", "show", "GER75001", "--json")
    # "Today" is the French civil date, whatever the machine's time zone.
    today = datetime.now(ZoneInfo("Europe/Paris")).date()
    assert json.loads(shown.stdout)["asof"] == today.isoformat()
