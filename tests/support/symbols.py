"""Make barcode pictures and PDFs for the scanner's tests and benchmarks (never in the product).

Why here: unit tests, the HTTP integration tests, the page test and ``bench/bench_scan.py`` all
need the same real symbols, drawn by the real libraries: pylibdmtx in C40 as the spec requires
(§10; zxing-cpp's writer cannot force the C40 latch, ARCHITECTURE.md) and reportlab for PDFs.
reportlab is imported only inside :func:`pdf_with_symbols`, so the service never loads it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
import zxingcpp
from PIL import Image
from pylibdmtx import pylibdmtx

__all__ = ["pdf_with_symbols", "qr_image", "render_datamatrix", "symbol_modules"]


def symbol_modules(text: str) -> np.ndarray:
    """The DataMatrix module matrix of ``text`` (C40), ``True`` for a dark module, no margin."""
    encoded = pylibdmtx.encode(text.encode("latin-1"), scheme="C40")
    pixels = np.frombuffer(encoded.pixels, dtype=np.uint8).reshape(encoded.height, encoded.width,
                                                                   3)[:, :, 0]
    # pylibdmtx draws 5 px per module with a 10 px margin: sample the centre of each module.
    dark = pixels < 128
    rows, cols = np.nonzero(dark)
    top, left, bottom, right = rows.min(), cols.min(), rows.max() + 1, cols.max() + 1
    step = 5
    return dark[top + step // 2:bottom:step, left + step // 2:right:step]


def render_datamatrix(text: str, *, module_px: int = 6, quiet_modules: int = 2) -> Image.Image:
    """A grayscale picture of ``text`` as a C40 DataMatrix, ``module_px`` pixels per module."""
    modules = symbol_modules(text)
    picture = np.where(modules, 0, 255).astype(np.uint8)
    picture = np.pad(picture, quiet_modules, constant_values=255)
    image = Image.fromarray(picture, "L")
    return image.resize((image.width * module_px, image.height * module_px),
                        Image.Resampling.NEAREST)


def qr_image(text: str, *, scale: int = 4) -> Image.Image:
    """A QR code of ``text`` (zxing-cpp's writer), e.g. a COVID ``HC1:`` certificate."""
    barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode)
    return Image.fromarray(np.asarray(barcode.to_image(scale=scale)), "L")


def pdf_with_symbols(
    pages: Sequence[Sequence[str]], *, vector: bool = False, symbol_mm: float = 30.0
) -> bytes:
    """An A4 PDF, one page per item, each page holding its texts as DataMatrix symbols.

    ``vector=False`` embeds each symbol as a 1-pixel-per-module PNG (as our issuer does);
    ``vector=True`` draws the modules as filled rectangles, so only page rendering finds them.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    for texts in pages:
        pdf.setFont("Helvetica", 11)
        pdf.drawString(20 * mm, 280 * mm, "Document de test permis2d")
        for index, text in enumerate(texts):
            x, y = 20 * mm + index * (symbol_mm + 15) * mm, 200 * mm
            modules = symbol_modules(text)
            if vector:
                side = symbol_mm * mm / modules.shape[0]
                for row, col in zip(*np.nonzero(modules), strict=True):
                    pdf.rect(x + col * side, y + (modules.shape[0] - 1 - row) * side, side, side,
                             stroke=0, fill=1)
            else:
                image = Image.fromarray(np.where(modules, 0, 255).astype(np.uint8), "L")
                pdf.drawImage(ImageReader(image), x, y, symbol_mm * mm, symbol_mm * mm)
        pdf.showPage()
    pdf.save()
    return out.getvalue()
