"""Lay out an RIR, ADCS or RII as an A4 PDF (reportlab) around its 2D-Doc symbol.

The wording comes from the Jinja templates ``templates/documents/{common,rir,adcs,rii}.j2``; the
flowing content is placed by :mod:`issuer.pdf_layout` and the parts every page repeats by
:mod:`issuer.pdf_page`; this module ties them together: :meth:`PDFRenderer.layout` before the
2D-Doc is signed (the page count is signed, DI 09), :meth:`PDFRenderer.render` after.

Everything is drawn through reportlab's public API (``Canvas`` and its forms). Costly set-up
(finding and registering the fonts, compiling the templates) happens once per
:class:`PDFRenderer`; see ``bench/bench_issue.py`` for what a document costs.

Specimens (issue 9, item 8): a document signed under a test CA (``FR00``, the range the
specification reserves for tests, our dev PKI's) carries « SPÉCIMEN — document de démonstration »
in its header and as a large translucent mark on every page.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from issuer.facts import DriverFacts
from issuer.fonts import register_fonts
from issuer.kinds import DocumentKind
from issuer.pdf_layout import Op, PageFlow
from issuer.pdf_page import (
    MIN_MODULE,
    draw_furniture_form,
    draw_page,
    draw_specimen,
    french_date,
    module_size,
)

__all__ = [
    "COMPRESS_STREAMS",
    "DEFAULT_TEMPLATES_DIR",
    "MIN_MODULE",
    "SPECIMEN_CA_IDS",
    "DocumentView",
    "Layout",
    "PDFRenderer",
    "french_date",
    "module_size",
]

DEFAULT_TEMPLATES_DIR = Path(str(resources.files("permis2d.templates") / "documents"))

COMPRESS_STREAMS = 0
"""reportlab's ``pageCompression``: 0, streams are written without Flate compression.

Why: most of a document's bytes are the two embedded font subsets (about 36 KB each for DejaVu
Sans, whose name table alone is 15 KB). Compressing them and the page cost about 1.9 ms of the
5.8 ms a one-page ADCS takes to draw (measured with ``bench/bench_issue.py``'s document), for a
file of 48 KB instead of 90 KB. A 90 KB PDF is mailed, uploaded and scanned without trouble;
issuing throughput (goal: 100 ADCS/s per core, issue 11) is what this path is measured by.
The symbol image is compressed either way (reportlab always deflates images).
"""

SPECIMEN_CA_IDS = frozenset({"FR00"})
"""CA ids whose documents are specimens: ``FR00``, reserved by the specification for tests."""


@dataclass(frozen=True)
class DocumentView:
    """Everything a document shows, besides its barcode.

    ``ca_id`` is the signing CA's id (header, spec §3.3). Unknown (``None``) counts as a
    specimen: a renderer that is not told who signs never presents a document as genuine.
    """

    kind: DocumentKind
    facts: DriverFacts
    document_id: str
    issued_on: date
    created_at: datetime
    verifier_url: str
    expires_on: date | None = None
    ca_id: str | None = None

    @property
    def specimen(self) -> bool:
        """True when the document must say « SPÉCIMEN » (signed under a test CA, or unknown)."""
        return self.ca_id is None or self.ca_id in SPECIMEN_CA_IDS


@dataclass(frozen=True)
class Layout:
    """A document laid out: its view, its wording modules and its pages of drawing operations."""

    view: DocumentView
    common: Any
    specific: Any
    pages: list[list[Op]]


class PDFRenderer:
    """Renders documents; holds the registered fonts and the compiled templates."""

    def __init__(self, templates_dir: Path = DEFAULT_TEMPLATES_DIR,
                 font_dir: Path | None = None) -> None:
        """Find and register the fonts (``font_dir``, else fontconfig) and compile the wording.

        Raises :class:`issuer.errors.FontNotFoundError` when no face draws French text.
        """
        self.fonts = register_fonts(font_dir)
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

    def _wording(self, view: DocumentView) -> tuple[Any, Any]:
        """The common and the document's own wording, filled in for ``view``."""
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

    def layout(self, view: DocumentView) -> Layout:
        """Lay ``view`` out into pages (measured, not drawn): its page count is DI 09.

        ``view`` must already carry its document id and expiry date, so that the same layout
        is drawn by :meth:`render` once the 2D-Doc is signed (one layout pass per document).
        """
        common, specific = self._wording(view)
        pages = PageFlow(self.fonts, view, common, specific).lay_out()
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
        canvas = Canvas(buffer, pagesize=A4, pageCompression=COMPRESS_STREAMS,
                        initialFontName=self.fonts.regular)
        stamp = view.created_at.strftime("D:%Y%m%d%H%M%S+00'00'")
        canvas.setDateFormatter(lambda *_: stamp)
        canvas.setTitle(f"{specific.title} ({specific.short}) — {view.document_id}")
        canvas.setAuthor(common.author)
        canvas.setSubject(f"{specific.title} — NEPH {view.facts.neph}")
        canvas.setCreator("permis2d")
        canvas.setKeywords(["2D-Doc", specific.short, view.document_id])
        side = module_size(symbol_modules) * symbol_modules
        draw_furniture_form(canvas, self.fonts, common, view.document_id, side,
                            specimen=view.specimen)
        symbol = ImageReader(symbol_image.convert("L"))
        total = len(layout.pages)
        for number, ops in enumerate(layout.pages, start=1):
            draw_page(canvas, self.fonts, common.page_label(number, total), symbol, side)
            for op in ops:
                op(canvas)
            if view.specimen:
                draw_specimen(canvas, self.fonts, common)
            canvas.showPage()
        canvas.save()
        return buffer.getvalue()
