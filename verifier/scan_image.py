"""Read DataMatrix symbols from one decoded image: zxing-cpp first, then fallbacks.

Why this order: zxing-cpp reads a clean crop in well under a millisecond and a 300 dpi A4 scan in
tens of milliseconds (ARCHITECTURE.md, performance budget), so the plain read comes first and costs
nothing extra when it succeeds. Only when it fails do we pay for preprocessing (grayscale, contrast
stretch, upscaling of small symbols, adaptive threshold, denoising, a 45° turn) and, last,
pylibdmtx on a crop, always with ``max_count=1`` and a timeout taken from the budget.

Texts are returned as ``str`` whose characters are the symbol's bytes 0-255 (latin-1), read from
zxing-cpp's ``.bytes``: ``.text`` would show the GS separator as ``<GS>`` (ARCHITECTURE.md, traps).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from enum import Enum

import numpy as np
import zxingcpp
from PIL import Image, ImageFilter, ImageOps
from pylibdmtx import pylibdmtx

from verifier.scan_limits import Deadline

__all__ = ["Effort", "read_datamatrix", "read_other_symbols"]

_DATAMATRIX = zxingcpp.BarcodeFormat.DataMatrix
# Formats read only to explain a failure ("this is a QR code, not a 2D-Doc").
_OTHER = [
    zxingcpp.BarcodeFormat.QRCode,
    zxingcpp.BarcodeFormat.Aztec,
    zxingcpp.BarcodeFormat.PDF417,
    zxingcpp.BarcodeFormat.DataMatrix,
]
# Below this many pixels on the short side an image is probably a bare symbol at 1-3 px/module
# (an image embedded in a PDF, a screenshot crop): upscale it with nearest-neighbour.
_SMALL_SIDE = 240
# pylibdmtx works on at most this many pixels on the long side: it is slow on full pages.
_DMTX_MAX_SIDE = 1000
# At most this many pylibdmtx attempts per image, each capped at _DMTX_SECONDS.
_DMTX_MAX_CROPS = 2
_DMTX_SECONDS = 0.75
# Preprocessing fallbacks work on at most this many pixels on the long side.
_WORK_MAX_SIDE = 2000


def _zxing(image: Image.Image, **options: object) -> list[str]:
    """Texts of every DataMatrix zxing-cpp reads in ``image`` (bytes as latin-1)."""
    found = zxingcpp.read_barcodes(image, formats=_DATAMATRIX, **options)
    return [barcode.bytes.decode("latin-1") for barcode in found]


def _pad(image: Image.Image, border: int) -> Image.Image:
    """Add a white quiet zone: a crop flush with the symbol has none, and both readers need one."""
    return ImageOps.expand(image, border=border, fill=255)


def _upscale(image: Image.Image, factor: int, resample: Image.Resampling) -> Image.Image:
    return image.resize((image.width * factor, image.height * factor), resample)


def _adaptive_threshold(gray: Image.Image, radius: int, offset: int = 8) -> Image.Image:
    """Binarise against the local mean (a box blur): evens out shadows and uneven lighting."""
    local = np.asarray(gray.filter(ImageFilter.BoxBlur(radius)), dtype=np.int16)
    pixels = np.asarray(gray, dtype=np.int16)
    return Image.fromarray(np.where(pixels < local - offset, 0, 255).astype(np.uint8), "L")


def _variants(image: Image.Image) -> Iterator[tuple[str, Callable[[], Image.Image], dict]]:
    """Preprocessed versions of ``image``, cheapest and likeliest first, built lazily."""
    gray = image.convert("L")
    small = min(gray.size) < _SMALL_SIDE
    if small:
        factor = max(2, -(-2 * _SMALL_SIDE // max(1, min(gray.size))))
        yield "small-nearest", lambda: _pad(_upscale(gray, factor, Image.Resampling.NEAREST),
                                            8 * factor), {}
    stretched = ImageOps.autocontrast(gray, cutoff=1)
    yield "stretch", lambda: stretched, {"binarizer": zxingcpp.Binarizer.GlobalHistogram}
    if min(gray.size) < 3 * _SMALL_SIDE:
        yield "upscale-2x", lambda: _upscale(stretched, 2, Image.Resampling.BICUBIC), {}
    yield "threshold", lambda: _adaptive_threshold(stretched, max(4, min(gray.size) // 40)), {
        "binarizer": zxingcpp.Binarizer.FixedThreshold
    }
    # A small window with no offset sharpens a blurred symbol's module edges (a defocused
    # phone photo): zxing-cpp reads it where its own binarizers see a grey smear.
    yield "threshold-fine", lambda: _adaptive_threshold(stretched, 3, 0), {
        "binarizer": zxingcpp.Binarizer.FixedThreshold
    }
    yield "median", lambda: stretched.filter(ImageFilter.MedianFilter(3)), {}
    yield "blur-threshold", lambda: _adaptive_threshold(
        stretched.filter(ImageFilter.GaussianBlur(1.5)), max(4, min(gray.size) // 40)
    ), {"binarizer": zxingcpp.Binarizer.FixedThreshold}
    if min(gray.size) < 3 * _SMALL_SIDE:
        yield "upscale-3x", lambda: _upscale(
            stretched.filter(ImageFilter.GaussianBlur(0.8)), 3, Image.Resampling.BICUBIC
        ), {}
    yield "rotate-45", lambda: stretched.rotate(45, Image.Resampling.BICUBIC, expand=True,
                                                fillcolor=255), {}


def _dmtx_candidates(gray: Image.Image) -> Iterator[Image.Image]:
    """Crops for pylibdmtx: around each symbol zxing-cpp located but could not decode, else all."""
    for barcode in zxingcpp.read_barcodes(gray, formats=_DATAMATRIX, return_errors=True):
        corners = barcode.position
        xs = [corners.top_left.x, corners.top_right.x, corners.bottom_left.x,
              corners.bottom_right.x]
        ys = [corners.top_left.y, corners.top_right.y, corners.bottom_left.y,
              corners.bottom_right.y]
        margin = max(8, (max(xs) - min(xs)) // 4)
        box = (max(0, min(xs) - margin), max(0, min(ys) - margin),
               min(gray.width, max(xs) + margin), min(gray.height, max(ys) + margin))
        if box[2] - box[0] > 8 and box[3] - box[1] > 8:
            yield _pad(gray.crop(box), 16)
    whole = gray
    if max(whole.size) > _DMTX_MAX_SIDE:
        whole = ImageOps.contain(whole, (_DMTX_MAX_SIDE, _DMTX_MAX_SIDE))
    yield _pad(whole, 16)


def _pylibdmtx(image: Image.Image, deadline: Deadline) -> list[str]:
    """pylibdmtx on ``image`` with ``max_count=1`` and a timeout within the budget."""
    timeout = deadline.pylibdmtx_timeout_ms(_DMTX_SECONDS)
    found = pylibdmtx.decode(image, max_count=1, timeout=timeout)
    return [symbol.data.decode("latin-1") for symbol in found]


class Effort(Enum):
    """How hard :func:`read_datamatrix` tries before giving up on an image."""

    PLAIN = "plain"
    """zxing-cpp once: pages rendered from a PDF (nothing to correct; 300 dpi is the upscale)."""
    QUICK = "quick"
    """Plus the cheap fallbacks (small-symbol upscale, contrast stretch), no pylibdmtx: for the
    images embedded in a PDF, which are often logos and photos that hold no symbol at all."""
    FULL = "full"
    """Every fallback, then pylibdmtx on crops: for photos and scans."""


_QUICK_VARIANTS = frozenset({"small-nearest", "stretch"})


def read_datamatrix(image: Image.Image, deadline: Deadline,
                    effort: Effort = Effort.FULL) -> list[str]:
    """Every DataMatrix text in ``image``, trying fallbacks only while no 2D-Doc is found.

    Another DataMatrix beside the 2D-Doc (La Poste's stamp on an envelope, a parts label) does
    not stop the search: fallbacks go on until a text starting with ``DC`` (spec §3.3) is read.
    Returns every text read, possibly none; raises
    :class:`~verifier.scan_errors.DecodeBudgetError` if the budget runs out first.
    """
    found: list[str] = []

    def has_twoddoc(texts: list[str]) -> bool:
        found.extend(text for text in texts if text not in found)
        return any(text.startswith("DC") for text in found)

    deadline.check("reading the image")
    if has_twoddoc(_zxing(image)) or effort is Effort.PLAIN:
        return found
    work = image
    if max(work.size) > _WORK_MAX_SIDE:
        # Filters cost per pixel; a 2D-Doc on a phone photo stays readable at this size.
        work = ImageOps.contain(work, (_WORK_MAX_SIDE, _WORK_MAX_SIDE), Image.Resampling.BOX)
    for name, build, options in _variants(work):
        if effort is Effort.QUICK and name not in _QUICK_VARIANTS:
            continue
        deadline.check(f"the {name} fallback")
        if has_twoddoc(_zxing(build(), **options)):
            return found
    if effort is Effort.QUICK:
        return found
    deadline.check("the pylibdmtx fallback")
    gray = ImageOps.autocontrast(work.convert("L"), cutoff=1)
    for crop in itertools.islice(_dmtx_candidates(gray), _DMTX_MAX_CROPS):
        deadline.check("the pylibdmtx fallback")
        if has_twoddoc(_pylibdmtx(crop, deadline)):
            return found
    return found


def read_other_symbols(image: Image.Image) -> list[str]:
    """Texts of any QR, Aztec, PDF417 or DataMatrix symbol: used only to explain a failure."""
    found = zxingcpp.read_barcodes(image, formats=_OTHER)
    return [barcode.bytes.decode("latin-1") for barcode in found]
