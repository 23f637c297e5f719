"""issuer: RIR, ADCS and RII documents with a signed 2D-Doc, from the licence registry.

Typical use::

    from datetime import date, datetime
    from issuer import DocumentKind, Issuer

    issuer = Issuer(settings)                 # engine, key store, fonts, templates: once
    doc = issuer.issue(DocumentKind.ADCS, "120375100001", on=date(2026, 10, 31),
                       now=datetime(2026, 10, 31, 10, 5), requested_by="cli:agent",
                       out_dir=settings.issued_dir)
    doc.document_id, doc.text, doc.pdf, doc.path   # DI 01, 2D-Doc text, PDF bytes, file

Modules, one job each: :mod:`issuer.kinds` (document → ``E4``, state → ``E5``),
:mod:`issuer.validity` (ADCS expiry), :mod:`issuer.payload` (fields), :mod:`issuer.datamatrix`
(symbol, PNG, read-back), :mod:`issuer.fonts` (faces via fontconfig), :mod:`issuer.pdf` (PDF;
placing in :mod:`issuer.pdf_layout` and :mod:`issuer.pdf_page`, wording in
``templates/documents``),
:mod:`issuer.log` (issuance log, id allocation), :mod:`issuer.records` (registry → facts),
:mod:`issuer.service` (the whole path), :mod:`issuer.cli` (``permis2d issue``).
"""

from issuer.errors import (
    BarcodeReadbackError,
    CertificateNotValidError,
    DocumentTooLargeError,
    IssuerError,
    NoLicenceHeldError,
    PayloadError,
    UnknownDriverError,
)
from issuer.facts import CategoryLine, DriverFacts, HistoryEntry, HistoryKind
from issuer.kinds import E4_BY_KIND, DocumentKind
from issuer.validity import adcs_expiry

__all__ = [
    "E4_BY_KIND",
    "BarcodeReadbackError",
    "CategoryLine",
    "CertificateNotValidError",
    "DocumentKind",
    "DocumentTooLargeError",
    "DriverFacts",
    "HistoryEntry",
    "HistoryKind",
    "IssuedDocument",
    "Issuer",
    "IssuerError",
    "NoLicenceHeldError",
    "PayloadError",
    "UnknownDriverError",
    "adcs_expiry",
]


def __getattr__(name: str) -> object:
    """Load the service (database, keys, reportlab) only when it is asked for."""
    if name in {"Issuer", "IssuedDocument"}:
        from issuer import service

        return getattr(service, name)
    raise AttributeError(name)
