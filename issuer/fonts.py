"""Embedded TrueType fonts for the PDFs, with their per-document subset objects cached.

Why: French wording needs a TTF with accents (DejaVu Sans, Debian ``fonts-dejavu-core``), and
reportlab embeds a fresh subset of it in every PDF: it rebuilds the subset font file, its widths
array and its ToUnicode CMap, and Flate-compresses them, about 3 ms per document for two faces.
Those objects depend only on the subset, i.e. the characters in the order they were given codes.
:data:`SEED_CHARACTERS` are given codes first in every document (:func:`seed`), so the subset
repeats from one document to the next and :class:`CachedSubsetTTFont` reuses its compressed
objects. A document with a rarer character simply gets a longer subset (cached too, bounded).

Drawing a string through reportlab's ``Canvas.drawString`` builds a text object, splits the string
into subsets character by character and measures it, about 25 µs a line; :func:`draw_string` and
its right-aligned and centred siblings write the very same operators (PDF 32000-1 §9.4 text
objects: ``BT``, ``Tm``, ``Tf``, ``TL``, ``Tj``, ``T*``, ``ET``) straight into the page, taking a
seeded string's bytes from a table built once. The tests hold them byte for byte equal to
reportlab's output.

Falls back to Helvetica (standard PDF font, WinAnsi: French accents still print) only when the
DejaVu files are absent; the Makefile's ``test-deps`` installs ``fonts-dejavu-core``.
"""

from __future__ import annotations

import copy
import functools
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import (
    NoEncryption,
    PDFArray,
    PDFDictionary,
    PDFName,
    PDFObject,
    PDFStream,
)
from reportlab.pdfbase.pdfdoc import format as pdf_format
from reportlab.pdfbase.ttfonts import (
    FF_NONSYMBOLIC,
    FF_SYMBOLIC,
    SUBSETN,
    TTFont,
    makeToUnicodeCMap,
)
from reportlab.pdfgen.canvas import Canvas

__all__ = ["FONT_DIR", "SEED_CHARACTERS", "CachedSubsetTTFont", "Fonts", "draw_centred_string",
           "draw_right_string", "draw_string", "register_fonts", "seed"]

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")

SEED_CHARACTERS = (
    "".join(chr(code) for code in range(32, 127))
    + "ÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸàâäçéèêëîïôöùûüÿŒœÆæ«»’—–·…°"
)
"""Characters given fixed codes at the start of every PDF (ASCII keeps its own codes)."""

_CACHE_LIMIT = 64  # distinct subsets kept per face (names with rare letters add some)
_TEXT_CACHE_LIMIT = 4096  # escaped seeded strings kept per face (labels repeat in every PDF)


@dataclass(frozen=True)
class Fonts:
    """Font names for the three styles the layout uses."""

    regular: str
    bold: str
    italic: str


class _Raw(PDFObject):
    """A PDF object whose serialised bytes are already known (a cached widths array)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, document: Any) -> bytes:
        return self.data


class _Slot(PDFObject):
    """A placeholder formatted as a marker, where a frozen object takes a per-document value."""

    def __init__(self, index: int) -> None:
        self.marker = b"\x00%d\x00" % index

    def format(self, document: Any) -> bytes:
        return self.marker


_SLOT = re.compile(rb"\x00(\d+)\x00")


def _freeze(obj: PDFObject, document: Any) -> tuple[tuple[bytes, ...], tuple[int, ...]]:
    """Format ``obj`` (a dictionary holding :class:`_Slot` values) into pieces around its slots."""
    parts = _SLOT.split(obj.format(document))
    return tuple(parts[0::2]), tuple(int(index) for index in parts[1::2])


class _Frozen(PDFObject):
    """A font dictionary formatted once; only its slots (references, names) vary by document.

    Formatting a dictionary costs a microsecond per entry in reportlab, and a document's fonts
    carry some sixty entries that never change from one document to the next.
    """

    __RefOnly__ = 1  # an indirect object, like the font dictionaries it stands for

    def __init__(self, frozen: tuple[tuple[bytes, ...], tuple[int, ...]],
                 values: tuple[PDFObject, ...]) -> None:
        self.pieces, self.order = frozen
        self.values = values

    def format(self, document: Any) -> bytes:
        out = [self.pieces[0]]
        for index, piece in zip(self.order, self.pieces[1:], strict=True):
            out.append(pdf_format(self.values[index], document))
            out.append(piece)
        return b"".join(out)


def _flate_stream(compressed: bytes, **entries: Any) -> PDFStream:
    """A stream whose content is already Flate-compressed (reportlab leaves it as is)."""
    stream = PDFStream(content=compressed, filters=[])
    for key, value in entries.items():
        stream.dictionary[key] = value
    stream.dictionary["Filter"] = PDFArray([PDFName("FlateDecode")])
    return stream


class _Probe:
    """A stand-in document (reportlab keys font state by weak reference to its document)."""


class _SeededState(TTFont.State):
    """A font state whose subset 0 starts with :data:`SEED_CHARACTERS` at fixed codes."""


@dataclass
class _SubsetObjects:
    widths: bytes
    cmap: bytes  # compressed ToUnicode CMap
    font_file: bytes  # compressed TrueType subset
    font_file_length: int
    # The same objects formatted (filled in by the first unencrypted document that uses them).
    frozen_cmap: bytes | None = None
    frozen_font_file: bytes | None = None
    frozen_descriptor: tuple[tuple[bytes, ...], tuple[int, ...]] | None = None
    frozen_font: tuple[tuple[bytes, ...], tuple[int, ...]] | None = None


class CachedSubsetTTFont(TTFont):
    """A reportlab ``TTFont`` that reuses the PDF objects of a subset it has already embedded.

    ``addObjects`` writes what reportlab's ``TTFont.addObjects`` and
    ``TTFontFace.addSubsetObjects`` write (PDF 32000-1 §9.6.3 TrueType font, §9.8 font
    descriptor, §9.10.3 ToUnicode), taking the widths, CMap and font file from the cache.
    """

    def __init__(self, name: str, filename: str) -> None:
        """Load the face once; the cache starts empty."""
        super().__init__(name, filename)
        self._objects: dict[tuple[str, tuple[int, ...]], _SubsetObjects] = {}
        self._seeded: _SeededState | None = None
        self._seed_codes: dict[int, str] = {}  # seeded code point -> its byte in subset 0
        self._escaped: dict[str, str] = {}  # seeded text -> its escaped PDF string body

    def seed_document(self, doc: Any) -> None:
        """Give ``doc`` the seeded subset state (a copy of one built once per face)."""
        if self._seeded is None:
            probe = _Probe()
            self.splitString(SEED_CHARACTERS, probe)
            template = _SeededState.__new__(_SeededState)
            template.__dict__.update(self.state.pop(probe).__dict__)
            self._seeded = template
            self._seed_codes = {
                code: chr(index) for code, index in template.assignments.items()
                if chr(code) in SEED_CHARACTERS and index < 256
            }
        state = copy.copy(self._seeded)
        state.assignments = dict(self._seeded.assignments)
        state.subsets = [list(subset) for subset in self._seeded.subsets]
        self.state[doc] = state

    def escaped_seeded(self, text: str, doc: Any) -> str | None:
        """``text``'s escaped bytes in subset 0 of a seeded ``doc``, or None if it cannot say.

        None when ``doc`` was not seeded by :meth:`seed_document` or ``text`` holds a character
        outside :data:`SEED_CHARACTERS` (its code depends on the document: reportlab decides).
        """
        cached = self._escaped.get(text)
        if cached is not None:
            return cached if isinstance(self.state.get(doc), _SeededState) else None
        if not isinstance(self.state.get(doc), _SeededState):
            return None
        codes = self._seed_codes
        if not all(ord(char) in codes for char in text):
            return None
        escaped = escapePDF(text.translate(codes).encode("latin-1"))
        if len(self._escaped) >= _TEXT_CACHE_LIMIT:
            self._escaped.clear()
        self._escaped[text] = escaped
        return escaped

    def _subset_objects(self, base_name: str, subset: list[int], doc: Any) -> _SubsetObjects:
        key = (base_name, tuple(subset))
        cached = self._objects.get(key)
        if cached is None:
            if len(self._objects) >= _CACHE_LIMIT:
                self._objects.clear()
            widths = PDFArray([self.face.getCharWidth(code) for code in subset]).format(doc)
            cmap = makeToUnicodeCMap(base_name, subset)
            font_file = self.face.makeSubset(subset)
            cached = _SubsetObjects(widths, zlib.compress(cmap.encode("latin-1")),
                                    zlib.compress(font_file), len(font_file))
            self._objects[key] = cached
        return cached

    def addObjects(self, doc: Any) -> None:  # noqa: N802 - reportlab's method name
        """Add this face's subsets (font, widths, CMap, descriptor, file) to ``doc``."""
        try:
            state = self.state[doc]
        except KeyError:
            state = self.state[doc] = TTFont.State(self._asciiReadable)
        state.frozen = 1
        face = self.face
        for index, subset in enumerate(state.subsets):
            internal = self.getSubsetInternalName(index, doc)[1:]
            base = b"".join((SUBSETN(index), b"+", face.name, face.subfontNameX)).decode("pdfdoc")
            objects = self._subset_objects(base, subset, doc)
            cmap: PDFObject = _flate_stream(objects.cmap)
            font_file: PDFObject = _flate_stream(objects.font_file,
                                                 Length1=objects.font_file_length)
            if isinstance(doc.encrypt, NoEncryption):  # formatted bytes do not depend on doc
                if objects.frozen_cmap is None or objects.frozen_font_file is None:
                    objects.frozen_cmap = cmap.format(doc)
                    objects.frozen_font_file = font_file.format(doc)
                cmap = _Frozen(((objects.frozen_cmap,), ()), ())
                font_file = _Frozen(((objects.frozen_font_file,), ()), ())
            cmap_ref = doc.Reference(cmap, f"toUnicodeCMap:{base}")
            font_file_ref = doc.Reference(font_file, f"fontFile:{face.filename}({base})")
            if objects.frozen_descriptor is None:
                objects.frozen_descriptor = _freeze(self._descriptor(base, _Slot(0)), doc)
            descriptor = _Frozen(objects.frozen_descriptor, (font_file_ref,))
            descriptor_ref = doc.Reference(descriptor, f"fontDescriptor:{base}")
            if objects.frozen_font is None:
                objects.frozen_font = _freeze(
                    self._font(base, len(subset), objects, _Slot(0), _Slot(1), _Slot(2)), doc)
            font = _Frozen(objects.frozen_font, (PDFName(internal), cmap_ref, descriptor_ref))
            doc.Reference(font, internal)
            doc.idToObject["BasicFonts"].dict[internal] = font
        del self.state[doc]

    def _descriptor(self, base: str, font_file: PDFObject) -> PDFDictionary:
        """The font descriptor (PDF 32000-1 §9.8), as reportlab's ``addSubsetObjects`` writes it."""
        face = self.face
        return PDFDictionary({
            "Type": "/FontDescriptor",
            "Ascent": face.ascent,
            "CapHeight": face.capHeight,
            "Descent": face.descent,
            "Flags": (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC,
            "FontBBox": PDFArray(face.bbox),
            "FontName": PDFName(base),
            "ItalicAngle": face.italicAngle,
            "StemV": face.stemV,
            "FontFile2": font_file,
            "MissingWidth": face.defaultWidth,
        })

    @staticmethod
    def _font(base: str, length: int, objects: _SubsetObjects, name: PDFObject,
              to_unicode: PDFObject, descriptor: PDFObject) -> PDFDictionary:
        """The TrueType font dictionary (PDF 32000-1 §9.6.3) of one subset.

        The entries reportlab's ``PDFTrueTypeFont`` writes, with ``name`` already a PDF object.
        """
        return PDFDictionary({
            "Type": PDFName("Font"),
            "Subtype": PDFName("TrueType"),
            "BaseFont": PDFName(base),
            "Name": name,
            "FirstChar": 0,
            "LastChar": length - 1,
            "Widths": _Raw(objects.widths),
            "ToUnicode": to_unicode,
            "FontDescriptor": descriptor,
        })


def register_fonts() -> Fonts:
    """Register DejaVu Sans (regular, bold) once per process; Helvetica if it is absent."""
    files = {"P2D-Regular": FONT_DIR / "DejaVuSans.ttf",
             "P2D-Bold": FONT_DIR / "DejaVuSans-Bold.ttf"}
    if not all(path.is_file() for path in files.values()):
        return Fonts("Helvetica", "Helvetica-Bold", "Helvetica-Oblique")
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, path in files.items():
        if name not in registered:
            pdfmetrics.registerFont(CachedSubsetTTFont(name, str(path)))
    # Two faces only: the motto is set in the regular face, smaller and grey.
    return Fonts("P2D-Regular", "P2D-Bold", "P2D-Regular")


def seed(fonts: Fonts, doc: Any) -> None:
    """Give :data:`SEED_CHARACTERS` their codes first in ``doc`` (a reportlab PDFDocument)."""
    for name in {fonts.regular, fonts.bold}:
        font = pdfmetrics.getFont(name)
        if isinstance(font, CachedSubsetTTFont):
            font.seed_document(doc)
        elif isinstance(font, TTFont):
            font.splitString(SEED_CHARACTERS, doc)


def draw_string(canvas: Canvas, x: float, y: float, text: str) -> None:
    """Draw ``text`` at (x, y) in the canvas's font: ``Canvas.drawString``'s operators, faster.

    Why: an issued page draws some fifty strings; reportlab's generic path costs more than the
    rest of the page. A string of seeded characters in a :class:`CachedSubsetTTFont` is written
    as reportlab would write it (``BT 1 0 0 1 x y Tm /F1+0 size Tf leading TL (...) Tj T* ET``);
    anything else (another font, a rare character, an empty string) goes through reportlab.
    """
    font = pdfmetrics.getFont(canvas._fontname)
    doc = canvas._doc
    escaped = (font.escaped_seeded(text, doc)
               if text and canvas.bottomup and isinstance(font, CachedSubsetTTFont) else None)
    if escaped is None:
        canvas.drawString(x, y, text)
        return
    canvas._code.append(
        f"BT 1 0 0 1 {fp_str(x, y)} Tm {font.getSubsetInternalName(0, doc)} "
        f"{_size_operators(canvas._fontsize, canvas._leading)} ({escaped}) Tj T* ET"
    )


@functools.lru_cache(maxsize=64)
def _size_operators(size: float, leading: float) -> str:
    """``size Tf leading TL`` as reportlab formats them (a page uses a handful of sizes)."""
    return f"{fp_str(size)} Tf {fp_str(leading)} TL"


def draw_right_string(canvas: Canvas, x: float, y: float, text: str) -> None:
    """Draw ``text`` ending at x (``Canvas.drawRightString``, through :func:`draw_string`)."""
    draw_string(canvas, x - pdfmetrics.stringWidth(text, canvas._fontname, canvas._fontsize),
                y, text)


def draw_centred_string(canvas: Canvas, x: float, y: float, text: str) -> None:
    """Draw ``text`` centred on x (``Canvas.drawCentredString``, through :func:`draw_string`)."""
    draw_string(canvas,
                x - 0.5 * pdfmetrics.stringWidth(text, canvas._fontname, canvas._fontsize),
                y, text)
