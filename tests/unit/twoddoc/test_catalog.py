"""Tests of the DI catalogue and document-type tables, cross-checked with the shared extraction."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from twoddoc.c40 import Charset
from twoddoc.catalog import (
    ANTS_PERIMETER,
    DATA_IDS,
    DOCUMENT_TYPES,
    check_document_fields,
    data_id,
    document_type,
)
from twoddoc.errors import EncodeError

DISAGREEMENTS = json.loads(
    (Path(__file__).resolve().parents[2] / "data" / "twoddoc" / "catalog_disagreements.json")
    .read_text("utf-8"))

# §7.0 (v3.2.6 plus 0D of v3.3.4), the identity DIs of §7.5, the driving-licence DIs.
REQUIRED = (
    ["01", "02", "03", "04", "05", "06", "07", "08", "09", "0A", "0B", "0C", "0D"]
    + [f"6{c}" for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"]
    + ["AB", "AC", "AD", "AE", "AF", "AG"]
    + [f"E{c}" for c in "0123456789ABCDEF"]
)


@pytest.mark.parametrize("di", REQUIRED)
def test_required_dis_are_defined_with_their_source(di: str) -> None:
    entry = data_id(di)
    assert entry is not None, di
    assert entry.section.startswith("§7.")
    assert entry.max is None or entry.min <= entry.max
    assert entry.di == di


def test_every_entry_is_consistent() -> None:
    table = DATA_IDS[ANTS_PERIMETER]
    assert len(table) >= 340
    for di, entry in table.items():
        assert len(di) == 2 and di.isalnum() and di == di.upper()
        assert entry.kind in {"text", "numeric", "date_days2000", "time", "base32"}
        if entry.kind == "date_days2000":
            assert (entry.min, entry.max, entry.charset) == (4, 4, Charset.HEX), di
        if entry.kind == "base32":
            assert entry.charset is Charset.BASE32


def test_tables_are_read_only() -> None:
    with pytest.raises(TypeError):
        DATA_IDS[ANTS_PERIMETER]["ZZ"] = DATA_IDS[ANTS_PERIMETER]["01"]  # type: ignore[index]


def test_catalogue_agrees_with_the_shared_extraction(shared_dir: Path) -> None:
    shared = json.loads((shared_dir / "spec" / "catalog" / "data_ids.json").read_text("utf-8"))
    theirs = shared[ANTS_PERIMETER]
    documented = DISAGREEMENTS["data_ids"]
    problems = []
    for di, entry in DATA_IDS[ANTS_PERIMETER].items():
        other = theirs.get(di)
        assert other is not None, f"{di} is not in the shared catalogue"
        if di in documented:
            assert [entry.min, entry.max] == documented[di]["ours"]
            assert [entry.min, entry.max] != [other["min"], other["max"]], f"{di}: stale note"
            continue
        if (entry.min, entry.max, entry.kind) != (other["min"], other["max"], other["kind"]):
            problems.append((di, (entry.min, entry.max, entry.kind),
                             (other["min"], other["max"], other["kind"])))
    assert problems == []


def test_requirements_agree_with_the_shared_extraction(shared_dir: Path) -> None:
    shared = json.loads((shared_dir / "spec" / "catalog" / "requirements.json").read_text("utf-8"))
    for code in ("AB", "AA", "A1"):
        ours = document_type(code)
        assert ours is not None
        extra = set(DISAGREEMENTS["mandatory"].get(code, {}).get("ours_extra", []))
        assert set(ours.mandatory) - extra == set(shared[code]["mandatory"]), code
        for di in shared[code]["facultative"]:
            assert ours.allows(DATA_IDS[ANTS_PERIMETER][di]), (code, di)
        for di in shared[code]["forbidden"]:
            entry = DATA_IDS[ANTS_PERIMETER][di]
            assert not ours.allows(entry), (code, di)


def test_document_types_tabulated() -> None:
    assert set(DOCUMENT_TYPES[ANTS_PERIMETER]) == {"AB", "AA", "A1"}
    ab = document_type("AB")
    assert ab is not None
    assert ab.mandatory == ("09", "60", "69", "6A", "6G", "6H", "AC", "E4", "E5", "E8")
    assert document_type("ZZ") is None
    assert document_type("AB", perimeter="99") is None
    assert data_id("01", perimeter="99") is None


AB_FIELDS = ["09", "60", "69", "6A", "6G", "6H", "AC", "E4", "E5", "E8"]


def test_check_document_fields_accepts_a_complete_ab() -> None:
    check_document_fields("AB", [*AB_FIELDS, "AG", "E6", "01", "08"])  # §7.0 DIs are optional
    check_document_fields("ZZ", ["E0"])  # no table: nothing to check


def test_check_document_fields_missing_mandatory() -> None:
    with pytest.raises(EncodeError) as info:
        check_document_fields("AB", [di for di in AB_FIELDS if di != "E8"])
    assert info.value.field == "E8"
    assert info.value.position == len(AB_FIELDS) - 1


def test_check_document_fields_forbidden() -> None:
    with pytest.raises(EncodeError) as info:
        check_document_fields("AB", [*AB_FIELDS[:3], "E0", *AB_FIELDS[3:]])
    assert (info.value.field, info.value.position) == ("E0", 3)
