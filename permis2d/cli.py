"""The ``permis2d`` command line: one click group, one subgroup per package (STYLE §6).

Subgroups are listed explicitly, by name, and imported on first use: a broken import fails
loudly instead of a command quietly missing (click's ``examples/complex`` drops them). The
context object is the :class:`Settings`.
Errors end as one line on stderr with a documented exit code, never a traceback.
"""

from __future__ import annotations

import importlib
import sys

import click

from permis2d.settings import Settings, SettingsError

__all__ = ["cli", "main", "pass_settings"]

pass_settings = click.make_pass_decorator(Settings)


#: Every subcommand, by name, with the module and attribute that define it. Imported when the
#: command is used, so that ``permis2d verify`` does not pay for SQLAlchemy or reportlab; still
#: explicit, so a broken module fails loudly (``tests/unit/permis2d/test_cli.py`` loads each).
SUBCOMMANDS: dict[str, str] = {
    "keys": "keys.cli:keys_group",
    "registry": "registry.cli:registry_group",
    "points": "registry.cli:points_group",
    "issue": "issuer.cli:issue_group",
    "verify": "verifier.cli:verify_command",
    "serve": "permis2d.serve:serve_group",
    "demo": "permis2d.demo:demo_command",
    "agent": "issuer.agent.cli:agent_group",
    "notices": "issuer.notices_cli:notices_group",
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use, from :data:`SUBCOMMANDS`."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *SUBCOMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in SUBCOMMANDS and cmd_name not in self.commands:
            module_name, attr = SUBCOMMANDS[cmd_name].split(":")
            command = getattr(importlib.import_module(module_name), attr)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="permis2d")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Issue and verify French driving-licence documents with signed 2D-Doc barcodes."""
    if ctx.obj is None:
        try:
            ctx.obj = Settings.from_env()
        except SettingsError as exc:
            raise click.ClickException(str(exc)) from exc


def main() -> None:
    """Console-script entry point."""
    try:
        cli.main(prog_name="permis2d", standalone_mode=True)
    except SettingsError as exc:  # raised outside click's own handling
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
