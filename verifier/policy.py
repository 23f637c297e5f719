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
    freshness check; the service and ``permis2d verify`` give it (their today in Europe/Paris).
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
``fields_conform``
    what the specification forbids even under a good signature: a signature date ``FFFF``
    (§3.3.1), a missing emission date the type requires (§6.1), a DI it does not define
    (§3.4.4), and for the types whose table we hold a DI the table does not allow (§8) or a
    value outside its DI's characters or closed list (§7).

This module runs the checks in that order and owns parsing and repair; the checks of the
signer live in :mod:`verifier.policy_certificate`, those of the content in
:mod:`verifier.policy_content`, and the frozen report in :mod:`verifier.policy_result`.

Time is a parameter: ``at`` is the verification date, read from the clock by the caller only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from twoddoc import Document, HeaderError, SignatureFormatError, TwoDDocError, decode
from twoddoc import catalog as _catalog
from verifier.policy_certificate import (
    check_certificate,
    check_chain,
    check_revocation,
    check_validity,
)
from verifier.policy_content import (
    check_conformity,
    check_document_type,
    check_expiry,
    check_future,
)
from verifier.policy_result import Report, VerificationResult, unreadable_result
from verifier.reasons import Check, Failure, Reason
from verifier.trust import TrustStore
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
            report = Report()
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
        report = Report()
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
    report = Report()
    report.ok(Check.PARSED)
    header = doc.header
    leaf = check_certificate(doc, trust, report)
    if leaf is not None:
        check_chain(leaf, trust, report)
        check_validity(doc, leaf, report)
        check_revocation(leaf, trust, report, today)
    check_expiry(doc, at, report)
    check_future(doc, at, report)
    perimeter = header.perimeter or _catalog.ANTS_PERIMETER
    check_document_type(header.doc_type, perimeter, doc, report)
    check_conformity(doc, perimeter, report)
    return report.result(document=doc, certificate=leaf, text=doc.raw)
