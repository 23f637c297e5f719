"""Tests of the strict unpadded Base32 used for signatures (§3.5.2, §10.4)."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from twoddoc.base32 import b32decode, b32encode
from twoddoc.errors import SignatureFormatError


@given(st.binary(max_size=140))
def test_round_trip_and_no_padding(data: bytes) -> None:
    text = b32encode(data)
    assert "=" not in text
    assert base64.b32encode(data).decode().rstrip("=") == text
    assert b32decode(text) == data


@pytest.mark.parametrize(("length", "chars"), [(64, 103), (96, 154), (132, 212)])
def test_signature_sizes_match_the_spec_table(length: int, chars: int) -> None:
    # §3.5.2 p.26: 103, 154 and 212 Base32 characters for P-256, P-384 and P-521.
    assert len(b32encode(bytes(range(length)))) == chars


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("MZXW6YQ==", 7),  # one '=' too many: only the exact RFC 4648 padding is read
        ("MZXW6==", 5),  # a 5-character text takes three '=', not two
        ("mzxw6", 0),  # lower case is refused, not repaired
        ("MZ1W6", 2),  # '1' is not in the RFC 4648 alphabet
        ("MZXW6\x1d", 5),  # a separator after the signature (annex marker) is not Base32
    ],
)
def test_characters_outside_the_alphabet(text: str, position: int) -> None:
    with pytest.raises(SignatureFormatError) as info:
        b32decode(text, position=0)
    assert info.value.position == position
    assert info.value.field == "signature"


@given(st.binary(min_size=1, max_size=140))
def test_canonical_padding_is_read(data: bytes) -> None:
    # §3.5.2 note p.26: padding "n'est pas nécessaire", and §10.4 p.139 defines it: a reader
    # accepts the padded form too, but only the exact one.
    padded = base64.b32encode(data).decode()
    assert b32decode(padded) == data


@pytest.mark.parametrize("text", ["M", "MZX", "MZXW6Y"])
def test_impossible_lengths(text: str) -> None:
    with pytest.raises(SignatureFormatError) as info:
        b32decode(text, position=10)
    assert info.value.position == 10 + len(text)


def test_non_zero_trailing_bits_are_refused() -> None:
    text = b32encode(b"\x00" * 64)  # 103 chars, the last one carries 2 data bits + 3 unused
    assert text[-1] == "A"
    with pytest.raises(SignatureFormatError) as info:
        b32decode(text[:-1] + "B", position=5)  # 'B' = 00001: an unused bit set
    assert info.value.position == 5 + 102
    assert b32decode(text[:-1] + "I") == b"\x00" * 63 + b"\x01"  # 'I' = 01000: data bit only


@given(st.binary(min_size=1, max_size=70), st.data())
def test_any_single_substitution_changes_or_fails(data: bytes, draw: st.DataObject) -> None:
    text = b32encode(data)
    pos = draw.draw(st.integers(0, len(text) - 1))
    other = draw.draw(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567").filter(
        lambda ch: ch != text[pos]))
    mutated = text[:pos] + other + text[pos + 1:]
    try:
        assert b32decode(mutated) != data
    except SignatureFormatError as exc:
        assert exc.position == pos
