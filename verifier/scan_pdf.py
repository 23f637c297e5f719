"""Images from a PDF for the scanner: the embedded pictures first, then rendered pages.

Why this order: our own issuer embeds the DataMatrix as a lossless image, so extracting it costs a
millisecond and reads the exact modules; a scanned or re-printed PDF has the symbol inside a page
photo or as vector paths, which only rasterising shows. Pages are rendered with pdfium at 200 dpi
(about 25 ms a page, ARCHITECTURE.md), then 300 dpi for small symbols. Every pdfium failure
becomes a :class:`CorruptFileError`; every image and page is held to the pixel limit before it is
decoded or rendered.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator
from contextlib import contextmanager

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
from PIL import Image

from verifier.scan_errors import CorruptFileError, TooManyPagesError, TooManyPixelsError
from verifier.scan_limits import ScanLimits

__all__ = ["embedded_images", "open_pdf", "rendered_pages"]


@contextmanager
def open_pdf(data: bytes, limits: ScanLimits) -> Iterator[pdfium.PdfDocument]:
    """Open ``data`` with pdfium, refusing damaged files and more pages than the limit."""
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise CorruptFileError(f"the PDF cannot be opened: {exc}") from exc
    try:
        pages = len(document)
        if pages > limits.max_pages:
            raise TooManyPagesError(pages, limits.max_pages)
        if pages == 0:
            raise CorruptFileError("the PDF has no page")
        yield document
    finally:
        document.close()


def embedded_images(
    document: pdfium.PdfDocument, limits: ScanLimits
) -> Iterator[tuple[int, Image.Image]]:
    """Yield ``(page number from 1, image)`` for each distinct picture embedded in the pages."""
    seen: set[bytes] = set()
    for index in range(len(document)):
        page = _page(document, index)
        try:
            objects = list(page.get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_IMAGE]))
        except pdfium.PdfiumError as exc:
            raise CorruptFileError(f"cannot list images: {exc}", page=index + 1) from exc
        for obj in objects:
            try:
                width, height = obj.get_px_size()
            except pdfium.PdfiumError:
                continue  # an image object without pixel data: nothing to read, rendering will
            if width * height > limits.max_pixels:
                raise TooManyPixelsError(
                    "embedded image too large", pixels=width * height,
                    limit=limits.max_pixels, page=index + 1,
                )
            if width < 10 or height < 10:
                continue
            try:
                image = obj.get_bitmap(render=False).to_pil()
            except (pdfium.PdfiumError, ValueError, OSError):
                # pdfium cannot hand over raw pixels of some colour spaces (e.g. ICC, Indexed
                # without a palette we support); the page rendering below still sees the image.
                continue
            # One image drawn several times (a logo on every page) is read once.
            digest = hashlib.blake2b(image.tobytes(), digest_size=16).digest()
            if digest in seen:
                continue
            seen.add(digest)
            yield index + 1, image


def rendered_pages(
    document: pdfium.PdfDocument, dpi: int, limits: ScanLimits
) -> Iterator[tuple[int, Image.Image]]:
    """Yield ``(page number from 1, grayscale image)`` for each page rendered at ``dpi``.

    A page too large for the pixel limit at ``dpi`` (an A0 poster at 300 dpi) is rendered at the
    highest resolution that fits; a page that does not fit even at 72 dpi (one point per pixel,
    over 200 inches square at the default limit) is refused: no paper document is that large.
    """
    for index in range(len(document)):
        page = _page(document, index)
        width, height = page.get_size()
        if width * height > limits.max_pixels:
            pixels = int(width) * int(height)
            raise TooManyPixelsError("page too large even at 72 dpi", pixels=pixels,
                                     limit=limits.max_pixels, page=index + 1)
        scale = min(dpi / 72, math.sqrt(limits.max_pixels / max(1.0, width * height)))
        try:
            bitmap = page.render(scale=scale, grayscale=True)
        except pdfium.PdfiumError as exc:
            raise CorruptFileError(f"cannot render: {exc}", page=index + 1) from exc
        yield index + 1, bitmap.to_pil()


def _page(document: pdfium.PdfDocument, index: int) -> pdfium.PdfPage:
    try:
        return document[index]
    except pdfium.PdfiumError as exc:
        raise CorruptFileError(f"cannot load: {exc}", page=index + 1) from exc
