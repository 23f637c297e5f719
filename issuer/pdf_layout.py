"""The flowing content of a document, measured into drawing operations and split into pages.

Order, top to bottom, and why:

1. on an ADCS or RIR whose licence does not allow driving, the state as the headline (red box):
   the reader's question is "may this person drive?" (issue 9, item 9), so the answer comes first;
2. the title, the document's kind and validity, its id;
3. the holder (with the *nom d'usage* when the registry has one, marked as not signed);
4. the licence: its state (with the nature and end of a suspension, marked as not signed);
5. on an ADCS, the box « Attestation valable jusqu'au … » (about the paper, DI 08, not the
   licence), before the categories an employer reads next;
6. the categories with their dates and restrictions;
7. on an RII, the balance and the 10-year history, over as many pages as it needs.

Layout happens before signing because the page count is signed (DI 09); the operations are then
drawn unchanged once the symbol exists. Every value marked ``*`` is registry data that no 2D-Doc
field carries; the page says so next to it and in the bottom band.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from reportlab.lib.colors import Color, white
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from issuer.facts import HistoryEntry, SuspensionFacts, SuspensionKind
from issuer.fonts import Fonts
from issuer.kinds import DocumentKind
from issuer.pdf_page import (
    ACCENT,
    BOTTOM_BAND,
    CONTENT_TOP,
    CONTENT_W,
    GREEN,
    GREY,
    INK,
    LIGHT,
    MARGIN,
    PAGE_W,
    PALE,
    RED,
    RULE,
    french_date,
    wrap,
)

if TYPE_CHECKING:  # issuer.pdf imports this module
    from issuer.pdf import DocumentView

__all__ = ["DRIVING_STATES", "Op", "PageFlow"]

Op = Callable[[Canvas], None]
"""One drawing operation of a laid-out page."""

DRIVING_STATES = frozenset({"VALIDE"})
"""Annex-13 states (p.148) of a licence that allows driving; every other state is headlined."""

_SUSPENDED_STATES = frozenset({"SUSPENDU", "SUSPENDU MEDICAL"})
_LABEL_W = 48 * mm  # width of the label column of the holder and licence rows


class PageFlow:
    """Measures the flowing content of one document and splits it into pages of operations."""

    def __init__(self, fonts: Fonts, view: DocumentView, common: Any, specific: Any) -> None:
        """Start the first page; ``common`` and ``specific`` are the wording templates' modules."""
        self.fonts = fonts
        self.view = view
        self.facts = view.facts
        self.common = common
        self.specific = specific
        self.pages: list[list[Op]] = [[]]
        self.top = CONTENT_TOP
        self.floor = BOTTOM_BAND

    # -- primitives --------------------------------------------------------------------------
    def _room(self, height: float) -> None:
        """Start a new page when ``height`` does not fit above the bottom band."""
        if self.top - height < self.floor:
            self._new_page()

    def _new_page(self) -> None:
        """Open a page whose first line recalls the document and its holder."""
        self.pages.append([])
        self.top = CONTENT_TOP
        facts = self.facts
        recall = (f"{self.specific.title} · {facts.surname.upper()} "
                  f"{', '.join(facts.given_names)} · NEPH {facts.neph}")
        self._text(self.fonts.regular, 8.5, recall, MARGIN, GREY)
        self.top -= 16

    def _emit(self, op: Op) -> None:
        self.pages[-1].append(op)

    def _text(self, font: str, size: float, text: str, x: float, colour: Color = INK,
              *, right: bool = False) -> None:
        """Emit one line whose top is the current top (the top does not move)."""
        y = self.top - size

        def op(canvas: Canvas) -> None:
            canvas.setFont(font, size)
            canvas.setFillColor(colour)
            if right:
                canvas.drawRightString(x, y, text)
            else:
                canvas.drawString(x, y, text)

        self._emit(op)

    def _wrapped(self, font: str, size: float, text: str, x: float, width: float,
                 colour: Color = INK) -> float:
        """Emit wrapped lines at the current top; return their total height (not advanced)."""
        lines = wrap(text, font, size, width)
        leading = size * 1.35
        top = self.top

        def op(canvas: Canvas) -> None:
            block = canvas.beginText(x, top - size)
            block.setFont(font, size, leading)
            block.setFillColor(colour)
            block.textLines(lines)
            canvas.drawText(block)

        self._emit(op)
        return size + (len(lines) - 1) * leading + size * 0.35

    def _fill(self, x: float, y: float, w: float, h: float, colour: Color) -> None:
        def op(canvas: Canvas) -> None:
            canvas.setFillColor(colour)
            canvas.rect(x, y, w, h, stroke=0, fill=1)

        self._emit(op)

    def _rule(self, y: float, width: float = 0.3) -> None:
        def op(canvas: Canvas) -> None:
            canvas.setStrokeColor(RULE)
            canvas.setLineWidth(width)
            canvas.line(MARGIN, y, PAGE_W - MARGIN, y)

        self._emit(op)

    def _section(self, title: str) -> None:
        self._room(14 * mm)
        self.top -= 2.5 * mm
        self._text(self.fonts.bold, 10.5, title, MARGIN, ACCENT)
        self._rule(self.top - 14, 0.6)
        self.top -= 18

    def _row(self, label: str, value: str, *, bold: bool = True, colour: Color = INK) -> None:
        """A label and its value (wrapped: a long name never runs past the margin)."""
        f = self.fonts
        font = f.bold if bold else f.regular
        lines = wrap(value, font, 9.5, CONTENT_W - _LABEL_W) or ("",)
        self._room(12 * len(lines))
        self._text(f.regular, 8.5, label, MARGIN, GREY)
        for line in lines:
            self._text(font, 9.5, line, MARGIN + _LABEL_W, colour)
            self.top -= 11.5
        self.top -= 0.5

    def _box(self, heading: str, heading_size: float, detail: str, *, edge: Color,
             background: Color, heading_colour: Color, detail_colour: Color = INK) -> None:
        """A box with a coloured edge: a heading line and a wrapped detail below it."""
        f = self.fonts
        detail_w = CONTENT_W - 10 * mm
        lines = len(wrap(detail, f.regular, 8.5, detail_w)) if detail else 0
        detail_h = 8.5 + (lines - 1) * 8.5 * 1.35 + 3 if lines else 0
        height = 3 * mm + heading_size + 4 + detail_h + 3 * mm  # grows with the text
        self._room(height)
        bottom = self.top - height
        self._fill(MARGIN, bottom, CONTENT_W, height, background)
        self._fill(MARGIN, bottom, 1.6 * mm, height, edge)
        self.top -= 3 * mm
        self._text(f.bold, heading_size, heading, MARGIN + 6 * mm, heading_colour)
        self.top -= heading_size + 4
        if detail:
            self._wrapped(f.regular, 8.5, detail, MARGIN + 6 * mm, detail_w, detail_colour)
        self.top = bottom - 2 * mm

    # -- blocks ------------------------------------------------------------------------------
    def lay_out(self) -> list[list[Op]]:
        """Lay every block out in reading order; return the pages of operations."""
        kind = self.view.kind
        if kind in (DocumentKind.ADCS, DocumentKind.RIR) and not self._drives():
            self._headline()
        self._title()
        self._holder()
        self._licence()
        if kind is DocumentKind.ADCS:
            self._adcs_validity()
        self._categories()
        if kind is DocumentKind.RII:
            self._history()
        return self.pages

    def _state(self) -> str:
        return " ".join(self.facts.state.upper().split())

    def _drives(self) -> bool:
        return self._state() in DRIVING_STATES

    def _suspension(self) -> SuspensionFacts | None:
        """The suspension to print: only when the state itself is a suspension."""
        return self.facts.suspension if self._state() in _SUSPENDED_STATES else None

    def _headline(self) -> None:
        """The state first, in a red box: this licence does not allow driving."""
        c, state = self.common, self._state()
        suspension = self._suspension()
        words = c.headline_words.get(state, state)
        if suspension is not None and suspension.kind is SuspensionKind.JUDICIAL:
            words = c.judicial_headline
        detail = c.headline_note
        if suspension is not None:
            detail += " " + c.headline_until(french_date(suspension.end))
        self._box(words, 15, detail, edge=RED, background=RED, heading_colour=white,
                  detail_colour=white)

    def _title(self) -> None:
        f, s, view = self.fonts, self.specific, self.view
        self._text(f.bold, 17, s.title, MARGIN, INK)
        self.top -= 22
        self._text(f.regular, 9, s.short + " · " + s.validity, MARGIN, ACCENT)
        self._text(f.bold, 9, f"{self.common.document_id_label} {view.document_id}",
                   PAGE_W - MARGIN, GREY, right=True)
        self.top -= 13
        self.top -= self._wrapped(f.regular, 8.5, s.subtitle, MARGIN, CONTENT_W, GREY)

    def _holder(self) -> None:
        c, facts = self.common, self.facts
        self._section(c.holder_heading)
        self._row(c.label_surname, facts.surname.upper())
        if facts.usage_name:
            self._row(c.label_usage_name, facts.usage_name.upper())
        self._row(c.label_given_names, ", ".join(facts.given_names))
        self._row(c.label_civility, c.civility_words.get(facts.civility.upper(), facts.civility))
        birth = facts.birth_date
        self._row(c.label_birth, f"{birth[:2]}/{birth[2:4]}/{birth[4:]} à {facts.birth_place}")
        self._row(c.label_neph, facts.neph)

    def _licence(self) -> None:
        c, facts, f = self.common, self.facts, self.fonts
        self._section(c.licence_heading)
        drives, state = self._drives(), self._state()
        self._row(c.label_state, c.state_words.get(state, facts.state),
                  colour=GREEN if drives else RED)
        suspension = self._suspension()
        if suspension is not None:
            self._row(c.label_suspension, c.suspension_words(
                suspension.kind.value, french_date(suspension.start),
                french_date(suspension.end)), colour=RED)
        if not drives and self.view.kind is DocumentKind.RII:  # others have the headline
            self._room(24)
            self.top -= self._wrapped(f.bold, 8.5, c.state_warning, MARGIN, CONTENT_W, RED)
            self.top -= 2
        if self.view.kind is DocumentKind.RII:  # the record with the points (issue 12)
            self._points_status_note()
        if facts.licence_number:
            self._row(c.label_licence_number, facts.licence_number)
        if facts.licence_issued_on:
            self._row(c.label_licence_issued, french_date(facts.licence_issued_on))
        if facts.usage_name or suspension is not None:
            self._room(12)
            self.top -= self._wrapped(self.fonts.regular, 7, c.uncovered_mark_note, MARGIN,
                                      CONTENT_W, GREY)

    def _points_status_note(self) -> None:
        """A zero balance in words: before the 48SI letter, what it is and that a course still
        counts; after it, the day it was received (registry/RULES.md R5, I13)."""
        c, facts, f = self.common, self.facts, self.fonts
        if facts.invalidation_pending:
            note, colour = c.invalidation_pending_note, RED
        elif facts.invalidation_notified is not None and facts.points_balance == 0:
            note, colour = c.invalidated_note(french_date(facts.invalidation_notified)), RED
        else:
            return
        self._room(36)
        self.top -= self._wrapped(f.bold, 8.5, str(note), MARGIN, CONTENT_W, colour)
        self.top -= 2

    def _adcs_validity(self) -> None:
        s = self.specific
        self.top -= 2 * mm
        self._box(s.validity, 13, s.validity_detail, edge=ACCENT, background=PALE,
                  heading_colour=ACCENT)

    def _categories(self) -> None:
        c, facts, f = self.common, self.facts, self.fonts
        self._section(c.categories_heading)
        cols = (MARGIN + 2 * mm, MARGIN + 30 * mm, MARGIN + 66 * mm, MARGIN + 102 * mm)
        heads = (c.col_category, c.col_obtained, c.col_valid_until, c.col_restrictions)

        def header() -> None:
            self._fill(MARGIN, self.top - 14, CONTENT_W, 14, LIGHT)
            self.top -= 3
            for x, head in zip(cols, heads, strict=True):
                self._text(f.bold, 8, head, x, INK)
            self.top -= 13

        header()
        if not facts.categories:
            self.top -= self._wrapped(f.regular, 8.5, c.no_category, MARGIN, CONTENT_W, GREY)
            return
        for line in facts.categories:
            if self.top - 12 < self.floor:
                self._new_page()
                header()
            values = (line.code, french_date(line.obtained_on),
                      french_date(line.valid_until) or c.unlimited,
                      " ".join(line.restrictions) or c.unlimited)
            fonts = (f.bold, f.regular, f.regular, f.regular)
            for x, value, font in zip(cols, values, fonts, strict=True):
                self._text(font, 9, value, x, INK)
            self._rule(self.top - 11)
            self.top -= 12

    def _history(self) -> None:
        s, f, facts = self.specific, self.fonts, self.facts
        self.top -= 2 * mm
        self._box(f"{s.balance_label} : {s.balance_value}", 14, "", edge=ACCENT,
                  background=PALE, heading_colour=ACCENT)
        self._section(s.history_heading)
        cols = (MARGIN + 2 * mm, MARGIN + 24 * mm, MARGIN + 62 * mm, PAGE_W - MARGIN - 2 * mm)
        detail_w = cols[3] - cols[2] - 14 * mm

        def header() -> None:
            self._fill(MARGIN, self.top - 14, CONTENT_W, 14, LIGHT)
            self.top -= 3
            self._text(f.bold, 8, s.col_date, cols[0])
            self._text(f.bold, 8, s.col_kind, cols[1])
            self._text(f.bold, 8, s.col_detail, cols[2])
            self._text(f.bold, 8, s.col_points, cols[3], right=True)
            self.top -= 13

        header()
        if not facts.history:
            self.top -= self._wrapped(f.regular, 8.5, s.no_history, MARGIN, CONTENT_W, GREY)
            return
        for entry in sorted(facts.history, key=lambda e: e.on, reverse=True):
            lines = simpleSplit(entry.label, f.regular, 8.5, detail_w)
            height = 4 + len(lines) * 11
            if self.top - height < self.floor:
                self._new_page()
                self._text(f.bold, 10.5, s.history_continued, MARGIN, ACCENT)
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
            canvas.setFillColor(INK)
            for index, line in enumerate(lines):
                canvas.drawString(cols[2], top - 8.5 - index * 11, line)

        self._emit(op)
        self._rule(top - height + 1)
        if entry.points is not None:
            colour = RED if entry.points < 0 else GREEN
            self._text(f.bold, 8.5, f"{entry.points:+d}", cols[3], colour, right=True)
        self.top -= height
