"""Fuzz ``twoddoc.encode`` on arbitrary headers, fields and annexes.

Why: the issuer hands the encoder values from the registry and from agents' forms; the contract
(docs/CONTRACTS.md) is that any value the spec cannot carry raises an ``EncodeError`` (a
``TwoDDocError``) naming the field and the index in the value (§3.3 header, §3.4 fields, §8
mandatory and forbidden DIs), never another exception. When encoding succeeds, the text must
decode strictly and its signature verify with the signer's key: if it encodes, it decodes.

Input layout (read by :class:`fuzz._common.ByteReader`): the header values, then up to 15
fields (a catalogue DI or two arbitrary characters, a value, a truncation flag), then an
optional annex. Run: ``.venv/bin/python fuzz/fuzz_twoddoc_encode.py [CORPUS] -max_total_time=120``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fuzz._common import ByteReader, run
from fuzz.twoddoc_seeds import KEYS, signer
from twoddoc import Field, Header, TwoDDocError, decode, encode, verify_signature
from twoddoc.catalog import DATA_IDS, DOCUMENT_TYPES

NAME = "twoddoc_encode"
_DIS = sorted(DATA_IDS["01"])
_TYPES = [*sorted(DOCUMENT_TYPES["01"]), "00", "01"]  # and types outside the catalogue
_CURVES = sorted(KEYS)


def _code(reader: ByteReader, known: list[str], size: int) -> str:
    """A catalogue code most of the time (so the §8 checks are reached), else arbitrary text."""
    selector = reader.int(2)
    return known[selector % len(known)] if selector < 60000 else reader.text(size + 1)


def _fields(reader: ByteReader, count: int) -> list[Field]:
    return [Field(_code(reader, _DIS, 2), reader.text(40), reader.flag()) for _ in range(count)]


def build(data: bytes) -> tuple[Header, list[Field], str, list[Field] | str | None]:
    """The encoder's arguments from fuzz bytes: header, fields, curve name, annex."""
    reader = ByteReader(data)
    header = Header(
        version=reader.choice([4, 3, 2, 1, 0, 5, 4, 4]),
        ca_id=reader.choice(["FR00", "FR01"]) if reader.flag() else reader.text(5),
        cert_id=reader.choice(["0001", "AB12"]) if reader.flag() else reader.text(5),
        emission_date=reader.date() if reader.byte() < 250 else None,
        signature_date=reader.date() if reader.byte() < 250 else None,
        doc_type=_code(reader, _TYPES, 2),
        perimeter="01" if reader.flag() else reader.text(3),
        country=reader.choice(["FR", None, "fr", "F", "FRA", "\x1d\x1d"]),
    )
    fields = _fields(reader, reader.byte() % 16)
    curve = reader.choice(_CURVES)
    annex_kind = reader.byte() % 3
    annex: list[Field] | str | None = None
    if annex_kind == 1:
        annex = _fields(reader, reader.byte() % 4)
    elif annex_kind == 2:
        annex = reader.text(30)
    return header, fields, curve, annex


def _layout(version: int, doc_type: str, fields: list[tuple[str, str]], curve: int = 0,
            annex: list[tuple[str, str]] | None = None) -> bytes:
    """The bytes :func:`build` reads back as this header (FR00/0001, dates 2024-02-29), fields."""
    day = (738944).to_bytes(3, "big")  # 2024-02-29, a leap day
    out = bytearray([[4, 3, 2, 1, 0, 5].index(version), 1, 0, 1, 0, 0, *day, 0, *day,
                     0, _TYPES.index(doc_type), 1, 0 if version == 4 else 1, len(fields)])
    for di, value in [*fields, *(annex or [])]:
        out += bytes([*_DIS.index(di).to_bytes(2, "big"), len(value), *value.encode("latin-1"), 0])
        if (di, value) == fields[-1]:
            out += bytes([curve, 1 if annex else 0] + ([len(annex)] if annex else []))
    return bytes(out)


def seeds() -> list[bytes]:
    """Layouts of valid calls (AB, AA, 00; v02-v04; an annex) and two arbitrary byte runs."""
    ab = [("6H", "M"), ("6G", "Dumont d'Urville"), ("60", "Jules/Sébastien"),
          ("69", "29022000"), ("6A", "Condé-sur-Noireau"), ("AC", "121201200001"),
          ("E4", "APC"), ("E5", "50"), ("E8", "290220241522"), ("09", "0003"), ("AG", "8")]
    return [
        _layout(4, "AB", ab),
        _layout(3, "AB", ab, curve=1),
        _layout(4, "AB", ab, curve=2, annex=[("6G", "DUPONT")]),
        _layout(2, "00", [("10", "M JEAN DUPONT"), ("24", "75001")]),
        bytes(range(256)),
        bytes(64),
    ]


def TestOneInput(data: bytes) -> None:  # noqa: N802 (atheris' name)
    """One input: encode, and on success decode and verify."""
    header, fields, curve, annex = build(data)
    try:
        text = encode(header, fields, signer(curve), annex=annex)
    except TwoDDocError as exc:
        assert isinstance(exc.field, str) and isinstance(exc.position, int), exc
        assert exc.position >= 0, exc
        return
    doc = decode(text, strict=True)
    assert doc.header.doc_type == header.doc_type and doc.header.version == header.version
    verify_signature(doc, KEYS[curve].public_key())


if __name__ == "__main__":
    run(NAME, TestOneInput, seeds)
