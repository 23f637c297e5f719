"""The scanner on real pictures and PDFs drawn by pylibdmtx, Pillow and reportlab."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
import zxingcpp
from PIL import Image

from tests.support.symbols import pdf_with_symbols, qr_image, render_datamatrix
from verifier.scan import (
    CorruptFileError,
    DecodeBudgetError,
    EmptyFileError,
    FileTooLargeError,
    NotATwoDDocError,
    NoTwoDDocError,
    ScanError,
    ScanLimits,
    TooManyPagesError,
    TooManyPixelsError,
    UnsupportedFormatError,
    scan,
    sniff_format,
)


def _encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def _on_page(*symbols: Image.Image, size: tuple[int, int] = (1200, 800)) -> Image.Image:
    """Paste symbols side by side on a white page, as a photo of a sheet would show them."""
    page = Image.new("L", size, 255)
    x = 60
    for symbol in symbols:
        page.paste(symbol, (x, 120))
        x += symbol.width + 80
    return page


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG claiming ``width`` × ``height`` whose pixel data compresses to almost nothing."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body)))
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    row = b"\x00" + b"\xff" * ((width + 7) // 8)
    idat = zlib.compress(row * 64, 9)  # a few rows only: the header alone must be refused
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.mark.parametrize(("fmt", "options"), [
    ("PNG", {}), ("JPEG", {"quality": 60}), ("WEBP", {"quality": 70}), ("TIFF", {}),
])
def test_reads_each_image_format(adcs_text: str, fmt: str, options: dict) -> None:
    data = _encode(render_datamatrix(adcs_text, module_px=5).convert("RGB"), fmt, **options)
    assert scan(data) == [adcs_text]


def test_reads_a_path(adcs_text: str, tmp_path: Path) -> None:
    path = tmp_path / "adcs.png"
    render_datamatrix(adcs_text).save(path)
    assert scan(path) == [adcs_text]
    assert scan(str(path)) == [adcs_text]


@pytest.mark.parametrize(("orientation", "turn"), [(6, Image.Transpose.ROTATE_90),
                                                   (8, Image.Transpose.ROTATE_270),
                                                   (3, Image.Transpose.ROTATE_180)])
def test_phone_photo_with_exif_rotation(adcs_text: str, orientation: int,
                                        turn: Image.Transpose) -> None:
    # The camera stores the sensor image sideways and says so in EXIF tag 0x0112.
    photo = _on_page(render_datamatrix(adcs_text, module_px=4)).convert("RGB").transpose(turn)
    exif = Image.Exif()
    exif[0x0112] = orientation
    data = _encode(photo, "JPEG", quality=80, exif=exif.tobytes())
    assert Image.open(io.BytesIO(data)).getexif()[0x0112] == orientation
    assert scan(data) == [adcs_text]


def test_every_symbol_of_a_page_is_returned_in_order(adcs_text: str, other_text: str) -> None:
    page = _on_page(render_datamatrix(adcs_text, module_px=4),
                    render_datamatrix(other_text, module_px=4))
    assert sorted(scan(_encode(page, "PNG"))) == sorted([adcs_text, other_text])


def test_one_pixel_per_module_symbol(adcs_text: str) -> None:
    tiny = render_datamatrix(adcs_text, module_px=1, quiet_modules=0)
    assert tiny.width < 70
    assert scan(_encode(tiny, "PNG")) == [adcs_text]


def test_transparent_png_is_read_on_white(adcs_text: str) -> None:
    symbol = render_datamatrix(adcs_text, module_px=4)
    alpha = Image.fromarray(255 - np.asarray(symbol), "L")  # dark modules opaque, rest clear
    rgba = Image.merge("RGBA", (symbol, symbol, symbol, alpha))
    assert scan(_encode(rgba, "PNG")) == [adcs_text]


def test_sixteen_bit_tiff(adcs_text: str) -> None:
    pixels = np.asarray(render_datamatrix(adcs_text, module_px=4), dtype=np.uint16) * 257
    image = Image.fromarray(pixels)
    assert image.mode == "I;16"
    assert scan(_encode(image, "TIFF")) == [adcs_text]


def test_low_contrast_shaded_noisy_photo(adcs_text: str) -> None:
    page = np.asarray(_on_page(render_datamatrix(adcs_text, module_px=3)), dtype=np.float64)
    # Grey ink on grey paper with a shadow from left to right and sensor noise.
    shade = np.linspace(1.0, 0.55, page.shape[1])[None, :]
    dim = (110 + page * (40 / 255)) * shade
    noisy = dim + np.random.default_rng(7).normal(0, 4, page.shape)
    image = Image.fromarray(noisy.clip(0, 255).astype(np.uint8), "L")
    assert scan(_encode(image, "JPEG", quality=40)) == [adcs_text]


def test_pdf_embedded_image(adcs_text: str) -> None:
    assert scan(pdf_with_symbols([[adcs_text]])) == [adcs_text]


def test_pdf_vector_symbol_is_found_by_rendering(adcs_text: str) -> None:
    assert scan(pdf_with_symbols([[adcs_text]], vector=True)) == [adcs_text]


def test_pdf_symbols_on_several_pages(adcs_text: str, other_text: str) -> None:
    assert scan(pdf_with_symbols([[adcs_text], [other_text]])) == [adcs_text, other_text]


def test_covid_qr_is_not_a_2ddoc() -> None:
    data = _encode(_on_page(qr_image("HC1:6BFOXN%TS3DH0YOJ58S S-W5HDC *M0II5XHC9B5G2+$N")), "PNG")
    with pytest.raises(NotATwoDDocError) as caught:
        scan(data)
    assert caught.value.found[0].startswith("HC1:")
    assert caught.value.to_json()["code"] == "not_a_2ddoc"


def test_datamatrix_without_dc_marker_is_not_a_2ddoc() -> None:
    with pytest.raises(NotATwoDDocError) as caught:
        scan(_encode(render_datamatrix("SERIAL 12345"), "PNG"))
    assert caught.value.found == ["SERIAL 12345"]


def test_blank_page_has_no_2ddoc() -> None:
    with pytest.raises(NoTwoDDocError) as caught:
        scan(_encode(Image.new("L", (400, 300), 255), "PNG"))
    assert type(caught.value) is NoTwoDDocError
    assert caught.value.code == "no_2ddoc_found"


def test_empty_file() -> None:
    with pytest.raises(EmptyFileError):
        scan(b"")


@pytest.mark.parametrize("data", [b"GIF89a" + b"\0" * 40, b"PK\x03\x04zip", b"hello world"])
def test_unsupported_format(data: bytes) -> None:
    with pytest.raises(UnsupportedFormatError) as caught:
        scan(data)
    assert caught.value.http_status == 415


def test_sniff_accepts_junk_before_pdf_marker() -> None:
    assert sniff_format(b"\r\n%PDF-1.7\n") == "pdf"


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP", "TIFF"])
def test_truncated_image_is_corrupt(adcs_text: str, fmt: str) -> None:
    data = _encode(render_datamatrix(adcs_text).convert("RGB"), fmt)
    with pytest.raises(CorruptFileError):
        scan(data[: len(data) // 2])


def test_truncated_pdf_is_corrupt(adcs_text: str) -> None:
    data = pdf_with_symbols([[adcs_text]])
    with pytest.raises(CorruptFileError):
        scan(data[: len(data) // 3])


def test_decompression_bomb_beyond_pillow_guard() -> None:
    with pytest.raises(TooManyPixelsError) as caught:
        scan(_png_header_only(30_000, 30_000))
    assert caught.value.http_status == 413


def test_image_above_our_pixel_limit() -> None:
    with pytest.raises(TooManyPixelsError) as caught:
        scan(_png_header_only(7_000, 6_000))
    assert (caught.value.pixels, caught.value.limit) == (42_000_000, 40_000_000)


def test_too_many_pdf_pages(adcs_text: str) -> None:
    with pytest.raises(TooManyPagesError) as caught:
        scan(pdf_with_symbols([[adcs_text]] * 3), limits=ScanLimits(max_pages=2))
    assert (caught.value.pages, caught.value.limit) == (3, 2)


def test_huge_pdf_page_is_refused_before_rendering() -> None:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=(14_000, 14_000))  # 194 inches: 1.5 G pixels at 200 dpi
    pdf.drawString(100, 100, "nothing to see")
    pdf.showPage()
    pdf.save()
    with pytest.raises(TooManyPixelsError) as caught:
        scan(out.getvalue())
    assert caught.value.page == 1


def test_file_over_byte_limit(adcs_text: str, tmp_path: Path) -> None:
    path = tmp_path / "big.png"
    path.write_bytes(_encode(render_datamatrix(adcs_text), "PNG"))
    with pytest.raises(FileTooLargeError):
        scan(path, limits=ScanLimits(max_bytes=100))


def test_budget_exhausted_on_unreadable_image() -> None:
    ticks = iter(range(0, 1000, 5))  # every look at the clock costs five seconds
    noise = np.random.default_rng(1).integers(0, 256, (300, 300), dtype=np.uint8)
    with pytest.raises(DecodeBudgetError) as caught:
        scan(_encode(Image.fromarray(noise, "L"), "PNG"), limits=ScanLimits(budget_seconds=12),
             clock=lambda: float(next(ticks)))
    assert caught.value.code == "decode_budget_exceeded"


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "PDF"])
def test_mutated_files_raise_only_scan_errors(adcs_text: str, fmt: str) -> None:
    # Flip bytes at seeded random places: the answer is texts or one of our errors, never
    # an exception from Pillow or pdfium.
    if fmt == "PDF":
        original = pdf_with_symbols([[adcs_text]])
    else:
        original = _encode(render_datamatrix(adcs_text, module_px=3).convert("RGB"), fmt)
    rng = np.random.default_rng(42)
    outcomes = set()
    for _ in range(12):
        data = bytearray(original)
        for where in rng.integers(16, len(data), 6):
            data[where] = int(rng.integers(0, 256))
        try:
            found = scan(bytes(data), limits=ScanLimits(budget_seconds=0.3))
            outcomes.add("read" if found else "empty")
        except ScanError as exc:
            outcomes.add(exc.code)
    assert outcomes  # every one of the 12 files ended in a text list or a ScanError
    assert "empty" not in outcomes


def _pdf_of_images(*images: Image.Image) -> bytes:
    """A one-page A4 PDF with each image drawn in turn, as a scanner or a word processor does."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    for index, image in enumerate(images):
        pdf.drawImage(ImageReader(image), 20 + 90 * index, 500, 80, 80)
    pdf.drawImage(ImageReader(images[-1]), 0, 0, A4[0], A4[1])
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def test_pdf_with_logos_and_a_noisy_scanned_page(adcs_text: str) -> None:
    rng = np.random.default_rng(3)
    logos = [Image.fromarray(rng.integers(0, 256, (120, 160), dtype=np.uint8), "L")
             for _ in range(3)]
    page = np.asarray(_on_page(render_datamatrix(adcs_text, module_px=4), size=(1240, 1754)),
                      dtype=np.float64)
    scanned = Image.fromarray((page * 0.6 + 60 + rng.normal(0, 12, page.shape))
                              .clip(0, 255).astype(np.uint8), "L")
    assert scan(_pdf_of_images(*logos, scanned)) == [adcs_text]


def test_poster_sized_pdf_page_is_rendered_within_the_pixel_limit(adcs_text: str) -> None:
    from reportlab.pdfgen import canvas

    from tests.support.symbols import symbol_modules

    # An A0 page (2384 × 3370 pt) is 139 megapixels at 300 dpi: rendered smaller, still read.
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=(2384, 3370))
    modules = symbol_modules(adcs_text)
    side = 400 / modules.shape[0]
    for row, col in zip(*np.nonzero(modules), strict=True):
        pdf.rect(200 + col * side, 2000 - row * side, side, side, stroke=0, fill=1)
    pdf.showPage()
    pdf.save()
    assert scan(out.getvalue()) == [adcs_text]


@pytest.mark.parametrize(("mode", "fmt"), [("1", "PNG"), ("P", "PNG"), ("LA", "PNG"),
                                           ("CMYK", "JPEG"), ("CMYK", "TIFF"), ("I", "TIFF")])
def test_every_pixel_mode(adcs_text: str, mode: str, fmt: str) -> None:
    image = render_datamatrix(adcs_text, module_px=4).convert(mode)
    assert Image.open(io.BytesIO(_encode(image, fmt))).mode == mode
    assert scan(_encode(image, fmt)) == [adcs_text]


def test_multi_page_tiff_reads_every_page(adcs_text: str, other_text: str) -> None:
    first = render_datamatrix(adcs_text, module_px=4)
    second = render_datamatrix(other_text, module_px=4)
    data = _encode(first, "TIFF", save_all=True, append_images=[second])
    assert scan(data) == [adcs_text, other_text]
    with pytest.raises(TooManyPagesError):
        scan(data, limits=ScanLimits(max_pages=1))


def test_every_shared_vector_round_trips_through_an_image(vectors: list[dict]) -> None:
    # Each real barcode text of ../shared drawn in C40 and read back byte for byte (DC01 texts
    # carry their raw binary signature: latin-1 bytes 128-255 must survive too).
    failures = []
    for number, vector in enumerate(vectors):
        text = vector["raw"]
        found = scan(_encode(render_datamatrix(text, module_px=3), "PNG"))
        if found != [text]:
            failures.append((number, text[:24]))
    assert failures == []
    assert len(vectors) >= 145


def test_another_datamatrix_does_not_hide_a_degraded_2ddoc(adcs_text: str) -> None:
    # A clean parcel label beside a 2D-Doc that only the fallbacks read (1 px per module).
    page = Image.new("L", (900, 500), 255)
    page.paste(render_datamatrix("PARCEL 0042", module_px=6), (40, 40))
    page.paste(render_datamatrix(adcs_text, module_px=1, quiet_modules=0), (600, 300))
    assert zxingcpp.read_barcodes(page, formats=zxingcpp.BarcodeFormat.DataMatrix)
    assert scan(_encode(page, "PNG")) == [adcs_text]
