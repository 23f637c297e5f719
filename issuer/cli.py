"""``permis2d issue {rir,adcs,rii} --neph NEPH [--out FILE.pdf] [--text] [--on YYYY-MM-DD]``.

Writes the PDF (default ``<data dir>/issued/<kind>-<document id>.pdf``) and prints its path; with
``--text`` prints instead the raw 2D-Doc text on its own line, control characters (GS, RS, US) as
raw bytes, and the path on stderr. The date defaults to today, read here and only here (the core
takes it as a parameter).

Exit codes: 0 issued; 1 refused (unknown NEPH, no licence, value the 2D-Doc cannot carry, no
signing key), with one line on stderr and no file written; 2 usage error (click).
"""

from __future__ import annotations

import getpass
from datetime import UTC, date, datetime
from pathlib import Path

import click

from issuer.errors import IssuerError
from issuer.kinds import DocumentKind
from keys import KeyStoreError
from permis2d.params import DATE, french_today
from permis2d.settings import Settings
from twoddoc import TwoDDocError

__all__ = ["issue_group"]


@click.group()
def issue_group() -> None:
    """Issue RIR, ADCS and RII documents (PDF with a signed 2D-Doc)."""


def _issue(settings: Settings, kind: DocumentKind, neph: str, out: Path | None, text: bool,
           on: date | None) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    from issuer.service import Issuer  # heavy imports only when a document is issued
    from registry.db import upgrade_schema

    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    # The issue date is the French civil date, whatever the server's time zone.
    day = on or french_today(now.replace(tzinfo=UTC))
    try:
        # Like every registry command, bring the schema (issuance log included) to head first.
        upgrade_schema(settings.database_url or "")
        issuer = Issuer(settings)
        issued = issuer.issue(
            kind,
            neph,
            on=day,
            now=now,
            requested_by=f"cli:{getpass.getuser()}",
            out=out,
            out_dir=None if out else settings.issued_dir,
        )
    except (IssuerError, KeyStoreError, TwoDDocError) as exc:
        raise click.ClickException(str(exc)) from exc
    except SQLAlchemyError as exc:
        raise click.ClickException(f"registry database error: {exc.__class__.__name__}: "
                                   f"{str(exc).splitlines()[0]}") from exc
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
    @click.option("--on", "on", type=DATE, help="Issue date (default: today).")
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
