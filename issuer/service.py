"""Issue a document end to end: registry read, payload, signature, DataMatrix, PDF, log.

Why a long-lived :class:`Issuer`: everything costly is done once per process (engine, key
decryption inside ``keys``, font registration, template compilation), so issuing one ADCS costs
only its own work (see ``bench/bench_issue.py``).

Order of operations, and why (issue 10, item 4: no id is ever handed out twice):

1. read the driver's record (its own short read transaction): an unknown NEPH is refused before
   anything is allocated;
2. ``allocated``: in a short transaction of its own, insert the log row as ``pending`` (the
   database allocates the document id from a counter a rollback cannot give back) with the
   PDF's final path, and COMMIT: the id is spent before anything carries it;
3. ``signed``: lay the document out, build the payload, sign, draw and read back the
   DataMatrix, render the PDF (in memory);
4. ``staging``/``staged``: write the PDF to a staged file beside its final name (mode 0600),
   flushed to disk;
5. ``placed``: rename it to its final name;
6. ``logged``: mark the row ``issued`` with the text's hash (a compare-and-set from ``pending``).

A failure withdraws the files and marks the row ``failed``; a crash leaves a ``pending`` row,
which ``issuer/recovery.py`` marks ``failed`` while quarantining its files. A test kills the
process with ``SIGKILL`` at each step (the ``checkpoint`` hook names them).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

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
from issuer.recovery import RecoveryReport, process_owner, recover, staged_path
from issuer.validity import adcs_expiry
from keys import ActiveSigner, KeyStore
from permis2d.settings import Settings
from registry.db import make_engine, session_factory
from registry.errors import NoLicenceError, UnknownNEPHError
from registry.records import load_driver_record
from twoddoc import TwoDDocError, encode
from twoddoc.dates import FRENCH_TIME

__all__ = ["STEPS", "IssuedDocument", "Issuer", "NoLicenceHeldError", "issue_from_facts"]

#: The named steps of :meth:`Issuer.issue`, in order; the ``checkpoint`` hook is called after each.
STEPS = ("allocated", "signed", "staging", "staged", "placed", "logged")


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


def _write_staged(staged: Path, data: bytes, checkpoint: Callable[[str], None]) -> None:
    """Write ``data`` to ``staged`` (mode 0600: personal data), flushed to disk.

    ``staging`` is announced halfway through, so a test can leave a truncated file behind.
    """
    staged.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        half = len(data) // 2
        handle.write(data[:half])
        handle.flush()
        checkpoint("staging")
        handle.write(data[half:])
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable (POSIX: the directory entry is data too)."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _no_checkpoint(step: str) -> None:
    """The default hook: issuance runs straight through."""


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
                        expires_on, signer_info.ca_id)
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


def registry_engine(url: str) -> Engine:
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
                 keystore: KeyStore | None = None, renderer: PDFRenderer | None = None,
                 checkpoint: Callable[[str], None] = _no_checkpoint) -> None:
        """Open the registry engine, the key store and the PDF renderer once.

        ``checkpoint`` is called with each name of :data:`STEPS` as issuance passes it; the
        crash tests use it to stop the process at a chosen step.
        """
        self.settings = settings
        self.engine = engine or registry_engine(settings.database_url or "")
        self.sessions = session_factory(self.engine)
        self.keystore = keystore or KeyStore.open(settings)
        self.renderer = renderer or PDFRenderer(font_dir=settings.font_dir)
        self.checkpoint = checkpoint
        self._recovered = False

    def recover(self, *, now: datetime) -> RecoveryReport:
        """Clear what crashed issuances left: ``pending`` rows → ``failed``, files quarantined.

        Runs by itself before this issuer's first document (the start-up of issuance, whatever
        the caller: CLI, demo, web app); ``permis2d issue --repair-log`` runs it alone.
        """
        self._recovered = True
        return recover(self.engine, now=now, issued_dir=self.settings.issued_dir,
                       quarantine_dir=self.settings.quarantine_dir)

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
        if not self._recovered:
            self.recover(now=now)
        facts = self.facts(neph, on=on, data_as_of=data_as_of)
        active = self.keystore.active_signer()
        _check_validity(active, on)
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
                owner=process_owner(),
            )
            target = out
            if target is None and out_dir is not None:
                target = out_dir / f"{kind.value}-{document_id}.pdf"
            if target is not None:
                target = target.absolute()
                log.set_file_path(connection, document_id, str(target))
        self.checkpoint("allocated")
        staged: Path | None = None
        placed = False
        try:
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
            self.checkpoint("signed")
            if target is not None:
                staged = staged_path(target, document_id)
                _write_staged(staged, issued.pdf, self.checkpoint)
                self.checkpoint("staged")
                os.replace(staged, target)
                staged, placed = None, True
                _fsync_dir(target.parent)
                self.checkpoint("placed")
            with self.engine.begin() as connection:
                log.finish(connection, document_id, text=issued.text,
                           expires_on=issued.payload.expires_on, pages=issued.pages)
            self.checkpoint("logged")
        except BaseException:
            self._withdraw(document_id, staged, target if placed else None)
            raise
        if target is None:
            return issued
        return IssuedDocument(issued.document_id, kind, issued.text, issued.pdf, issued.payload,
                              issued.symbol, issued.pages, target)

    def _withdraw(self, document_id: str, staged: Path | None, placed: Path | None) -> None:
        """After a failure: mark this issuance's row ``failed``, then remove its files.

        If the database cannot be reached, the row stays ``pending`` and the next recovery
        marks it ``failed``; the original error is the one the caller sees. A file that was
        never created (its folder is missing or is a file) is simply not there.
        """
        with contextlib.suppress(SQLAlchemyError), self.engine.begin() as connection:
            log.fail(connection, document_id)
        for path in (staged, placed):
            if path is not None:
                with contextlib.suppress(FileNotFoundError, NotADirectoryError):
                    path.unlink()
