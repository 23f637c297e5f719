"""Cached font subsets: reused across documents, still right for rare characters."""

from __future__ import annotations

import io

import pypdf
import pytest
from reportlab.pdfgen.canvas import Canvas

from issuer.fonts import FONT_DIR, register_fonts, seed


def _pdf(fonts, text: str) -> bytes:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    canvas = Canvas(buffer, initialFontName=fonts.regular)
    seed(fonts, canvas._doc)
    canvas.setFont(fonts.regular, 12)
    canvas.drawString(72, 720, text)
    canvas.setFont(fonts.bold, 12)
    canvas.drawString(72, 700, text.upper())
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _font_files(data: bytes) -> list[bytes]:
    page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
    return [font.get_object()["/FontDescriptor"]["/FontFile2"].get_data()
            for font in page["/Resources"]["/Font"].values()]


@pytest.fixture(scope="module")
def fonts():  # type: ignore[no-untyped-def]
    if not (FONT_DIR / "DejaVuSans.ttf").is_file():
        pytest.skip("fonts-dejavu-core is not installed")
    return register_fonts()


def test_two_documents_with_different_names_share_the_subset(fonts) -> None:  # type: ignore[no-untyped-def]
    first, second = _pdf(fonts, "Françoise Lefèvre"), _pdf(fonts, "Jérôme Château")
    assert _font_files(first) == _font_files(second)
    assert "Jérôme Château" in pypdf.PdfReader(io.BytesIO(second)).pages[0].extract_text()


def test_a_rare_character_extends_the_subset_and_extracts(fonts) -> None:  # type: ignore[no-untyped-def]
    plain, rare = _pdf(fonts, "Lech Walesa"), _pdf(fonts, "Lech Wałęsa Øre")
    assert _font_files(plain) != _font_files(rare)
    text = pypdf.PdfReader(io.BytesIO(rare)).pages[0].extract_text()
    assert "Lech Wałęsa Øre" in text and "LECH WAŁĘSA ØRE" in text
