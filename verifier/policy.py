"""The verification policy: run every check on a 2D-Doc text and report each one separately.

Why separately: a verifier must tell "the signature is forged" from "the certificate has since
expired" (the spec's own test certificate FR00/0001 expired in 2015 while its codes still verify),
and a reader acts differently on each. The report is a frozen :class:`VerificationResult` built by
running each check and catching *our* errors (STYLE §3); ``valid`` is the conjunction of all.

The checks, in report order (``None`` = not evaluated because a check it depends on failed):

``parsed``
    ``twoddoc.decode(text, strict=False)`` succeeds: marker, header (§3.3), message (§3.4) and
    signature zone (§3.5.2). Unknown DIs are tolerated here and judged below.
``certificate_known``
    the trust store holds a signing certificate with issuer CN = the header's CA id and subject
    CN = its certificate id (§3.3, p.17–19; the file name never matters).
``signature``
    ECDSA over the signed bytes with that certificate's key. The curve and hash come from the
    trusted certificate, never from the barcode; a signature whose length does not fit the curve
    fails (§3.5.2 table, p.25). When several certificates share the ids, each is tried and the
    one that verifies is used for the checks below.
``chain_trusted``
    the certificate was signed by a CA certificate the operator trusts (see :mod:`verifier.trust`).
    When no certificate of the leaf's CA is in the trust store at all, the leaf was pinned by the
    operator (issue 3: the leaf is "checked against that CA's certificate when the folder has
    it"): the check passes and a note says so. With a TSL among the sources, the TSL alone names
    the trusted CAs and such a leaf fails with ``CHAIN_NOT_VERIFIED`` (issue 6: leaves must chain
    to a trusted CA). A CA present whose signature does not match, or one the TSL withdrew,
    always fails.
``certificate_valid_at_signature``
    the header's signature date, or its emission date when the signature date is ``FFFF`` (the
    report then says so in ``notes``), lies in the certificate's validity. The header carries a
    day, not an instant, and that day is French civil time (§3.3.1): the check passes when the
    certificate was valid at some moment of that day in Europe/Paris.
``certificate_not_revoked``
    no verified CRL of the CA lists the certificate's serial, whatever the revocation date, and
    the CA's freshest CRL is not past its ``nextUpdate`` on the caller's real date ``today``
    (``CRL_STALE`` otherwise, fail-closed). Freshness is a fact about *now*, which a pure core
    cannot read: a caller that gives no ``today`` (a library call replaying a date) gets no
    freshness check; the service gives it (its today in Europe/Paris).
``document_not_expired``
    DI ``08`` (date de fin de validité, 4 hex digits, §7.0) when present is on or after ``at``
    (the ADCS is valid 4 months, ARCHITECTURE.md). A document without ``08`` does not expire.
``dates_not_in_future``
    the header's emission and signature dates are on or before ``at``.
``document_type_known``
    the header's type code is in §6.1 (p.32–33) for the perimeter, or in the codec's catalogue.
``mandatory_fields_present``
    every DI the codec's catalogue makes mandatory for the type is present (§8; only the types
    the catalogue tabulates, ``A1``/``AA``/``AB``, have such a list; other types pass and a note
    says the table is missing).

Time is a parameter: ``at`` is the verification date, read from the clock by the caller only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from typing import Any

from twoddoc import (
    Document,
    HeaderError,
    SignatureError,
    SignatureFormatError,
    TwoDDocError,
    decode,
    verify_signature,
)
from twoddoc import catalog as _catalog
from twoddoc.dates import FRENCH_TIME, hex_to_date
from verifier.reasons import Check, Failure, Reason
from verifier.trust import ChainStatus, LeafCertificate, RevocationStatus, TrustStore
from verifier.trust_live import stale_crl
from verifier.wedge import RepairOutcome, repair_text

__all__ = [
    "Check",
    "Failure",
    "Reason",
    "VerificationResult",
    "unreadable_result",
    "verify_document",
    "verify_text",
]


#: Document type codes of perimeter ``01``: §6.1 of v3.2.6 (p.32–33) plus the codes v3.3.4 adds
#: (19–25, AD, AE, C9). Only the codes: what each requires lives in the codec's catalogue.
_SPEC_DOCUMENT_TYPES: Mapping[str, frozenset[str]] = {
    "01": frozenset(
        [f"{n:02d}" for n in range(26)]
        + ["A0", "A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "A9", "AA", "AB", "AC", "AD"]
        + ["AE", "B0", "B1", "B2", "C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9", "L1"]
    ),
}


_CHECKS = tuple(Check)
_CHECK_KEYS = tuple((check, check.value) for check in _CHECKS)
_ORDER = {check: index for index, check in enumerate(_CHECKS)}

#: The failures that make an input unreadable rather than invalid (issue 3: exit code 2).
_UNREADABLE = frozenset(
    {Reason.INPUT_UNREADABLE, Reason.INTERNAL_ERROR, Reason.NOT_2DDOC, Reason.HEADER_INVALID}
)


@dataclass(frozen=True)
class VerificationResult:
    """The outcome of every check on one text, frozen.

    ``checks`` maps each :class:`Check` to ``True``, ``False`` or ``None`` (not evaluated);
    ``failures`` names each failed check with a :class:`Reason`; ``document`` is the decoded
    document when parsing succeeded; ``certificate`` the signing certificate used.
    """

    checks: Mapping[Check, bool | None]
    failures: tuple[Failure, ...] = ()
    document: Document | None = None
    certificate: LeafCertificate | None = None
    repaired: bool = False
    notes: tuple[str, ...] = ()
    text: str | None = field(default=None, repr=False)

    @cached_property
    def valid(self) -> bool:
        """True only when every check passed (``None`` counts as not passed)."""
        checks = self.checks
        return all(checks.get(check) is True for check in _CHECKS)

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """The reasons of the failures, in check order."""
        return tuple(f.reason for f in self.failures)

    @property
    def readable(self) -> bool:
        """False when the input is not a readable 2D-Doc at all; that gives the CLI's exit 2.

        Issue 3 names what is unreadable: an unreadable file, a text that is not a 2D-Doc, a
        malformed header. A text whose header reads but whose message or signature zone is
        broken (a cut or tampered code, a wedged text that could not be repaired) *is* a 2D-Doc,
        one that fails ``parsed``: it is reported invalid (exit 1), like any forgery.
        """
        if self.checks.get(Check.PARSED) is True:
            return True
        return not any(f.reason in _UNREADABLE for f in self.failures)

    def to_json(self) -> dict[str, Any]:
        """The report as JSON-ready data: valid, checks, reasons, header, fields, certificate."""
        doc_json: dict[str, Any] = self.document.to_json() if self.document is not None else {}
        out: dict[str, Any] = {
            "valid": self.valid,
            "checks": {key: self.checks.get(check) for check, key in _CHECK_KEYS},
            "reasons": [f.to_json() for f in self.failures],
            "header": doc_json.get("header"),
            "fields": doc_json.get("fields", []),
            "repaired": self.repaired,
            "notes": list(self.notes),
        }
        if self.document is not None and self.document.annex is not None:
            out["annex"] = doc_json.get("annex", self.document.annex)
        if self.certificate is not None:
            out["certificate"] = dict(self.certificate.summary)
        return out


class _Report:
    """Accumulates check outcomes and failures while the policy runs."""

    def __init__(self) -> None:
        self.checks: dict[Check, bool | None] = dict.fromkeys(_CHECKS)
        self.failures: list[Failure] = []
        self.notes: list[str] = []

    def ok(self, check: Check) -> None:
        """Record that ``check`` passed."""
        self.checks[check] = True

    def fail(self, reason: Reason, detail: str | None = None) -> None:
        """Record that ``reason.check`` failed, and why."""
        self.checks[reason.check] = False
        self.failures.append(Failure(reason, detail))

    def result(self, **kw: Any) -> VerificationResult:
        """Freeze the report, failures sorted in check order."""
        failures = sorted(self.failures, key=lambda f: _ORDER[f.reason.check])
        return VerificationResult(
            checks=dict(self.checks), failures=tuple(failures), notes=tuple(self.notes), **kw
        )


def _parse_failure(text: str, exc: TwoDDocError) -> Failure:
    """Map a decoding error to the reason a reader understands."""
    if not text.startswith("DC"):
        covid = text[:4] == "HC1:"
        hint = " (an 'HC1:' text is a COVID certificate, not a 2D-Doc)" if covid else ""
        return Failure(Reason.NOT_2DDOC, f"{exc}{hint}")
    if isinstance(exc, HeaderError):
        return Failure(Reason.HEADER_INVALID, str(exc))
    if isinstance(exc, SignatureFormatError):
        return Failure(Reason.SIGNATURE_MALFORMED, str(exc))
    return Failure(Reason.MESSAGE_INVALID, str(exc))


def unreadable_result(reason: Reason, detail: str) -> VerificationResult:
    """The report of an input that never reached the decoder (unreadable file, crash)."""
    report = _Report()
    report.fail(reason, detail)
    return report.result()


#: How a text is repaired: :func:`verifier.wedge.repair_text` by default; a service may run the
#: same function elsewhere (a low-priority child process, :mod:`verifier.decode_pool`).
Repairer = Callable[[str, TrustStore], RepairOutcome]


def verify_text(
    text: str | bytes,
    trust: TrustStore,
    *,
    at: dt.date,
    repair: bool = False,
    repairer: Repairer | None = None,
    today: dt.date | None = None,
) -> VerificationResult:
    """Decode and verify one 2D-Doc text at date ``at``; never raises for a bad text.

    ``text`` is the barcode's content, one character per byte (``bytes`` are read as latin-1).
    With ``repair=True`` a text whose separators a keyboard-wedge scanner dropped is repaired
    when the format and the signature allow it (:mod:`verifier.wedge`), and the report says so.
    The repair's work is bounded (:class:`verifier.wedge.RepairBudget`): a text it cannot repair
    within the budget fails with ``WEDGE_UNREPAIRABLE``. ``today`` is the caller's real date,
    on which the CRLs must be current (``CRL_STALE`` otherwise; no freshness check without it):
    a verification dated in the future asks what the document will say then, not whether
    today's CRL will still be current.
    """
    if isinstance(text, bytes):
        text = text.decode("latin-1")
    if repair:
        outcome = (repairer or repair_text)(text, trust)
        if outcome.failure is not None:
            report = _Report()
            report.fail(outcome.failure.reason, outcome.failure.detail)
            report.notes.extend(outcome.notes)
            return report.result(text=text)
        if outcome.text != text:
            result = verify_text(outcome.text, trust, at=at, today=today)
            return VerificationResult(
                checks=result.checks,
                failures=result.failures,
                document=result.document,
                certificate=result.certificate,
                repaired=True,
                notes=(*outcome.notes, *result.notes),
                text=outcome.text,
            )
    try:
        doc = decode(text, strict=False)
    except TwoDDocError as exc:
        report = _Report()
        failure = _parse_failure(text, exc)
        report.fail(failure.reason, failure.detail)
        if repair is False and _looks_wedged(text):
            report.notes.append(
                "the text has no <GS>/<RS>/<US> separators: a hand scanner in keyboard mode drops"
                " them; retry with repair (--repair)"
            )
        return report.result(text=text)
    return verify_document(doc, trust, at=at, today=today)


def _looks_wedged(text: str) -> bool:
    """True for a DC text without any separator control character."""
    return text.startswith("DC") and not any(c in text for c in "\x1d\x1e\x1f")


def verify_document(
    doc: Document, trust: TrustStore, *, at: dt.date, today: dt.date | None = None
) -> VerificationResult:
    """Run every check after ``parsed`` on a decoded document (see the module docstring).

    CRLs must be current on ``today`` (the caller's real date), when given.
    """
    report = _Report()
    report.ok(Check.PARSED)
    header = doc.header
    leaf = _check_certificate(doc, trust, report)
    if leaf is not None:
        _check_chain(leaf, trust, report)
        _check_validity(doc, leaf, report)
        _check_revocation(leaf, trust, report, today)
    _check_expiry(doc, at, report)
    _check_future(doc, at, report)
    perimeter = header.perimeter or _catalog.ANTS_PERIMETER
    _check_document_type(header.doc_type, perimeter, doc, report)
    _check_conformity(doc, perimeter, report)
    return report.result(document=doc, certificate=leaf, text=doc.raw)


def _check_certificate(
    doc: Document, trust: TrustStore, report: _Report
) -> LeafCertificate | None:
    """``certificate_known`` then ``signature``: return the certificate to judge further."""
    header = doc.header
    candidates = trust.candidates(header.ca_id, header.cert_id)
    if not candidates:
        report.fail(
            Reason.CERTIFICATE_UNKNOWN,
            f"no certificate {header.ca_id}/{header.cert_id} (issuer CN {header.ca_id}, "
            f"subject CN {header.cert_id}) in the trust store",
        )
        return None
    report.ok(Check.CERTIFICATE_KNOWN)
    errors: list[str] = []
    for leaf in candidates:
        try:
            verify_signature(doc, leaf.public_key)
        except SignatureError as exc:
            errors.append(str(exc))
            continue
        report.ok(Check.SIGNATURE)
        return leaf
    report.fail(Reason.SIGNATURE_INVALID, "; ".join(dict.fromkeys(errors)))
    return candidates[0]


def _check_chain(leaf: LeafCertificate, trust: TrustStore, report: _Report) -> None:
    status = trust.chain(leaf)
    if status is ChainStatus.TRUSTED:
        report.ok(Check.CHAIN_TRUSTED)
    elif status is ChainStatus.NO_CA and not trust.has_tsl:
        # Issue 3: a --trust folder's leaf is "checked against that CA's certificate when the
        # folder has it". No certificate of that CA anywhere: the operator pinned the leaf itself.
        report.ok(Check.CHAIN_TRUSTED)
        report.notes.append(f"certificate {leaf.ca_id}/{leaf.cert_id} is trusted as given in "
                            f"{leaf.source}: no certificate of CA {leaf.ca_id} to check it against")
    elif status is ChainStatus.NO_CA:
        report.fail(Reason.CHAIN_NOT_VERIFIED,
                    f"no certificate of CA {leaf.ca_id} in the trust list: the leaf cannot chain")
    elif status is ChainStatus.CA_NOT_TRUSTED:
        report.fail(Reason.CA_NOT_TRUSTED, f"CA {leaf.ca_id} is not accepted by the trust list")
    else:
        report.fail(Reason.CHAIN_INVALID, f"no certificate of CA {leaf.ca_id} signed this one")


@lru_cache(maxsize=4096)
def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The first and last instants of ``day`` in French civil time, as aware datetimes."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=FRENCH_TIME)
    end = dt.datetime.combine(day, dt.time.max, tzinfo=FRENCH_TIME)
    return start, end


def _check_validity(doc: Document, leaf: LeafCertificate, report: _Report) -> None:
    header = doc.header
    day = header.signature_date
    if day is None:
        day = header.emission_date
        if day is None:
            report.fail(Reason.SIGNATURE_DATE_MISSING)
            return
        report.notes.append(
            "the header has no signature date (FFFF): certificate validity judged at the emission"
            f" date {day.isoformat()}"
        )
    start, end = _day_bounds(day)
    cert = leaf.certificate
    valid_from, valid_until = cert.not_valid_before_utc, cert.not_valid_after_utc
    if end < valid_from:
        report.fail(
            Reason.CERTIFICATE_NOT_YET_VALID,
            f"signed {day.isoformat()}, certificate valid from {valid_from:%Y-%m-%d}",
        )
    elif start > valid_until:
        report.fail(
            Reason.CERTIFICATE_EXPIRED,
            f"signed {day.isoformat()}, certificate valid until {valid_until:%Y-%m-%d}",
        )
    else:
        report.ok(Check.CERTIFICATE_VALID_AT_SIGNATURE)


def _check_revocation(
    leaf: LeafCertificate, trust: TrustStore, report: _Report, day: dt.date | None
) -> None:
    status = trust.revocation(leaf)
    stale = None
    if day is not None and status is RevocationStatus.GOOD:
        stale = stale_crl(trust, leaf.ca_id, day)
    if stale is not None:
        # Fail closed (issue 10): a list past its nextUpdate may miss a recent revocation.
        report.fail(Reason.CRL_STALE, f"the CRL of {leaf.ca_id} was due for renewal on "
                                      f"{stale:%Y-%m-%d %H:%M} UTC, before {day.isoformat()}")
    elif status is RevocationStatus.GOOD:
        report.ok(Check.CERTIFICATE_NOT_REVOKED)
        if not trust.has_crl(leaf.ca_id):
            report.notes.append(f"no CRL of {leaf.ca_id} was given: revocation not checked")
    elif status is RevocationStatus.REVOKED:
        report.fail(
            Reason.CERTIFICATE_REVOKED,
            f"serial {leaf.certificate.serial_number:X} is on the CRL of {leaf.ca_id}",
        )
    else:
        report.fail(Reason.REVOCATION_UNKNOWN, f"a CRL of {leaf.ca_id} does not verify")


def _check_expiry(doc: Document, at: dt.date, report: _Report) -> None:
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


def _check_future(doc: Document, at: dt.date, report: _Report) -> None:
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
    codec = _catalog.DOCUMENT_TYPES.get(perimeter, {})
    return frozenset(codec) | _SPEC_DOCUMENT_TYPES.get(perimeter, frozenset())


def _check_document_type(code: str, perimeter: str, doc: Document, report: _Report) -> None:
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
    values are judged only for the types whose table we hold (see :func:`_check_conformity`).
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


def _check_conformity(doc: Document, perimeter: str, report: _Report) -> None:
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
