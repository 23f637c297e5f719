"""The decoding child process: scan uploads and search wedge repairs under hard OS limits.

Why a child process: the decoders are C code (pdfium, Pillow's codecs, zxing-cpp, libdmtx) that
the scanner's cooperative budget cannot interrupt, and whose memory use a small hostile file can
blow up (issue 10: a 644-byte PDF whose form XObject draws itself hangs pdfium; a 30 KB TIFF of
ten 40-megapixel frames peaked at 980 MB). Here they run in a process that

* caps its own address space with ``resource.RLIMIT_AS`` (a decoder that asks for more gets a
  ``MemoryError`` or dies; either way the upload is refused as ``decode_too_large``),
* lowers its CPU priority (``os.nice``), so a flood of costly uploads or wedge repairs cannot
  starve the service's quick requests of CPU, and
* can be killed by its parent (:mod:`verifier.decode_pool`) at a hard wall-clock limit.

The protocol is a ``multiprocessing`` pipe of small tuples: ``("scan", bytes, ScanLimits)``,
``("repair", text, [(certificate DER, source)], RepairBudget)`` or ``("ping",)`` in; ``("ok",
value, peak_rss_kb)``, ``("scan_error", body, status, peak_rss_kb)``, ``("memory", message,
peak_rss_kb)`` or ``("failed", message, peak_rss_kb)`` out. The decoders are loaded before
the address-space limit is set (the pool's fork server preloads them): the limit is what one
job may add to a loaded child.
"""

from __future__ import annotations

import os
import resource
from multiprocessing.connection import Connection
from typing import Any

__all__ = ["child_main", "peak_rss_kb"]

def peak_rss_kb() -> int:
    """This process's peak resident set size in KiB (``ru_maxrss`` on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _address_space() -> int:
    """This process's current virtual size in bytes (``/proc/self/statm``, first field)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[0])
    return pages * os.sysconf("SC_PAGE_SIZE")


def child_main(conn: Connection, memory_bytes: int, nice: int) -> None:
    """Serve jobs from ``conn`` until it closes; ``memory_bytes`` above the loaded baseline."""
    if nice:
        os.nice(nice)
    from cryptography import x509

    from verifier.scan import ScanError, scan
    from verifier.trust import TrustMaterial, TrustStore
    from verifier.wedge import repair_text

    # The limit is set once the libraries are loaded: their code and the interpreter are the
    # baseline, ``memory_bytes`` is what one decode may add on top of it.
    limit = _address_space() + memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        conn.send(("ready", limit, peak_rss_kb()))
    except OSError:
        return  # the parent is gone already (a worker stopped while we started)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        reply: tuple[Any, ...]
        try:
            if job[0] == "scan":
                reply = ("ok", scan(job[1], limits=job[2]), peak_rss_kb())
            elif job[0] == "repair":
                leaves = [(x509.load_der_x509_certificate(der), source) for der, source in job[2]]
                trust = TrustStore(TrustMaterial(leaves=leaves))
                reply = ("ok", repair_text(job[1], trust, budget=job[3]), peak_rss_kb())
            else:
                reply = ("ok", None, peak_rss_kb())
        except ScanError as exc:
            reply = ("scan_error", exc.to_json(), exc.http_status, peak_rss_kb())
        except MemoryError:
            reply = ("memory", f"more than {memory_bytes // 2**20} MB needed", peak_rss_kb())
        except Exception as exc:  # a decoder failing on a hostile file: reported, not fatal
            reply = ("failed", f"{type(exc).__name__}: {exc}", peak_rss_kb())
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return
        if reply[0] == "memory":
            return  # the heap may be fragmented past use: the parent starts a fresh child
