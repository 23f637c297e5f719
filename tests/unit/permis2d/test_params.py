"""The shared option type and the French "today" of every default date."""

from __future__ import annotations

import datetime as dt

import click
import pytest
from click.testing import CliRunner

from permis2d.params import DATE, french_today


@pytest.mark.parametrize(("now", "day"), [
    # 22:30 UTC on 30 June is already 1 July in Paris (UTC+2 in summer).
    (dt.datetime(2026, 6, 30, 22, 30, tzinfo=dt.UTC), dt.date(2026, 7, 1)),
    # 23:30 UTC on 28 February 2028 is 29 February in Paris (UTC+1 in winter).
    (dt.datetime(2028, 2, 28, 23, 30, tzinfo=dt.UTC), dt.date(2028, 2, 29)),
    (dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC), dt.date(2026, 11, 22)),
])
def test_french_today_is_the_paris_calendar_day(now, day):
    assert french_today(now) == day


@click.command()
@click.option("--on", type=DATE)
def _show(on):
    click.echo(on.isoformat())


@pytest.mark.parametrize("good", ["2024-02-29", "2026-12-31"])
def test_date_option_reads_iso_dates(good):
    assert CliRunner().invoke(_show, ["--on", good]).output.strip() == good


@pytest.mark.parametrize("bad", ["2023-02-29", "20260101", "2026-W01-1", "2026-1-1", "tomorrow"])
def test_date_option_refuses_other_forms_naming_the_option(bad):
    result = CliRunner().invoke(_show, ["--on", bad])
    assert result.exit_code == 2
    assert "--on" in result.output
    assert "YYYY-MM-DD" in result.output or "calendar date" in result.output
