"""The trust store of a running verifier: reloaded without a restart, and CRLs kept fresh.

Why (issue 10): a verifier runs for months while its operator revokes and rotates certificates.
Before, a service learnt of a revocation only when restarted, and a CRL four months past its
``nextUpdate`` was used without a word. Now:

* :class:`TrustHolder` owns the store and the paths it came from. :meth:`TrustHolder.reload`
  reads them again at once (the service calls it on ``SIGHUP``); :meth:`TrustHolder.current`,
  called by every request, looks at the files' sizes and modification times at most every
  ``interval`` seconds (60 by default) and reloads when they changed and then stayed unchanged
  for ``settle`` seconds (a ``keys export-trust`` copies file after file: a half-written folder
  must not become the store). A reload that fails (a source gone, a broken TSL, nothing
  trusted) keeps the last good store, logs a warning and shows the error in ``/healthz``.
* :func:`crl_next_updates` and :func:`stale_crl` judge a CRL against its ``nextUpdate``
  (RFC 5280 §5.1.2.5): the policy fails ``certificate_not_revoked`` with ``CRL_STALE`` past it,
  fail-closed, since a stale list may miss a revocation; ``/healthz`` answers 503 ``degraded``.

Clocks are parameters (``clock`` for the check interval, ``wall`` for the reported times).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from cryptography import x509

from verifier.trust import TrustStore, TrustStoreError

__all__ = ["TrustHolder", "crl_next_updates", "health", "stale_crl"]

log = logging.getLogger("verifier.trust")

#: The zone of every 2D-Doc date (§3.3.1), in which a verification date is a day.
_FRENCH_TIME = ZoneInfo("Europe/Paris")


def crl_next_updates(store: TrustStore) -> dict[str, dt.datetime | None]:
    """Per CA id with a verified CRL, the latest ``nextUpdate`` of its CRLs (UTC).

    ``None`` when a CRL of that CA has no ``nextUpdate``: RFC 5280 requires one; such a CRL is
    never judged stale, and ``/healthz`` shows the gap.
    """
    out: dict[str, dt.datetime | None] = {}
    for ca_id, crls in store.verified_crls().items():
        dates = [crl.next_update_utc for crl in crls]
        out[ca_id] = None if None in dates else max(d for d in dates if d is not None)
    return out


def stale_crl(store: TrustStore, ca_id: str, at: dt.date) -> dt.datetime | None:
    """The ``nextUpdate`` of ``ca_id``'s freshest CRL when it falls before the day ``at``.

    ``at`` is the verification date, a day in French civil time like every 2D-Doc date: a CRL
    whose ``nextUpdate`` falls during that day still counts. None when the CA has no verified
    CRL or its freshest one is current.
    """
    next_update = crl_next_updates(store).get(ca_id)
    if next_update is None:
        return None
    return next_update if next_update.astimezone(_FRENCH_TIME).date() < at else None


def _signature(paths: Iterable[Path]) -> tuple[tuple[str, int, int], ...]:
    """Name, size and modification time of every file under ``paths`` (missing ones too)."""
    out: list[tuple[str, int, int]] = []
    for path in paths:
        try:
            files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        except OSError:
            files = [path]
        for file in files:
            try:
                stat = file.stat()
            except OSError:
                out.append((str(file), -1, -1))
                continue
            out.append((str(file), stat.st_size, stat.st_mtime_ns))
    return tuple(out)


class TrustHolder:
    """The current trust store of a service, and how and when it was last (re)loaded."""

    def __init__(
        self,
        paths: Sequence[Path | str] = (),
        store: TrustStore | None = None,
        *,
        interval: float = 60.0,
        settle: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        tsl_signers: Sequence[x509.Certificate] = (),
    ) -> None:
        self.paths = tuple(Path(p) for p in paths)
        # The pinned TSL signers apply to every reload: a reload must never drop the pinning.
        self.tsl_signers = tuple(tsl_signers)
        self.interval, self.settle = min(interval, 60.0), settle
        self.clock, self.wall = clock, wall
        self._lock = threading.Lock()
        self._seen = _signature(self.paths)
        self.store = store if store is not None else (
            TrustStore.load(self.paths, tsl_signers=self.tsl_signers) if self.paths
            else TrustStore.empty())
        self.loaded_at = wall()
        self.reload_error: str | None = None
        self._next_check = clock() + self.interval
        self._changed: tuple[tuple[str, int, int], ...] | None = None

    def current(self) -> TrustStore:
        """The store to use now, reloaded first when its files changed (checked ≤ 1/interval)."""
        if self.paths and self.clock() >= self._next_check:
            self._check()
        return self.store

    def _check(self) -> None:
        with self._lock:
            now = self.clock()
            if now < self._next_check:
                return
            seen = _signature(self.paths)
            if seen == self._seen:
                self._changed, self._next_check = None, now + self.interval
            elif seen != self._changed:
                # First sight of a change: look again once it has settled.
                self._changed = seen
                self._next_check = now + self.settle
            else:
                self._reload_locked("the trust files changed")
                self._changed, self._next_check = None, now + self.interval

    def watch(self) -> threading.Thread:
        """Look for changed files every ``interval`` seconds in a daemon thread.

        For gunicorn's master, which serves no request: it reloads on ``SIGHUP``, and the
        workers it forks start from its store, so that store must follow the files too (a
        failed reload keeps the *last* good store, not the one loaded at start).
        """
        def loop() -> None:
            while True:
                time.sleep(self.interval)
                self.current()

        thread = threading.Thread(target=loop, name="trust-watch", daemon=True)
        thread.start()
        return thread

    def after_fork(self) -> None:
        """In a new worker: a fresh lock (the master's may have been held), and look at once."""
        self._lock = threading.Lock()
        self._next_check = self.clock()

    def reload(self, why: str = "SIGHUP") -> bool:
        """Load the trust paths again now; keep the last good store if that fails."""
        with self._lock:
            return self._reload_locked(why)

    def _reload_locked(self, why: str) -> bool:
        seen = _signature(self.paths)
        try:
            store = TrustStore.load(self.paths, tsl_signers=self.tsl_signers)
            if store.is_empty:
                raise TrustStoreError("no certificate found: nothing would be trusted",
                                      path=self.paths[0])
        except TrustStoreError as exc:
            self.reload_error = f"{self.wall().isoformat()}: {exc}"
            self._seen = seen  # do not retry the same broken files on every request
            log.warning("trust reload (%s) failed, keeping the store loaded at %s: %s",
                        why, self.loaded_at.isoformat(), exc)
            return False
        self.store, self._seen = store, seen
        self.loaded_at, self.reload_error = self.wall(), None
        log.warning("trust store reloaded (%s): CAs %s, %d certificates", why,
                    ", ".join(store.ca_ids()) or "none", sum(1 for _ in store.leaves()))
        return True


def health(holder: TrustHolder) -> tuple[dict[str, Any], int]:
    """The ``/healthz`` body and status: 503 ``degraded`` when nothing is trusted or a CRL is
    past its ``nextUpdate`` (issue 9); CA ids, certificate count, each CRL's ``nextUpdate``."""
    store = holder.current()
    now = holder.wall()
    crls = []
    problems = []
    for ca_id, next_update in crl_next_updates(store).items():
        stale = next_update is not None and next_update < now
        crls.append({"ca_id": ca_id, "next_update": next_update and next_update.isoformat(),
                     "stale": stale})
        if stale:
            problems.append(f"the CRL of {ca_id} is past its nextUpdate")
    certificates = sum(1 for _ in store.leaves())
    if store.is_empty:
        problems.append("nothing is trusted")
    body: dict[str, Any] = {
        "status": "degraded" if problems else "ok",
        "trusted_cas": list(store.ca_ids()),
        "certificates": certificates,
        "crls": crls,
        "trust_loaded_at": holder.loaded_at.isoformat(),
        "trust_reload_error": holder.reload_error,
    }
    if problems:
        body["problems"] = problems
    return body, 503 if problems else 200
