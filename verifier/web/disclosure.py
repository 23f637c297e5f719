"""What a verification answer discloses, per purpose: data minimisation at the API's edge.

Why: a 2D-Doc of type ``AB`` carries a whole identity (birth place, NEPH, civility, points for an
RII). An employer or a car-rental agency only needs to know that the holder may drive what: name,
birth date, categories, licence state and validity (GDPR art. 5(1)(c), data minimisation, and the
issue's part 5). Police officers get everything the barcode holds. A caller that states no purpose
learns only valid/invalid and the reasons.

Policy choice: holder data is disclosed to employers and rental agencies only when the signature
verified (the data is then the issuer's, even if the document has expired or its certificate was
revoked since); a forged text's name is never echoed back as if it were a fact. Police see the raw
content in every case, with the checks, to document the forgery. Every purpose gets the reasons
and the policy's notes (what was repaired, e.g. separators a hand scanner dropped).

Two verdicts (issue 9): ``valid`` is the document's (authentic and in force); ``driving``
(:mod:`verifier.driving`) is what an ``AB`` document certifies about the right to drive. It is
given to the three purposes, only when the signature verified (a forged text's state is no fact),
and never without a purpose: « none » stays minimal. ``specimen`` tells a document signed under
the test CA ``FR00`` (the range the specification reserves for tests) so that the page can say so.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

from twoddoc import Document, TwoDDocError
from twoddoc.catalog import LICENCE_STATES
from twoddoc.dates import hex_to_date
from verifier.driving import STATE_LABELS_EN, STATE_LABELS_FR, driving_verdict, freshness
from verifier.labels import labelled_fields
from verifier.policy import VerificationResult
from verifier.reasons import Check

__all__ = ["DOCUMENT_KINDS", "SPECIMEN_CA", "Purpose", "disclose", "document_summary"]


class Purpose(Enum):
    """Why the caller verifies: decides which fields the answer holds."""

    EMPLOYER = "employer"
    RENTAL = "rental"
    POLICE = "police"


#: DI ``E4`` of type ``AB`` → the document's name (ARCHITECTURE.md, "Document encoding").
DOCUMENT_KINDS = {"RIR": "RIR", "APC": "ADCS", "RII": "RII"}

#: The CA id the specification reserves for tests (§3.3, p.18): its documents are specimens.
SPECIMEN_CA = "FR00"


def _ddmmyyyy(value: str | None) -> str | None:
    """``DDMMYYYY`` (DI 69, §7) → ISO date, or ``None`` when absent or not a real date."""
    if not value or len(value) != 8 or not value.isdigit():
        return None
    try:
        return dt.date(int(value[4:]), int(value[2:4]), int(value[:2])).isoformat()
    except ValueError:
        return None


def _hex_date(value: str | None) -> str | None:
    """4 hex digits (DI 08, days since 2000-01-01, §3.3.1) → ISO date, else ``None``."""
    if not value:
        return None
    try:
        day = hex_to_date(value, field="08")
    except TwoDDocError:
        return None
    return day.isoformat() if day else None


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def document_summary(doc: Document, at: dt.date | None = None) -> dict[str, Any]:
    """The fields an employer or rental agency may see, named in English, dates in ISO.

    With ``at``, an RIR or RII also says how old it is at that date (``freshness``).
    """
    kind_code = doc.get("E4")
    state = doc.get("E5")
    first_names = doc.get("60")
    categories = doc.get("E6")
    fresh = freshness(doc, at) if at is not None else None
    return {
        "kind": DOCUMENT_KINDS.get(kind_code or "") if doc.header.doc_type == "AB" else None,
        "doc_type": doc.header.doc_type,
        "document_id": doc.get("01"),
        "holder": {
            "last_name": doc.get("6G"),
            "first_names": first_names.split("/") if first_names else [],
            "birth_date": _ddmmyyyy(doc.get("69")),
        },
        "categories": categories.split() if categories else [],
        "licence_state": {"code": state, "label": LICENCE_STATES.get(state or ""),
                          "label_fr": STATE_LABELS_FR.get(state or ""),
                          "label_en": STATE_LABELS_EN.get(state or "")},
        "validity": {
            "issued": _iso(doc.header.emission_date),
            "expires": _hex_date(doc.get("08")),
        },
        "freshness": fresh.to_json() if fresh is not None else None,
        "truncated": [f.di for f in doc.fields if f.truncated],
    }


def disclose(result: VerificationResult, purpose: Purpose | None,
             at: dt.date | None = None) -> dict[str, Any]:
    """One document's answer for ``purpose`` at date ``at`` (see the module docstring)."""
    out: dict[str, Any] = {
        "valid": result.valid,
        "reasons": [failure.to_json() for failure in result.failures],
        "repaired": result.repaired,
        # What the policy repaired or assumed (a scanner's dropped separators): never personal.
        "notes": list(result.notes),
    }
    if purpose is None or result.document is None:
        return out
    doc = result.document
    out["specimen"] = doc.header.ca_id == SPECIMEN_CA
    authentic = result.checks.get(Check.SIGNATURE) is True
    verdict = driving_verdict(doc) if authentic else None
    if verdict is not None:
        out["driving"] = verdict.to_json()
    if purpose is Purpose.POLICE:
        full = result.to_json()
        out["document"] = document_summary(doc, at)
        for key in ("checks", "header", "fields", "annex", "certificate"):
            if key in full:
                out[key] = full[key]
        # Each raw field with its labels and readable values (the raw DI stays, secondary).
        out["fields"] = [{**raw, **labelled}
                         for raw, labelled in zip(out["fields"], labelled_fields(doc), strict=True)]
        return out
    if authentic:
        out["document"] = document_summary(doc, at)
    return out
