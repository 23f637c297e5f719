"""Run the verifier service under gunicorn: ``serve_verifier(settings, host, port, trust_paths)``.

Why gunicorn and not Flask's development server: the verifier faces the network and decodes
hostile files. gunicorn's pre-forked workers, each with a few threads (``gthread``), keep a slow
client to one thread, and the kernel's socket timeouts bound every read and write of a request
(issue 10); files are decoded in each worker's pool of limited child processes
(:mod:`verifier.decode_pool`). The app stays stateless, so more workers or machines scale it
(ARCHITECTURE.md, "Scale"). The trust store is loaded once in the master (``preload_app``) and
shared copy-on-write by the workers; ``SIGHUP`` to the master reloads it
(:mod:`verifier.trust_live`).

``port=0`` asks the kernel for a free port; gunicorn then logs ``Listening at: http://H:P``, which
the integration tests and benchmarks read. ``python -m verifier.serve --host H --port P --trust
PATH ...`` runs the same function (the tests start it this way as a subprocess).
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import ssl
import struct
import subprocess
import threading
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

from permis2d.children import spawn_service, stop_service
from permis2d.settings import Settings
from verifier.reasons import VerificationError
from verifier.trust_live import TrustHolder
from verifier.tsl_signature import load_tsl_signers

__all__ = ["EmptyTrustError", "main", "serve_verifier", "spawn_verifier", "stop_verifier"]


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


#: Seconds a connection may stay silent while sending its headers or body (``SO_RCVTIMEO``),
#: and while not reading our answer (``SO_SNDTIMEO``): a stalled client frees its thread then.
READ_TIMEOUT_SECONDS = 10
#: Threads per worker: a thread waits on a client or a decoding child, not on the CPU.
THREADS = 4


class EmptyTrustError(VerificationError):
    """The service would start with nothing trusted: every genuine document reported forged."""


def serve_verifier(
    settings: Settings,
    host: str,
    port: int,
    trust_paths: Sequence[Path | str] = (),
    *,
    workers: int | None = None,
    threads: int | None = None,
    certfile: Path | str | None = None,
    keyfile: Path | str | None = None,
    allow_empty_trust: bool = False,
    trust_check_seconds: float = 60.0,
    tsl_signers: Sequence[Path | str] = (),
) -> None:
    """Serve the verifier on ``host:port`` until stopped; trust ``trust_paths``, else the setting.

    Blocks. ``workers`` defaults to the number of CPUs (at least 2, at most 8), each with
    ``threads`` threads. With ``certfile`` and ``keyfile`` gunicorn speaks HTTPS itself (a
    phone's camera needs a secure context). Refuses an empty trust store unless
    ``allow_empty_trust`` (issue 9: a verifier that trusts nothing calls every document forged).
    Each worker looks for changed trust files every ``trust_check_seconds`` (at most 60).
    ``tsl_signers`` (else ``PERMIS2D_TSL_SIGNERS``) pin the signers of the TSLs among them,
    at start and at every reload.
    """
    from verifier.web import create_app

    _log_to_stderr()
    paths = tuple(trust_paths) or settings.verifier_trust
    pins = load_tsl_signers(tuple(tsl_signers) or settings.tsl_signers)
    holder = TrustHolder(paths, interval=trust_check_seconds, tsl_signers=pins)
    for note in holder.store.notes:  # e.g. a TSL with an unpinned signer: the operator must see it
        logging.getLogger("verifier.trust").warning("trust: %s", note)
    if holder.store.is_empty and not allow_empty_trust:
        where = ", ".join(str(p) for p in paths) if paths else "no trust source given"
        raise EmptyTrustError(
            f"the trust store is empty ({where}): give --trust PATH (a folder written by "
            "`permis2d keys export-trust`, a certificate folder or a TSL XML file) or set "
            "PERMIS2D_VERIFIER_TRUST; --allow-empty-trust starts anyway, reporting every "
            "document invalid")
    app = create_app(settings, holder)
    count = workers or min(8, max(2, os.cpu_count() or 2))
    pools = (app.extensions["permis2d_decode_pool"], app.extensions["permis2d_repair_pool"])
    options: dict[str, Any] = {
        "bind": f"{host}:{port}",
        "workers": count,
        # Threaded workers (issue 10): a slow client holds one thread, not a whole process;
        # decoding runs in the pool's child processes, so threads do not fight over the GIL.
        "worker_class": "gthread",
        "threads": threads or THREADS,
        # A worker whose main loop stops answering for 30 s is replaced; a request's own work
        # is bounded well below that (scan budget + the pool's hard limit).
        "timeout": 30,
        "graceful_timeout": 5,
        "keepalive": 5,
        # Recycle workers now and then: a slow leak must not grow a worker for ever.
        "max_requests": 2000,
        "max_requests_jitter": 200,
        "limit_request_line": 8190,
        "limit_request_fields": 100,
        "limit_request_field_size": 8190,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "info",
        "preload_app": True,
        "proc_name": "permis2d-verifier",
        # gunicorn 23+ opens a control socket in ~/.gunicorn by default: one per user, so two
        # instances (tests, demo) would fight over it; we do not use it.
        "control_socket_disable": True,
        "when_ready": lambda arbiter: (_set_socket_timeouts(arbiter), holder.watch()),
        "post_fork": lambda arbiter, worker: holder.after_fork(),
        # SIGHUP to the master: reload the trust store at once; the new workers gunicorn then
        # forks share it (issue 10). Each worker also notices changed files by itself.
        "on_reload": lambda arbiter: holder.reload("SIGHUP"),
        "post_worker_init": lambda worker: threading.Thread(
            target=_warm_up, args=(pools,), name="decode-pool-warm-up", daemon=True).start(),
    }
    if certfile or keyfile:
        if not (certfile and keyfile):
            raise EmptyTrustError("HTTPS needs both --certfile and --keyfile")
        options.update(certfile=str(certfile), keyfile=str(keyfile))
    _Gunicorn(app, options).run()


def _warm_up(pools: Sequence[Any]) -> None:
    """Start a new worker's decoding children before its first upload needs them."""
    for pool in pools:
        pool.start()


def _set_socket_timeouts(arbiter: Any) -> None:
    """Give the listening sockets read and write timeouts that accepted connections inherit.

    Why the kernel's timeouts: gunicorn has no header or body read timeout of its own, and a
    client that sends its headers and then stalls held a worker for 30 s (issue 10). On Linux an
    accepted socket inherits ``SO_RCVTIMEO``/``SO_SNDTIMEO`` from its listener, so every read of
    the request line, headers and body, and every write of the answer, waits at most
    :data:`READ_TIMEOUT_SECONDS`. A reverse proxy that buffers requests (README, deployment)
    remains the first line against slow clients.
    """
    timeout = struct.pack("ll", READ_TIMEOUT_SECONDS, 0)
    for listener in arbiter.LISTENERS:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, timeout)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, timeout)


def spawn_verifier(
    trust_paths: Sequence[Path | str],
    data_dir: Path,
    log: Path,
    *,
    workers: int = 2,
    startup_seconds: float = 30.0,
    extra_args: Sequence[str] = (),
) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``python -m verifier.serve`` on 127.0.0.1, a free port; return process and URL.

    For tests, benchmarks and the demo: the child gets the caller's environment without any
    ``PERMIS2D_*`` variable but ``PERMIS2D_DATA_DIR=data_dir``; its output goes to ``log``, where
    gunicorn's "Listening at" line gives the port; it is ready once ``/healthz`` answers.
    """
    args = ["--host", "127.0.0.1", "--port", "0", "--workers", str(workers)]
    for path in trust_paths:
        args += ["--trust", str(path)]
    args += list(extra_args)
    return spawn_service("verifier.serve", args, data_dir=data_dir, log=log, ready=_healthy,
                         startup_seconds=startup_seconds, what="the verifier")


def _healthy(url: str) -> bool:
    """True once ``/healthz`` answers: 200, or 503 ``degraded`` (up, but saying what is wrong)."""
    context = None
    if url.startswith("https:"):
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE  # a test's own cert
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2,  # noqa: S310
                                    context=context) as answer:
            return answer.status == 200
    except urllib.error.HTTPError as exc:
        return exc.code == 503
    except (urllib.error.URLError, OSError):
        return False


def stop_verifier(process: subprocess.Popen[bytes]) -> None:
    """Stop a verifier started by :func:`spawn_verifier` (the master stops its workers)."""
    stop_service(process)


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
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--certfile", type=Path, default=None)
    parser.add_argument("--keyfile", type=Path, default=None)
    parser.add_argument("--allow-empty-trust", action="store_true")
    parser.add_argument("--trust-check-seconds", type=float, default=60.0)
    parser.add_argument("--tsl-signer", action="append", default=[], type=Path)
    args = parser.parse_args(argv)
    try:
        serve_verifier(settings, args.host, args.port, args.trust, workers=args.workers,
                       threads=args.threads, certfile=args.certfile, keyfile=args.keyfile,
                       allow_empty_trust=args.allow_empty_trust,
                       trust_check_seconds=args.trust_check_seconds,
                       tsl_signers=args.tsl_signer)
    except VerificationError as exc:
        parser.exit(2, f"error: {exc}\n")


if __name__ == "__main__":
    main()
