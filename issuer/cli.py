"""``permis2d issue {rir,adcs,rii} --neph NEPH [--out FILE.pdf] [--text] [--on YYYY-MM-DD]``.

Writes the PDF (default ``<data dir>/issued/<kind>-<document id>.pdf``) and prints its path; with
``--text`` prints instead the raw 2D-Doc text on its own line, control characters (GS, RS, US) as
raw bytes, and the path on stderr. The date defaults to today in Europe/Paris, read here and only
here (the core takes it as a parameter); a later date is refused (a verifier would call the
document dated in the future).

``permis2d issue --repair-log`` clears what a crashed issuance left (``issuer/recovery.py``):
``pending`` log rows become ``failed`` and their files are quarantined. Every issuance does the
same first, for crashes of processes that are gone.

Exit codes: 0 issued; 1 refused (unknown NEPH, no licence, value the 2D-Doc cannot carry, no
signing key), with one line on stderr and no file written; 2 usage error (click).
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from issuer.errors import IssuerError
from issuer.kinds import DocumentKind
from keys import KeyStoreError
from permis2d.params import DATE, french_today
from permis2d.settings import Settings, SettingsError
from twoddoc import TwoDDocError

if TYPE_CHECKING:
    from issuer.recovery import RecoveryReport
    from issuer.service import IssuedDocument, Issuer

T = TypeVar("T")

__all__ = ["issue_group"]


@click.group(invoke_without_command=True)
@click.option("--repair-log", is_flag=True,
              help="Mark the issuances a crash left pending as failed, quarantine their files.")
@click.pass_context
def issue_group(ctx: click.Context, repair_log: bool) -> None:
    """Issue RIR, ADCS and RII documents (PDF with a signed 2D-Doc)."""
    if ctx.invoked_subcommand is not None:
        if repair_log:
            raise click.UsageError("--repair-log runs alone, without a document kind")
        return
    if not repair_log:
        click.echo(ctx.get_help())
        return
    report = _run(lambda: _repair(ctx.obj, _now()))
    click.echo(str(report))
    for document_id in report.failed:
        click.echo(f"failed {document_id}")
    for path in report.quarantined:
        click.echo(f"quarantined {path}")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def _run(action: Callable[[], T]) -> T:
    """Run ``action``; our errors and the database's end as one line (exit 1)."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        return action()
    except (IssuerError, KeyStoreError, SettingsError, TwoDDocError) as exc:
        raise click.ClickException(str(exc)) from exc
    except SQLAlchemyError as exc:
        raise click.ClickException(f"registry database error: {exc.__class__.__name__}: "
                                   f"{str(exc).splitlines()[0]}") from exc


def _open_issuer(settings: Settings) -> Issuer:
    """An Issuer on an up-to-date schema (upgraded only when behind: issue 11)."""
    from issuer.service import Issuer  # heavy imports only when a document is issued
    from registry.db import ensure_schema

    issuer = Issuer(settings)
    ensure_schema(issuer.engine)
    return issuer


def _repair(settings: Settings, now: datetime) -> RecoveryReport:
    """``--repair-log``: recover on the settings' database; no key is opened (nothing is signed)."""
    from issuer.recovery import recover
    from issuer.service import registry_engine
    from registry.db import ensure_schema

    engine = registry_engine(settings.database_url or "")
    try:
        ensure_schema(engine)
        return recover(engine, now=now, issued_dir=settings.issued_dir,
                       quarantine_dir=settings.quarantine_dir)
    finally:
        engine.dispose()


def _issue(settings: Settings, kind: DocumentKind, neph: str, out: Path | None, text: bool,
           on: date | None) -> None:
    now = _now()
    # The issue date is the French civil date, whatever the server's time zone.
    today = french_today(now.replace(tzinfo=UTC))
    if on is not None and on > today:
        raise click.BadParameter(
            f"{on.isoformat()} is after today ({today.isoformat()}, Europe/Paris): a document "
            "cannot be dated in the future", param_hint="'--on'")

    def issue() -> IssuedDocument:
        issuer = _open_issuer(settings)  # recovers what crashed issuances left, then issues
        return issuer.issue(kind, neph, on=on or today, now=now,
                            requested_by=f"cli:{getpass.getuser()}", out=out,
                            out_dir=None if out else settings.issued_dir)

    issued = _run(issue)
    if text:
        click.echo(issued.text.encode("latin-1"))
        click.echo(f"{issued.document_id} {issued.path}", err=True)
    else:
        click.echo(f"{issued.document_id} {issued.path}")


def _command(kind: DocumentKind, help_text: str) -> click.Command:
    @click.command(kind.value, help=help_text)
    @click.option("--neph", required=True, help="The driver's NEPH (registry file number).")
    @click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
                  help="Where to write the PDF (default: <data dir>/issued/).")
    @click.option("--text", is_flag=True, help="Print the raw 2D-Doc text on its own line.")
    @click.option("--on", "on", type=DATE, help="Issue date, not after today (default: today).")
    @click.pass_obj
    def command(settings: Settings, neph: str, out: Path | None, text: bool,
                on: date | None) -> None:
        _issue(settings, kind, neph, out, text, on)

    return command


issue_group.add_command(_command(
    DocumentKind.RIR, "Relevé d'information restreint (RIR): identity, state, categories."))
issue_group.add_command(_command(
    DocumentKind.ADCS, "Attestation de droits à conduire sécurisée (ADCS): valid 4 months."))
issue_group.add_command(_command(
    DocumentKind.RII, "Relevé d'information intégral (RII): balance and 10-year history."))
