"""Fixtures for the scanner tests: real 2D-Doc texts from ../shared/vectors, as pictures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def vectors(shared_dir: Path) -> list[dict]:
    """The shared 2D-Doc vectors (read in place)."""
    return json.loads((shared_dir / "vectors/2ddoc/vectors.json").read_text())


@pytest.fixture(scope="session")
def adcs_text(vectors: list[dict]) -> str:
    """The spec's reference type-AB document with E4 = APC (an ADCS), full text with signature."""
    return next(v["raw"] for v in vectors if v["raw"][20:22] == "AB" and "\x1dE4APC" in v["raw"])


@pytest.fixture(scope="session")
def other_text(vectors: list[dict], adcs_text: str) -> str:
    """A second, different DC04 text (another document type) for multi-symbol pages."""
    return next(v["raw"] for v in vectors if v["raw"].startswith("DC04") and v["raw"] != adcs_text
                and len(v["raw"]) < 250)

