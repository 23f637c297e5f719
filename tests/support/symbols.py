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

__all__ = [
    "big_frames_tiff",
    "pdf_with_symbols",
    "qr_image",
    "recursive_pdf",
    "render_datamatrix",
    "symbol_modules",
]


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


def recursive_pdf() -> bytes:
    """A one-page PDF whose form XObject ``/X`` draws itself twice: 2^depth draws for pdfium."""
    form = b"q 0.5 0 0 0.5 0 0 cm /X Do Q q 0.5 0 0 0.5 50 50 cm /X Do Q 0 0 10 10 re f"
    page = b"/X Do"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] "
        b"/Resources << /XObject << /X 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 200 200] "
        b"/Resources << /XObject << /X 4 0 R >> >> /Length %d >>\nstream\n" % len(form)
        + form + b"\nendstream",
        b"<< /Length %d >>\nstream\n" % len(page) + page + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def big_frames_tiff(frames: int = 10, side: int = 6320) -> bytes:
    """A multi-frame bilevel TIFF of ``frames`` blank pages of ``side``² (just under 40 MP)."""
    page = Image.new("1", (side, side), 1)
    out = io.BytesIO()
    page.save(out, format="TIFF", save_all=True, append_images=[page] * (frames - 1),
              compression="group4")
    return out.getvalue()
