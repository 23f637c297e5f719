"""Fuzz the ``permis2d points simulate`` scenario parser (``registry.scenario``) on JSON-ish bytes.

Why: a scenario file is untrusted input between a person and the pure points engine; the parser
promises (its module docstring) that every refusal is a ``ScenarioError`` naming the scenario and
the field, never a traceback. ``ScenarioError`` is a ``ValueError``, so the harness checks the
exact class: a bare ValueError, OverflowError, TypeError or KeyError from the parser or the engine
is a finding. The bytes go through ``json.loads`` as the CLI does (``json.load`` on the file);
bytes that are not JSON are the CLI's business, not the parser's, and are skipped here.

Far dates: registry/points.py once raised ValueError/OverflowError when a delay ran past
9999-12-31; since d87e914 it refuses dates after 9899-12-31 with a named field, and this harness
no longer tolerates anything but ``ScenarioError``.
Run: ``.venv/bin/python fuzz/fuzz_scenario.py [CORPUS] -max_total_time=120``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fuzz._common import REPO, run
from registry.scenario import ScenarioError, parse_scenario, run_scenario

NAME = "scenario"


def seeds() -> list[bytes]:
    """The ``input`` of every scenario file under tests/data/registry, and one array of them."""
    inputs: list[Any] = []
    for path in sorted((REPO / "tests" / "data" / "registry").rglob("*.json")):
        content = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(content, dict) and "input" in content:
            inputs.append(content["input"])
    out = [json.dumps(item).encode() for item in inputs]
    return [*out, json.dumps(inputs[:3]).encode()]


def TestOneInput(data: bytes) -> None:  # noqa: N802 (atheris' name)
    """One input: parse every scenario as the CLI does, simulate, print as JSON."""
    try:
        loaded = json.loads(data)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return  # not JSON: refused before the parser (registry/cli.py)
    items = loaded if isinstance(loaded, list) else [loaded]
    for index, item in enumerate(items):
        try:
            scenario = parse_scenario(item, index)
        except ScenarioError as exc:
            assert exc.field and exc.scenario.startswith(f"#{index}"), exc
            continue
        json.dumps(run_scenario(scenario), ensure_ascii=False)


if __name__ == "__main__":
    run(NAME, TestOneInput, seeds)
