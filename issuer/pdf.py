"""Lay out an RIR, ADCS or RII as an A4 PDF (reportlab) around its 2D-Doc symbol.

The wording comes from the Jinja templates ``templates/documents/{common,rir,adcs,rii}.j2``; this
module only places it. Layout, top to bottom: the République française block and the ministry,
a tricolour rule, the title, the holder, the licence (state, categories with dates and
restrictions), the ADCS validity or the RII balance, the RII's 10-year history (over as many pages
as it needs), then on every page a bottom band: what the signature does not cover, how to verify
(naming ``settings.verifier_url``), and bottom-right the DataMatrix labelled "2D-DOC" with the
document id, and the page number.

The symbol is drawn from its 1-pixel-per-module image scaled to :func:`module_size` (at least
0.4 mm per module when the printer is unknown, spec §4.4 p.30) inside a white quiet zone of two
modules (at least one, §4.3 p.29), labelled "2D-DOC" (§4.1), on every page and so on the first
(§4.2: a multi-page document carries it on its first page and DI 09 gives the page count). A
verifier can extract the image object from the PDF or rasterise the page at 200 dpi.

Costly set-up (font registration, template compilation) happens once per :class:`PDFRenderer`;
issuing a document only lays it out and draws it (≈ 2.5 ms CPU for one page, see
``bench/bench_issue.py``). Strings and opaque fill colours are written by shortcuts that emit
reportlab's exact operators (:func:`issuer.fonts.draw_string`, :func:`_set_fill`): the output is
byte for byte what reportlab's ``drawString``/``setFillColor`` write, at a fraction of the cost.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from PIL import Image
from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen.canvas import Canvas

from issuer.facts import DriverFacts, HistoryEntry
from issuer.fonts import (
    Fonts,
    draw_centred_string,
    draw_right_string,
    draw_string,
    register_fonts,
    seed,
)
from issuer.kinds import DocumentKind

__all__ = [
    "DEFAULT_TEMPLATES_DIR",
    "DocumentView",
    "Layout",
    "PDFRenderer",
    "french_date",
    "module_size",
]

DEFAULT_TEMPLATES_DIR = Path(str(resources.files("permis2d.templates") / "documents"))

PAGE_W, PAGE_H = A4
MARGIN = 18 * mm
CONTENT_W = PAGE_W - 2 * MARGIN
BOTTOM_BAND = 64 * mm  # reserved on every page for the notes, the symbol and the page number
MIN_MODULE = 0.4 * mm
SYMBOL_TARGET = 34 * mm  # symbol + quiet zone width when modules stay above the minimum

BLUE = HexColor("#000091")  # the French state's "bleu France"
RED = HexColor("#E1000F")  # "rouge Marianne"
INK = HexColor("#161616")
GREY = HexColor("#666666")
LIGHT = HexColor("#EEEEEE")
RULE = HexColor("#DDDDDD")
GREEN = HexColor("#18753C")


def french_date(day: date | None) -> str:
    """JJ/MM/AAAA, the French numeric form used throughout the documents."""
    return day.strftime("%d/%m/%Y") if day else ""


def module_size(symbol_modules: int) -> float:
    """Printed size of one module in points: fill :data:`SYMBOL_TARGET`, never below 0.4 mm."""
    return max(MIN_MODULE, SYMBOL_TARGET / symbol_modules)


@dataclass(frozen=True)
class DocumentView:
    """Everything a document shows, besides its barcode."""

    kind: DocumentKind
    facts: DriverFacts
    document_id: str
    issued_on: date
    created_at: datetime
    verifier_url: str
    expires_on: date | None = None


class PDFRenderer:
    """Renders documents; holds the registered fonts and the compiled templates."""

    def __init__(self, templates_dir: Path = DEFAULT_TEMPLATES_DIR) -> None:
        """Register fonts and compile the wording templates (once, not per document)."""
        self.fonts = register_fonts()
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates_dir)),
            autoescape=False,  # noqa: S701 - PDF text, not HTML
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=False,
        )
        self._templates = {
            name: self._env.get_template(f"{name}.j2")
            for name in ("common", *(kind.value for kind in DocumentKind))
        }

    # -- wording ---------------------------------------------------------------------------
    def _wording(self, view: DocumentView) -> tuple[Any, Any]:
        facts = view.facts
        context = {
            "issued_on": french_date(view.issued_on),
            "expires_on": french_date(view.expires_on),
            "data_as_of": facts.data_as_of.strftime("%d/%m/%Y à %H:%M"),
            "verifier_url": view.verifier_url,
            "balance": facts.points_balance if facts.points_balance is not None else 0,
            "state_label": facts.state,
            "restrictions": " ; ".join(
                f"{line.code} ({', '.join(line.restrictions)})"
                for line in facts.categories if line.restrictions
            ),
        }
        common = self._templates["common"].make_module(context)
        specific = self._templates[view.kind.value].make_module(context)
        return common, specific

    # -- public API ------------------------------------------------------------------------
    def layout(self, view: DocumentView) -> Layout:
        """Lay ``view`` out into pages (measured, not drawn): its page count is DI 09.

        ``view`` must already carry its document id and expiry date, so that the same layout
        is drawn by :meth:`render` once the 2D-Doc is signed (one layout pass per document).
        """
        common, specific = self._wording(view)
        pages = _Layout(self.fonts, view, common, specific).pages()
        return Layout(view, common, specific, pages)

    def count_pages(self, view: DocumentView) -> int:
        """The number of pages ``view`` needs (DI 09 is signed, so it is known before drawing)."""
        return len(self.layout(view).pages)

    def render(self, layout: Layout | DocumentView, symbol_image: Image.Image,
               symbol_modules: int) -> bytes:
        """Draw the PDF of ``layout`` with ``symbol_image`` (1 px/module, quiet zone included).

        ``symbol_modules`` is the image's width in modules (symbol plus quiet zone).
        """
        if isinstance(layout, DocumentView):
            layout = self.layout(layout)
        view, common, specific = layout.view, layout.common, layout.specific
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=A4, pageCompression=1,
                        initialFontName=self.fonts.regular)
        stamp = view.created_at.strftime("D:%Y%m%d%H%M%S+00'00'")
        canvas.setDateFormatter(lambda *_: stamp)
        canvas.setTitle(f"{specific.title} ({specific.short}) — {view.document_id}")
        canvas.setAuthor(common.author)
        canvas.setSubject(f"{specific.title} — NEPH {view.facts.neph}")
        canvas.setCreator("permis2d")
        canvas.setKeywords(["2D-Doc", specific.short, view.document_id])
        self._seed(canvas)
        reader = ImageReader(symbol_image.convert("L"))
        total = len(layout.pages)
        for number, ops in enumerate(layout.pages, start=1):
            _draw_header(canvas, self.fonts, common)
            for op in ops:
                op(canvas)
            _draw_bottom_band(canvas, self.fonts, view, common, common.page_label(number, total),
                              reader, symbol_modules)
            canvas.showPage()
        canvas.save()
        return buffer.getvalue()

    def _seed(self, canvas: Canvas) -> None:
        """Give the seed characters their codes first (see :mod:`issuer.fonts`)."""
        seed(self.fonts, canvas._doc)  # reportlab keys per-document font state by its document

_Op = Callable[[Canvas], None]


@dataclass(frozen=True)
class Layout:
    """A document laid out: its view, its wording modules and its pages of drawing operations."""

    view: DocumentView
    common: Any
    specific: Any
    pages: list[list[_Op]]


# ---------------------------------------------------------------------------------------------
# Fixed parts: header and bottom band (identical on every page).
# ---------------------------------------------------------------------------------------------
HEADER_BOTTOM = PAGE_H - 36 * mm


@functools.lru_cache(maxsize=32)
def _fill_operator(colour: Color) -> str:
    """``r g b rg`` for ``colour``, formatted as reportlab formats it."""
    return f"{fp_str((colour.red, colour.green, colour.blue))} rg"


def _set_fill(canvas: Canvas, colour: Color) -> None:
    """``Canvas.setFillColor`` for an opaque RGB colour, without its generic dispatch.

    The same operator and state as reportlab's (colour object, fill alpha through its graphics
    state, which writes nothing for an opaque colour); anything else goes through reportlab.
    """
    if (type(colour) is not Color or canvas._enforceColorSpace is not None
            or colour.alpha != 1):
        canvas.setFillColor(colour)
        return
    canvas._code.append(_fill_operator(colour))
    canvas._fillColorObj = colour
    canvas._setFillAlpha(1)


def _draw_header(canvas: Canvas, fonts: Fonts, common: Any) -> None:
    top = PAGE_H - 14 * mm
    _set_fill(canvas, INK)
    canvas.setFont(fonts.bold, 10.5)
    for index, line in enumerate(common.republic.split(" ")):
        draw_string(canvas, MARGIN, top - index * 12, line)
    canvas.setFont(fonts.italic, 7)
    _set_fill(canvas, GREY)
    for index, line in enumerate(common.motto.split("\n")):
        draw_string(canvas, MARGIN, top - 30 - index * 8.5, line)
    _set_fill(canvas, INK)
    canvas.setFont(fonts.bold, 9.5)
    draw_right_string(canvas, PAGE_W - MARGIN, top, common.ministry)
    canvas.setFont(fonts.regular, 8.5)
    _set_fill(canvas, GREY)
    draw_right_string(canvas, PAGE_W - MARGIN, top - 12, common.service)
    # Tricolour rule: blue, white, red thirds (the white third shows as a gap on paper).
    y = HEADER_BOTTOM
    third = CONTENT_W / 3
    for index, colour in enumerate((BLUE, white, RED)):
        _set_fill(canvas, colour)
        canvas.rect(MARGIN + index * third, y, third, 1.6 * mm, stroke=0, fill=1)
    _set_fill(canvas, INK)


def _draw_bottom_band(
    canvas: Canvas,
    fonts: Fonts,
    view: DocumentView,
    common: Any,
    page_label: str,
    reader: ImageReader,
    symbol_modules: int,
) -> None:
    module = module_size(symbol_modules)
    side = module * symbol_modules
    right = PAGE_W - MARGIN
    footer_y = 12 * mm
    symbol_x = right - side
    symbol_y = footer_y + 14 * mm
    # The symbol, on white, with its label above and the document id below.
    _set_fill(canvas, white)
    canvas.rect(symbol_x, symbol_y, side, side, stroke=0, fill=1)
    canvas.drawImage(reader, symbol_x, symbol_y, side, side)
    _set_fill(canvas, INK)
    canvas.setFont(fonts.bold, 9)
    draw_centred_string(canvas, symbol_x + side / 2, symbol_y + side + 2 * mm, common.barcode_label)
    canvas.setFont(fonts.regular, 7.5)
    draw_centred_string(canvas, symbol_x + side / 2, symbol_y - 4 * mm,
                             f"{common.document_id_label} {view.document_id}")
    # Left of the symbol: what the signature does not cover, and how to verify.
    text_w = symbol_x - MARGIN - 8 * mm
    y = symbol_y + side + 2 * mm
    y = _paragraph(canvas, fonts.bold, 8.5, common.verify_heading, MARGIN, y, text_w, BLUE)
    y = _paragraph(canvas, fonts.regular, 7.5, common.verify_note, MARGIN, y - 1, text_w, INK)
    y -= 2.5 * mm
    y = _paragraph(canvas, fonts.bold, 7.5, common.uncovered_heading, MARGIN, y, text_w, GREY)
    _paragraph(canvas, fonts.regular, 6.8, common.uncovered_note, MARGIN, y - 1, text_w, GREY)
    # Footer rule and line: issue date, data date, page number.
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN, footer_y + 4 * mm, right, footer_y + 4 * mm)
    _set_fill(canvas, GREY)
    canvas.setFont(fonts.regular, 7.5)
    draw_string(canvas, MARGIN, footer_y, f"{common.issued_label} · {common.data_label}")
    draw_right_string(canvas, right, footer_y, page_label)


@functools.lru_cache(maxsize=512)
def _split(text: str, font: str, size: float, width: float) -> tuple[str, ...]:
    """``simpleSplit``'s lines, kept: the notes and headings wrap alike in every document."""
    return tuple(simpleSplit(text, font, size, width))


def _paragraph(canvas: Canvas, font: str, size: float, text: str, x: float, top: float,
               width: float, colour: Color) -> float:
    """Draw wrapped text whose first baseline sits ``size`` below ``top``; return the new top."""
    leading = size * 1.3
    canvas.setFont(font, size)
    _set_fill(canvas, colour)
    y = top - size
    for line in _split(text, font, size, width):
        draw_string(canvas, x, y, line)
        y -= leading
    return y + leading - size * 0.3  # just below the last line's descenders


# ---------------------------------------------------------------------------------------------
# Flowing content: measured into operations, then split into pages.
# ---------------------------------------------------------------------------------------------
class _Layout:
    """Measures the flowing content of one document and splits it into pages."""

    def __init__(self, fonts: Fonts, view: DocumentView, common: Any, specific: Any) -> None:
        self.fonts = fonts
        self.view = view
        self.common = common
        self.specific = specific
        self._pages: list[list[_Op]] = [[]]
        self.top = HEADER_BOTTOM - 8 * mm
        self.floor = BOTTOM_BAND

    # -- helpers ---------------------------------------------------------------------------
    def _room(self, height: float) -> None:
        """Start a new page when ``height`` does not fit above the bottom band."""
        if self.top - height < self.floor:
            self._new_page()

    def _new_page(self) -> None:
        """Open a page whose first line recalls the document and its holder."""
        self._pages.append([])
        self.top = HEADER_BOTTOM - 8 * mm
        facts = self.view.facts
        recall = (f"{self.specific.title} · {facts.surname.upper()} "
                  f"{', '.join(facts.given_names)} · NEPH {facts.neph}")
        self._text(self.fonts.regular, 8.5, recall, MARGIN, GREY)
        self.top -= 16

    def _emit(self, op: _Op) -> None:
        self._pages[-1].append(op)

    def _text(self, font: str, size: float, text: str, x: float, colour: Color = INK,
              *, right: bool = False) -> None:
        y = self.top - size

        def op(canvas: Canvas) -> None:
            canvas.setFont(font, size)
            _set_fill(canvas, colour)
            if right:
                draw_right_string(canvas, x, y, text)
            else:
                draw_string(canvas, x, y, text)

        self._emit(op)

    def _wrapped(self, font: str, size: float, text: str, x: float, width: float,
                 colour: Color = INK) -> float:
        """Emit wrapped lines at the current top; return their total height (not advanced)."""
        lines = _split(text, font, size, width)
        leading = size * 1.35
        top = self.top

        def op(canvas: Canvas) -> None:
            canvas.setFont(font, size)
            _set_fill(canvas, colour)
            for index, line in enumerate(lines):
                draw_string(canvas, x, top - size - index * leading, line)

        self._emit(op)
        return size + (len(lines) - 1) * leading + size * 0.35

    def _section(self, title: str) -> None:
        self._room(14 * mm)
        self.top -= 3 * mm
        self._text(self.fonts.bold, 10.5, title, MARGIN, BLUE)
        y = self.top - 14

        def op(canvas: Canvas) -> None:
            canvas.setStrokeColor(RULE)
            canvas.setLineWidth(0.6)
            canvas.line(MARGIN, y, PAGE_W - MARGIN, y)

        self._emit(op)
        self.top -= 19

    def _fill(self, x: float, y: float, w: float, h: float, colour: Color) -> None:
        def op(canvas: Canvas) -> None:
            _set_fill(canvas, colour)
            canvas.rect(x, y, w, h, stroke=0, fill=1)

        self._emit(op)

    # -- blocks ----------------------------------------------------------------------------
    def pages(self) -> list[list[_Op]]:
        self._title()
        self._holder()
        self._licence()
        if self.view.kind is DocumentKind.ADCS:
            self._adcs_validity()  # what an employer looks for first: before the categories
        self._categories()
        if self.view.kind is DocumentKind.RII:
            self._history()
        return self._pages

    def _title(self) -> None:
        f, s, view = self.fonts, self.specific, self.view
        self._text(f.bold, 18, s.title, MARGIN, INK)
        self.top -= 24
        self._text(f.regular, 9, s.short + " · " + s.validity, MARGIN, BLUE)
        self._text(f.bold, 9, f"{self.common.document_id_label} {view.document_id}",
                   PAGE_W - MARGIN, GREY, right=True)
        self.top -= 14
        self.top -= self._wrapped(f.regular, 8.5, s.subtitle, MARGIN, CONTENT_W, GREY)
        self.top -= 2 * mm

    def _row(self, label: str, value: str, *, value_font: str | None = None,
             colour: Color = INK) -> None:
        f = self.fonts
        font = value_font or f.bold
        width = CONTENT_W - 48 * mm
        lines = simpleSplit(value, font, 9.5, width) or [""]
        self._room(13 * len(lines))
        self._text(f.regular, 8.5, label, MARGIN, GREY)
        for line in lines:  # a long name wraps rather than running past the margin
            self._text(font, 9.5, line, MARGIN + 48 * mm, colour)
            self.top -= 12.5
        self.top -= 1.5

    def _holder(self) -> None:
        c, facts = self.common, self.view.facts
        self._section(c.holder_heading)
        self._row(c.label_surname, facts.surname.upper())
        self._row(c.label_given_names, ", ".join(facts.given_names))
        self._row(c.label_civility, c.civility_words.get(facts.civility.upper(), facts.civility))
        birth = facts.birth_date
        self._row(c.label_birth, f"{birth[:2]}/{birth[2:4]}/{birth[4:]} à {facts.birth_place}")
        self._row(c.label_neph, facts.neph)

    def _licence(self) -> None:
        c, facts, f = self.common, self.view.facts, self.fonts
        self._section(c.licence_heading)
        valid = facts.state.upper() == "VALIDE"
        words = c.state_words.get(facts.state.upper(), facts.state)
        self._row(c.label_state, words, colour=GREEN if valid else RED)
        if not valid:
            self._room(24)
            self.top -= self._wrapped(f.bold, 8.5, c.state_warning, MARGIN, CONTENT_W, RED)
            self.top -= 2
        if facts.licence_number:
            self._row(c.label_licence_number, facts.licence_number)
        if facts.licence_issued_on:
            self._row(c.label_licence_issued, french_date(facts.licence_issued_on))

    def _categories(self) -> None:
        c, facts, f = self.common, self.view.facts, self.fonts
        self._section(c.categories_heading)
        cols = (MARGIN + 2 * mm, MARGIN + 30 * mm, MARGIN + 66 * mm, MARGIN + 102 * mm)
        heads = (c.col_category, c.col_obtained, c.col_valid_until, c.col_restrictions)

        def header() -> None:
            self._fill(MARGIN, self.top - 15, CONTENT_W, 15, LIGHT)
            self.top -= 3
            for x, head in zip(cols, heads, strict=True):
                self._text(f.bold, 8, head, x, INK)
            self.top -= 14

        header()
        if not facts.categories:
            self.top -= self._wrapped(f.italic, 8.5, c.no_category, MARGIN, CONTENT_W, GREY)
            return
        for line in facts.categories:
            if self.top - 13 < self.floor:
                self._room(13)
                header()
            values = (
                line.code,
                french_date(line.obtained_on),
                french_date(line.valid_until) or c.unlimited,
                " ".join(line.restrictions) or c.unlimited,
            )
            for x, value, font in zip(cols, values, (f.bold, f.regular, f.regular, f.regular),
                                      strict=True):
                self._text(font, 9, value, x, INK)
            y = self.top - 12.5

            def rule(canvas: Canvas, y: float = y) -> None:
                canvas.setStrokeColor(RULE)
                canvas.setLineWidth(0.3)
                canvas.line(MARGIN, y, PAGE_W - MARGIN, y)

            self._emit(rule)
            self.top -= 13.5

    def _adcs_validity(self) -> None:
        s, f = self.specific, self.fonts
        self.top -= 4 * mm
        detail_w = CONTENT_W - 10 * mm
        lines = len(_split(s.validity_detail, f.regular, 8.5, detail_w))
        height = 4 * mm + 20 + 8.5 + (lines - 1) * 8.5 * 1.35 + 4 * mm  # grows with the text
        self._room(height)
        bottom = self.top - height
        self._fill(MARGIN, bottom, CONTENT_W, height, HexColor("#F5F5FE"))
        self._fill(MARGIN, bottom, 1.6 * mm, height, BLUE)
        self.top -= 4 * mm
        self._text(f.bold, 15, s.validity, MARGIN + 6 * mm, BLUE)
        self.top -= 20
        self._wrapped(f.regular, 8.5, s.validity_detail, MARGIN + 6 * mm, detail_w)
        self.top = bottom - 2 * mm

    def _history(self) -> None:
        s, f, facts = self.specific, self.fonts, self.view.facts
        # The balance, in a box, then the history table.
        self.top -= 3 * mm
        self._room(14 * mm)
        bottom = self.top - 12 * mm
        self._fill(MARGIN, bottom, CONTENT_W, 12 * mm, HexColor("#F5F5FE"))
        self._fill(MARGIN, bottom, 1.6 * mm, 12 * mm, BLUE)
        self.top -= 3.5 * mm
        self._text(f.regular, 9, s.balance_label, MARGIN + 6 * mm, GREY)
        self._text(f.bold, 14, s.balance_value, MARGIN + 60 * mm, BLUE)
        self.top = bottom - 1 * mm
        self._section(s.history_heading)
        cols = (MARGIN + 2 * mm, MARGIN + 24 * mm, MARGIN + 62 * mm, PAGE_W - MARGIN - 2 * mm)
        detail_w = cols[3] - cols[2] - 14 * mm

        def header() -> None:
            self._fill(MARGIN, self.top - 15, CONTENT_W, 15, LIGHT)
            self.top -= 3
            self._text(f.bold, 8, s.col_date, cols[0])
            self._text(f.bold, 8, s.col_kind, cols[1])
            self._text(f.bold, 8, s.col_detail, cols[2])
            self._text(f.bold, 8, s.col_points, cols[3], right=True)
            self.top -= 14

        header()
        if not facts.history:
            self.top -= self._wrapped(f.italic, 8.5, s.no_history, MARGIN, CONTENT_W, GREY)
            return
        for entry in sorted(facts.history, key=lambda e: e.on, reverse=True):
            lines = simpleSplit(entry.label, f.regular, 8.5, detail_w)
            height = 4 + len(lines) * 11
            if self.top - height < self.floor:
                self._new_page()
                self._text(f.bold, 10.5, s.history_continued, MARGIN, BLUE)
                self.top -= 19
                header()
            self._history_row(entry, lines, cols, height)

    def _history_row(self, entry: HistoryEntry, lines: list[str], cols: tuple[float, ...],
                     height: float) -> None:
        f = self.fonts
        self._text(f.regular, 8.5, french_date(entry.on), cols[0])
        self._text(f.regular, 8.5, entry.kind.value, cols[1])
        top = self.top

        def op(canvas: Canvas) -> None:
            canvas.setFont(f.regular, 8.5)
            _set_fill(canvas, INK)
            for index, line in enumerate(lines):
                draw_string(canvas, cols[2], top - 8.5 - index * 11, line)
            canvas.setStrokeColor(RULE)
            canvas.setLineWidth(0.3)
            canvas.line(MARGIN, top - height + 1, PAGE_W - MARGIN, top - height + 1)

        self._emit(op)
        if entry.points is not None:
            colour = RED if entry.points < 0 else GREEN
            self._text(f.bold, 8.5, f"{entry.points:+d}", cols[3], colour, right=True)
        self.top -= height
