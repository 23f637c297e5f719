"""Run the portal under gunicorn: ``serve_issuer(settings, host, port)``.

Why gunicorn's pre-forked workers, each with a few threads (``gthread``): the portal is
stateless (sessions in a signed cookie, counters and tokens in the database), so workers and
machines scale it out. A client that sends its headers and then stalls held a whole sync worker
for 30 s (two of them froze a 2-worker portal, as issue 10 found on the verifier); now it holds
one thread, and the kernel's socket timeouts free it after :data:`READ_TIMEOUT_SECONDS`. The app
is built in each worker (``preload_app`` off) so that no database connection is shared across a
fork.

``port=0`` asks for a free port; gunicorn logs ``Listening at: http://H:P``, which
:func:`spawn_issuer` (tests, benchmark, ``permis2d demo``) reads.
``python -m issuer.web.serve --host H --port P [--workers N]`` runs the same function.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import socket
import struct
import subprocess
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

from permis2d.children import spawn_service, stop_service
from permis2d.settings import Settings

__all__ = ["main", "serve_issuer", "spawn_issuer", "stop_issuer", "with_served_issuer_url"]


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    """A gunicorn application that builds the portal in each worker."""

    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self.settings, self.options = settings, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:
                self.cfg.set(key, value)

    def load(self) -> Any:
        from issuer.web import create_app

        return create_app(self.settings)


#: Seconds a connection may stay silent while sending its request, or while not reading our
#: answer (``SO_RCVTIMEO``/``SO_SNDTIMEO``): a stalled client then frees its thread.
READ_TIMEOUT_SECONDS = 10
#: Threads per worker: a page waits on the database or a slow client more than on the CPU.
THREADS = 4


def with_served_issuer_url(settings: Settings, host: str, port: int) -> Settings:
    """Name the portal served on ``host:port`` in its e-mails, unless a URL was configured.

    ``PERMIS2D_ISSUER_URL`` is where the confirmation and reset links point; left at its
    default (port 8000), a portal served on another port (``permis2d demo --portal-port``,
    ``serve issuer --port``) would mail links to a page that is not there.
    """
    default = next(f.default for f in dataclasses.fields(Settings) if f.name == "issuer_url")
    if settings.issuer_url != default or port == 0:  # configured, or a port not yet known
        return settings
    shown = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host  # noqa: S104
    shown = f"[{shown}]" if ":" in shown else shown
    return dataclasses.replace(settings, issuer_url=f"http://{shown}:{port}/")


def serve_issuer(settings: Settings, host: str, port: int, *, workers: int | None = None,
                 access_log: bool = True) -> None:
    """Serve the portal on ``host:port`` until stopped (blocks); ``access_log`` off for benches."""
    settings = with_served_issuer_url(settings, host, port)
    settings.flask_secret_key()  # generated once, before the workers race to create it
    _ensure_schema(settings)
    count = workers or min(8, max(2, os.cpu_count() or 2))
    options = {
        "bind": f"{host}:{port}",
        "workers": count,
        "worker_class": "gthread",
        "threads": THREADS,
        "timeout": 30,
        "graceful_timeout": 5,
        "keepalive": 2,
        "max_requests": 5000,
        "max_requests_jitter": 500,
        "limit_request_line": 8190,
        "accesslog": "-" if access_log else None,
        # No query string (a token could sit there), and the time spent: server time per request.
        "access_log_format": '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(D)sus',
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "permis2d-issuer",
        "control_socket_disable": True,
        "when_ready": _set_socket_timeouts,
    }
    _Gunicorn(settings, options).run()


def _set_socket_timeouts(arbiter: Any) -> None:
    """Give the listening sockets read and write timeouts that accepted connections inherit.

    gunicorn has no header or body read timeout of its own; on Linux an accepted socket inherits
    ``SO_RCVTIMEO``/``SO_SNDTIMEO`` from its listener (as in :mod:`verifier.serve`).
    """
    timeout = struct.pack("ll", READ_TIMEOUT_SECONDS, 0)
    for listener in arbiter.LISTENERS:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, timeout)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, timeout)


def _ensure_schema(settings: Settings) -> None:
    """Bring the registry and account tables up to date once, in the master, before serving.

    Why here: a portal started on a fresh data dir (or after an upgrade) otherwise answered its
    first sign-up with a 500 (``no such table``); like ``permis2d issue``, it upgrades only
    when the schema is behind (:func:`registry.db.ensure_schema`).
    """
    from registry.db import ensure_schema, make_engine

    engine = make_engine(settings.database_url or "")
    try:
        ensure_schema(engine)
    finally:
        engine.dispose()


def spawn_issuer(data_dir: Path, log: Path, *, env: Mapping[str, str] | None = None,
                 workers: int = 2, startup_seconds: float = 60.0, quiet: bool = False,
                 port: int = 0) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``python -m issuer.web.serve`` on 127.0.0.1 (``port``, 0: a free one); return the
    process and its URL.

    The child gets the caller's environment without ``PERMIS2D_*`` variables, then
    ``PERMIS2D_DATA_DIR=data_dir`` and ``env``; its output goes to ``log``.
    """
    args = ["--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    if quiet:
        args.append("--quiet")
    return spawn_service("issuer.web.serve", args, data_dir=data_dir, log=log, ready=_answers,
                         env=env, startup_seconds=startup_seconds, what="the portal")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/connexion", timeout=5) as answer:  # noqa: S310
            return answer.status == 200
    except (urllib.error.URLError, OSError):
        return False


def stop_issuer(process: subprocess.Popen[bytes]) -> None:
    """Stop a portal started by :func:`spawn_issuer` (the master stops its workers)."""
    stop_service(process)


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m issuer.web.serve [--host H] [--port P] [--workers N] [--quiet]``."""
    settings = Settings.from_env()
    parser = argparse.ArgumentParser(prog="python -m issuer.web.serve", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=settings.issuer_port)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--quiet", action="store_true", help="no access log (benchmarks)")
    args = parser.parse_args(argv)
    serve_issuer(settings, args.host, args.port, workers=args.workers,
                 access_log=not args.quiet)

if __name__ == "__main__":
    main()
