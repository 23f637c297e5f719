"""Fonts: found through fontconfig or PERMIS2D_FONT_DIR, embedded, refused without accents."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pypdf
import pytest
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from issuer.errors import FontNotFoundError
from issuer.fonts import DEJAVU_FILES, FRENCH_CHARACTERS, find_font_files, register_fonts
from permis2d.settings import Settings


@pytest.fixture(scope="module")
def system_fonts() -> tuple[Path, Path]:
    """The faces fontconfig finds on this machine (the Makefile installs fonts-dejavu-core)."""
    regular, bold = find_font_files()
    return regular.path, bold.path


def _pdf(fonts, text: str) -> bytes:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    canvas = Canvas(buffer, initialFontName=fonts.regular)
    canvas.setFont(fonts.regular, 12)
    canvas.drawString(72, 720, text)
    canvas.setFont(fonts.bold, 12)
    canvas.drawString(72, 700, text.upper())
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def test_fontconfig_finds_a_regular_and_a_bold_truetype_face(system_fonts) -> None:  # type: ignore[no-untyped-def]
    regular, bold = system_fonts
    assert regular.suffix.lower() in {".ttf", ".ttc"} and regular.is_file()
    assert bold.is_file() and bold != regular


def test_french_text_and_rare_letters_are_embedded_and_extract(system_fonts) -> None:  # type: ignore[no-untyped-def]
    fonts = register_fonts()
    text = "Françoise Lefèvre « Œuvre » — Lech Wałęsa Øre"
    data = _pdf(fonts, text)
    page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
    assert text in page.extract_text() and text.upper() in page.extract_text()
    embedded = [font.get_object()["/FontDescriptor"]["/FontFile2"].get_data()
                for font in page["/Resources"]["/Font"].values()]
    assert len(embedded) == 2 and all(embedded)


def test_font_dir_setting_is_used(system_fonts, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for source, name in zip(system_fonts, DEJAVU_FILES, strict=True):
        shutil.copyfile(source, tmp_path / name)
    settings = Settings.from_env({"PERMIS2D_FONT_DIR": str(tmp_path),
                                  "PERMIS2D_DATA_DIR": str(tmp_path / "data")})
    assert settings.font_dir == tmp_path
    regular, bold = find_font_files(settings.font_dir)
    assert (regular.path, bold.path) == (tmp_path / DEJAVU_FILES[0], tmp_path / DEJAVU_FILES[1])
    fonts = register_fonts(settings.font_dir)
    assert "Œuvre" in pypdf.PdfReader(io.BytesIO(_pdf(fonts, "Œuvre"))).pages[0].extract_text()


def test_a_font_dir_without_the_files_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FontNotFoundError) as info:
        find_font_files(tmp_path)
    assert "PERMIS2D_FONT_DIR" in str(info.value) and DEJAVU_FILES[0] in str(info.value)


def test_a_face_without_french_accents_is_refused(system_fonts, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # A real TrueType file holding only unaccented capitals (a subset of the system's face).
    face = TTFont("probe", str(system_fonts[0])).face
    plain = face.makeSubset([ord(c) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"])
    for name in DEJAVU_FILES:
        (tmp_path / name).write_bytes(plain)
    with pytest.raises(FontNotFoundError) as info:
        register_fonts(tmp_path)
    message = str(info.value)
    assert "no glyph for" in message and "é" in message and "fonts-dejavu-core" in message
    assert set(FRENCH_CHARACTERS) >= {"é", "è", "à", "ç", "œ", "«"}


def test_a_file_that_is_no_font_is_refused(tmp_path: Path) -> None:
    for name in DEJAVU_FILES:
        (tmp_path / name).write_bytes(b"not a font at all")
    with pytest.raises(FontNotFoundError) as info:
        register_fonts(tmp_path)
    assert "not a usable TrueType font" in str(info.value)


def test_without_fontconfig_the_error_says_what_to_do() -> None:
    with pytest.raises(FontNotFoundError) as info:
        find_font_files(fc_match="fc-match-absent-for-this-test")
    assert "not installed" in str(info.value) and "PERMIS2D_FONT_DIR" in str(info.value)
