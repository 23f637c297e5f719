"""The read-back decodes our symbols in zxing-cpp's pure mode, at every symbol size we draw."""

from __future__ import annotations

import random

import pytest
from PIL import Image

from issuer.datamatrix import _read_detected, _read_pure, check_readback, render_symbol
from issuer.errors import BarcodeReadbackError

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 \x1d\x1e"


def _text(length: int, seed: int) -> str:
    rng = random.Random(seed)
    return "DC04FR000001" + "".join(rng.choice(ALPHABET) for _ in range(length))


@pytest.mark.parametrize("length", [1, 30, 120, 382, 700, 1200])
def test_pure_read_returns_the_exact_bytes_at_every_size(length: int) -> None:
    text = _text(length, length)
    symbol = render_symbol(text)
    assert _read_pure(symbol.image) == [text.encode("latin-1")]
    assert _read_detected(symbol.image) == [text.encode("latin-1")]


def test_sizes_covered_go_from_small_to_large() -> None:
    sizes = {render_symbol(_text(length, length)).size for length in (1, 1200)}
    assert min(sizes) <= 24 and max(sizes) >= 88


def test_a_damaged_symbol_is_refused() -> None:
    text = _text(200, 7)
    image = render_symbol(text).image.copy()
    # Blank a third of the symbol: beyond what error correction restores.
    side = image.width
    image.paste(Image.new("1", (side, side // 3), 1), (0, side // 3))
    assert _read_pure(image) == []
    with pytest.raises(BarcodeReadbackError):
        check_readback(image, text)


def test_the_full_detector_reads_what_the_pure_mode_cannot() -> None:
    text = _text(200, 11)
    turned = render_symbol(text).image.rotate(90)  # pure mode reads only the upright symbol
    assert _read_pure(turned) == []
    assert _read_detected(turned) == [text.encode("latin-1")]
    check_readback(turned, text)  # does not raise: the fallback decoded the exact bytes
