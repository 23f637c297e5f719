"""Issue a document end to end: registry read, payload, signature, DataMatrix, PDF, log.

Why a long-lived :class:`Issuer`: everything costly is done once per process (engine, key
decryption inside ``keys``, font registration, template compilation), so issuing one ADCS costs
only its own work (see ``bench/bench_issue.py``).

Order of operations, and why:

1. read the driver's record (its own short read transaction): an unknown NEPH is refused before
   anything is allocated;
2. lay the document out once to know its page count (DI ``09`` is signed);
3. in ONE write transaction: insert the log row (the database allocates the document id), build
   the payload, sign, draw and read back the DataMatrix, render the PDF, write it to a staged
   file (when a path is given), store the text's hash, commit; then rename the staged file to
   its name. Any failure rolls the row back and removes the staged file: nothing is logged as
   issued unless the PDF was written, and no published document shares its id with another
   (SQLite may hand a rolled-back id out again; that document was never published).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine

from issuer import log
from issuer.datamatrix import QUIET_ZONE_MODULES, Symbol, render_symbol
from issuer.errors import (
    CertificateNotValidError,
    NoLicenceHeldError,
    PayloadError,
    UnknownDriverError,
)
from issuer.facts import DriverFacts
from issuer.kinds import DocumentKind
from issuer.payload import Payload, build_payload
from issuer.pdf import DocumentView, PDFRenderer
from issuer.records import facts_from_record
from issuer.validity import adcs_expiry
from keys import ActiveSigner, KeyStore
from permis2d.params import FRENCH_TIME
from permis2d.settings import Settings
from registry.db import make_engine, session_factory
from registry.errors import NoLicenceError, UnknownNEPHError
from registry.records import load_driver_record
from twoddoc import TwoDDocError, encode

__all__ = ["IssuedDocument", "Issuer", "NoLicenceHeldError", "issue_from_facts"]



@dataclass(frozen=True)
class IssuedDocument:
    """An issued document: its id, 2D-Doc text, PDF bytes and where it was written."""

    document_id: str
    kind: DocumentKind
    text: str
    pdf: bytes
    payload: Payload
    symbol: Symbol
    pages: int
    path: Path | None = None


def _write_staged(path: Path, data: bytes) -> Path:
    """Write ``data`` next to ``path`` under a temporary name, flushed to disk; return that name.

    The rename to ``path`` happens only after the log transaction commits (:meth:`Issuer.issue`).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with staged.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return staged


def issue_from_facts(
    facts: DriverFacts,
    kind: DocumentKind,
    *,
    renderer: PDFRenderer,
    signer_info: ActiveSigner,
    document_id: str,
    issued_on: date,
    created_at: datetime,
    verifier_url: str,
) -> IssuedDocument:
    """Build, sign, draw and render one document from facts (no database, no file)."""
    expires_on = adcs_expiry(issued_on) if kind is DocumentKind.ADCS else None
    view = DocumentView(kind, facts, document_id, issued_on, created_at, verifier_url,
                        expires_on)
    layout = renderer.layout(view)
    pages = len(layout.pages)
    payload = build_payload(
        facts,
        kind,
        issued_on=issued_on,
        document_id=document_id,
        ca_id=signer_info.ca_id,
        cert_id=signer_info.cert_id,
        pages=pages,
    )
    try:
        text = encode(payload.header(), payload.fields, signer_info.signer)
    except TwoDDocError as exc:  # a value the DI's alphabet refuses: the record must be fixed
        raise PayloadError(exc.message, field=exc.field, position=exc.position) from exc
    symbol = render_symbol(text)
    pdf = renderer.render(layout, symbol.image, symbol.size + 2 * QUIET_ZONE_MODULES)
    return IssuedDocument(document_id, kind, text, pdf, payload, symbol, pages)


SQLITE_BUSY_TIMEOUT = 30.0
"""Seconds a SQLite writer waits for another process's issuing transaction (each holds the write
lock for one document, ~10 ms); Python's default of 5 s is short for a burst of many processes."""


def _engine(url: str) -> Engine:
    """The registry engine; on SQLite with a longer busy timeout (see above)."""
    if url.startswith("sqlite"):
        return make_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT})
    return make_engine(url)


def _check_validity(active: ActiveSigner, on: date) -> None:
    """Refuse to sign on a day outside the certificate's validity (§3.3: signature date).

    A verifier checks that the header's signature date lies within the certificate's validity;
    issuing anyway would publish a document that fails verification.
    """
    certificate = active.certificate
    if not (certificate.not_valid_before_utc.date() <= on
            <= certificate.not_valid_after_utc.date()):
        raise CertificateNotValidError(active.cert_id, on)


class Issuer:
    """Issues RIR, ADCS and RII documents for one settings object (one per process)."""

    def __init__(self, settings: Settings, *, engine: Engine | None = None,
                 keystore: KeyStore | None = None, renderer: PDFRenderer | None = None) -> None:
        """Open the registry engine, the key store and the PDF renderer once."""
        self.settings = settings
        self.engine = engine or _engine(settings.database_url or "")
        self.sessions = session_factory(self.engine)
        self.keystore = keystore or KeyStore.open(settings)
        self.renderer = renderer or PDFRenderer()

    def facts(self, neph: str, *, on: date, data_as_of: datetime) -> DriverFacts:
        """Read the record at ``on``; refuse an unknown NEPH or a driver without a licence."""
        with self.sessions() as session:
            try:
                record = load_driver_record(session, neph, asof=on)
            except UnknownNEPHError as exc:
                raise UnknownDriverError(neph) from exc
            except NoLicenceError as exc:
                raise NoLicenceHeldError(neph) from exc
        return facts_from_record(record, data_as_of=data_as_of)

    def issue(
        self,
        kind: DocumentKind,
        neph: str,
        *,
        on: date,
        now: datetime,
        requested_by: str,
        out: Path | None = None,
        out_dir: Path | None = None,
    ) -> IssuedDocument:
        """Issue ``kind`` for ``neph`` dated ``on`` and log it; write the PDF if asked.

        The PDF goes to ``out``, or to ``out_dir/<kind>-<document id>.pdf``, or nowhere (a web
        view returns the bytes). ``now`` is the time of issuance (PDF creation date, E8 time).
        """
        # E8 is a French civil date and time (§7.16): ``now`` is UTC (naive means UTC).
        paris_time = (now if now.tzinfo else now.replace(tzinfo=UTC)).astimezone(FRENCH_TIME).time()
        data_as_of = datetime.combine(on, paris_time.replace(tzinfo=None))
        facts = self.facts(neph, on=on, data_as_of=data_as_of)
        active = self.keystore.active_signer()
        _check_validity(active, on)
        target: Path | None = None
        staged: Path | None = None
        try:
            with self.engine.begin() as connection:
                document_id = log.allocate(
                    connection,
                    kind=kind.value,
                    neph=facts.neph,
                    ca_id=active.ca_id,
                    cert_id=active.cert_id,
                    issued_on=on,
                    expires_on=None,
                    pages=1,
                    requested_by=requested_by,
                    created_at=now,
                )
                issued = issue_from_facts(
                    facts,
                    kind,
                    renderer=self.renderer,
                    signer_info=active,
                    document_id=document_id,
                    issued_on=on,
                    created_at=now,
                    verifier_url=self.settings.verifier_url,
                )
                log.finish(connection, document_id, text=issued.text,
                           expires_on=issued.payload.expires_on, pages=issued.pages)
                target = out
                if target is None and out_dir is not None:
                    target = out_dir / f"{kind.value}-{document_id}.pdf"
                if target is not None:
                    staged = _write_staged(target, issued.pdf)
            # Committed: now publish the file under its name. Renaming only after the commit
            # means a rolled-back document (whose id SQLite may allocate again) is never
            # published; a crash between commit and rename leaves the logged PDF staged.
            if staged is not None and target is not None:
                os.replace(staged, target)
                staged = None
        finally:
            if staged is not None:
                staged.unlink(missing_ok=True)
        if target is None:
            return issued
        return IssuedDocument(issued.document_id, kind, issued.text, issued.pdf, issued.payload,
                              issued.symbol, issued.pages, target)
