"""The engine is pure: no database, clock, file or environment in registry/points/ and scenario.py;
``import registry.points`` loads no SQLAlchemy (issue 11)."""

from __future__ import annotations

import ast
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import registry
from registry import LicenceFacts, Offence, OffenceClass, compute_points

SOURCE = Path(registry.__file__).parent
ALLOWED = {"__future__", "bisect", "calendar", "collections", "dataclasses", "datetime", "enum",
           "functools", "re", "typing", "registry", "twoddoc"}  # fmt: skip
MODULES = ["scenario.py", *sorted(f"points/{p.name}" for p in (SOURCE / "points").glob("*.py"))]


@pytest.mark.parametrize("module", MODULES)
def test_engine_imports_only_the_standard_library(module: str) -> None:
    tree = ast.parse((SOURCE / module).read_text())
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
            if node.module.startswith("registry."):
                assert node.module.startswith("registry.points"), node.module
            if node.module.startswith("twoddoc"):  # the one strict date parser, pure stdlib
                assert node.module == "twoddoc.dates", node.module
    assert imported <= ALLOWED, imported - ALLOWED


@pytest.mark.parametrize("module", MODULES)
def test_engine_never_reads_the_clock(module: str) -> None:
    tree = ast.parse((SOURCE / module).read_text())
    calls = {
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }
    assert not calls & {"today", "now", "utcnow", "time", "getenv", "open"}


def test_package_docstring_example_holds() -> None:
    result = compute_points(
        LicenceFacts(date(2020, 1, 1), probationary=True),
        [Offence(date(2021, 3, 1), date(2021, 4, 2), 3, OffenceClass.C4)],
        asof=date(2022, 1, 1),
    )
    assert result.balance == 5


def test_points_modules_are_at_most_400_lines() -> None:
    for module in MODULES:
        assert len((SOURCE / module).read_text().splitlines()) <= 400, module


def test_importing_the_engine_loads_no_sqlalchemy() -> None:
    """Issue 11: the pure engine (and ``points simulate``) must not drag the database layer in."""
    code = ("import sys, registry.points, registry.scenario; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in {'sqlalchemy', 'alembic'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
