"""The policy's checks of the content: dates, type, mandatory fields and field conformity.

Why apart from the checks of the signer (:mod:`verifier.policy_certificate`): these read the
decoded header and message against the specification's tables, whoever signed them. A valid
signature proves who wrote the text, not that it is a 2D-Doc a reader may trust field by field.
Each check records its outcome on a :class:`verifier.policy_result.Report`; the list and rules
are in :mod:`verifier.policy`:

* ``document_not_expired`` (:func:`check_expiry`): DI ``08``, §7.0;
* ``dates_not_in_future`` (:func:`check_future`): the header dates, §3.3.1;
* ``document_type_known`` and ``mandatory_fields_present`` (:func:`check_document_type`): §6.1
  (p.32–33) and the tables of §8;
* ``fields_conform`` (:func:`check_conformity`): §3.3.1, §3.4.4, §6.1, §7 and §8.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cache

from twoddoc import Document, TwoDDocError
from twoddoc import catalog as _catalog
from twoddoc.dates import hex_to_date
from verifier.policy_result import Report
from verifier.reasons import Check, Reason

__all__ = ["check_conformity", "check_document_type", "check_expiry", "check_future"]


#: Document type codes of perimeter ``01``: §6.1 of v3.2.6 (p.32–33) plus the codes v3.3.4 adds
#: (19–25, AD, AE, C9). Only the codes: what each requires lives in the codec's catalogue.
_SPEC_DOCUMENT_TYPES: Mapping[str, frozenset[str]] = {
    "01": frozenset(
        [f"{n:02d}" for n in range(26)]
        + ["A0", "A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "A9", "AA", "AB", "AC", "AD"]
        + ["AE", "B0", "B1", "B2", "C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9", "L1"]
    ),
}


def check_expiry(doc: Document, at: dt.date, report: Report) -> None:
    """``document_not_expired``: DI ``08`` (date de fin de validité, §7.0) is on or after ``at``.

    A document without ``08`` does not expire; an ``08`` that is no date fails.
    """
    value = doc.get("08")
    if value is None:
        report.ok(Check.DOCUMENT_NOT_EXPIRED)
        return
    try:
        expiry = hex_to_date(value, field="08")
    except TwoDDocError as exc:
        report.fail(Reason.EXPIRY_DATE_INVALID, str(exc))
        return
    if expiry is None or expiry >= at:
        report.ok(Check.DOCUMENT_NOT_EXPIRED)
    else:
        report.fail(
            Reason.DOCUMENT_EXPIRED, f"expired {expiry.isoformat()}, checked at {at.isoformat()}"
        )


def check_future(doc: Document, at: dt.date, report: Report) -> None:
    """``dates_not_in_future``: the header's emission and signature dates are not after ``at``."""
    header = doc.header
    late = [
        f"{name} {day.isoformat()}"
        for name, day in (("emission", header.emission_date), ("signature", header.signature_date))
        if day is not None and day > at
    ]
    if late:
        report.fail(Reason.DATE_IN_FUTURE, f"{', '.join(late)} after {at.isoformat()}")
    else:
        report.ok(Check.DATES_NOT_IN_FUTURE)


@cache
def _known_types(perimeter: str) -> frozenset[str]:
    """The type codes of ``perimeter``: the codec's catalogue and §6.1's list together."""
    codec = _catalog.DOCUMENT_TYPES.get(perimeter, {})
    return frozenset(codec) | _SPEC_DOCUMENT_TYPES.get(perimeter, frozenset())


def check_document_type(code: str, perimeter: str, doc: Document, report: Report) -> None:
    """``document_type_known`` (§6.1), then ``mandatory_fields_present`` (§8) for its table."""
    if code not in _known_types(perimeter):
        report.fail(Reason.DOCUMENT_TYPE_UNKNOWN, f"type {code!r} in perimeter {perimeter!r}")
        return
    report.ok(Check.DOCUMENT_TYPE_KNOWN)
    table = _catalog.document_type(code, perimeter)
    if table is None:
        report.ok(Check.MANDATORY_FIELDS_PRESENT)
        report.notes.append(f"no table of mandatory fields for type {code}: not checked")
        return
    present = {f.di for f in doc.fields}
    missing = [di for di in table.mandatory if di not in present]
    if missing:
        report.fail(
            Reason.MANDATORY_FIELD_MISSING,
            f"type {code} ({table.section}) needs DI {', '.join(missing)}",
        )
    else:
        report.ok(Check.MANDATORY_FIELDS_PRESENT)


#: Closed value lists of the driving-licence DIs (§7.16, p.98): ``E4`` names the record, ``E5``
#: is a licence-state code of annex 13 (p.148).
_ENUMERATED_VALUES: Mapping[str, frozenset[str]] = {
    "E4": frozenset({"RII", "RIR", "RRP", "APC"}),
    "E5": frozenset(_catalog.LICENCE_STATES),
}


_FieldRule = tuple[str | None, frozenset[str] | None, frozenset[str] | None]


@cache
def _field_rules(doc_type: str, perimeter: str) -> Mapping[str, _FieldRule]:
    """Per DI of the catalogue: (section forbidding it, its characters, its closed values).

    Computed once per document type, so that judging a field is one dict lookup and one set
    operation; a DI absent from the mapping is unknown to the catalogue. Characters and closed
    values are judged only for the types whose table we hold (see :func:`check_conformity`).
    """
    table = _catalog.document_type(doc_type, perimeter)
    rules: dict[str, _FieldRule] = {}
    for di, entry in _catalog.DATA_IDS.get(perimeter, {}).items():
        if table is None:
            rules[di] = (None, None, None)
        elif not table.allows(entry):
            rules[di] = (table.section, None, None)
        else:
            rules[di] = (None, entry.chars or None, _ENUMERATED_VALUES.get(di))
    return rules


def check_conformity(doc: Document, perimeter: str, report: Report) -> None:
    """``fields_conform``: what the specification forbids even under a good signature.

    A signature proves who wrote the text, not that the text is a 2D-Doc a reader may trust
    field by field, so a conforming verifier refuses: an emission date ``FFFF`` where the type
    requires one (§6.1, p.32) and a signature date ``FFFF`` (§3.3.1, p.17: only the emission
    date may be absent); a DI the specification does not define (§3.4.4, p.24); for the types
    whose table we hold (``AB``, ``AA``, ``A1``), a DI the table does not allow (§8, p.99) and a
    value outside its DI's characters or closed list (§7). Characters are judged only for
    those types: real codes of other types (invoices, certificates) stray from the catalogue's
    character sets, and rejecting them would help nobody.
    """
    header = doc.header
    table = _catalog.document_type(header.doc_type, perimeter)
    problems: list[tuple[Reason, str]] = []
    if header.signature_date is None:
        problems.append((Reason.HEADER_DATE_MISSING, "signature date is FFFF (§3.3.1)"))
    if header.emission_date is None and table is not None and table.emission_date:
        problems.append((Reason.HEADER_DATE_MISSING,
                         f"type {header.doc_type} requires an emission date ({table.section})"))
    rules = _field_rules(header.doc_type, perimeter)
    for index, item in enumerate(doc.fields):
        rule = rules.get(item.di)
        if rule is None or not item.known:
            problems.append((Reason.FIELD_UNKNOWN,
                             f"DI {item.di} (field {index + 1}) is not in the catalogue (§3.4.4)"))
            continue
        forbidden, chars, values = rule
        value = item.value
        if forbidden is not None:
            problems.append((Reason.FIELD_FORBIDDEN,
                             f"DI {item.di} (field {index + 1}) is not allowed in type "
                             f"{header.doc_type} ({forbidden})"))
        elif chars is not None and not chars.issuperset(value):
            bad = next(c for c in value if c not in chars)
            problems.append((Reason.FIELD_VALUE_INVALID,
                             f"DI {item.di} (field {index + 1}): character {bad!r} is not allowed"))
        elif values is not None and value not in values:
            problems.append((Reason.FIELD_VALUE_INVALID,
                             f"DI {item.di} (field {index + 1}): {value!r} is not one of the "
                             "values of §7.16"))
    if not problems:
        report.ok(Check.FIELDS_CONFORM)
        return
    for reason, detail in problems[:5]:
        report.fail(reason, detail)
