"""One closed-loop HTTP load for every service benchmark (portal, verifier, agent API).

``threads`` clients, each with its own ``requests.Session``, send until ``count`` requests are
sent or ``seconds`` have passed; every latency is kept; the figures are requests/s over the wall
time, the median and the 99th percentile (nearest rank), and the answers that were not
``expect``. One implementation, so the three tables measure the same way.
"""

from __future__ import annotations

import gc
import math
import statistics
import threading
import time
from collections.abc import Callable

import requests

__all__ = ["closed_loop"]


def closed_loop(
    send: Callable[[requests.Session, int], requests.Response],
    *,
    threads: int,
    count: int,
    seconds: float,
    expect: int = 200,
    prepare: Callable[[requests.Session], None] | None = None,
) -> dict[str, float]:
    """Run ``send(session, n)`` for n = 0, 1, … from ``threads`` threads; return the figures.

    ``prepare`` sets up each client's session once (cookies, an ``Authorization`` header).
    """
    latencies: list[float] = []
    errors = 0
    sent = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client() -> None:
        nonlocal sent, errors
        with requests.Session() as session:
            if prepare is not None:
                prepare(session)
            while time.monotonic() < stop_at:
                with lock:
                    if sent >= count:
                        return
                    n, sent = sent, sent + 1
                start = time.perf_counter()
                response = send(session, n)
                elapsed = (time.perf_counter() - start) * 1000
                with lock:
                    latencies.append(elapsed)
                    errors += response.status_code != expect

    gc.collect()
    started = time.perf_counter()
    pool = [threading.Thread(target=client) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    wall = time.perf_counter() - started
    ordered = sorted(latencies)
    if not ordered:
        return {"requests": 0, "errors": 0, "rps": 0.0, "p50_ms": 0.0, "p99_ms": 0.0}
    return {"requests": len(ordered), "errors": errors, "rps": len(ordered) / wall,
            "p50_ms": statistics.median(ordered),
            "p99_ms": ordered[max(0, math.ceil(len(ordered) * 0.99) - 1)]}
