"""DataMatrix rendering of a 2D-Doc text: C40 symbol, 1-px module matrix, 1-bit PNG, read-back.

The spec (annex 10 "Datamatrix et 2D-DOC", p.136-142) wants an ECC 200 DataMatrix whose data
stream starts with the C40 latch (codeword 230, §10.2); zxing-cpp's writer cannot force that,
so libdmtx encodes (the C40 scheme of pylibdmtx's ``scheme='C40'``, square symbol).
:func:`encode_modules` asks libdmtx for its module data directly (one pixel per module);
:func:`modules_from_rgb` derives the same matrix exactly from ``pylibdmtx.encode``'s 5-px RGB
image, and the tests hold them equal.

The matrix becomes a 1-bit PNG at one pixel per module, with a quiet zone of
:data:`QUIET_ZONE_MODULES` white modules, that the PDF scales up: it prints sharp at any
resolution and a verifier can lift the image out of the PDF without rasterising the page.

:func:`check_readback` decodes the symbol with zxing-cpp (an independent decoder, reading
``.bytes`` since ``.text`` renders control characters as ``<GS>``), first in its pure-symbol mode,
and refuses a symbol that does not return the exact bytes.
"""

from __future__ import annotations

import ctypes
import functools
import io
from dataclasses import dataclass

import numpy as np
import zxingcpp
from PIL import Image
from pylibdmtx import wrapper as _dmtx
from pylibdmtx.wrapper import DmtxProperty as _Prop

from issuer.errors import BarcodeReadbackError, DocumentTooLargeError

__all__ = [
    "C40_LATCH",
    "QUIET_ZONE_MODULES",
    "Symbol",
    "check_readback",
    "data_codewords",
    "encode_modules",
    "modules_from_rgb",
    "render_symbol",
]

QUIET_ZONE_MODULES = 2
"""White modules around the symbol inside the PNG (spec §4.3, p.29: at least one)."""

_LIBDMTX_MODULE_PX = 5  # libdmtx's default DmtxPropModuleSize
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


C40_LATCH = 230
"""ECC 200 codeword that latches from ASCII to C40 (spec annex 10.2, p.136, after ISO/IEC 16022):
a 2D-Doc in C40 format opens with it."""


def _encode(text: str) -> tuple[np.ndarray, bytes]:
    """Encode ``text`` with libdmtx (C40, square): module matrix and data codewords."""
    data = _text_bytes(text)
    encoder = _dmtx.dmtxEncodeCreate()
    if not encoder:
        raise DocumentTooLargeError(len(data))
    try:
        _dmtx.dmtxEncodeSetProp(encoder, _Prop.DmtxPropScheme, _dmtx.DmtxScheme.DmtxSchemeC40)
        _dmtx.dmtxEncodeSetProp(
            encoder, _Prop.DmtxPropSizeRequest, _dmtx.DmtxSymbolSize.DmtxSymbolSquareAuto
        )
        _dmtx.dmtxEncodeSetProp(encoder, _Prop.DmtxPropModuleSize, 1)
        _dmtx.dmtxEncodeSetProp(encoder, _Prop.DmtxPropMarginSize, 0)
        if not _dmtx.dmtxEncodeDataMatrix(encoder, len(data), ctypes.cast(data, _dmtx.c_ubyte_p)):
            raise DocumentTooLargeError(len(data))
        message = encoder[0].message[0]
        codewords = ctypes.string_at(message.code, message.codeSize)
        image = encoder[0].image
        width, height, bpp = (
            _dmtx.dmtxImageGetProp(image, prop)
            for prop in (_Prop.DmtxPropWidth, _Prop.DmtxPropHeight, _Prop.DmtxPropBitsPerPixel)
        )
        raw = ctypes.string_at(image[0].pxl, width * height * bpp // 8)
    finally:
        _dmtx.dmtxEncodeDestroy(ctypes.byref(encoder))
    if width != height:
        raise BarcodeReadbackError(0, f"libdmtx drew a {width}×{height} symbol, expected square")
    pixels = np.frombuffer(raw, dtype=np.uint8).reshape(height, width, bpp // 8)
    return pixels[:, :, 0] < 128, codewords


def data_codewords(text: str) -> bytes:
    """The symbol's data codewords (before error correction), first one the C40 latch."""
    return _encode(text)[1]


def encode_modules(text: str) -> np.ndarray:
    """Encode ``text`` as a square C40 DataMatrix and return libdmtx's module matrix (True = dark).

    libdmtx is asked for one pixel per module and no margin, so its image *is* the module matrix
    (0.5 ms instead of 3.3 ms for the 5-px RGB drawing that ``pylibdmtx.encode`` returns). The
    tests check it module for module against :func:`modules_from_rgb` of ``pylibdmtx.encode``.
    A stream that does not open with the C40 latch is refused.
    """
    modules, codewords = _encode(text)
    if not codewords or codewords[0] != C40_LATCH:
        first = codewords[0] if codewords else None
        raise BarcodeReadbackError(0, f"first codeword {first}, the C40 latch is {C40_LATCH}")
    return modules


def modules_from_rgb(width: int, height: int, bpp: int, pixels: bytes) -> np.ndarray:
    """Derive the module matrix from ``pylibdmtx.encode``'s RGB image (5 px/module, 10 px margin).

    Exact, not estimated: every 5×5 block must be uniform and the margin blank, else
    :class:`BarcodeReadbackError`. Used to cross-check :func:`encode_modules`.
    """
    image = np.frombuffer(pixels, dtype=np.uint8).reshape(height, width, bpp // 8)[:, :, 0]
    margin, px = _LIBDMTX_MARGIN_PX, _LIBDMTX_MODULE_PX
    inner_h, inner_w = height - 2 * margin, width - 2 * margin
    if inner_h != inner_w or inner_w % px:
        raise BarcodeReadbackError(0, f"unexpected libdmtx image {width}×{height}")
    n = inner_w // px
    core = image[margin : margin + n * px, margin : margin + n * px]
    blocks = core.reshape(n, px, n, px)
    if not (blocks == blocks[:, :1, :, :1]).all():
        raise BarcodeReadbackError(0, "libdmtx image is not made of uniform module blocks")
    blank = int(image.sum(dtype=np.int64) - core.sum(dtype=np.int64))
    if blank != 255 * (image.size - core.size):
        raise BarcodeReadbackError(0, "libdmtx image margin is not blank")
    return blocks[:, 0, :, 0] < 128


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
