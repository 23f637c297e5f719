"""The policy's checks of the signer: which certificate signed, whether it may have signed then.

Why apart from the checks of the content (:mod:`verifier.policy_content`): these answer "who
signed, and may we believe them?" from the trust store (:mod:`verifier.trust`), the CRLs and the
header's ids and dates; they never read the message. Each records its outcome on a
:class:`verifier.policy_result.Report`; the checks and their rules are listed in
:mod:`verifier.policy`:

* ``certificate_known`` and ``signature`` (:func:`check_certificate`): the header's CA id and
  certificate id (§3.3, p.17–19) name the certificate; its key, never the barcode, fixes the
  curve and hash (§3.5.2, p.25);
* ``chain_trusted`` (:func:`check_chain`): the trust chain of §4, with issue 3's pinned leaf and
  issue 6's TSL rule;
* ``certificate_valid_at_signature`` (:func:`check_validity`): a header date is a day of French
  civil time (§3.3.1);
* ``certificate_not_revoked`` (:func:`check_revocation`): the verified CRLs, and their freshness
  on the caller's real date (RFC 5280 §5.1.2.5).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from twoddoc import Document, SignatureError, verify_signature
from twoddoc.dates import FRENCH_TIME
from verifier.policy_result import Report
from verifier.reasons import Check, Reason
from verifier.trust import ChainStatus, LeafCertificate, RevocationStatus, TrustStore
from verifier.trust_live import stale_crl

__all__ = ["check_certificate", "check_chain", "check_revocation", "check_validity"]


def check_certificate(doc: Document, trust: TrustStore, report: Report) -> LeafCertificate | None:
    """``certificate_known`` then ``signature``: return the certificate to judge further.

    When several certificates share the ids, each is tried (chain-trusted ones first) and the
    one that verifies is returned; when none verifies, the first, so that its chain, validity
    and revocation are still reported.
    """
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


def check_chain(leaf: LeafCertificate, trust: TrustStore, report: Report) -> None:
    """``chain_trusted``: the leaf was signed by a CA certificate the operator trusts (§4)."""
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


def check_validity(doc: Document, leaf: LeafCertificate, report: Report) -> None:
    """``certificate_valid_at_signature``: valid at some moment of the signing day, in Paris.

    The header carries a day, not an instant (§3.3.1); without a signature date (``FFFF``) the
    emission date stands in, and a note says so.
    """
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


def check_revocation(
    leaf: LeafCertificate, trust: TrustStore, report: Report, day: dt.date | None
) -> None:
    """``certificate_not_revoked``: on no verified CRL, and the CA's CRL current on ``day``.

    ``day`` is the caller's real date (None: no freshness check, see :mod:`verifier.policy`).
    """
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
