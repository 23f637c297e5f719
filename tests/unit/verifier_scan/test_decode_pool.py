"""The decoding children: hard wall-clock and memory limits, replacement, one frame at a time.

Issue 10 found a 644-byte PDF that hangs pdfium (a form XObject drawing itself) and a 30 KB
TIFF of ten 40-megapixel frames that peaked at 980 MB. Both are built here, fed to the real
pool, and must come back as our 4xx errors in about the budget, the pool still serving.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator

import pytest
from PIL import Image

from tests.support.symbols import big_frames_tiff, recursive_pdf, render_datamatrix
from verifier.decode_pool import DecodePool, PoolSettings
from verifier.reasons import Reason
from verifier.scan_errors import DecodeTimeoutError, DecodeTooLargeError, ScanError
from verifier.scan_limits import ScanLimits
from verifier.trust import TrustStore

TEXT = "DC04FR0000012668266800010FRDEMO\x1f" + "A" * 103


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def pool() -> Iterator[DecodePool]:
    pool = DecodePool(PoolSettings(size=1, grace_seconds=1.0))
    pool.start()
    yield pool
    pool.close()


def test_a_readable_image_is_read_in_the_child(pool: DecodePool) -> None:
    assert pool.scan(_png(render_datamatrix(TEXT)), ScanLimits()) == [TEXT]


def test_our_errors_come_back_with_their_code(pool: DecodePool) -> None:
    with pytest.raises(ScanError) as caught:
        pool.scan(b"GIF89a....", ScanLimits())
    assert caught.value.code == "unsupported_format" and caught.value.http_status == 415


def test_recursive_pdf_is_killed_at_the_hard_limit(pool: DecodePool) -> None:
    data = recursive_pdf()
    assert len(data) < 1024
    start = time.monotonic()
    # pdfium either runs until the hard time limit or, drawing ever more, reaches the memory
    # limit first (it aborts then): both are refused in about the budget, and the child replaced.
    with pytest.raises((DecodeTimeoutError, DecodeTooLargeError)) as caught:
        pool.scan(data, ScanLimits(budget_seconds=1.0))
    spent = time.monotonic() - start
    assert spent < 6.0, spent  # budget + 1 s grace, plus a busy machine's slack
    assert (caught.value.code, caught.value.http_status) in {("decode_timeout", 422),
                                                             ("decode_too_large", 413)}
    # The child was replaced: the next upload is served.
    assert pool.scan(_png(render_datamatrix(TEXT)), ScanLimits()) == [TEXT]


def test_multi_frame_tiff_decodes_one_frame_at_a_time(pool: DecodePool) -> None:
    data = big_frames_tiff()
    assert len(data) < 64 * 1024
    start = time.monotonic()
    with pytest.raises(ScanError) as caught:
        pool.scan(data, ScanLimits(budget_seconds=3.0))
    assert time.monotonic() - start < 10
    assert caught.value.http_status in (413, 422)
    # Ten frames of 40 MB each were 980 MB at once; one frame and its reader stay far below.
    assert 0 < pool.last_peak_rss_kb < 450 * 1024, pool.last_peak_rss_kb


def test_an_image_beyond_the_memory_limit_is_refused() -> None:
    small = DecodePool(PoolSettings(size=1, memory_bytes=48 * 2**20))
    try:
        photo = _png(Image.new("RGB", (5000, 5000), (255, 255, 255)))  # 75 MB decoded
        with pytest.raises(DecodeTooLargeError) as caught:
            small.scan(photo, ScanLimits())
        assert caught.value.code == "decode_too_large" and caught.value.http_status == 413
        assert small.scan(_png(render_datamatrix(TEXT)), ScanLimits()) == [TEXT]
    finally:
        small.close()


def test_repair_search_runs_in_the_child(pool: DecodePool) -> None:
    hostile = "DC04FR00000126682668AB01FR" + "42" * 100 + "A" * 300
    outcome = pool.repair(hostile, TrustStore.empty())
    assert outcome.failure is not None
    assert outcome.failure.reason is Reason.WEDGE_UNREPAIRABLE
