"""Fields a person reads: each DI of a decoded document with a label and a value in two languages.

Why: a verifier that prints ``E5 47``, ``08 26E1`` or ``AG C`` makes the checker decode the
barcode format in their head (issue 9, part 3). Every field gets a label in French and English,
dates are dates, ``AG`` is a number of points, ``E5`` its annex-13 label, first names are
separated as the issuer's PDF prints them (``MARIE, CLAIRE``) and a value the issuer cut to the
DI's maximum (ends with ``<RS>``, §3.4.1 p.21) is marked as cut. The raw DI and value stay beside
them for the police view and for anyone who checks against the specification.

Formats (spec v3.2.6, §7): ``69`` is ``JJMMAAAA``; ``08``, ``06``, ``E1``–``E3`` are 4 hex digits
of days since 2000-01-01 (§3.3.1); ``E8`` is ``JJMMAAAAhhmm`` (§7.16, p.98); ``AG`` one base-36
digit (the issuer's encoding of the balance, 0–Z); ``E4`` one of ``RIR``/``RII``/``RRP``/``APC``.
A value that does not read in its format is shown as it is: this module never raises.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from twoddoc import Document, Field, TwoDDocError
from twoddoc import catalog as _catalog
from twoddoc.dates import hex_to_date
from verifier.driving import STATE_LABELS_EN, STATE_LABELS_FR

__all__ = ["LABELS", "format_date", "label", "labelled_fields"]

#: Our labels of the DIs a driving-licence document carries (type AB, §8.15) and of §7.0.
LABELS: dict[str, tuple[str, str]] = {
    "01": ("Numéro du document", "Document number"),
    "06": ("Date d'association au document", "Date linked to the document"),
    "08": ("Date d'expiration", "Expiry date"),
    "09": ("Nombre de pages", "Number of pages"),
    "60": ("Prénoms", "First names"),
    "69": ("Date de naissance", "Date of birth"),
    "6A": ("Lieu de naissance", "Place of birth"),
    "6G": ("Nom", "Last name"),
    "6H": ("Civilité", "Title"),
    "AC": ("Numéro de dossier (NEPH)", "File number (NEPH)"),
    "AG": ("Solde de points", "Points balance"),
    "E1": ("Date d'édition", "Date of issue"),
    "E2": ("Date de fin de sanction", "End of the sanction"),
    "E3": ("Date de notification", "Date of notification"),
    "E4": ("Type de document", "Kind of document"),
    "E5": ("État du permis", "Licence state"),
    "E6": ("Catégories", "Categories"),
    "E7": ("SIREN du demandeur", "Requester's SIREN"),
    "E8": ("Données du fichier national au", "National register data as of"),
}

_KINDS = {
    "RIR": ("RIR — relevé d'information restreint", "RIR — restricted licence record"),
    "RII": ("RII — relevé d'information intégral", "RII — full licence record"),
    "RRP": ("RRP — relevé de reconstitution du capital", "RRP — points restoration record"),
    "APC": ("ADCS — attestation de droits à conduire", "ADCS — driving entitlement attestation"),
}
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_CUT_FR, _CUT_EN = " … (tronqué)", " … (cut)"


def label(di: str) -> tuple[str, str]:
    """The French and English label of a DI: ours, else the catalogue's (§7), else the DI."""
    if di in LABELS:
        return LABELS[di]
    entry = _catalog.data_id(di)
    if entry is None:
        return (f"Donnée {di}", f"Data {di}")
    text = entry.label.rstrip(". ")
    return (text, f"{text} (DI {di})")


def format_date(day: dt.date, lang: str) -> str:
    """``29/02/1984`` in French, ``29 Feb 1984`` in English: no reader can swap day and month."""
    if lang == "en":
        return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"
    return day.strftime("%d/%m/%Y")


def _ddmmyyyy(value: str) -> dt.date | None:
    if len(value) < 8 or not value[:8].isdigit():
        return None
    try:
        return dt.date(int(value[4:8]), int(value[2:4]), int(value[:2]))
    except ValueError:
        return None


def _both_dates(day: dt.date | None, suffix: tuple[str, str] = ("", "")) -> tuple[str, str] | None:
    if day is None:
        return None
    return format_date(day, "fr") + suffix[0], format_date(day, "en") + suffix[1]


def _hex_day(value: str) -> tuple[str, str] | None:
    try:
        return _both_dates(hex_to_date(value, field="date"))
    except TwoDDocError:
        return None


def _timestamp(value: str) -> tuple[str, str] | None:
    """``JJMMAAAAhhmm`` → ``01/12/2026 à 09:30`` / ``1 Dec 2026, 09:30``."""
    day = _ddmmyyyy(value)
    clock = value[8:12]
    if day is None or len(value) != 12 or not clock.isdigit() or clock[:2] > "23" \
            or clock[2:] > "59":
        return None
    hhmm = f"{clock[:2]}:{clock[2:]}"
    return _both_dates(day, (f" à {hhmm}", f", {hhmm}"))


def _points(value: str) -> tuple[str, str] | None:
    if len(value) != 1 or not value.isalnum():
        return None
    points = int(value, 36)
    plural = "s" if points != 1 else ""
    return f"{points} point{plural}", f"{points} point{plural}"


def _state(value: str) -> tuple[str, str] | None:
    if value not in STATE_LABELS_FR:
        return None
    return STATE_LABELS_FR[value], STATE_LABELS_EN[value]


def _first_names(value: str) -> tuple[str, str]:
    names = ", ".join(name.strip() for name in value.split("/") if name.strip())
    return names, names


def _count(value: str) -> tuple[str, str] | None:
    return (str(int(value)),) * 2 if value.isdigit() else None  # type: ignore[return-value]


_FORMATS: dict[str, Callable[[str], tuple[str, str] | None]] = {
    "69": lambda v: _both_dates(_ddmmyyyy(v)) if len(v) == 8 else None,
    "E8": _timestamp,
    "AG": _points,
    "E5": _state,
    "E4": lambda v: _KINDS.get(v),
    "60": _first_names,
    "09": _count,
}


def _display(item: Field) -> tuple[str, str]:
    """The value of one field as a person reads it, in French and English."""
    value = item.value
    formatter = _FORMATS.get(item.di)
    shown: tuple[str, str] | None = None
    if formatter is not None:
        shown = formatter(value)
    else:
        entry = _catalog.data_id(item.di)
        if entry is not None and entry.kind is _catalog.Kind.DATE_DAYS2000:
            shown = _hex_day(value)
    fr, en = shown or (value, value)
    if item.truncated:
        fr, en = fr + _CUT_FR, en + _CUT_EN
    return fr, en


def labelled_fields(doc: Document) -> list[dict[str, Any]]:
    """Every field of ``doc`` in order: DI, raw value, labels and values in both languages."""
    out: list[dict[str, Any]] = []
    for item in doc.fields:
        label_fr, label_en = label(item.di)
        display_fr, display_en = _display(item)
        out.append({
            "di": item.di,
            "value": item.value,
            "truncated": item.truncated,
            "label_fr": label_fr,
            "label_en": label_en,
            "display_fr": display_fr,
            "display_en": display_en,
        })
    return out
