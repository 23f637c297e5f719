"""DataMatrix: C40 symbol, exact 1-px module matrix, 1-bit PNG, read-back by zxing-cpp."""

import io

import numpy as np
import pytest
import zxingcpp
from PIL import Image
from pylibdmtx import pylibdmtx

from issuer.datamatrix import (
    C40_LATCH,
    QUIET_ZONE_MODULES,
    check_readback,
    encode_modules,
    modules_from_rgb,
    render_symbol,
)
from issuer.errors import BarcodeReadbackError, DocumentTooLargeError
from tests.unit.issuer.datamatrix_codewords import codewords

TEXT = ("DC04FR00000126482648AB01FR6HMME\x1d6GLEFEVRE\x1d60FRANCOISE/HELENE\x1d69290219846A"
        "SAINT ETIENNE\x1dAC120375100001\x1dE4APCE550E8311020261000090001010000000002\x1d0826C0"
        "E6AM B\x1fLXZGYUU5U7KQL64D6Q2G54EF67LWLU2H7OGR3CVSN3254DPMQS3KEGXGHJDJRSCIQXBRCLFM5LHL5"
        "HRI62KWM64TD5ZOY5623Z5QSRY")


@pytest.mark.parametrize("text", [TEXT, TEXT[:40], TEXT * 2])
def test_module_matrix_is_square_and_decodes_with_libdmtx(text: str) -> None:
    modules = encode_modules(text)
    assert modules.shape[0] == modules.shape[1]
    image = Image.fromarray(~np.pad(modules, 2, constant_values=False)).convert("L")
    big = image.resize((image.width * 4, image.height * 4), Image.Resampling.NEAREST)
    assert [r.data for r in pylibdmtx.decode(big, max_count=1, timeout=2000)] == [
        text.encode("latin-1")]


def test_rgb_derivation_equals_a_block_by_block_reading() -> None:
    encoded = pylibdmtx.encode(TEXT.encode("latin-1"), scheme="C40", size="SquareAuto")
    image = np.frombuffer(encoded.pixels, dtype=np.uint8).reshape(
        encoded.height, encoded.width, 3)[10:-10, 10:-10, 0]
    n = image.shape[0] // 5
    blocks = image.reshape(n, 5, n, 5)
    assert (blocks == blocks[:, :1, :, :1]).all()  # libdmtx draws uniform 5×5 modules
    assert np.array_equal(modules_from_rgb(encoded.width, encoded.height, encoded.bpp,
                                           encoded.pixels), blocks[:, 0, :, 0] < 128)


def test_rgb_derivation_refuses_an_image_that_is_not_square() -> None:
    with pytest.raises(BarcodeReadbackError):
        modules_from_rgb(40, 45, 24, bytes(40 * 45 * 3))


def test_png_is_one_bit_one_pixel_per_module_with_quiet_zone() -> None:
    symbol = render_symbol(TEXT)
    image = Image.open(io.BytesIO(symbol.png))
    assert image.mode == "1"
    side = symbol.size + 2 * QUIET_ZONE_MODULES
    assert image.size == (side, side)
    pixels = np.array(image.convert("L")) < 128
    assert not pixels[:QUIET_ZONE_MODULES].any() and not pixels[:, -QUIET_ZONE_MODULES:].any()
    assert np.array_equal(pixels[QUIET_ZONE_MODULES:-QUIET_ZONE_MODULES,
                                 QUIET_ZONE_MODULES:-QUIET_ZONE_MODULES], symbol.modules)


def test_png_decodes_to_exact_bytes_with_both_libraries() -> None:
    symbol = render_symbol(TEXT)
    big = Image.open(io.BytesIO(symbol.png)).convert("L").resize(
        (symbol.image.width * 4, symbol.image.height * 4), Image.Resampling.NEAREST)
    zx = zxingcpp.read_barcodes(big, formats=zxingcpp.BarcodeFormat.DataMatrix)
    assert [r.bytes for r in zx] == [TEXT.encode("latin-1")]
    dm = pylibdmtx.decode(big, max_count=1, timeout=2000)
    assert [r.data for r in dm] == [TEXT.encode("latin-1")]


def test_readback_refuses_a_symbol_of_another_text() -> None:
    other = render_symbol(TEXT[:-1] + "A")
    with pytest.raises(BarcodeReadbackError) as info:
        check_readback(other.image, TEXT)
    assert info.value.position == len(TEXT) - 1


def test_readback_refuses_a_blank_image() -> None:
    with pytest.raises(BarcodeReadbackError):
        check_readback(Image.new("1", (60, 60), 1), TEXT)


def test_text_beyond_the_largest_symbol_is_refused() -> None:
    with pytest.raises(DocumentTooLargeError) as info:
        encode_modules("A1" * 1600)
    assert info.value.length == 3200


@pytest.mark.parametrize("text", [TEXT, TEXT * 2, "DC04FR000001", "DC04FR0000011234ABCD",
                                  "DC04FR00P2D1" + "X" * 1300])
def test_stream_starts_with_the_c40_latch(text: str) -> None:
    """Annex 10.2: C40 from the first codeword, read from the symbol's modules (not libdmtx)."""
    words = codewords(encode_modules(text))
    assert words[0] == C40_LATCH == 230
    # "DC0" in C40 (values 17, 16, 4): 1600 * 17 + 40 * 16 + 4 + 1 = 27845 = 108 * 256 + 197.
    assert words[1:3] == bytes([108, 197])


def test_the_codeword_reader_tells_an_ascii_symbol_apart() -> None:
    """The reader above can fail: libdmtx's ASCII scheme opens with "D" + 1, not the latch."""
    encoded = pylibdmtx.encode(b"DC04FR000001", scheme="Ascii", size="SquareAuto")
    words = codewords(modules_from_rgb(encoded.width, encoded.height, encoded.bpp,
                                       encoded.pixels))
    assert words[:2] == bytes([ord("D") + 1, ord("C") + 1])
