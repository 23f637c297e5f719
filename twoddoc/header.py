"""The C40 header of a 2D-Doc, versions 01 to 04 (§3.3.1–§3.3.3, pp.17–19).

Why: the header names the certificate (CA id + cert id) that verifies the code, and the
document type and perimeter that select the DI catalogue. Layout, character by character::

    0  2  "DC"       marker                          [A-Z]
    2  2  "04"       version                         01..04
    4  4  "FR00"     certification authority id      [A-Z0-9]
    8  4  "0001"     certificate id                  [A-Z0-9]
    12 4  "1E47"     emission date, hex days since 2000-01-01, FFFF = undated
    16 4  "1E47"     signature date, same format
    20 2  "AB"       document type                   [A-Z0-9]
    22 2  "01"       perimeter (v03 and v04 only)    [A-Z0-9]
    24 2  "FR"       issuing country (v04 only)      ISO 3166-1 alpha-2

so 22 characters for v01/v02, 24 for v03 and 26 for v04. Versions 01 and 02 have no perimeter
field: their document types are those of the ANTS perimeter, so ``perimeter`` reads ``"01"``
(§3.3.1 predates perimeters). Only v04 names a country; earlier versions give ``None``.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import NamedTuple

from twoddoc.catalog import ANTS_PERIMETER
from twoddoc.dates import date_to_hex, hex_to_date
from twoddoc.errors import EncodeError, HeaderError, TwoDDocError

MARKER = "DC"
#: Header length in characters, by version.
HEADER_LENGTHS = {1: 22, 2: 22, 3: 24, 4: 26}
_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_UPPER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_VERSIONS = {"01": 1, "02": 2, "03": 3, "04": 4}
#: Marker + version → (version, header length): one lookup decides both for a well-formed code.
_LEADS = {f"{MARKER}{text}": (version, HEADER_LENGTHS[version])
          for text, version in _VERSIONS.items()}
_HEX = frozenset("0123456789ABCDEF")
_EPOCH_ORDINAL = date(2000, 1, 1).toordinal()
_from_ordinal = date.fromordinal
_new = tuple.__new__
# Hex date → date, filled as codes are read: scans of one day's documents share their dates.
_DATE_CACHE: dict[str, date | None] = {"FFFF": None}
_DATE_CACHE_LIMIT = 4096
# The 8 hex digits of both header dates → (emission, signature), checked and converted once:
# an issuer signs a day's documents with the same two dates, so a verifier sees few pairs.
_DATE_PAIRS: dict[str, tuple[date | None, date | None]] = {}


def _cached_date(text: str) -> date | None:
    """Convert 4 checked hex digits to a date (``FFFF`` → ``None``), memoised."""
    try:
        return _DATE_CACHE[text]
    except KeyError:
        value = _from_ordinal(_EPOCH_ORDINAL + int(text, 16))
        if len(_DATE_CACHE) < _DATE_CACHE_LIMIT:
            _DATE_CACHE[text] = value
        return value


def _date_pair(dates: str) -> tuple[date | None, date | None] | None:
    """Both header dates from their 8 characters, or ``None`` when one is not upper hex."""
    if len(dates) != 8 or not _HEX.issuperset(dates):
        return None
    pair = (_cached_date(dates[:4]), _cached_date(dates[4:]))
    if len(_DATE_PAIRS) < _DATE_CACHE_LIMIT:
        _DATE_PAIRS[dates] = pair
    return pair


class Header(NamedTuple):
    """A decoded 2D-Doc header (en-tête, §3.3), immutable.

    A named tuple rather than a frozen dataclass: one is built per scan, and a tuple is built
    five times faster (a frozen dataclass pays ``object.__setattr__`` per field).
    """

    version: int
    ca_id: str
    cert_id: str
    emission_date: date | None
    signature_date: date | None
    doc_type: str
    perimeter: str = ANTS_PERIMETER
    country: str | None = None

    @property
    def length(self) -> int:
        """The header's length in characters for its version."""
        return HEADER_LENGTHS[self.version]


def _check(text: str, start: int, size: int, allowed: frozenset[str], field: str,
           error: type[TwoDDocError] = HeaderError) -> str:
    """Return ``text[start:start+size]`` when all its characters are ``allowed``."""
    part = text[start:start + size]
    if len(part) != size:
        raise error(f"header truncated: {field} needs {size} characters", field=field,
                    position=len(text))
    if not allowed.issuperset(part):
        for i, ch in enumerate(part):
            if ch not in allowed:
                raise error(f"character {ch!r} is not allowed in {field}", field=field,
                            position=start + i)
    return part


def parse_header(text: str) -> Header:
    """Parse the header at the start of ``text`` (the whole code may follow it).

    A well-formed header is checked with one lookup for marker and version, a memoised date
    pair and a set operation or two; anything else goes through ``_parse_header_checked``,
    which names the first faulty field and character.
    """
    lead = _LEADS.get(text[:4])
    if lead is not None:
        version, length = lead
        dates = text[12:20]
        pair = _DATE_PAIRS.get(dates) or _date_pair(dates)
        if (pair is not None and len(text) >= length and _ALNUM.issuperset(text[4:length])
                and (version < 4 or _UPPER.issuperset(text[24:26]))):
            if version == 4:
                return _new(Header, (4, text[4:8], text[8:12], pair[0], pair[1], text[20:22],
                                     text[22:24], text[24:26]))
            return _new(Header, (
                version, text[4:8], text[8:12], pair[0], pair[1], text[20:22],
                text[22:24] if version == 3 else ANTS_PERIMETER, None))
    return _parse_header_checked(text)


def _parse_header_checked(text: str) -> Header:
    """Parse a header field by field, raising ``HeaderError`` at the first fault."""
    if text[:1] == "\xdc":
        raise HeaderError("binary 2D-Doc headers (§3.3.4) are not supported", field="marker",
                          position=0)
    if text[:2] != MARKER:
        bad = 0 if text[:1] != "D" else 1
        raise HeaderError("a 2D-Doc starts with the marker 'DC'", field="marker",
                          position=min(bad, len(text)))
    version_text = text[2:4]
    version = _VERSIONS.get(version_text)
    if version is None:
        if len(version_text) < 2:
            raise HeaderError("header truncated: version needs 2 characters", field="version",
                              position=len(text))
        raise HeaderError(f"unsupported version {version_text!r} (01 to 04)", field="version",
                          position=2)
    ca_id = _check(text, 4, 4, _ALNUM, "ca_id")
    cert_id = _check(text, 8, 4, _ALNUM, "cert_id")
    emission = hex_to_date(_check(text, 12, 4, _ALNUM, "emission_date"), field="emission_date",
                           position=12, error=HeaderError)
    signature = hex_to_date(_check(text, 16, 4, _ALNUM, "signature_date"),
                            field="signature_date", position=16, error=HeaderError)
    doc_type = _check(text, 20, 2, _ALNUM, "doc_type")
    perimeter = _check(text, 22, 2, _ALNUM, "perimeter") if version >= 3 else ANTS_PERIMETER
    country = _check(text, 24, 2, _UPPER, "country") if version >= 4 else None
    return Header(version, ca_id, cert_id, emission, signature, doc_type, perimeter, country)


@lru_cache(maxsize=256)
def format_header(header: Header) -> str:
    """Write ``header`` as its C40 text, raising ``EncodeError`` on a value it cannot carry.

    Memoised: an issuer writes the same header (same certificate, same day, same type) for
    every document it signs in a day.
    """
    version, ca_id, cert_id, emission, signature, doc_type, perimeter, country = header
    if version in (2, 3, 4) and (version >= 3 or perimeter == ANTS_PERIMETER) \
            and (country is None) == (version < 4):
        tail = (perimeter if version >= 3 else "") + (country or "")
        ids = ca_id + cert_id + doc_type + tail
        if (len(ca_id) == 4 and len(cert_id) == 4 and len(doc_type) == 2
                and len(tail) == 2 * (version - 2) and _ALNUM.issuperset(ids)
                and (country is None or _UPPER.issuperset(country))):
            return (f"{MARKER}0{version}{ca_id}{cert_id}"
                    f"{date_to_hex(emission, field='emission_date')}"
                    f"{date_to_hex(signature, field='signature_date')}{doc_type}{tail}")
    return _format_header_checked(header)


def _format_header_checked(header: Header) -> str:
    """Write ``header`` field by field, raising ``EncodeError`` at the first fault."""
    if header.version not in HEADER_LENGTHS:
        raise EncodeError(f"unsupported version {header.version} (1 to 4)", field="version",
                          position=2)
    parts = [MARKER, f"{header.version:02d}",
             _check(header.ca_id, 0, 4, _ALNUM, "ca_id", EncodeError),
             _check(header.cert_id, 0, 4, _ALNUM, "cert_id", EncodeError),
             date_to_hex(header.emission_date, field="emission_date"),
             date_to_hex(header.signature_date, field="signature_date"),
             _check(header.doc_type, 0, 2, _ALNUM, "doc_type", EncodeError)]
    for value, size, field in ((header.ca_id, 4, "ca_id"), (header.cert_id, 4, "cert_id"),
                               (header.doc_type, 2, "doc_type")):
        if len(value) != size:
            raise EncodeError(f"{field} must be {size} characters", field=field,
                              position=min(len(value), size))
    if header.version >= 3:
        perimeter = _check(header.perimeter, 0, 2, _ALNUM, "perimeter", EncodeError)
        if len(header.perimeter) != 2:
            raise EncodeError("perimeter must be 2 characters", field="perimeter", position=2)
        parts.append(perimeter)
    elif header.perimeter != ANTS_PERIMETER:
        raise EncodeError("versions 01 and 02 carry only perimeter 01", field="perimeter",
                          position=0)
    if header.version >= 4:
        if header.country is None or len(header.country) != 2:
            raise EncodeError("version 04 needs a 2-letter country", field="country", position=0)
        parts.append(_check(header.country, 0, 2, _UPPER, "country", EncodeError))
    elif header.country is not None:
        raise EncodeError("only version 04 carries a country", field="country", position=0)
    return "".join(parts)
