"""The PDF's fill-colour shortcut writes what reportlab's setFillColor writes."""

from __future__ import annotations

import io
import re

import pytest
from reportlab.lib.colors import CMYKColor, Color, HexColor, white
from reportlab.pdfgen.canvas import Canvas

from issuer.pdf import BLUE, GREEN, GREY, INK, LIGHT, RED, RULE, _set_fill

COLOURS = [BLUE, RED, INK, GREY, LIGHT, RULE, GREEN, white, HexColor("#F5F5FE"),
           Color(0.2, 0.4, 0.6, alpha=0.5), CMYKColor(0.1, 0.2, 0.3, 0.4)]


def _pdf(canvas: Canvas) -> bytes:
    canvas.showPage()
    canvas.save()
    data = canvas._filename.getvalue()  # type: ignore[union-attr]
    return re.sub(rb"/ID \n\[<[0-9a-f]+><[0-9a-f]+>\]", b"/ID", data)


@pytest.mark.parametrize("order", [COLOURS, COLOURS[::-1]], ids=["forward", "backward"])
def test_same_operators_state_and_pdf_as_reportlab(order: list[Color]) -> None:
    theirs = Canvas(io.BytesIO(), pageCompression=0)
    mine = Canvas(io.BytesIO(), pageCompression=0)
    for colour in order:
        theirs.setFillColor(colour)
        _set_fill(mine, colour)
        assert mine._fillColorObj == theirs._fillColorObj
        theirs.rect(10, 10, 20, 20, stroke=0, fill=1)
        mine.rect(10, 10, 20, 20, stroke=0, fill=1)
    assert mine._code == theirs._code
    assert _pdf(mine) == _pdf(theirs)
