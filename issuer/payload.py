"""Build the 2D-Doc payload (header and message fields) of an RIR, ADCS or RII.

All three are 2D-Doc type ``AB`` "Relevé d'Information Permis de Conduire", perimeter ``01``,
country ``FR``, header version ``04`` (spec §3.3, p.17; type AB §8.15). Fields, in this order:

======  ==========================================  =============================================
DI      meaning (spec §7, p.62-98)                  value
======  ==========================================  =============================================
``6H``  civilité (1-10)                             ``M`` / ``MME`` (as in the spec's AB example)
``6G``  nom (1-38)                                  upper case, no accents, truncated with <RS>
``60``  prénoms (0-60)                              first names joined by ``/`` (at most 6)
``69``  date de naissance (8)                       ``DDMMYYYY``
``6A``  lieu de naissance (0-32)                    upper case, no accents
``AC``  n° dossier (0-19)                           the NEPH
``E4``  type de relevé (3)                          ``RIR`` / ``APC`` (ADCS) / ``RII``
``E5``  état du permis (2)                          annex 13 code (``50`` VALIDE, ``47`` SUSPENDU)
``E8``  date des données du SNPC (12)               ``DDMMYYYYHHmm``
``09``  nombre de pages (4)                         ``0001``; RII: its page count
``01``  identifiant unique du document              the issuance-log id, on all three documents
``08``  date d'expiration (4)                       ADCS only: issue date + 4 months (hex days)
``AG``  solde de points (1, base 36)                RII only
``E6``  catégories présentes (0-65)                 distinct codes separated by spaces (absent
                                                    when no category is in force)
======  ==========================================  =============================================

A suspended or invalidated licence is not refused: the document carries its state (``47``,
``13``...) because an employer must be able to read "SUSPENDU". Restrictions (EU codes such as
``78``) have no DI in type AB: the PDF prints them and says they are not covered by the signature.

``E6`` is optional and the spec forbids truncating optional fields (annex 11.3, p.146), so a
category list longer than 65 characters is refused (:class:`PayloadError` on ``E6``) rather than
cut: a signed, silently shortened list of rights would mislead. The twenty category codes in use
(AM A1 A2 A B1 B C1 C D1 D BE C1E CE D1E DE and the older AL AT CL A3 A4) need 57 characters.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from issuer.errors import PayloadError
from issuer.facts import DriverFacts
from issuer.kinds import E4_BY_KIND, DocumentKind, e5_code
from issuer.validity import adcs_expiry
from twoddoc import Field, Header
from twoddoc.dates import date_to_hex

__all__ = [
    "CIVILITIES",
    "DOC_TYPE",
    "E6_MAX",
    "Payload",
    "build_payload",
    "spec_text",
]

DOC_TYPE = "AB"
PERIMETER = "01"
COUNTRY = "FR"
HEADER_VERSION = 4
E6_MAX = 65
MAX_GIVEN_NAMES = 6
MAX_BALANCE = 35  # DI AG: one base-36 character (spec p.93)
TRUNCATABLE = {"6G": 38, "60": 60, "6A": 32}
"""Mandatory variable-length fields of type AB and their maxima: cut there and ended by <RS>
(§3.4.1, p.20; annex 11.3, p.146). Every other over-long value is refused."""

CIVILITIES = {"M": "M", "MONSIEUR": "M", "MME": "MME", "MADAME": "MME", "MLLE": "MLLE",
              "MADEMOISELLE": "MLLE"}
"""Civility wording → the spec's abbreviation (annex 11.2.3, p.145; AB example p.177)."""

_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DIGITS = frozenset("0123456789")
_LIGATURES = str.maketrans({
    "Œ": "OE", "œ": "oe", "Æ": "AE", "æ": "ae", "ß": "ss",
    # Latin letters that Unicode does not decompose into a base letter and an accent.
    "Ø": "O", "ø": "o", "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ð": "D", "ð": "d",
    "Þ": "TH", "þ": "th", "ı": "i", "Ħ": "H", "ħ": "h",
})


@dataclass(frozen=True)
class Payload:
    """The 2D-Doc header values and ordered message fields of one document, before signing."""

    kind: DocumentKind
    ca_id: str
    cert_id: str
    issued_on: date
    expires_on: date | None
    fields: tuple[Field, ...]

    def header(self) -> Header:
        """The twoddoc ``Header`` (v04, type AB, perimeter 01, FR, emission = signature date)."""
        return Header(
            version=HEADER_VERSION,
            ca_id=self.ca_id,
            cert_id=self.cert_id,
            emission_date=self.issued_on,
            signature_date=self.issued_on,
            doc_type=DOC_TYPE,
            perimeter=PERIMETER,
            country=COUNTRY,
        )

    def get(self, di: str) -> str | None:
        """The value of a field, or None."""
        return next((f.value for f in self.fields if f.di == di), None)


def spec_text(value: str, *, field: str, extra: str = " ") -> str:
    """Return ``value`` in a field's alphabet: upper case A-Z, digits, and the ``extra`` characters.

    Accents are removed (``FRANÇOISE`` → ``FRANCOISE``, ligatures spelt out, ``Ł``/``Ø`` → L/O),
    apostrophes and hyphens become spaces (the spec's AB example writes d'Urville as
    ``D URVILLE``, p.177), spaces are collapsed. Any other character is refused with its
    position: a name is never silently changed beyond these rules.
    """
    decomposed = unicodedata.normalize("NFKD", value.translate(_LIGATURES))
    out: list[str] = []
    position = 0
    for char in decomposed:
        if unicodedata.combining(char):
            continue
        upper = char.upper()
        if upper in _LETTERS or upper in _DIGITS or upper in extra:
            out.append(upper)
        elif upper in "-'’ \t":
            out.append(" ")
        else:
            raise PayloadError(f"character {char!r} cannot be encoded", field=field,
                               position=position)
        position += 1
    return " ".join("".join(out).split())


def _civility(value: str) -> str:
    key = spec_text(value, field="6H").replace(" ", "")
    try:
        return CIVILITIES[key]
    except KeyError:
        raise PayloadError(f"unknown civility {value!r}", field="6H", position=0) from None


def _given_names(names: tuple[str, ...]) -> str:
    if len(names) > MAX_GIVEN_NAMES:
        raise PayloadError(f"{len(names)} first names, at most {MAX_GIVEN_NAMES}", field="60",
                           position=MAX_GIVEN_NAMES)
    return "/".join(spec_text(name, field="60") for name in names)


def _categories(facts: DriverFacts) -> str:
    """DI E6: distinct category codes in record order, separated by spaces (spec p.98)."""
    codes: list[str] = []
    for index, line in enumerate(facts.categories):
        code = line.code.strip().upper()
        if not code or not set(code) <= _LETTERS | _DIGITS:
            raise PayloadError(f"category code {line.code!r} is not [A-Z0-9]", field="E6",
                               position=index)
        if code not in codes:
            codes.append(code)
    value = " ".join(codes)
    if len(value) > E6_MAX:
        # Position of the first category that does not fit, counted in category lines.
        length, index = 0, 0
        for index, code in enumerate(codes):
            length += len(code) + (1 if index else 0)
            if length > E6_MAX:
                break
        raise PayloadError(
            f"{len(codes)} categories need {len(value)} characters, E6 holds {E6_MAX}; "
            f"category {codes[index]} does not fit",
            field="E6",
            position=index,
        )
    return value


def _balance(facts: DriverFacts) -> str:
    balance = facts.points_balance
    if balance is None:
        raise PayloadError("the RII needs a points balance", field="AG", position=0)
    if not 0 <= balance <= MAX_BALANCE:
        raise PayloadError(f"points balance {balance} is outside 0-{MAX_BALANCE}", field="AG",
                           position=0)
    return "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[balance]


def _birth_date(value: str) -> str:
    if len(value) != 8 or not value.isdigit():
        raise PayloadError(f"birth date {value!r} is not DDMMYYYY", field="69", position=0)
    return value


def _document_id(document_id: str) -> str:
    for position, char in enumerate(document_id):
        if char not in _LETTERS and char not in _DIGITS:
            raise PayloadError("a document id is [A-Z0-9]", field="01", position=position)
    if not document_id:
        raise PayloadError("empty document id", field="01", position=0)
    return document_id


def build_payload(
    facts: DriverFacts,
    kind: DocumentKind,
    *,
    issued_on: date,
    document_id: str,
    ca_id: str,
    cert_id: str,
    pages: int = 1,
) -> Payload:
    """Build the fields of ``kind`` for ``facts`` as certified on ``issued_on``.

    ``pages`` is the PDF's page count (DI 09), known from the layout before signing.
    """
    if not 1 <= pages <= 9999:
        raise PayloadError(f"page count {pages} outside 1-9999", field="09", position=0)
    neph = spec_text(facts.neph, field="AC", extra="")
    fields: list[tuple[str, str]] = [
        ("6H", _civility(facts.civility)),
        ("6G", spec_text(facts.surname, field="6G")),
        ("60", _given_names(facts.given_names)),
        ("69", _birth_date(facts.birth_date)),
        ("6A", spec_text(facts.birth_place, field="6A")),
        ("AC", neph),
        ("E4", E4_BY_KIND[kind]),
        ("E5", e5_code(facts.state)),
        ("E8", facts.data_as_of.strftime("%d%m%Y%H%M")),
        ("09", f"{pages:04d}"),
        ("01", _document_id(document_id)),
    ]
    expires_on = None
    if kind is DocumentKind.ADCS:
        expires_on = adcs_expiry(issued_on)
        fields.append(("08", date_to_hex(expires_on)))
    if kind is DocumentKind.RII:
        fields.append(("AG", _balance(facts)))
    categories = _categories(facts)
    if categories:  # optional DI: left out rather than written empty (no category in force)
        fields.append(("E6", categories))
    return Payload(
        kind=kind,
        ca_id=ca_id,
        cert_id=cert_id,
        issued_on=issued_on,
        expires_on=expires_on,
        fields=tuple(
            Field(di, value, truncated=len(value) > TRUNCATABLE.get(di, len(value)))
            for di, value in fields
        ),
    )
