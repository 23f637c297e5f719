"""The ``permis2d`` group: every subcommand loads, and a bad setting is one line, not a trace."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from permis2d.cli import SUBCOMMANDS, cli


@pytest.mark.parametrize("name", sorted(SUBCOMMANDS))
def test_every_subcommand_imports_and_has_help(name, settings):
    command = cli.get_command(click.Context(cli), name)
    assert isinstance(command, click.Command)
    result = CliRunner().invoke(cli, [name, "--help"], obj=settings)
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_top_level_help_lists_every_subcommand():
    result = CliRunner().invoke(cli, ["--help"])
    for name in SUBCOMMANDS:
        assert f"  {name}" in result.output


def test_unknown_setting_is_one_line_on_stderr(tmp_path):
    exe = Path(sys.executable).with_name("permis2d")
    proc = subprocess.run(
        [str(exe), "keys", "list"], capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PERMIS2D_DATA_DIRR": "x"},
    )
    assert proc.returncode != 0
    assert "PERMIS2D_DATA_DIRR" in proc.stderr and "Traceback" not in proc.stderr


def test_verify_does_not_import_the_registry_or_reportlab():
    code = (
        "import sys; from permis2d.cli import cli; import click;"
        "cli.get_command(click.Context(cli), 'verify');"
        "print(any(m.startswith(('sqlalchemy', 'reportlab', 'registry', 'issuer'))"
        " for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr
