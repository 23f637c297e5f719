"""The engine is pure: no database, clock, file or environment in points.py and scenario.py."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest

import registry
from registry import LicenceFacts, Offence, OffenceClass, compute_points

SOURCE = Path(registry.__file__).parent
ALLOWED = {"__future__", "bisect", "collections", "dataclasses", "datetime", "enum", "functools",
           "heapq", "re", "typing", "registry", "twoddoc"}  # fmt: skip


@pytest.mark.parametrize("module", ["points.py", "scenario.py"])
def test_engine_imports_only_the_standard_library(module: str) -> None:
    tree = ast.parse((SOURCE / module).read_text())
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
            if node.module.startswith("registry."):
                assert node.module == "registry.points", node.module
            if node.module.startswith("twoddoc"):  # the one strict date parser, pure stdlib
                assert node.module == "twoddoc.dates", node.module
    assert imported <= ALLOWED, imported - ALLOWED


@pytest.mark.parametrize("module", ["points.py", "scenario.py"])
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
