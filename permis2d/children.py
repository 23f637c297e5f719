"""Start and stop one of our gunicorn services as a child process (tests, benchmarks, the demo).

Both web services (the verifier, the portal) are started the same way by their test fixtures,
their benchmarks and ``permis2d demo``: ``python -m <module>`` on 127.0.0.1 with the caller's
environment minus every ``PERMIS2D_*`` variable (a developer's settings must not leak into a
test), the child's output in a log file, the URL read from gunicorn's "Listening at" line, then
"ready" once the service answers. One implementation, so the two cannot drift apart.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

__all__ = ["spawn_service", "stop_service"]

_LISTENING = re.compile(r"Listening at: (https?://127\.0\.0\.1:\d+)")
_ROOT = Path(__file__).resolve().parent.parent


def spawn_service(
    module: str,
    args: Sequence[str],
    *,
    data_dir: Path,
    log: Path,
    ready: Callable[[str], bool],
    env: Mapping[str, str] | None = None,
    startup_seconds: float = 30.0,
    what: str = "the service",
) -> tuple[subprocess.Popen[bytes], str]:
    """Run ``python -m module args`` with ``PERMIS2D_DATA_DIR=data_dir`` and ``env``; return the
    process and its URL once ``ready(url)`` holds. Raises ``RuntimeError`` (with the log) when
    it does not start within ``startup_seconds``."""
    child = {k: v for k, v in os.environ.items() if not k.startswith("PERMIS2D_")}
    child["PERMIS2D_DATA_DIR"] = str(data_dir)
    child.update(env or {})
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", module, *args], cwd=_ROOT, env=child,
                                   stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + startup_seconds
    while time.monotonic() < deadline and process.poll() is None:
        match = _LISTENING.search(log.read_text(errors="replace"))
        if match and ready(match.group(1)):
            return process, match.group(1)
        time.sleep(0.1)
    stop_service(process)
    raise RuntimeError(f"{what} did not start:\n{log.read_text(errors='replace')}")


def stop_service(process: subprocess.Popen[bytes]) -> None:
    """Stop a service started by :func:`spawn_service` (gunicorn's master stops its workers)."""
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
