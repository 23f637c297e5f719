"""``permis2d notices run [--on DATE]``: the daily job sending restorations that fell due.

Idempotent: run twice the same day, or on two machines, it sends nothing the second time
(:mod:`issuer.notices` keeps every notice sent in the database). ``--on`` defaults to today in
Europe/Paris, read here, at the edge. Prints the number of e-mails sent; exit 0.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import click

from permis2d.params import DATE, french_today

__all__ = ["notices_group"]


@click.group("notices")
def notices_group() -> None:
    """E-mails telling drivers what changed on their licence."""


@notices_group.command("run")
@click.option("--on", "on", type=DATE, default=None, help="The day to run for (YYYY-MM-DD).")
@click.pass_obj
def run_command(settings: Any, on: date | None) -> None:
    """Send the restorations due since the last run, up to --on (default: today)."""
    from issuer.notices import run_notices
    from issuer.web.mail import mailer_for
    from registry.db import ensure_schema, make_engine, session_factory

    engine = make_engine(settings.database_url or "")
    ensure_schema(engine)
    try:
        sent = run_notices(session_factory(engine), mailer_for(settings.smtp_url,
                                                               settings.outbox_dir),
                           settings.issuer_url, on=on or french_today(),
                           now=datetime.now(UTC).replace(tzinfo=None))
    finally:
        engine.dispose()
    click.echo(f"{sent} notice(s) sent")
