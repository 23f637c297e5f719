"""The data-identifier catalogue and document-type tables, loaded once from package JSON.

Why: decoding needs each DI's min/max length to split the message (§3.4.1), encoding needs its
characters (§7); the tables are spec data (§7.0–§7.16, §8.6, §8.15 of v3.2.6, plus a few v3.3.4
driving-licence DIs, and ``data_ids_errata.json`` correcting three entries that the spec's signed
reference codes contradict), kept as JSON in ``twoddoc/data/`` and read at import into frozen
dataclasses and plain dicts so that no call ever reloads them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from types import MappingProxyType

from twoddoc.c40 import CHARACTERS, Charset
from twoddoc.errors import EncodeError

#: The ANTS C40 perimeter (§6.1). The binary perimeter 0x0001 (§6.2) needs the binary header
#: (§3.3.4), which this codec does not read; a C40 header cannot even name it.
ANTS_PERIMETER = "01"


class Kind(StrEnum):
    """What a DI's value is, in the vocabulary of the ANTS catalogue (§7 "Type" and description)."""

    TEXT = "text"
    NUMERIC = "numeric"
    DATE_DAYS2000 = "date_days2000"  # 4 hex digits, days since 2000-01-01, like the header dates
    TIME = "time"  # HHMMSS
    BASE32 = "base32"  # binary data (DI 0C, an URL) as Base32: case-sensitive, never truncated


@dataclass(frozen=True, slots=True)
class DataId:
    """One data identifier: its length bounds, kind and allowed characters, with its source."""

    di: str
    label: str
    min: int
    max: int | None
    kind: Kind
    charset: Charset
    section: str
    page: int | None
    perimeter: str = ANTS_PERIMETER
    #: The characters of ``charset``, kept on the entry so the encoder looks up nothing else.
    chars: frozenset[str] = frozenset()

    @property
    def fixed(self) -> bool:
        """True when the value has one length and so no separator (§3.4.1)."""
        return self.max is not None and self.min == self.max


@dataclass(frozen=True, slots=True)
class DocumentType:
    """The mandatory and optional DIs of one document type (§8), with its source."""

    code: str
    label: str
    section: str
    mandatory: tuple[str, ...]
    optional: frozenset[str]
    optional_sections: frozenset[str]
    forbidden: frozenset[str]
    emission_date: bool
    allowed: frozenset[str] = frozenset()

    def allows(self, entry: DataId) -> bool:
        """True when ``entry`` may appear in this type.

        §8: a DI the type's table marks '_' is forbidden, one it marks O or F is allowed, and
        the unlisted DIs of the sections named below the table are optional.
        """
        if entry.di in self.forbidden:
            return False
        return (entry.di in self.mandatory or entry.di in self.optional
                or entry.section.split(" ")[0] in self.optional_sections)


def _read(name: str) -> dict[str, object]:
    """Read one JSON resource of ``twoddoc/data``."""
    text = resources.files("twoddoc").joinpath("data", name).read_text(encoding="utf-8")
    return json.loads(text)


def _load_data_ids() -> dict[str, dict[str, DataId]]:
    """Build {perimeter: {DI: DataId}} from the extracted spec tables and the additions."""
    table: dict[str, DataId] = {}
    for name in ("data_ids.json", "data_ids_additions.json"):
        doc = _read(name)
        for raw in doc["data_ids"]:  # type: ignore[union-attr]
            entry = DataId(di=raw["di"], label=raw["label"], min=raw["min"], max=raw["max"],
                           kind=Kind(raw["kind"]), charset=Charset(raw["charset"]),
                           section=raw["section"], page=raw["page"],
                           perimeter=str(doc["perimeter"]),
                           chars=CHARACTERS[Charset(raw["charset"])])
            table[entry.di] = entry
    # Errata: where the tables contradict the spec's own signed reference codes, the codes win.
    for raw in _read("data_ids_errata.json")["errata"]:  # type: ignore[union-attr]
        table[raw["di"]] = replace(table[raw["di"]], min=raw["min"], max=raw["max"],
                                   section=raw["section"])
    return {ANTS_PERIMETER: table}


def _with_allowed(doc_type: DocumentType, table: Mapping[str, DataId]) -> DocumentType:
    """Precompute the DIs ``doc_type`` allows, so that encoding checks are set operations."""
    return replace(doc_type, allowed=frozenset(
        di for di, entry in table.items() if doc_type.allows(entry)))


def _load_document_types(
        data_ids: Mapping[str, Mapping[str, DataId]]) -> dict[str, dict[str, DocumentType]]:
    """Build {perimeter: {code: DocumentType}} from ``document_types.json``."""
    doc = _read("document_types.json")
    perimeter = str(doc["perimeter"])
    types = {}
    for raw in doc["document_types"]:  # type: ignore[union-attr]
        doc_type = DocumentType(code=raw["code"], label=raw["label"], section=raw["section"],
                                mandatory=tuple(raw["mandatory"]),
                                optional=frozenset(raw["optional"]),
                                optional_sections=frozenset(raw["optional_sections"]),
                                forbidden=frozenset(raw["forbidden"]),
                                emission_date=raw["emission_date"])
        types[doc_type.code] = _with_allowed(doc_type, data_ids[perimeter])
    return {perimeter: types}


#: {perimeter: {DI: DataId}}, read-only.
DATA_IDS: Mapping[str, Mapping[str, DataId]] = MappingProxyType(
    {k: MappingProxyType(v) for k, v in _load_data_ids().items()})
#: {perimeter: {DI: (min, max)}} for the decoder's inner loop, ``max`` = 2**30 when unbounded:
#: plain dicts of plain tuples, the cheapest lookups Python has (read them, never write).
LAYOUTS: dict[str, dict[str, tuple[int, int]]] = {
    perimeter: {di: (e.min, e.max if e.max is not None else 1 << 30) for di, e in table.items()}
    for perimeter, table in DATA_IDS.items()}
#: {perimeter: {DI: (chars, min, max, fold case?, is a hex date?)}} for the encoder's loop, with
#: ``max`` = 2**30 when unbounded; plain dicts of tuples, read them and never write.
ENCODE_LAYOUTS: dict[str, dict[str, tuple[frozenset[str], int, int, bool, bool]]] = {
    perimeter: {di: (e.chars, e.min, e.max if e.max is not None else 1 << 30,
                     e.kind is not Kind.BASE32, e.kind is Kind.DATE_DAYS2000)
                for di, e in table.items()}
    for perimeter, table in DATA_IDS.items()}
#: {perimeter: {document type code: DocumentType}}, read-only.
DOCUMENT_TYPES: Mapping[str, Mapping[str, DocumentType]] = MappingProxyType(
    {k: MappingProxyType(v) for k, v in _load_document_types(DATA_IDS).items()})


def data_id(di: str, perimeter: str = ANTS_PERIMETER) -> DataId | None:
    """Return the catalogue entry of ``di`` in ``perimeter``, or ``None`` when unknown."""
    table = DATA_IDS.get(perimeter)
    return None if table is None else table.get(di)


def document_type(code: str, perimeter: str = ANTS_PERIMETER) -> DocumentType | None:
    """Return the §8 requirements of a document type, or ``None`` when we have no table for it."""
    types = DOCUMENT_TYPES.get(perimeter)
    return None if types is None else types.get(code)


def check_document_fields(code: str, dis: Iterable[str], perimeter: str = ANTS_PERIMETER) -> None:
    """Raise ``EncodeError`` when ``dis`` misses a mandatory DI or holds a forbidden one (§8).

    Types without a table here are not checked (only ``AB``, ``AA`` and ``A1`` are tabulated).
    """
    _check_document_fields(code, tuple(dis), perimeter)


@lru_cache(maxsize=256)
def _check_document_fields(code: str, present: tuple[str, ...], perimeter: str) -> None:
    """``check_document_fields`` on a tuple, memoised: an issuer repeats a few DI layouts."""
    doc_type = document_type(code, perimeter)
    if doc_type is None:
        return
    if not doc_type.allowed.issuperset(present):
        for index, di in enumerate(present):
            if di not in doc_type.allowed and di in DATA_IDS[perimeter]:
                raise EncodeError(f"DI {di} is forbidden in document type {code} "
                                  f"({doc_type.section})", field=di, position=index)
    missing = set(doc_type.mandatory).difference(present)
    if missing:
        di = next(di for di in doc_type.mandatory if di in missing)
        raise EncodeError(f"DI {di} is mandatory in document type {code} ({doc_type.section})",
                          field=di, position=len(present))


#: Annex 13 (p.148): the licence-state codes of DI ``E5`` (type ``AB``) and their labels,
#: ``"50"`` → ``"VALIDE"``. The issuer writes them, the verifier reads them: one table for both.
LICENCE_STATES: Mapping[str, str] = MappingProxyType(
    dict(_read("licence_states.json")["codes"])  # type: ignore[call-overload]
)
