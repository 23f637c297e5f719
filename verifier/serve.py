"""Run the verifier service under gunicorn: ``serve_verifier(settings, host, port, trust_paths)``.

Why gunicorn and not Flask's development server: the verifier faces the network and decodes
hostile files; gunicorn's pre-forked sync workers isolate a slow decode to one process, restart a
worker that exceeds ``timeout``, and the app stays stateless so more workers or machines scale it
(ARCHITECTURE.md, "Scale"). The trust store is loaded once in the master (``preload_app``) and
shared copy-on-write by the workers.

``port=0`` asks the kernel for a free port; gunicorn then logs ``Listening at: http://H:P``, which
the integration tests and benchmarks read. ``python -m verifier.serve --host H --port P --trust
PATH ...`` runs the same function (the tests start it this way as a subprocess).
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

from permis2d.settings import Settings
from verifier.trust import TrustStore
from verifier.tsl_signature import load_tsl_signers

__all__ = ["main", "serve_verifier", "spawn_verifier", "stop_verifier"]


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    """A gunicorn application around an already-built WSGI app."""

    def __init__(self, app: Any, options: dict[str, Any]) -> None:
        self.application, self.options = app, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # older gunicorn lacks some settings
                self.cfg.set(key, value)

    def load(self) -> Any:
        return self.application


def serve_verifier(
    settings: Settings,
    host: str,
    port: int,
    trust_paths: Sequence[Path | str] = (),
    *,
    workers: int | None = None,
    tsl_signers: Sequence[Path | str] = (),
) -> None:
    """Serve the verifier on ``host:port`` until stopped; trust ``trust_paths``, else the setting.

    ``tsl_signers`` (else ``PERMIS2D_TSL_SIGNERS``) pin the signers of the TSLs among them.

    Blocks. ``workers`` defaults to the number of CPUs (at least 2, at most 8).
    """
    from verifier.web import create_app

    _log_to_stderr()
    paths = tuple(trust_paths) or settings.verifier_trust
    pins = load_tsl_signers(tuple(tsl_signers) or settings.tsl_signers)
    trust = TrustStore.load(paths, tsl_signers=pins) if paths else TrustStore.empty()
    for note in trust.notes:  # e.g. a TSL whose signer is not pinned: the operator must see it
        logging.getLogger("verifier.trust").warning("trust: %s", note)
    app = create_app(settings, trust)
    count = workers or min(8, max(2, os.cpu_count() or 2))
    options = {
        "bind": f"{host}:{port}",
        "workers": count,
        "worker_class": "sync",
        # A request holds a worker for at most the scan budget (8 s) plus verification: 30 s
        # means a wedged decoder, and gunicorn replaces the worker.
        "timeout": 30,
        "graceful_timeout": 5,
        "keepalive": 2,
        # Recycle workers now and then: image decoders are C code, and a slow leak there must
        # not grow a worker for ever.
        "max_requests": 2000,
        "max_requests_jitter": 200,
        "limit_request_line": 8190,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "info",
        "preload_app": True,
        "proc_name": "permis2d-verifier",
        # gunicorn 23+ opens a control socket in ~/.gunicorn by default: one per user, so two
        # instances (tests, demo) would fight over it; we do not use it.
        "control_socket_disable": True,
    }
    _Gunicorn(app, options).run()


def spawn_verifier(
    trust_paths: Sequence[Path | str],
    data_dir: Path,
    log: Path,
    *,
    workers: int = 2,
    startup_seconds: float = 30.0,
) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``python -m verifier.serve`` on 127.0.0.1, a free port; return process and URL.

    For tests, benchmarks and the demo: the child gets the caller's environment without any
    ``PERMIS2D_*`` variable but ``PERMIS2D_DATA_DIR=data_dir``; its output goes to ``log``, where
    gunicorn's "Listening at" line gives the port; it is ready once ``/healthz`` answers.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERMIS2D_")}
    env["PERMIS2D_DATA_DIR"] = str(data_dir)
    command = [sys.executable, "-m", "verifier.serve", "--host", "127.0.0.1", "--port", "0",
               "--workers", str(workers)]
    for path in trust_paths:
        command += ["--trust", str(path)]
    root = Path(__file__).resolve().parent.parent
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=out,
                                   stderr=subprocess.STDOUT)
    deadline = time.monotonic() + startup_seconds
    while time.monotonic() < deadline and process.poll() is None:
        match = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", log.read_text())
        if match and _healthy(match.group(1)):
            return process, match.group(1)
        time.sleep(0.1)
    stop_verifier(process)
    raise RuntimeError(f"the verifier did not start:\n{log.read_text()}")


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as answer:  # noqa: S310
            return answer.status == 200
    except (urllib.error.URLError, OSError):
        return False


def stop_verifier(process: subprocess.Popen[bytes]) -> None:
    """Stop a verifier started by :func:`spawn_verifier` (the master stops its workers)."""
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _log_to_stderr() -> None:
    """Send the verifier's logs (audit records, warnings) to stderr beside gunicorn's own."""
    logger = logging.getLogger("verifier")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(
            "[%(asctime)s] [%(process)d] [%(levelname)s] %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m verifier.serve [--host H] [--port P] [--trust PATH]... [--workers N]``."""
    parser = argparse.ArgumentParser(prog="python -m verifier.serve", description=__doc__)
    settings = Settings.from_env()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=settings.verifier_port)
    parser.add_argument("--trust", action="append", default=[], type=Path)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--tsl-signer", action="append", default=[], type=Path)
    args = parser.parse_args(argv)
    serve_verifier(settings, args.host, args.port, args.trust, workers=args.workers,
                   tsl_signers=args.tsl_signer)


if __name__ == "__main__":
    main()
