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
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

from twoddoc import Document, TwoDDocError
from twoddoc.catalog import LICENCE_STATES
from twoddoc.dates import hex_to_date
from verifier.policy import VerificationResult
from verifier.reasons import Check

__all__ = ["DOCUMENT_KINDS", "Purpose", "disclose", "document_summary"]


class Purpose(Enum):
    """Why the caller verifies: decides which fields the answer holds."""

    EMPLOYER = "employer"
    RENTAL = "rental"
    POLICE = "police"


#: DI ``E4`` of type ``AB`` → the document's name (ARCHITECTURE.md, "Document encoding").
DOCUMENT_KINDS = {"RIR": "RIR", "APC": "ADCS", "RII": "RII"}


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


def document_summary(doc: Document) -> dict[str, Any]:
    """The fields an employer or rental agency may see, named in English, dates in ISO."""
    kind_code = doc.get("E4")
    state = doc.get("E5")
    first_names = doc.get("60")
    categories = doc.get("E6")
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
        "licence_state": {"code": state, "label": LICENCE_STATES.get(state or "")},
        "validity": {
            "issued": _iso(doc.header.emission_date),
            "expires": _hex_date(doc.get("08")),
        },
    }


def disclose(result: VerificationResult, purpose: Purpose | None) -> dict[str, Any]:
    """One document's answer for ``purpose`` (see the module docstring for who sees what)."""
    out: dict[str, Any] = {
        "valid": result.valid,
        "reasons": [failure.to_json() for failure in result.failures],
        "repaired": result.repaired,
        # What the policy repaired or assumed (a scanner's dropped separators): never personal.
        "notes": list(result.notes),
    }
    if purpose is None or result.document is None:
        return out
    if purpose is Purpose.POLICE:
        full = result.to_json()
        out["document"] = document_summary(result.document)
        for key in ("checks", "header", "fields", "annex", "certificate"):
            if key in full:
                out[key] = full[key]
        return out
    if result.checks.get(Check.SIGNATURE) is True:
        out["document"] = document_summary(result.document)
    return out
