"""Cached, pre-formatted font objects: the same PDF bytes as reportlab's own TTFont writes."""

from __future__ import annotations

import io
import re

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from issuer.fonts import FONT_DIR, Fonts, draw_string, register_fonts, seed


@pytest.fixture(scope="module")
def both() -> tuple[Fonts, Fonts]:
    if not (FONT_DIR / "DejaVuSans.ttf").is_file():
        pytest.skip("fonts-dejavu-core is not installed")
    ours = register_fonts()
    plain = Fonts("Plain-Regular", "Plain-Bold", "Plain-Regular")
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, file in ((plain.regular, "DejaVuSans.ttf"), (plain.bold, "DejaVuSans-Bold.ttf")):
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file)))
    return ours, plain


def _pdf(fonts: Fonts, lines: list[str]) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pageCompression=1, initialFontName=fonts.regular)
    canvas.setDateFormatter(lambda *_: "D:20261031080100+00'00'")
    seed(fonts, canvas._doc)
    for index, line in enumerate(lines):
        canvas.setFont(fonts.bold if index % 2 else fonts.regular, 9.5)
        draw_string(canvas, 72, 720 - 14 * index, line)
    canvas.showPage()
    canvas.save()
    return re.sub(rb"/ID \n\[<[0-9a-f]+><[0-9a-f]+>\]", b"/ID", buffer.getvalue())


@pytest.mark.parametrize("lines", [
    ["Attestation de droits à conduire", "DUPRÉ Noël « 78 »"],
    ["Łukasz Ørsted", "漢 Ǆ ñ €", "Lech Wałęsa"],  # subsets beyond the seed, and a second one
])
def test_frozen_font_objects_write_what_reportlab_writes(both: tuple[Fonts, Fonts],
                                                         lines: list[str]) -> None:
    ours, plain = both
    expected = _pdf(plain, lines)
    first, again = _pdf(ours, lines), _pdf(ours, lines)  # the cache is filled, then reused
    assert first == expected
    assert again == expected
