"""The OpenAPI document says exactly what the service accepts: schemathesis against the live API.

Issue 10: schemathesis (a third-party API tester) found requests the document called valid that
the service refused (an empty file; a file and a text together) and a 405 without ``Allow``.
Its command line now runs every check it has against the real gunicorn service, a bounded
number of examples per operation, with a fixed seed; ``schemathesis.toml`` beside this file
says which statuses valid and invalid input may get, and why.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import Service

EXAMPLES = 15
CONFIG = Path(__file__).with_name("schemathesis.toml")


def test_the_service_does_what_its_document_says(service: Service, tmp_path: Path) -> None:
    st = Path(sys.executable).parent / "st"
    run = subprocess.run(
        [str(st), "--config-file", str(CONFIG), "--no-color", "run",
         f"{service.url}/openapi.json", "--checks", "all", "--max-examples", str(EXAMPLES)],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "No issues found" in run.stdout
