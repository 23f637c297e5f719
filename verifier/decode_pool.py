"""A small pool of decoding child processes, reused, killed and replaced when they overrun.

Typical use (one pool per service process, built by :func:`verifier.web.create_app`)::

    pool = DecodePool(PoolSettings(size=2))
    texts = pool.scan(upload, limits)            # ScanError subclasses as in-process
    outcome = pool.repair(text, trust)           # a RepairOutcome, as verifier.wedge

Why (issue 10): the scanner's decode budget is checked between steps, so C code that never
returns (pdfium on a self-drawing form XObject) held a worker until gunicorn killed it, and the
client got no answer; memory was bounded by nothing but the machine. Each job here runs in a
child (:mod:`verifier.decode_child`) with an address-space limit and a lower CPU priority; the
parent waits at most the job's wall-clock limit, then kills the child, starts a fresh one and
answers ``decode_timeout`` (422); a child that runs out of memory or dies answers
``decode_too_large`` (413). Children come from a ``forkserver`` that has the decoders loaded (a
fresh child in milliseconds, and never a ``fork`` of a threaded server), started the first time
the pool is used in a process: a pool built before gunicorn forks its workers starts its
children in each worker, not in the master.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import threading
from dataclasses import dataclass
from typing import Any

from verifier.decode_child import child_main
from verifier.reasons import Failure, Reason
from verifier.scan_errors import (
    DecoderBusyError,
    DecodeTimeoutError,
    DecodeTooLargeError,
    RemoteScanError,
    ScanError,
)
from verifier.scan_limits import ScanLimits
from verifier.trust import TrustStore
from verifier.wedge import RepairBudget, RepairOutcome, repair_text

__all__ = ["DecodePool", "PoolSettings"]

log = logging.getLogger("verifier.decode")

#: Modules the fork server imports once, so that a fresh child starts in milliseconds.
_PRELOAD = ("verifier.decode_child", "verifier.scan", "verifier.wedge", "verifier.trust",
            "cryptography.x509")
#: A fresh child imports the decoders (about a second on a busy machine) before its first job.
_STARTUP_SECONDS = 60.0


@dataclass(frozen=True)
class PoolSettings:
    """Size of the pool and each child's limits.

    ``memory_bytes`` is what one decode may add to a loaded child (about 120 MB): a 40-megapixel
    RGB photo decodes in about 120 MB and its grayscale working copies add less than as much
    again. ``grace_seconds`` is added to a job's own budget before the hard kill: the
    cooperative budget should end a slow job first and say where it stopped.
    """

    size: int = 2
    memory_bytes: int = 640 * 2**20
    nice: int = 10
    grace_seconds: float = 2.0


class _Child:
    """One child process and our end of its pipe."""

    def __init__(self, context: Any, settings: PoolSettings) -> None:
        self.conn, child_end = context.Pipe(duplex=True)
        self.process = context.Process(
            target=child_main, args=(child_end, settings.memory_bytes, settings.nice),
            name="permis2d-decoder", daemon=True,
        )
        self.process.start()
        child_end.close()
        self.ready = False
        self._ready_lock = threading.Lock()
        self.peak_rss_kb = 0

    def wait_ready(self) -> None:
        """Wait for the child's first message (its imports done, its limits set).

        Locked: a worker's warm-up thread and a request may both wait for the same child, and
        only one of them may read that message.
        """
        with self._ready_lock:
            if self.ready:
                return
            if not self.conn.poll(_STARTUP_SECONDS):
                raise DecodeTimeoutError("the decoder did not start in time")
            message = self.conn.recv()
            self.ready, self.peak_rss_kb = True, message[2]

    def kill(self) -> None:
        """Stop the child at once (SIGKILL: C code does not answer SIGTERM) and reap it."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class DecodePool:
    """Children that decode uploads and search repairs, one job each at a time."""

    def __init__(self, settings: PoolSettings | None = None) -> None:
        self.settings = settings or PoolSettings()
        self._context = multiprocessing.get_context("forkserver")
        # The fork server loads the decoders once; each child is then a cheap fork of it. Not
        # the caller's ``__main__`` (multiprocessing's default): gunicorn's or pytest's.
        self._context.set_forkserver_preload(list(_PRELOAD))
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._free: queue.Queue[_Child] = queue.Queue()
        self._children: list[_Child] = []
        #: Peak RSS (KiB) the last job's child reported: tests assert the memory ceiling on it.
        self.last_peak_rss_kb = 0

    # -- the jobs ------------------------------------------------------------------------------

    def scan(self, data: bytes, limits: ScanLimits) -> list[str]:
        """:func:`verifier.scan.scan` in a child; raise its :class:`ScanError` as ours."""
        reply = self._run(("scan", data, limits), limits.budget_seconds)
        if reply[0] == "scan_error":
            raise RemoteScanError(reply[1], reply[2])
        texts: list[str] = reply[1]
        return texts

    def repair(
        self, text: str, trust: TrustStore, budget: RepairBudget | None = None
    ) -> RepairOutcome:
        """:func:`verifier.wedge.repair_text` in a child, given the certificates it may need.

        A text that needs no search is repaired here (no round trip). When the child overruns,
        the text is reported unrepairable, as when the budget runs out.
        """
        from verifier.wedge import needs_search

        budget = budget or RepairBudget()
        if not needs_search(text):
            return repair_text(text, trust, budget=budget)
        leaves = _leaves_for(text, trust)
        try:
            reply = self._run(("repair", text, leaves, budget), budget.seconds)
        except ScanError as exc:
            return RepairOutcome(text, Failure(Reason.WEDGE_UNREPAIRABLE, f"gave up: {exc}"))
        outcome: RepairOutcome = reply[1]
        return outcome

    def start(self) -> None:
        """Start the children now rather than on the first job (a worker's warm-up)."""
        self._ensure_started()
        with self._lock:
            while len(self._children) < self.settings.size:
                self._free.put(self._add_child())
        for child in list(self._children):
            child.wait_ready()

    def ping(self) -> int:
        """Run an empty job; return the child's peak RSS in KiB (for tests and health)."""
        self._run(("ping",), 1.0)
        return self.last_peak_rss_kb

    def close(self) -> None:
        """Stop every child of this process."""
        with self._lock:
            for child in self._children:
                child.kill()
            self._children.clear()
            self._free = queue.Queue()

    # -- machinery ------------------------------------------------------------------------------

    def _ensure_started(self) -> None:
        """Start the children in this process (again after a fork: the parent's are not ours)."""
        with self._lock:
            if self._pid == os.getpid():
                return
            self._children, self._free = [], queue.Queue()
            self._pid = os.getpid()

    def _add_child(self) -> _Child:
        child = _Child(self._context, self.settings)
        self._children.append(child)
        return child

    def _acquire(self, timeout: float) -> _Child:
        """A free child; a new one while the pool is below its size; else wait for one."""
        try:
            return self._free.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if len(self._children) < self.settings.size:
                return self._add_child()
        try:
            return self._free.get(timeout=timeout)
        except queue.Empty as exc:
            raise DecoderBusyError("every decoder stayed busy: try again in a moment") from exc

    def _replace(self, child: _Child) -> None:
        child.kill()
        with self._lock:
            if child in self._children:
                self._children.remove(child)
            if self._pid == os.getpid():
                self._free.put(self._add_child())  # started now, ready for the next job

    def _run(self, job: tuple[Any, ...], budget_seconds: float) -> tuple[Any, ...]:
        """Send ``job`` to a free child; kill it past ``budget_seconds`` plus the grace."""
        self._ensure_started()
        limit = budget_seconds + self.settings.grace_seconds
        child = self._acquire(limit)
        reusable = False
        try:
            child.wait_ready()
            child.conn.send(job)
            if not child.conn.poll(limit):
                log.warning("decoder overran its %.1f s limit on a %s job: killed", limit, job[0])
                raise DecodeTimeoutError(f"decoding took longer than {limit:g} s: stopped")
            reply: tuple[Any, ...] = child.conn.recv()
            self.last_peak_rss_kb = child.peak_rss_kb = reply[-1]
            if reply[0] == "memory":
                raise DecodeTooLargeError(f"decoding needs too much memory: {reply[1]}")
            if reply[0] == "failed":
                log.warning("decoder failed on a %s job: %s", job[0], reply[1])
                raise RemoteScanError({"code": "unreadable_file",
                                       "message": "the file could not be read"}, 422)
            reusable = True
            return reply
        except (EOFError, OSError) as exc:
            # The child died mid-job: killed by the kernel for memory, or a crash in C code.
            log.warning("decoder died on a %s job (%s)", job[0], exc)
            raise DecodeTooLargeError(
                "the decoder stopped (memory limit reached or a crash): file refused") from exc
        finally:
            if reusable:
                self._free.put(child)
            else:
                self._replace(child)


def _leaves_for(text: str, trust: TrustStore) -> list[tuple[bytes, str]]:
    """DER and source of the certificates the header of ``text`` names (none if unreadable)."""
    from cryptography.hazmat.primitives.serialization import Encoding

    from twoddoc import TwoDDocError
    from twoddoc.header import parse_header
    from verifier.wedge import normalise

    try:
        header = parse_header(normalise(text))
    except TwoDDocError:
        return []
    return [(leaf.certificate.public_bytes(Encoding.DER), leaf.source)
            for leaf in trust.candidates(header.ca_id, header.cert_id)]
