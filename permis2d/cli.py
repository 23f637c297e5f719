"""The ``permis2d`` command line: one click group, one subgroup per package (STYLE §6).

Subgroups are added explicitly, by name: a broken import fails loudly instead of a command quietly
missing (click's ``examples/complex`` drops them). The context object is the :class:`Settings`.
Errors end as one line on stderr with a documented exit code, never a traceback.
"""

from __future__ import annotations

import sys

import click

from permis2d.settings import Settings, SettingsError

__all__ = ["cli", "main", "pass_settings"]

pass_settings = click.make_pass_decorator(Settings)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="permis2d")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Issue and verify French driving-licence documents with signed 2D-Doc barcodes."""
    if ctx.obj is None:
        try:
            ctx.obj = Settings.from_env()
        except SettingsError as exc:
            raise click.ClickException(str(exc)) from exc


def _register() -> None:
    from issuer.cli import issue_group
    from keys.cli import keys_group
    from permis2d.demo import demo_command
    from permis2d.serve import serve_group
    from registry.cli import points_group, registry_group
    from verifier.cli import verify_command

    cli.add_command(keys_group, "keys")
    cli.add_command(registry_group, "registry")
    cli.add_command(points_group, "points")
    cli.add_command(issue_group, "issue")
    cli.add_command(verify_command, "verify")
    cli.add_command(serve_group, "serve")
    cli.add_command(demo_command, "demo")


_register()


def main() -> None:
    """Console-script entry point."""
    try:
        cli.main(prog_name="permis2d", standalone_mode=True)
    except SettingsError as exc:  # raised outside click's own handling
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
