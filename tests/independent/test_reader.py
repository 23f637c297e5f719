"""The independent reader itself, against the spec's own examples and reference code.

Why: a judge must be right before it judges. Every expectation here comes from a page of the
ANTS specification v3.2.6 or from its annex 16 reference code (``../shared/vectors``), never
from our codec.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from tests.independent import reader
from tests.independent.reader import GS, RS, US, Header


@pytest.mark.parametrize(("value", "day"), [
    ("111E", dt.date(2011, 12, 31)),  # §3.3.1 p.17: 4382 days
    ("0E84", dt.date(2010, 3, 5)),  # §3.3.3 p.19 header example
    ("0E8A", dt.date(2010, 3, 11)),
    ("103D", dt.date(2011, 5, 20)),  # annex 14 p.149
    ("1E47", dt.date(2021, 3, 22)),  # annex 16 reference AB code
    ("FFFF", None),  # undated (§3.3.1 p.17)
])
def test_spec_dates(value: str, day: dt.date | None) -> None:
    """Hex day counts since 2000-01-01 read and written as the spec's examples say."""
    assert reader.hex_to_date(value) == day
    assert reader.date_to_hex(day) == value


def test_header_example_of_page_19_round_trips() -> None:
    """§3.3.3 p.19: ``DC04FR0AXT4A0E840E8A0101FR``."""
    header = Header(4, "FR0A", "XT4A", dt.date(2010, 3, 5), dt.date(2010, 3, 11), "01", "01",
                    "FR")
    assert header.text() == "DC04FR0AXT4A0E840E8A0101FR"


@pytest.fixture(scope="module")
def reference_ab(shared_dir: Path) -> dict:
    """The annex 16 reference code of type AB from the shared vectors."""
    vectors = json.loads((shared_dir / "vectors/2ddoc/vectors.json").read_text())
    found = [v for v in vectors if v["raw"][20:22] == "AB"]
    assert len(found) == 1, "the shared vectors hold the spec's one AB reference code"
    return found[0]


def test_reference_ab_code_parses_and_verifies(reference_ab: dict, shared_dir: Path) -> None:
    """Annex 16 (p.180): the AB reference (an APC) parses and its signature verifies."""
    reading = reader.parse(reference_ab["raw"])
    reader.check_type_ab(reading)
    h = reading.header
    assert (h.version, h.ca_id, h.cert_id, h.doc_type, h.perimeter, h.country) == (
        4, "FR00", "0001", "AB", "01", "FR")
    assert h.emission_date == h.signature_date == dt.date(2021, 3, 22)
    assert reading.get("E4") == "APC"
    assert reading.get("69") == "08051942"
    pem = (shared_dir / "vectors/2ddoc/certs/FR00_0001.pem").read_bytes()
    reader.check_signature(reading, x509.load_pem_x509_certificate(pem))


def test_reference_ab_code_tampered_fails(reference_ab: dict, shared_dir: Path) -> None:
    """One changed character in the reference code breaks its signature (§3.5.1 p.25)."""
    reading = reader.parse(reference_ab["raw"].replace("JULES", "JULIE", 1))
    pem = (shared_dir / "vectors/2ddoc/certs/FR00_0001.pem").read_bytes()
    with pytest.raises(reader.BadSignatureError):
        reader.check_signature(reading, x509.load_pem_x509_certificate(pem))


@pytest.fixture(scope="module")
def key() -> ec.EllipticCurvePrivateKey:
    """A throw-away P-256 key."""
    return ec.generate_private_key(ec.SECP256R1())


HEADER = Header(4, "FR00", "0001", dt.date(2026, 5, 1), dt.date(2026, 5, 1), "AB", "01", "FR")
FIELDS = [("6H", "MME"), ("6G", "DUPONT"), ("60", "ANNE/MARIE"), ("69", "29021996"),
          ("6A", "PARIS"), ("AC", "123456789012"), ("E4", "RIR"), ("E5", "50"),
          ("E8", "010520260900"), ("09", "0001")]


def test_terminators_follow_section_3_4_1(key: ec.EllipticCurvePrivateKey) -> None:
    """§3.4.1 pp.21–22: <GS> after variable values, none after fixed ones nor the last."""
    text = reader.encode_text(HEADER, FIELDS, key)
    message = text[26:text.index(US)]
    assert message.startswith(f"6HMME{GS}6GDUPONT{GS}60ANNE/MARIE{GS}6929021996")
    assert message.endswith("E550E801052026090009" + "0001")
    reading = reader.parse(text)
    assert [(d, v) for d, v, _ in reading.fields] == FIELDS
    assert reading.signed_data == text[:text.index(US)].encode()


def test_truncated_last_field_keeps_its_rs(key: ec.EllipticCurvePrivateKey) -> None:
    """§3.4.1 p.21: a truncated field ends with <RS> even when it is the last."""
    fields = [*(f for f in FIELDS if f[0] != "6A"), ("6A", "SAINT REMY DE PROVENCE", True)]
    text = reader.encode_text(HEADER, fields, key)
    assert f"6ASAINT REMY DE PROVENCE{RS}{US}" in text
    reading = reader.parse(text)
    assert reading.truncated("6A") and not reading.truncated("6H")
    assert reading.get("6A") == "SAINT REMY DE PROVENCE"


@pytest.mark.parametrize(("mutate", "field", "position"), [
    (lambda t: "XX" + t[2:], "header.marker", 0),
    (lambda t: t[:4] + "fr00" + t[8:], "header", 4),
    (lambda t: t[:26] + "ZZ" + t[26:], "message", 26),
    (lambda t: t.replace("6929021996", "69290219x6"), "DI 69", -1),
    (lambda t: t.replace(US, ""), "signature", 0),
    (lambda t: t[:t.index(US) + 1] + t[t.index(US) + 1:].lower(), "signature", 0),
])
def test_errors_name_field_and_position(mutate: Callable[[str], str], field: str,
                                        position: int, key: ec.EllipticCurvePrivateKey) -> None:
    """Every flaw raises ReaderError naming the field, with the position where it is."""
    text = reader.encode_text(HEADER, FIELDS, key)
    bad = mutate(text)
    with pytest.raises(reader.ReaderError) as caught:
        reader.parse(bad)
    assert caught.value.field == field
    if position == -1:  # the bad digit itself
        assert caught.value.position == bad.index("x")
    elif position:
        assert caught.value.position == position
    else:
        assert 0 <= caught.value.position <= len(bad)
