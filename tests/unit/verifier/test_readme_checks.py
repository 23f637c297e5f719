"""The README's `permis2d verify` section names every check the verifier reports."""

from __future__ import annotations

from pathlib import Path

from verifier.reasons import Check

README = Path(__file__).resolve().parents[3] / "README.md"


def test_every_check_is_documented() -> None:
    text = README.read_text(encoding="utf-8")
    table = {line.split("`")[1] for line in text.splitlines() if line.startswith("| `")}
    missing = [check.value for check in Check if check.value not in table]
    assert not missing, f"checks missing from the README's table: {missing}"
