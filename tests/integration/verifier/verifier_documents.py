"""Signed ADCS/RIR texts for the verifier's tests, from a throw-away test PKI (tests.support.pki).

Why not literals: every text is signed at test time by a real PKI with the dates the test needs
(an ADCS expired yesterday, a certificate revoked after issuance), through the real codec.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from keys.store import KeyStore
from tests.support.pki import make_test_pki
from twoddoc import Header, encode
from twoddoc.dates import date_to_hex

HOLDER = {"6G": "DUPONT", "60": "MARIE/CLAIRE", "69": "29021984"}


def make_pki(directory: Path, ca_id: str = "FR00",
             now: dt.datetime | None = None) -> KeyStore:
    """A test PKI whose certificates are valid from ``now`` (default: 30 days ago)."""
    start = now or dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    return make_test_pki(directory, ca_id, now=start)


def export_trust(store: KeyStore, directory: Path) -> Path:
    """The trust folder (CA, leaves, CRL) the verifier loads with ``--trust``."""
    return store.export_trust(directory)


def adcs_text(store: KeyStore, *, issued: dt.date, kind: str = "APC",
              expires: dt.date | None = None, document_id: str = "ADCS00000042",
              state: str = "50") -> str:
    """A signed type-AB text: ADCS (``E4=APC``, DI 08 expiry = issued + 4 months) or RIR/RII."""
    active = store.active_signer()
    header = Header(version=4, ca_id=active.ca_id, cert_id=active.cert_id, emission_date=issued,
                    signature_date=issued, doc_type="AB", perimeter="01", country="FR")
    fields: list[tuple[str, str]] = [
        ("6H", "MME"), ("6G", HOLDER["6G"]), ("60", HOLDER["60"]), ("69", HOLDER["69"]),
        ("6A", "LYON"), ("AC", "123456789012"), ("E4", kind), ("E5", state),
        ("E8", issued.strftime("%d%m%Y") + "0930"), ("09", "0001"),
        ("E6", "AM B1 B"),
    ]
    if kind == "APC":
        fields.insert(0, ("01", document_id))
        end = expires or _add_months(issued, 4)
        fields.append(("08", date_to_hex(end)))
    return encode(header, fields, active.signer)


def _add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months``, clamped to the month's end (31 Oct + 4 months = 28/29 Feb)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def issuer_pdf(store: KeyStore, *, kind: str = "adcs", issued: dt.date,
               document_id: str = "ADCS00000077", state: str = "VALIDE") -> tuple[str, bytes]:
    """A PDF made by the real issuer (``issuer.service.issue_from_facts``): text and bytes."""
    from issuer.facts import CategoryLine, DriverFacts
    from issuer.kinds import DocumentKind
    from issuer.pdf import PDFRenderer
    from issuer.service import issue_from_facts

    facts = DriverFacts(
        neph="123456789012", civility="MME", surname="Dupont", given_names=("Marie", "Claire"),
        birth_date=HOLDER["69"], birth_place="Lyon", state=state,
        categories=(CategoryLine("B", dt.date(2003, 5, 12)),
                    CategoryLine("AM", dt.date(2000, 3, 1))),
        data_as_of=dt.datetime.combine(issued, dt.time(9, 30)), points_balance=12,
    )
    issued_doc = issue_from_facts(
        facts, DocumentKind(kind), renderer=PDFRenderer(), signer_info=store.active_signer(),
        document_id=document_id, issued_on=issued,
        created_at=dt.datetime.combine(issued, dt.time(9, 30), tzinfo=dt.UTC),
        verifier_url="http://127.0.0.1/",
    )
    return issued_doc.text, issued_doc.pdf
