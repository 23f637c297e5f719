"""``permis2d agent create-token --name NAME --scope SCOPE...``, ``list-tokens``, ``revoke-token``.

The secret of a new token is printed once on stdout (a script captures it); only its SHA-256 is
stored. Exit codes: 0 done; 1 refused (name taken, unknown token), one line on stderr; 2 usage.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Any

import click

from issuer.agent.models import SCOPES

__all__ = ["agent_group"]


def _sessions(settings: Any) -> Any:
    from registry.db import ensure_schema, make_engine, session_factory

    engine = make_engine(settings.database_url or "")
    ensure_schema(engine)
    return session_factory(engine)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)  # the edge reads the clock (naive UTC column)


@click.group("agent")
def agent_group() -> None:
    """Tokens of the agent API (the systems that feed the registry)."""


@agent_group.command("create-token")
@click.option("--name", required=True, help="Who uses it (e.g. ANTAI, a prefecture).")
@click.option("--scope", "scopes", multiple=True, required=True, type=click.Choice(SCOPES),
              help="A scope; repeat for several.")
@click.pass_obj
def create_token_command(settings: Any, name: str, scopes: tuple[str, ...]) -> None:
    """Create a token and print its secret, once."""
    from issuer.agent.tokens import TokenError, create_token

    try:
        with _sessions(settings).begin() as session:
            secret = create_token(session, name, scopes, now=_now())
    except TokenError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    click.echo(secret)


@agent_group.command("list-tokens")
@click.pass_obj
def list_tokens_command(settings: Any) -> None:
    """List the tokens: name, scopes, created, revoked (never a secret)."""
    from issuer.agent.tokens import list_tokens

    with _sessions(settings)() as session:
        for info in list_tokens(session):
            revoked = f"revoked {info.revoked_at:%Y-%m-%d %H:%M}" if info.revoked_at else "active"
            click.echo(f"{info.name}\t{' '.join(info.scopes)}\t"
                       f"created {info.created_at:%Y-%m-%d %H:%M}\t{revoked}")


@agent_group.command("revoke-token")
@click.argument("name", required=False)
@click.option("--name", "name_option", help="The token's name (or give it as the argument).")
@click.pass_obj
def revoke_token_command(settings: Any, name: str | None, name_option: str | None) -> None:
    """Revoke the token NAME: it is refused from the next request on."""
    from issuer.agent.tokens import TokenError, revoke_token

    name = name or name_option
    if not name:
        raise click.UsageError("give the token's name: revoke-token NAME")
    try:
        with _sessions(settings).begin() as session:
            revoke_token(session, name, now=_now())
    except TokenError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    click.echo(f"revoked {name}")
