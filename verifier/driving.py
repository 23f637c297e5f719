"""May this person drive? The driving verdict of a type-``AB`` document, beside the document's own.

Why a second verdict: a checker (an employer, a rental desk, a police officer) does not ask "is
this paper genuine?" but "may this person drive, and is this paper genuine?". A perfectly
authentic ADCS of a suspended licence certifies that its holder may *not* drive; showing it as a
green "valid" is the worst answer a verifier can give (issue 9). The document verdict stays in
:mod:`verifier.policy` (``valid``); this module reads what the document certifies.

The rule, from annex 13 of the ANTS 2D-Doc specification v3.2.6 (p.148, "méthode d'encodage de
l'état du permis de conduire", the codes of DI ``E5``, §7.16 p.98), read from the codec's table
``twoddoc/data/licence_states.json``:

- The annex names 50 states. Each is a base state (``VALIDE``, ``SUSPENDU``, ``ANNULE
  JUDICIAIRE``…) of a French licence, or the same base state prefixed by the origin of the
  licence: ``P. ECH. COM`` (a French licence obtained by exchanging a licence of another EU or
  EEA state), ``P. ECHANGE`` (obtained by exchanging a licence of a non-EU state), ``P. UE`` /
  ``P. UNION EUROPEENNE`` (a licence issued by another EU state, registered in France).
- **Only a base state of ``VALIDE`` permits driving**: codes ``50`` (VALIDE), ``25`` (P. ECH. COM
  VALIDE), ``36`` (P. ECHANGE VALIDE) and ``41`` (P. UNION EUROPEENNE VALIDE).
- Every other state refuses: cancelled (``ANNULE …``), invalidated (``INVALIDE``, ``SOLDE NUL``:
  no points left), suspended (``SUSPENDU``, ``SUSPENDU MEDICAL``), banned (``INTERDIT …``), no
  right (``AUCUN DROIT``), deceased, forged (``TITRE FALSIFIE``); and, fail closed, the states in
  which the register does not certify a right: pending (``DEMANDE``, ``DEMANDE DUPLICATA``, ``A
  AUTHENTIFIER``, ``NON AUTHENTIFIE``, ``CONTROLE IMPOSSIBLE``) and an EU licence that must be
  exchanged (``P. UNION EUROPEENNE A ECHANGER``). For those the checker must ask the holder for
  the licence itself or a recent attestation: the message says so.
- A licence in a driving state but with no category in force (DI ``E6`` absent or empty: the
  issuer omits it then) certifies no vehicle one may drive: not allowed either.

The second part is age. An ADCS says until when it is valid (DI ``08``); an RIR or RII does not,
yet it shows the licence *as it was on its issue date*. Past four months (the ADCS's own validity,
ARCHITECTURE.md) its state may have changed: :func:`freshness` says how old it is. Pure
functions: the verification date ``at`` is a parameter.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from twoddoc import Document
from twoddoc.catalog import LICENCE_STATES

__all__ = [
    "DRIVING_STATES",
    "STATE_LABELS_EN",
    "STATE_LABELS_FR",
    "DrivingVerdict",
    "Freshness",
    "add_months",
    "driving_verdict",
    "freshness",
]

#: Annex-13 prefixes naming where a licence comes from, and their English wording.
_ORIGINS = (
    ("P. ECH. COM ", "EU-EXCHANGED LICENCE "),
    ("P.ECH. COM ", "EU-EXCHANGED LICENCE "),
    ("P.ECH.COM ", "EU-EXCHANGED LICENCE "),
    ("P. ECHANGE ", "EXCHANGED FOREIGN LICENCE "),
    ("P.ECHANGE ", "EXCHANGED FOREIGN LICENCE "),
    ("P. UNION EUROPEENNE ", "EU LICENCE "),
    ("P. UE ", "EU LICENCE "),
)

#: Base states of annex 13 in English.
_BASE_EN = {
    "A AUTHENTIFIER": "TO BE AUTHENTICATED",
    "A ECHANGER": "TO BE EXCHANGED",
    "ANNULE ADMINISTRATIF": "CANCELLED (ADMINISTRATIVE)",
    "ANNULE JUDICIAIRE": "CANCELLED BY A COURT",
    "ANNULE MEDICAL": "CANCELLED (MEDICAL)",
    "AUCUN DROIT": "NO RIGHT TO DRIVE",
    "CONTROLE IMPOSSIBLE": "CHECK IMPOSSIBLE",
    "DECEDE": "DECEASED",
    "DEMANDE": "APPLIED FOR",
    "DEMANDE DUPLICATA": "DUPLICATE APPLIED FOR",
    "INTERDIT CONDUIRE": "BANNED FROM DRIVING",
    "INTERDIT CONDUIRE TS VEHICULES": "BANNED FROM DRIVING ANY VEHICLE",
    "INTERDIT OBTENIR": "BANNED FROM OBTAINING A LICENCE",
    "INTERDIT SOLLICITER": "BANNED FROM APPLYING FOR A LICENCE",
    "INVALIDE": "INVALIDATED",
    "NON AUTHENTIFIE": "NOT AUTHENTICATED",
    "SOLDE NUL": "NO POINTS LEFT",
    "SUSPENDU": "SUSPENDED",
    "SUSPENDU MEDICAL": "SUSPENDED (MEDICAL)",
    "TITRE FALSIFIE": "FORGED LICENCE",
    "VALIDE": "VALID",
}

#: The annex writes French without accents (C40 has none); a reader gets them back.
_ACCENTS = {
    "A": "À", "ANNULE": "ANNULÉ", "AUTHENTIFIE": "AUTHENTIFIÉ", "CONTROLE": "CONTRÔLE",
    "DECEDE": "DÉCÉDÉ", "ECH.": "ÉCH.", "ECHANGE": "ÉCHANGE", "ECHANGER": "ÉCHANGER",
    "EUROPEENNE": "EUROPÉENNE", "FALSIFIE": "FALSIFIÉ", "MEDICAL": "MÉDICAL",
    "P.ECH.": "P.ÉCH.", "P.ECHANGE": "P.ÉCHANGE", "P.ECH.COM": "P.ÉCH.COM",
    "VEHICULES": "VÉHICULES",
}


def _split(label: str) -> tuple[str, str]:
    """An annex-13 label → (its origin prefix or ``""``, its base state)."""
    for prefix, _ in _ORIGINS:
        if label.startswith(prefix):
            return prefix, label[len(prefix):]
    return "", label


def _french(label: str) -> str:
    return " ".join(_ACCENTS.get(word, word) for word in label.split(" "))


def _english(label: str) -> str:
    prefix, base = _split(label)
    origin = dict(_ORIGINS)[prefix] if prefix else ""
    return (origin + "— " if origin else "") + _BASE_EN[base]


#: ``E5`` code → French label as a reader expects it (annex 13 with its accents back).
STATE_LABELS_FR: Mapping[str, str] = MappingProxyType(
    {code: _french(label) for code, label in LICENCE_STATES.items()})
#: ``E5`` code → English label.
STATE_LABELS_EN: Mapping[str, str] = MappingProxyType(
    {code: _english(label) for code, label in LICENCE_STATES.items()})
#: The ``E5`` codes whose state permits driving: base state ``VALIDE`` (see the module docstring).
DRIVING_STATES: frozenset[str] = frozenset(
    code for code, label in LICENCE_STATES.items() if _split(label)[1] == "VALIDE")

#: States where the register certifies no right yet (fail closed): advice to ask for more.
_PENDING = frozenset({"A AUTHENTIFIER", "A ECHANGER", "CONTROLE IMPOSSIBLE", "DEMANDE",
                      "DEMANDE DUPLICATA", "NON AUTHENTIFIE"})


@dataclass(frozen=True)
class DrivingVerdict:
    """What a type-``AB`` document certifies about its holder's right to drive."""

    allowed: bool
    code: str | None
    label_fr: str
    label_en: str
    categories: tuple[str, ...]
    message_fr: str
    message_en: str

    def to_json(self) -> dict[str, Any]:
        """The API's ``driving`` object (issue 9, Contract)."""
        return {
            "allowed": self.allowed,
            "state": {"code": self.code, "label_fr": self.label_fr, "label_en": self.label_en},
            "categories": list(self.categories),
            "message_fr": self.message_fr,
            "message_en": self.message_en,
        }


def driving_verdict(doc: Document) -> DrivingVerdict | None:
    """The driving verdict of a decoded document; ``None`` for any type other than ``AB``.

    Judges only what the text says: whether the text is authentic is the policy's verdict, and
    a caller shows this one only for a text whose signature verified.
    """
    if doc.header.doc_type != "AB":
        return None
    code = doc.get("E5")
    categories = tuple((doc.get("E6") or "").split())
    annex = LICENCE_STATES.get(code or "")
    if annex is None:
        shown = code or "—"
        return DrivingVerdict(
            False, code, f"ÉTAT INCONNU ({shown})", f"UNKNOWN STATE ({shown})", categories,
            f"Ce permis n'autorise pas la conduite — état {shown} inconnu de l'annexe 13",
            f"This licence does not allow driving — state {shown} is not in annex 13")
    label_fr, label_en = STATE_LABELS_FR[code or ""], STATE_LABELS_EN[code or ""]
    if code in DRIVING_STATES and categories:
        listed = " ".join(categories)
        return DrivingVerdict(
            True, code, label_fr, label_en, categories,
            f"Conduite autorisée — permis {label_fr}, catégories {listed}",
            f"Driving allowed — licence {label_en}, categories {listed}")
    message_fr = f"Ce permis n'autorise pas la conduite — {label_fr}"
    message_en = f"This licence does not allow driving — {label_en}"
    if code in DRIVING_STATES:
        message_fr += " : aucune catégorie en cours de validité"
        message_en += ": no category in force"
    elif _split(annex)[1] in _PENDING:
        message_fr += " : le registre ne certifie aucun droit ; demandez le permis lui-même"
        message_en += ": the register certifies no right; ask for the licence itself"
    return DrivingVerdict(False, code, label_fr, label_en, categories, message_fr, message_en)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months, clamped to the month's end (31/10 + 4 → 28/02)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


#: Past this many months an RIR/RII may no longer tell the licence's state (the ADCS's validity).
FRESH_MONTHS = 4


@dataclass(frozen=True)
class Freshness:
    """How old a record is at the verification date."""

    issued: dt.date
    age_days: int
    stale: bool

    def to_json(self) -> dict[str, Any]:
        """The page's and the API's ``freshness`` object."""
        return {"issued": self.issued.isoformat(), "age_days": self.age_days,
                "older_than_four_months": self.stale}


def freshness(doc: Document, at: dt.date) -> Freshness | None:
    """Age of an RIR or RII (``E4`` ``RIR``/``RII``) at ``at``; ``None`` for anything else.

    The issue date is the header's emission date (§3.3.1). ``stale`` is true when ``at`` is
    after the issue date plus four calendar months (issued 31 October: stale from 1 March).
    """
    if doc.header.doc_type != "AB" or doc.get("E4") not in ("RIR", "RII"):
        return None
    issued = doc.header.emission_date
    if issued is None:
        return None
    return Freshness(issued, (at - issued).days, at > add_months(issued, FRESH_MONTHS))
