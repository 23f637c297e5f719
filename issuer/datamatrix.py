"""DataMatrix rendering of a 2D-Doc text: C40 symbol, 1-px module matrix, 1-bit PNG, read-back.

The spec (annex 10 "Datamatrix et 2D-DOC", p.136-142) wants an ECC 200 DataMatrix whose data
stream starts with the C40 latch (codeword 230, §10.2); zxing-cpp's writer cannot force that,
so libdmtx encodes, through pylibdmtx's public ``encode`` with ``scheme="C40"`` (libdmtx then
latches to C40 at once) and a square symbol. ``encode`` draws each module as a 5×5 block inside a
10-pixel margin; :func:`modules_from_rgb` reads the module matrix back from that drawing.

The matrix becomes a 1-bit PNG at one pixel per module, with a quiet zone of
:data:`QUIET_ZONE_MODULES` white modules, that the PDF scales up: it prints sharp at any
resolution and a verifier can lift the image out of the PDF without rasterising the page.

:func:`check_readback` decodes the symbol with zxing-cpp (an independent decoder, reading
``.bytes`` since ``.text`` renders control characters as ``<GS>``), first in its pure-symbol mode,
and refuses a symbol that does not return the exact bytes: nothing unreadable is published.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass

import numpy as np
import zxingcpp
from PIL import Image
from pylibdmtx.pylibdmtx import PyLibDMTXError
from pylibdmtx.pylibdmtx import encode as dmtx_encode

from issuer.errors import BarcodeReadbackError, DocumentTooLargeError

__all__ = [
    "C40_LATCH",
    "QUIET_ZONE_MODULES",
    "Symbol",
    "check_readback",
    "encode_modules",
    "modules_from_rgb",
    "render_symbol",
]

QUIET_ZONE_MODULES = 2
"""White modules around the symbol inside the PNG (spec §4.3, p.29: at least one)."""

C40_LATCH = 230
"""ECC 200 codeword that latches from ASCII to C40 (spec annex 10.2, p.136, after ISO/IEC 16022):
a 2D-Doc in C40 format opens with it (the tests read it back from our symbols' modules)."""

_LIBDMTX_MODULE_PX = 5  # libdmtx's default DmtxPropModuleSize, used by pylibdmtx.encode
_LIBDMTX_MARGIN_PX = 10  # libdmtx's default DmtxPropMarginSize
_READBACK_SCALE = 3  # zxing-cpp reads a 1-px-per-module image, but 3 px is its comfortable size


@dataclass(frozen=True)
class Symbol:
    """An encoded DataMatrix: its module matrix (True = dark), its 1-bit image and PNG."""

    modules: np.ndarray
    image: Image.Image

    @functools.cached_property
    def png(self) -> bytes:
        """The 1-bit image as PNG, encoded on first use (the PDF embeds the image itself)."""
        buffer = io.BytesIO()
        self.image.save(buffer, format="PNG")
        return buffer.getvalue()

    @property
    def size(self) -> int:
        """Modules per side of the symbol, without the quiet zone (e.g. 64 for 64×64)."""
        return int(self.modules.shape[0])


def _text_bytes(text: str) -> bytes:
    """The 2D-Doc text as bytes: each character is one byte 0-255 (CONTRACTS.md convention)."""
    return text.encode("latin-1")


def encode_modules(text: str) -> np.ndarray:
    """Encode ``text`` as a square C40 DataMatrix; return its module matrix (True = dark).

    A text beyond the largest square symbol (144×144) is :class:`DocumentTooLargeError`.
    """
    data = _text_bytes(text)
    try:
        encoded = dmtx_encode(data, scheme="C40", size="SquareAuto")
    except PyLibDMTXError as exc:  # libdmtx found no symbol size large enough
        raise DocumentTooLargeError(len(data)) from exc
    return modules_from_rgb(encoded.width, encoded.height, encoded.bpp, encoded.pixels)


def modules_from_rgb(width: int, height: int, bpp: int, pixels: bytes) -> np.ndarray:
    """The module matrix of ``pylibdmtx.encode``'s RGB image (5 px/module, 10 px margin).

    Each module is read at the centre of its 5×5 block. No finer check is needed here: the
    image made from this matrix is decoded by :func:`check_readback` before anything is
    published, so a misread module cannot reach a document.
    """
    margin, px = _LIBDMTX_MARGIN_PX, _LIBDMTX_MODULE_PX
    inner = width - 2 * margin
    if width != height or inner <= 0 or inner % px:
        raise BarcodeReadbackError(0, f"libdmtx drew a {width}×{height} image, expected square")
    image = np.frombuffer(pixels, dtype=np.uint8).reshape(height, width, bpp // 8)
    centres = slice(margin + px // 2, margin + inner, px)
    return image[centres, centres, 0] < 128


def render_symbol(text: str) -> Symbol:
    """Encode ``text``, render it as a 1-bit PNG (1 px per module, quiet zone) and read it back."""
    modules = encode_modules(text)
    # A boolean array becomes a mode "1" image directly: True (light) is white.
    image = Image.fromarray(~np.pad(modules, QUIET_ZONE_MODULES, constant_values=False))
    check_readback(image, text)
    return Symbol(modules=modules, image=image)


def _read_pure(image: Image.Image) -> list[bytes]:
    """Decode ``image`` as a pure symbol: zxing-cpp samples the module grid, no detection.

    Why: our image is synthetic (1 px per module, quiet zone, no rotation, no noise), the case
    zxing-cpp's ``is_pure`` mode is for; it still reads every module and corrects errors (Reed-
    Solomon), at a fifth of the cost of searching a 3× enlargement for the finder pattern.
    """
    pixels = np.asarray(image.convert("L"))
    # In pure mode zxing-cpp answers an unreadable image with one invalid, empty result.
    return [result.bytes for result in zxingcpp.read_barcodes(
        pixels, formats=zxingcpp.BarcodeFormat.DataMatrix, is_pure=True, try_rotate=False,
        try_invert=False, try_downscale=False) if result.valid]


def _read_detected(image: Image.Image) -> list[bytes]:
    """Decode ``image`` enlarged 3× with zxing-cpp's full detector, as a scanner would."""
    scaled = image.resize((image.width * _READBACK_SCALE, image.height * _READBACK_SCALE),
                          Image.Resampling.NEAREST)
    return [result.bytes for result in zxingcpp.read_barcodes(
        scaled, formats=zxingcpp.BarcodeFormat.DataMatrix) if result.valid]


def check_readback(image: Image.Image, text: str) -> None:
    """Decode ``image`` with zxing-cpp and raise unless it yields exactly ``text``'s bytes.

    The pure-symbol read comes first (:func:`_read_pure`); only if it does not find exactly one
    symbol does the full detector get its turn, so a symbol is refused only when both fail.
    """
    expected = _text_bytes(text)
    results = _read_pure(image)
    if len(results) != 1:
        results = _read_detected(image)
    if len(results) != 1:
        raise BarcodeReadbackError(0, f"{len(results)} DataMatrix symbols decoded, expected 1")
    got = results[0]
    if got != expected:
        position = next(
            (i for i, (a, b) in enumerate(zip(got, expected, strict=False)) if a != b),
            min(len(got), len(expected)),
        )
        raise BarcodeReadbackError(position, f"read {len(got)} bytes, wrote {len(expected)}")
