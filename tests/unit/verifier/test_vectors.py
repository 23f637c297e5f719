"""Run every ``tests/vectors/verifier/<flaw>.txt`` through ``permis2d verify --json``.

Each vector's ``.json`` says the verification date, the trust sources (relative to the test PKI),
whether ``--repair`` is given, the exit code, ``valid``, the result of each check it concerns
(absent = not tested) and the reason codes (STYLE §8).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from permis2d.cli import cli
from permis2d.settings import Settings

VECTORS = Path(__file__).resolve().parents[2] / "vectors" / "verifier"
NAMES = sorted(p.stem for p in VECTORS.glob("*.txt"))


def test_vectors_exist() -> None:
    assert len(NAMES) >= 15
    for name in NAMES:
        assert (VECTORS / f"{name}.json").is_file(), name


@pytest.mark.parametrize("name", NAMES)
def test_vector(name: str, pki: Path, settings: Settings) -> None:
    verdict: dict[str, Any] = json.loads((VECTORS / f"{name}.json").read_text(encoding="utf-8"))
    args = ["verify", "--json", "--at", verdict["at"]]
    for source in verdict["trust"]:
        args += ["--trust", str(pki / source)]
    if verdict["repair"]:
        args.append("--repair")
    result = CliRunner().invoke(cli, [*args, str(VECTORS / f"{name}.txt")], obj=settings)
    assert result.exit_code == verdict["exit"], result.output
    report = json.loads(result.stdout)
    assert report["valid"] is verdict["valid"]
    for check, expected in verdict["checks"].items():
        assert report["checks"][check] is expected, (check, report["reasons"])
    if "reasons" in verdict:
        assert [r["code"] for r in report["reasons"]] == verdict["reasons"]
