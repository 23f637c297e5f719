"""Fixtures shared by every test: settings on a temporary data dir, and ../shared/ in place."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from permis2d.settings import Settings

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = REPO_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The read-only ../shared/ folder (spec, law, vectors); skip when it is absent."""
    if not (SHARED_DIR / "vectors").is_dir():
        pytest.skip(f"../shared/ not found at {SHARED_DIR}: shared vectors are not available")
    return SHARED_DIR


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings on a fresh data dir with a fixed passphrase (never the caller's environment)."""
    return Settings.from_env(
        {"PERMIS2D_DATA_DIR": str(tmp_path / "data"), "PERMIS2D_KEY_PASSPHRASE": "test-passphrase"}
    )


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """A PostgreSQL URL from ``PERMIS2D_TEST_POSTGRES_URL``; skip when unset."""
    url = os.environ.get("PERMIS2D_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("PERMIS2D_TEST_POSTGRES_URL is unset: PostgreSQL tests skipped (CI sets it)")
    return url
