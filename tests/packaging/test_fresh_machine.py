"""What `make` needs on a fresh Debian machine is installed by `make` itself (COMMON rules).

Read from the Makefile and the CI scripts, not run: these tests guard against a step that only
works because the development machine already has something.
"""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _debs(name: str) -> set[str]:
    match = re.search(rf"^{name} := (.+)$", (REPO / "Makefile").read_text(), re.MULTILINE)
    assert match, name
    return set(match.group(1).split())


def test_the_virtual_environment_can_be_created() -> None:
    """`python3 -m venv` needs Debian's python3-venv (ensurepip is not in python3 alone)."""
    assert "$(PYTHON) -m venv" in (REPO / "Makefile").read_text()
    for debs in ("RUN_DEBS", "TEST_DEBS"):
        assert {"python3", "python3-venv"} <= _debs(debs), debs


def test_postgres_is_installed_from_fresh_package_lists() -> None:
    """The CI script's apt-get install must not depend on lists an earlier step may not fetch."""
    script = (REPO / "scripts" / "start-test-postgres.sh").read_text()
    assert script.index("apt-get update") < script.index("apt-get install")
