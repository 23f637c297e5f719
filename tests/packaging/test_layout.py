"""The product never imports test code: test helpers live under ``tests/`` and do not ship."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PRODUCT = ("permis2d", "twoddoc", "keys", "registry", "issuer", "verifier")


def _modules() -> list[Path]:
    return sorted(p for package in PRODUCT for p in (REPO / package).rglob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(REPO)))
def test_product_module_imports_no_test_code(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                 else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
        for name in names:
            top = name.split(".")[0]
            assert top not in ("tests", "pytest"), f"{path}:{node.lineno} imports {name}"
            assert not name.endswith("testing"), f"{path}:{node.lineno} imports {name}"


def test_no_test_helper_left_in_the_product() -> None:
    assert not [p for p in _modules() if p.stem.endswith("testing") or p.stem.startswith("test_")]
