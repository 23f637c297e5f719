"""The fast text path writes exactly what reportlab's drawString family writes."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from issuer.fonts import (
    SEED_CHARACTERS,
    CachedSubsetTTFont,
    Fonts,
    draw_centred_string,
    draw_right_string,
    draw_string,
    register_fonts,
    seed,
)

FONTS = register_fonts()

_Ours = Callable[[Canvas, float, float, str], None]
PAIRS: list[tuple[str, _Ours]] = [
    ("drawString", draw_string),
    ("drawRightString", draw_right_string),
    ("drawCentredString", draw_centred_string),
]

TEXTS = [
    "Attestation de droits à conduire sécurisée",
    "ÉLÉONORE « L'ŒUVRE » — n° 12 · 29/02/2028 …",
    "parenthèses (et \\ barre) ’apostrophe’",
    "Łukasz Ørsted-Þór",  # outside the seed: reportlab assigns the codes
    "Ａｎｎａ 漢字 € ñ",
    "espace\u00a0insécable",
    "",
]


def _canvas(fonts: Fonts) -> Canvas:
    canvas = Canvas(io.BytesIO(), pageCompression=0, initialFontName=fonts.regular)
    seed(fonts, canvas._doc)
    return canvas


def _pdf(canvas: Canvas) -> bytes:
    canvas.showPage()
    canvas.save()
    data = canvas._filename.getvalue()  # type: ignore[union-attr]
    return re.sub(rb"/ID \n\[<[0-9a-f]+><[0-9a-f]+>\]", b"/ID", data)


def _draw_both(texts: list[str], font: str, size: float, x: float, y: float,
               method: str, ours: _Ours) -> tuple[Canvas, Canvas]:
    theirs, mine = _canvas(FONTS), _canvas(FONTS)
    for canvas in (theirs, mine):
        canvas.setFont(font, size)
    for text in texts:
        getattr(theirs, method)(x, y, text)
        ours(mine, x, y, text)
    return theirs, mine


@pytest.mark.parametrize(("method", "ours"), PAIRS, ids=[name for name, _ in PAIRS])
@pytest.mark.parametrize("font", sorted({FONTS.regular, FONTS.bold}))
def test_same_operators_and_same_pdf_as_reportlab(method: str, ours: _Ours, font: str) -> None:
    theirs, mine = _draw_both(TEXTS, font, 9.5, 51.02362, 700.5, method, ours)
    assert mine._code == theirs._code
    assert _pdf(mine) == _pdf(theirs)


def test_seeded_text_takes_the_fast_path_and_rare_text_does_not() -> None:
    font = pdfmetrics.getFont(FONTS.regular)
    if not isinstance(font, CachedSubsetTTFont):
        pytest.skip("DejaVu Sans is not installed: Helvetica has no fast path")
    canvas = _canvas(FONTS)
    seeded_text = "Valable jusqu'au 28/02/2027 — « éèà »"
    assert font.escaped_seeded(seeded_text, canvas._doc) is not None
    assert font.escaped_seeded("Łukasz", canvas._doc) is None
    # A document that was not seeded gets no fast path, even for a cached string.
    bare = Canvas(io.BytesIO(), initialFontName=FONTS.regular)
    assert font.escaped_seeded(seeded_text, bare._doc) is None


def test_seed_gives_every_document_the_same_codes() -> None:
    font = pdfmetrics.getFont(FONTS.regular)
    if not isinstance(font, CachedSubsetTTFont):
        pytest.skip("DejaVu Sans is not installed")
    first, second = _canvas(FONTS), _canvas(FONTS)
    a, b = font.state[first._doc], font.state[second._doc]
    assert a.assignments == b.assignments and a.subsets == b.subsets
    assert all(ord(char) in a.assignments for char in SEED_CHARACTERS)
    # Each document owns its state: a rare letter in one does not leak into the other.
    font.splitString("Ǆ", first._doc)
    assert ord("Ǆ") in a.assignments and ord("Ǆ") not in b.assignments


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(st.text(alphabet=SEED_CHARACTERS + "ŁØÞ€ñ漢\u00a0()\\", max_size=30),
                      min_size=1, max_size=5),
       size=st.sampled_from([6.8, 7.5, 8.5, 9.5, 18]),
       x=st.floats(0, 595, allow_nan=False), y=st.floats(0, 842, allow_nan=False),
       pair=st.sampled_from(PAIRS))
def test_any_text_matches_reportlab(texts: list[str], size: float, x: float, y: float,
                                    pair: tuple[str, _Ours]) -> None:
    method, ours = pair
    theirs, mine = _draw_both(texts, FONTS.bold, size, x, y, method, ours)
    assert mine._code == theirs._code
