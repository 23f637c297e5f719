"""``permis2d points simulate``: the vector files, refusals naming the field, and the property
that the calendar at A is what the ledger shows at a later B (RULES.md I8)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from permis2d.cli import cli
from permis2d.settings import Settings
from registry.scenario import parse_scenario, run_scenario

# Recorded output of the engine (see their README), not hand-derived law: ../independent/ is.
VECTORS = Path(__file__).resolve().parents[2] / "data" / "registry" / "regression"


def simulate(settings: Settings, payload: Any) -> tuple[int, str, str]:
    runner = CliRunner()
    result = runner.invoke(
        cli, ["points", "simulate", "-"], input=json.dumps(payload), obj=settings
    )
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("path", sorted(VECTORS.glob("*.json")), ids=lambda p: p.stem)
def test_vector(path: Path, settings: Settings) -> None:
    vector = json.loads(path.read_text())
    code, out, err = simulate(settings, vector["input"])
    assert code == 0, err
    assert json.loads(out) == vector["expected"]


def test_array_in_array_out_from_a_file(settings: Settings, tmp_path: Path) -> None:
    vectors = [json.loads(p.read_text()) for p in sorted(VECTORS.glob("*.json"))]
    path = tmp_path / "many.json"
    path.write_text(json.dumps([v["input"] for v in vectors]))
    result = CliRunner().invoke(cli, ["points", "simulate", str(path)], obj=settings)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == [v["expected"] for v in vectors]


def _base() -> dict[str, Any]:
    return {
        "name": "bad",
        "licence": {"issued": "2020-01-01", "probationary": False, "accompanied_driving": False},
        "events": [
            {
                "type": "offence",
                "date": "2023-01-01",
                "effective": "2023-02-01",
                "points": 2,
                "class": "C3",
            },
            {"type": "course", "start": "2023-03-01", "end": "2023-03-02"},
        ],
        "asof": "2024-01-01",
    }


def _set(path: str, value: Any) -> dict[str, Any]:
    data = _base()
    target: Any = data
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target[key]
    target[keys[-1]] = value
    return data


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (_set("colour", "red"), "colour"),
        (_set("licence.expires", "2030-01-01"), "licence.expires"),
        (_set("events.0.place", ""), "events[0].place"),
        (_set("events.0.place", 7), "events[0].place"),
        (_set("events.0.class", "DELIT"), "events[0].points"),  # L223-2 I: a délit is 6
        (_set("events.1.end", "2023-03-01"), "events[1].end"),  # R223-5: two consecutive days
        (_set("events.1.end", "2023-03-03"), "events[1].end"),
        (_set("licence.invalidation_notified", "2023-02-30"), "licence.invalidation_notified"),
        (_set("licence.invalidation_notified", "2019-01-01"), "licence.invalidation_notified"),
        # R223-3 III: a 48SI letter notifies a zero balance; this licence never reaches 0.
        (_set("licence.invalidation_notified", "2023-06-01"), "licence.invalidation_notified"),
        (_set("events.1.centre", "Lyon"), "events[1].centre"),
        (_set("events.0.date", "2023-02-29"), "events[0].date"),
        (_set("events.0.date", "2023-13-01"), "events[0].date"),
        (_set("events.0.date", "20230101"), "events[0].date"),
        (_set("asof", "2024-02-30"), "asof"),
        (_set("licence.issued", "2021-02-29"), "licence.issued"),
        (_set("events.0.points", -1), "events[0].points"),
        (_set("events.0.points", 7), "events[0].points"),
        (_set("events.0.points", 2.5), "events[0].points"),
        (_set("events.0.points", "2"), "events[0].points"),
        (_set("events.0.class", "C6"), "events[0].class"),
        (_set("events.0.effective", "2022-12-31"), "events[0].effective"),
        (_set("events.1.end", "2023-02-28"), "events[1].end"),
        (_set("events.1.type", "suspension"), "events[1].type"),
        (_set("licence.probationary", "yes"), "licence.probationary"),
        (_set("asof", "2019-12-31"), "asof"),
        (_set("events.0.date", "2019-06-01"), "events[0].date"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_bad_input_exits_2_naming_scenario_and_field(
    settings: Settings, payload: dict[str, Any], field: str
) -> None:
    code, out, err = simulate(settings, [_base(), payload])
    assert code == 2
    assert out == ""
    assert err.startswith("Error: scenario #1 'bad': ")
    assert f": {field}: " in err
    assert "Traceback" not in err


def test_not_json_exits_2(settings: Settings) -> None:
    result = CliRunner().invoke(cli, ["points", "simulate", "-"], input="{oops", obj=settings)
    assert result.exit_code == 2
    assert "not JSON" in result.stderr


@pytest.mark.parametrize(("payload", "message"), [
    (b"\xff\xfe{}", "not UTF-8"),  # found by fuzz/fuzz_scenario.py
    (b"[" + b"9" * 5000 + b"]", "unreadable JSON value"),  # beyond int() digit limit
    (b"[" * 100_000, "nested too deeply"),
])
def test_unreadable_input_exits_2_without_a_traceback(
    settings: Settings, tmp_path: Path, payload: bytes, message: str
) -> None:
    path = tmp_path / "scenarios.json"
    path.write_bytes(payload)
    result = CliRunner().invoke(cli, ["points", "simulate", str(path)], obj=settings)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


# --- Property: calendar at A == ledger entries in (A, B] at B (RULES.md I8) ---------------------

_CLASSES = ["C1", "C2", "C3", "C4", "C5", "DELIT"]
_ORIGIN = date(2012, 1, 1)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[dict[str, Any], date, date]:
    issued = _ORIGIN + timedelta(days=draw(st.integers(0, 2000)))
    probationary = draw(st.booleans())
    events: list[dict[str, Any]] = []
    last = issued
    for _ in range(draw(st.integers(0, 9))):
        day = issued + timedelta(days=draw(st.integers(0, 3650)))
        if draw(st.integers(0, 3)) == 0:
            end = day + timedelta(days=1)  # R223-5: two consecutive days
            events.append({"type": "course", "start": day.isoformat(), "end": end.isoformat()})
            last = max(last, end + timedelta(days=1))
        else:
            eff = day + timedelta(days=draw(st.integers(0, 400)))
            cls = draw(st.sampled_from(_CLASSES))
            event = {
                "type": "offence",
                "date": day.isoformat(),
                "effective": eff.isoformat(),
                "points": 6 if cls == "DELIT" else draw(st.integers(0, 6)),  # L223-2 I
                "class": cls,
            }
            if draw(st.booleans()):
                event["place"] = draw(st.sampled_from(["Lyon", "lyon ", "Vienne"]))
            events.append(event)
            last = max(last, eff)
    a = last + timedelta(days=draw(st.integers(0, 2000)))
    b = a + timedelta(days=draw(st.integers(1, 5000)))
    scenario = {
        "name": "p",
        "licence": {
            "issued": issued.isoformat(),
            "probationary": probationary,
            "accompanied_driving": probationary and draw(st.booleans()),
        },
        "events": events,
        "asof": a.isoformat(),
    }
    return scenario, a, b


@hsettings(max_examples=300, deadline=None)
@given(scenarios())
def test_calendar_at_a_is_the_ledger_of_a_later_b(case: tuple[dict[str, Any], date, date]) -> None:
    scenario, _a, b = case
    at_a = run_scenario(parse_scenario(scenario))
    at_b = run_scenario(parse_scenario({**scenario, "asof": b.isoformat()}))
    assert at_b["ledger"][: len(at_a["ledger"])] == at_a["ledger"]
    later = [
        {"date": e["date"], "points": e["delta"], "reason": e["reason"]}
        for e in at_b["ledger"][len(at_a["ledger"]) :]
    ]
    assert later == [c for c in at_a["calendar"] if c["date"] <= b.isoformat()]
    # The balance never leaves [0, 12], each entry's balance is the running sum of the deltas,
    # the status follows the balance (R1, R5), and the calendar is sorted and automatic only.
    running = 0
    for entry in at_b["ledger"]:
        running += entry["delta"]
        assert entry["balance"] == running
        assert 0 <= running <= 12
        assert entry["delta"] != 0
    assert at_b["balance"] == running
    assert (at_b["status"] == "invalidation_pending") == (at_b["balance"] == 0)  # no 48SI given
    dates = [c["date"] for c in at_a["calendar"]]
    assert dates == sorted(dates)
    assert {c["reason"] for c in at_a["calendar"]} <= {
        "6_months", "2_years", "3_years", "10_years", "probation_increment",
    }  # fmt: skip
    assert all(c["points"] > 0 for c in at_a["calendar"])
