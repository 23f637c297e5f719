"""``permis2d registry`` (seed, list, show) and ``permis2d points`` (simulate).

Why here: the CLI is an edge; it reads the clock (``--asof`` defaults to today), files and the
database, and hands plain values to the pure engine. Exit codes: 0 success, 1 not found,
2 bad input (click's usage errors and refused scenarios), each error one line on stderr.
The context object is the :class:`permis2d.settings.Settings` (``@click.pass_obj``; importing
``permis2d.cli`` here would be circular).
"""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Any

import click

from registry.scenario import ScenarioError, parse_scenario, run_scenario

__all__ = ["points_group", "registry_group"]


class DateType(click.ParamType):
    """A ``YYYY-MM-DD`` option value, refused with the option's name when it is not a date."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        """Parse an ISO date or fail with click's usage error (exit 2)."""
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a YYYY-MM-DD date", param, ctx)


def _fail(message: str, code: int) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


@click.group()
def points_group() -> None:
    """The points engine (L223-1 to L223-8, R223-1 to R223-13 of the Code de la route)."""


@points_group.command("simulate")
@click.argument("file", type=click.File("r", encoding="utf-8"))
def simulate_command(file: Any) -> None:
    """Simulate the scenarios of FILE (``-`` for stdin): one JSON object or an array of them.

    Prints one JSON object per scenario (an array when the input is an array) with ``name``,
    ``balance``, ``status``, ``calendar`` and ``ledger``; see registry/RULES.md. A refused
    scenario exits 2 with a message naming the scenario and the field.
    """
    try:
        data = json.load(file)
    except json.JSONDecodeError as exc:
        _fail(f"{file.name}: not JSON: {exc}", 2)
    many = isinstance(data, list)
    items = data if many else [data]
    try:
        scenarios = [parse_scenario(item, i) for i, item in enumerate(items)]
    except ScenarioError as exc:
        _fail(str(exc), 2)
    outputs = [run_scenario(s) for s in scenarios]
    click.echo(json.dumps(outputs if many else outputs[0], ensure_ascii=False, indent=2))


@click.group()
def registry_group() -> None:
    """The licence registry: seed, list, show."""
