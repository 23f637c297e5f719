"""Tests of ECDSA signing and verification with raw r||s signatures (§3.5.2)."""

from __future__ import annotations

from datetime import date

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from hypothesis import given
from hypothesis import strategies as st

from twoddoc import Header, decode, encode, verify_signature
from twoddoc.errors import (
    EncodeError,
    SignatureError,
    SignatureFormatError,
    SignatureLengthError,
)
from twoddoc.signing import EcdsaSigner, Signer, der_to_raw, raw_to_der, verify_raw

CURVES = [(ec.SECP256R1(), 64, hashes.SHA256()), (ec.SECP384R1(), 96, hashes.SHA384()),
          (ec.SECP521R1(), 132, hashes.SHA512())]
DATA = b"DC04FR0000011E471E47AB01FR6HM\x1d6GDUMONT"


@pytest.mark.parametrize(("curve", "length", "digest"), CURVES,
                         ids=["P-256", "P-384", "P-521"])
def test_signer_contract(curve: ec.EllipticCurve, length: int,
                         digest: hashes.HashAlgorithm) -> None:
    key = ec.generate_private_key(curve)
    signer = EcdsaSigner(key)
    assert isinstance(signer, Signer)
    assert signer.signature_length == length
    raw = signer.sign(DATA)
    assert len(raw) == length
    # The raw form is r||s, each half big-endian: cryptography verifies its DER with the
    # curve's own hash (P-256 → SHA-256, P-384 → SHA-384, P-521 → SHA-512).
    key.public_key().verify(raw_to_der(raw), DATA, ec.ECDSA(digest))
    verify_raw(raw, DATA, key.public_key())
    with pytest.raises(SignatureError):
        verify_raw(raw, DATA + b"X", key.public_key())


def test_raw_to_der_round_trip() -> None:
    raw = bytes(range(1, 65))
    r, s = decode_dss_signature(raw_to_der(raw))
    assert r.to_bytes(32, "big") + s.to_bytes(32, "big") == raw


def test_length_of_another_curve_is_a_length_error(p256_key: ec.EllipticCurvePrivateKey) -> None:
    raw = EcdsaSigner(ec.generate_private_key(ec.SECP384R1())).sign(DATA)
    with pytest.raises(SignatureLengthError) as info:
        verify_raw(raw, DATA, p256_key.public_key(), position=40)
    assert info.value.position == 40
    assert isinstance(info.value, SignatureFormatError)
    assert isinstance(info.value, SignatureError)


def test_wrong_key_does_not_verify(p256_key: ec.EllipticCurvePrivateKey) -> None:
    raw = EcdsaSigner(p256_key).sign(DATA)
    with pytest.raises(SignatureError) as info:
        verify_raw(raw, DATA, ec.generate_private_key(ec.SECP256R1()).public_key())
    assert info.value.field == "signature"


def test_zero_signature_does_not_verify(p256_key: ec.EllipticCurvePrivateKey) -> None:
    with pytest.raises(SignatureError):
        verify_raw(bytes(64), DATA, p256_key.public_key())


def test_unsupported_keys() -> None:
    with pytest.raises(EncodeError) as info:
        EcdsaSigner(ec.generate_private_key(ec.SECP256K1()))
    assert info.value.field == "key"
    with pytest.raises(SignatureError):
        verify_raw(bytes(64), DATA, ed25519.Ed25519PrivateKey.generate().public_key())  # type: ignore[arg-type]


@given(st.binary(min_size=64, max_size=64) | st.binary(min_size=96, max_size=96)
       | st.binary(min_size=132, max_size=132))
def test_hand_built_der_equals_cryptography(raw: bytes) -> None:
    half = len(raw) // 2
    expected = encode_dss_signature(int.from_bytes(raw[:half], "big"),
                                    int.from_bytes(raw[half:], "big"))
    assert raw_to_der(raw) == expected


def test_der_of_edge_values() -> None:
    for raw in (bytes(64), b"\xff" * 64, b"\x00" * 31 + b"\x80" + b"\x00" * 32, b"\xff" * 132):
        half = len(raw) // 2
        r, s = decode_dss_signature(raw_to_der(raw))
        assert r.to_bytes(half, "big") + s.to_bytes(half, "big") == raw


def test_key_cache_follows_the_key_not_its_id(p256_key: ec.EllipticCurvePrivateKey) -> None:
    raw = EcdsaSigner(p256_key).sign(DATA)
    verify_raw(raw, DATA, p256_key.public_key())
    for _ in range(3):  # fresh key objects may reuse ids of collected ones
        with pytest.raises(SignatureError):
            verify_raw(raw, DATA, ec.generate_private_key(ec.SECP256R1()).public_key())
        with pytest.raises(SignatureLengthError):
            verify_raw(raw, DATA, ec.generate_private_key(ec.SECP384R1()).public_key())


@given(st.sampled_from([32, 48, 66]), st.data())
def test_der_to_raw_inverts_encode_dss_signature(half: int, data: st.DataObject) -> None:
    bound = 1 << (8 * half)
    r = data.draw(st.integers(0, bound - 1))
    s = data.draw(st.integers(0, bound - 1))
    raw = der_to_raw(encode_dss_signature(r, s), half)
    assert raw == r.to_bytes(half, "big") + s.to_bytes(half, "big")
    assert raw_to_der(raw) == encode_dss_signature(r, s)


_EDGE_BYTES = st.sampled_from([0x00, 0x01, 0x7F, 0x80, 0xFF])


@given(st.sampled_from([32, 48, 66]), _EDGE_BYTES, _EDGE_BYTES, _EDGE_BYTES, st.data())
def test_der_table_path_equals_cryptography_at_every_leading_byte(
        half: int, r0: int, s0: int, second: int, data: st.DataObject) -> None:
    # The table path serves halves without a leading zero, the stripping path the others:
    # leading bytes 00, 01, 7F, 80, FF decide the padding, so draw them on purpose.
    body = data.draw(st.binary(min_size=2 * half - 3, max_size=2 * half - 3))
    raw = bytes([r0, second]) + body[:half - 2] + bytes([s0]) + body[half - 2:]
    expected = encode_dss_signature(int.from_bytes(raw[:half], "big"),
                                    int.from_bytes(raw[half:], "big"))
    assert raw_to_der(raw) == expected


def test_verify_signature_with_a_cached_key_keeps_errors(
        p256_key: ec.EllipticCurvePrivateKey) -> None:
    # The second call takes the cached-key path: same outcome and same error as the first.
    header = Header(4, "FR00", "0001", date(2024, 2, 29), date(2024, 2, 29), "00", "01", "FR")
    text = encode(header, [("6G", "DUPONT")], EcdsaSigner(p256_key))
    public = p256_key.public_key()
    for _ in range(2):
        verify_signature(decode(text), public)
    forged = decode(text.replace("6GDUPONT", "6GDUPONS"))
    for _ in range(2):
        with pytest.raises(SignatureError) as info:
            verify_signature(forged, public)
        assert type(info.value) is SignatureError
        assert info.value.position == forged.signature_position
    other = ec.generate_private_key(ec.SECP384R1()).public_key()
    for _ in range(2):
        with pytest.raises(SignatureLengthError):
            verify_signature(decode(text), other)
