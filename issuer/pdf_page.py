"""The page of every document: its geometry, colours, and what repeats on every page.

What repeats (the header and its specimen line, the bottom band's notes and labels, the footer
line) is drawn once per document into a form XObject (PDF 32000-1 §8.10, reportlab's
``beginForm``) that each page places with ``doForm``; the symbol image, the page number and the
large specimen mark are drawn on each page. The symbol stays a plain image object of the page,
so that a verifier can lift it out of the PDF without rasterising (spec §4.2: on the first page,
and here on every page).

Symbol size (spec §4.4, p.30): at least 0.4 mm per module when the printer is unknown; the symbol
is drawn from its 1-pixel-per-module image scaled to :func:`module_size`, inside a white quiet
zone of two modules (§4.3, p.29: at least one), labelled "2D-DOC" (§4.1).

Neutral look (house rule): no State brand block, motto or Marianne colours; a thin rule heads the
page.
"""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen.canvas import Canvas

from issuer.fonts import Fonts

__all__ = [
    "ACCENT",
    "BOTTOM_BAND",
    "CONTENT_TOP",
    "CONTENT_W",
    "FURNITURE_FORM",
    "GREEN",
    "GREY",
    "INK",
    "LIGHT",
    "MARGIN",
    "MIN_MODULE",
    "PAGE_H",
    "PAGE_W",
    "PALE",
    "RED",
    "RULE",
    "draw_furniture_form",
    "draw_page",
    "draw_specimen",
    "french_date",
    "module_size",
    "paragraph",
    "wrap",
]

PAGE_W, PAGE_H = A4
MARGIN = 18 * mm
CONTENT_W = PAGE_W - 2 * MARGIN
HEADER_BOTTOM = PAGE_H - 22 * mm
CONTENT_TOP = HEADER_BOTTOM - 6 * mm  # where the flowing content starts on every page
BOTTOM_BAND = 62 * mm  # reserved on every page for the notes, the symbol and the page number
MIN_MODULE = 0.4 * mm
SYMBOL_TARGET = 34 * mm  # symbol + quiet zone width when modules stay above the minimum
FOOTER_Y = 12 * mm
SYMBOL_Y = FOOTER_Y + 10 * mm

ACCENT = HexColor("#1D4E89")  # headings and the ADCS box: a plain dark blue
RED = HexColor("#B3261E")  # a licence that does not allow driving, withdrawn points
INK = HexColor("#161616")
GREY = HexColor("#595959")  # 7:1 on white: small print stays readable
LIGHT = HexColor("#EEEEEE")
PALE = HexColor("#F3F6FA")
RULE = HexColor("#CCCCCC")
GREEN = HexColor("#1E7B34")
SPECIMEN_RED = HexColor("#C8102E")

FURNITURE_FORM = "furniture"


def french_date(day: date | None) -> str:
    """JJ/MM/AAAA, the French numeric form used throughout the documents."""
    return day.strftime("%d/%m/%Y") if day else ""


def module_size(symbol_modules: int) -> float:
    """Printed size of one module in points: fill :data:`SYMBOL_TARGET`, never below 0.4 mm."""
    return max(MIN_MODULE, SYMBOL_TARGET / symbol_modules)


@functools.lru_cache(maxsize=256)
def wrap(text: str, font: str, size: float, width: float) -> tuple[str, ...]:
    """``text`` broken into lines no wider than ``width`` (reportlab's ``simpleSplit``).

    Kept in a bounded cache: the notes and labels wrap alike in every document, and measuring
    them is a good part of laying out a page.
    """
    return tuple(simpleSplit(text, font, size, width))


def paragraph(canvas: Canvas, font: str, size: float, text: str, x: float, top: float,
              width: float, colour: Color) -> float:
    """Draw wrapped text whose first baseline sits ``size`` below ``top``; return the new top."""
    leading = size * 1.3
    lines = wrap(text, font, size, width)
    block = canvas.beginText(x, top - size)
    block.setFont(font, size, leading)
    block.setFillColor(colour)
    block.textLines(lines)
    canvas.drawText(block)
    return top - size - (len(lines) - 1) * leading - size * 0.3  # below the last descenders


def draw_furniture_form(canvas: Canvas, fonts: Fonts, common: Any, document_id: str,
                        symbol_side: float, *, specimen: bool) -> None:
    """Define the form drawn on every page: header, notes, labels around the symbol, footer."""
    canvas.beginForm(FURNITURE_FORM)
    _header(canvas, fonts, common, specimen=specimen)
    right = PAGE_W - MARGIN
    symbol_x = right - symbol_side
    canvas.setFillColor(INK)
    canvas.setFont(fonts.bold, 9)
    canvas.drawCentredString(symbol_x + symbol_side / 2, SYMBOL_Y + symbol_side + 2 * mm,
                             common.barcode_label)
    canvas.setFont(fonts.regular, 7.5)
    canvas.drawCentredString(symbol_x + symbol_side / 2, SYMBOL_Y - 4 * mm,
                             f"{common.document_id_label} {document_id}")
    # Left of the symbol: how to verify, and what the signature does not cover.
    text_w = symbol_x - MARGIN - 8 * mm
    y = SYMBOL_Y + symbol_side + 2 * mm
    y = paragraph(canvas, fonts.bold, 8.5, common.verify_heading, MARGIN, y, text_w, ACCENT)
    y = paragraph(canvas, fonts.regular, 7.5, common.verify_note, MARGIN, y - 1, text_w, INK)
    y -= 2 * mm
    y = paragraph(canvas, fonts.bold, 7.5, common.uncovered_heading, MARGIN, y, text_w, GREY)
    paragraph(canvas, fonts.regular, 6.8, common.uncovered_note, MARGIN, y - 1, text_w, GREY)
    # Footer rule and line: issue date and data date (the page number is drawn per page).
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN, FOOTER_Y + 4 * mm, right, FOOTER_Y + 4 * mm)
    canvas.setFillColor(GREY)
    canvas.setFont(fonts.regular, 7.5)
    canvas.drawString(MARGIN, FOOTER_Y, f"{common.issued_label} · {common.data_label}")
    canvas.endForm()


def _header(canvas: Canvas, fonts: Fonts, common: Any, *, specimen: bool) -> None:
    top = PAGE_H - 13 * mm
    canvas.setFillColor(INK)
    canvas.setFont(fonts.bold, 10)
    canvas.drawString(MARGIN, top, common.service)
    canvas.setFillColor(GREY)
    canvas.setFont(fonts.regular, 7.5)
    canvas.drawString(MARGIN, top - 11, common.service_note)
    if specimen:  # also in words at the top, where a reader (and text extraction) looks first
        canvas.setFillColor(SPECIMEN_RED)
        canvas.setFont(fonts.bold, 10)
        canvas.drawRightString(PAGE_W - MARGIN, top, common.specimen)
        canvas.setFont(fonts.regular, 7.5)
        canvas.drawRightString(PAGE_W - MARGIN, top - 11, common.specimen_note)
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(1.2)
    canvas.line(MARGIN, HEADER_BOTTOM, PAGE_W - MARGIN, HEADER_BOTTOM)


def draw_specimen(canvas: Canvas, fonts: Fonts, common: Any) -> None:
    """Draw the specimen mark: large, diagonal, translucent, over the content area only.

    Drawn over the content (so no filled box hides it) but never over the bottom band, where
    the symbol must stay clean for scanners. Drawn on each page rather than in a form: its
    transparency is a graphics state that reportlab registers with the page's resources only.
    """
    canvas.saveState()
    canvas.setFillColor(SPECIMEN_RED)
    canvas.setFillAlpha(0.16)
    canvas.translate(PAGE_W / 2, (BOTTOM_BAND + HEADER_BOTTOM) / 2)
    canvas.rotate(35)
    canvas.setFont(fonts.bold, 84)
    canvas.drawCentredString(0, 0, common.specimen_big)
    canvas.setFont(fonts.bold, 24)
    canvas.drawCentredString(0, -34, common.specimen.split(" — ", 1)[-1])
    canvas.restoreState()


def draw_page(canvas: Canvas, fonts: Fonts, page_label: str, symbol: ImageReader,
              symbol_side: float) -> None:
    """Place the furniture form, then the symbol on white and the page number."""
    canvas.doForm(FURNITURE_FORM)
    symbol_x = PAGE_W - MARGIN - symbol_side
    canvas.setFillColor(white)
    canvas.rect(symbol_x, SYMBOL_Y, symbol_side, symbol_side, stroke=0, fill=1)
    canvas.drawImage(symbol, symbol_x, SYMBOL_Y, symbol_side, symbol_side)
    canvas.setFillColor(GREY)
    canvas.setFont(fonts.regular, 7.5)
    canvas.drawRightString(PAGE_W - MARGIN, FOOTER_Y, page_label)
