"""Fuzz ``verifier.scan.scan`` on mutated PNG, JPEG, WebP, TIFF and PDF bytes.

Why: the scanner is the verifier's first contact with anyone's upload; its contract
(docs/CONTRACTS.md) is that only ``ScanError`` subclasses leave it (each with a stable code and a
4xx status hint), that a success is a non-empty list of texts starting with ``DC``, and that every
limit holds, the decode-time budget included. A hang is a finding too: each call must end within
its budget plus a grace for the one decoder step already running (the budget is checked between
steps), and libFuzzer's ``-timeout`` stops anything worse.

Seeds: a small DataMatrix of a code signed at start (pylibdmtx in C40, via
``tests.support.symbols``) saved in each image format, and one-page PDFs (embedded image and
vector drawing, reportlab). The limits are tighter than the service's so an input takes at most
about a second (``PERMIS2D_FUZZ_SCAN_BUDGET`` seconds).
Run: ``.venv/bin/python fuzz/fuzz_scan.py [CORPUS] -max_total_time=120 -timeout=10``.
"""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fuzz._common import env_seconds, run
from fuzz.twoddoc_seeds import signer
from twoddoc import Header, encode
from verifier.scan import ScanError, ScanLimits, scan

NAME = "scan"
BUDGET = env_seconds("PERMIS2D_FUZZ_SCAN_BUDGET", 1.0)
LIMITS = ScanLimits(max_bytes=2 * 1024 * 1024, max_pixels=4_000_000, max_pages=3,
                    budget_seconds=BUDGET)
# One decoder call (zxing-cpp, a pylibdmtx attempt, a pdfium render) may finish after the budget
# runs out; the scanner checks the deadline between steps.
GRACE_SECONDS = 3.0


def _code() -> str:
    import datetime as dt

    header = Header(version=4, ca_id="FR00", cert_id="0001", emission_date=dt.date(2024, 2, 29),
                    signature_date=dt.date(2024, 2, 29), doc_type="00", perimeter="01",
                    country="FR")
    return encode(header, [("10", "M JEAN DUPONT"), ("24", "75001")], signer())


def seeds() -> list[bytes]:
    """The signed code's DataMatrix as PNG, JPEG, WebP and TIFF, and two one-page PDFs."""
    from tests.support.symbols import pdf_with_symbols, render_datamatrix

    text = _code()
    image = render_datamatrix(text, module_px=3)
    out = []
    for fmt, options in (("PNG", {"optimize": True}), ("JPEG", {"quality": 60}),
                         ("WEBP", {"lossless": True}), ("TIFF", {"compression": "tiff_lzw"})):
        buffer = io.BytesIO()
        image.save(buffer, fmt, **options)
        out.append(buffer.getvalue())
    out.append(pdf_with_symbols([[text]], symbol_mm=20))
    out.append(pdf_with_symbols([[text]], vector=True, symbol_mm=20))
    return out


def TestOneInput(data: bytes) -> None:  # noqa: N802 (atheris' name)
    """One input: scan it within the limits and check the outcome."""
    start = time.monotonic()
    try:
        texts = scan(data, limits=LIMITS)
    except ScanError as exc:
        assert 400 <= exc.http_status < 500, exc
        assert isinstance(exc.code, str) and exc.to_json()["code"] == exc.code
    else:
        assert texts and all(text.startswith("DC") for text in texts), texts
    elapsed = time.monotonic() - start
    assert elapsed < BUDGET + GRACE_SECONDS, f"scan took {elapsed:.1f} s, budget {BUDGET} s"


if __name__ == "__main__":
    run(NAME, TestOneInput, seeds)
