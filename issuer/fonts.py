"""The TrueType faces of the PDFs: found through fontconfig or ``PERMIS2D_FONT_DIR``, checked.

Why TrueType, and why checked: the documents are French (« Délivré le », « Île-d'Arz », « Œuvre »)
and a holder's name may carry any Latin letter, so the PDF embeds a subset of a TrueType face
(reportlab's ``TTFont``, PDF 32000-1 §9.6.3) rather than relying on a viewer's standard fonts.
A face without the French accents would print empty boxes on a signed document; it is refused
here, before anything is issued, with an error that says what to install or set.

Where the faces come from, first match wins:

1. ``PERMIS2D_FONT_DIR`` (``Settings.font_dir``): a folder holding ``DejaVuSans.ttf`` and
   ``DejaVuSans-Bold.ttf`` (the files of Debian's ``fonts-dejavu-core``, also shipped by many
   other distributions and packages);
2. fontconfig (``fc-match``), asked for DejaVu Sans covering French (``:lang=fr``), regular and
   bold: it answers with the system's best substitute (Liberation Sans, Noto Sans…) when DejaVu
   is absent. The layout's widths are measured with whatever face is found, so text still fits.

Registration is done once per process and face (reportlab keeps registered fonts globally).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from issuer.errors import FontNotFoundError

__all__ = [
    "DEJAVU_FILES",
    "FRENCH_CHARACTERS",
    "FontFile",
    "Fonts",
    "find_font_files",
    "register_fonts",
]

FRENCH_CHARACTERS = "àâäçéèêëîïôöùûüÿæœÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸÆŒ«»’—…°"
"""The characters of French text and typography a face must draw (accents, ligatures, « »)."""

DEJAVU_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
"""Regular and bold files looked for in ``PERMIS2D_FONT_DIR``."""

_FC_PATTERNS = ("DejaVu Sans:lang=fr:style=Book", "DejaVu Sans:lang=fr:style=Bold")
_FC_TIMEOUT = 10.0  # seconds; fontconfig answers in milliseconds once its cache is built
_INSTALL_HINT = ("install a TrueType font covering French (Debian: apt-get install "
                 "fonts-dejavu-core) or set PERMIS2D_FONT_DIR to a folder holding "
                 f"{' and '.join(DEJAVU_FILES)}")


@dataclass(frozen=True)
class Fonts:
    """Registered font names for the three styles the layout uses."""

    regular: str
    bold: str
    italic: str


@dataclass(frozen=True)
class FontFile:
    """A TrueType face on disk: its file and, for a collection (``.ttc``), its index."""

    path: Path
    index: int = 0


def find_font_files(font_dir: Path | None = None, *,
                    fc_match: str = "fc-match") -> tuple[FontFile, FontFile]:
    """The regular and bold faces: from ``font_dir`` when given, else from fontconfig.

    Raises :class:`FontNotFoundError` naming what is missing; never falls back silently.
    """
    if font_dir is not None:
        files = tuple(FontFile(font_dir / name) for name in DEJAVU_FILES)
        missing = [str(f.path) for f in files if not f.path.is_file()]
        if missing:
            raise FontNotFoundError(f"PERMIS2D_FONT_DIR: no {', '.join(missing)}")
        return files[0], files[1]
    command = shutil.which(fc_match)
    if command is None:
        raise FontNotFoundError(f"fontconfig's {fc_match} is not installed; {_INSTALL_HINT}")
    regular, bold = (_fc_match(command, pattern) for pattern in _FC_PATTERNS)
    return regular, bold


def _fc_match(command: str, pattern: str) -> FontFile:
    """Ask fontconfig for the file best matching ``pattern`` (its answer, not a guess)."""
    try:
        answer = subprocess.run([command, "--format=%{file}\n%{index}", pattern],
                                capture_output=True, text=True, timeout=_FC_TIMEOUT,
                                check=True).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise FontNotFoundError(f"fc-match {pattern!r} failed ({exc}); {_INSTALL_HINT}") from exc
    path, _, index = answer.partition("\n")
    if not path:
        raise FontNotFoundError(f"fontconfig knows no font for {pattern!r}; {_INSTALL_HINT}")
    return FontFile(Path(path), int(index or 0))


def _register(file: FontFile) -> str:
    """Register ``file`` with reportlab once (a name per file) and check its French glyphs."""
    # One name per file: a face from PERMIS2D_FONT_DIR never shadows a system face of that name.
    where = hashlib.blake2s(f"{file.path.resolve()}#{file.index}".encode(), digest_size=4)
    name = f"P2D-{file.path.stem}-{where.hexdigest()}"
    if name in pdfmetrics.getRegisteredFontNames():
        return name
    try:
        font = TTFont(name, str(file.path), subfontIndex=file.index)
    except (OSError, TTFError) as exc:  # e.g. PostScript (CFF) outlines, a truncated file
        raise FontNotFoundError(f"{file.path}: not a usable TrueType font ({exc}); "
                                f"{_INSTALL_HINT}") from exc
    missing = "".join(c for c in FRENCH_CHARACTERS if ord(c) not in font.face.charToGlyph)
    if missing:
        raise FontNotFoundError(f"{file.path} has no glyph for {missing!r}: French text would "
                                f"print as empty boxes; {_INSTALL_HINT}")
    pdfmetrics.registerFont(font)
    return name


def register_fonts(font_dir: Path | None = None, *, fc_match: str = "fc-match") -> Fonts:
    """Find, check and register the regular and bold faces (see the module doc for where).

    Two faces only: the few words set apart (an empty table, a note) are grey or smaller, so
    an italic face would add an embedded subset to every PDF for little.
    """
    regular, bold = find_font_files(font_dir, fc_match=fc_match)
    regular_name = _register(regular)
    return Fonts(regular_name, _register(bold), regular_name)
