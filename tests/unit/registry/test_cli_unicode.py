"""``points simulate`` and ``registry add`` refuse a lone surrogate: exit 2, one line (issue 10).

JSON may write ``"\\ud800"`` and Python's ``json`` reads it, but it is no character: printing the
result (or storing a name) used to end in a ``UnicodeEncodeError`` traceback.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from permis2d.cli import cli
from permis2d.settings import Settings

SCENARIO = ('{"name": %s, "licence": {"issued": "2020-01-01"}, "events": %s, '
            '"asof": "2025-01-01"}')


@pytest.mark.parametrize(("document", "where"), [
    (SCENARIO % ('"X\\ud800"', "[]"), "name"),
    (SCENARIO % ('"X\\udfff\\ud800"', "[]"), "name"),  # reversed pair: two lone halves
    ("[" + SCENARIO % ('"ok"', '[{"type": "a\\udc00"}]') + "]", "[0].events[0].type"),
    ('{"n\\ud800": 1}', "n\\ud800 (the key)"),
])
def test_simulate_refuses_a_lone_surrogate(settings: Settings, document: str, where: str) -> None:
    result = CliRunner().invoke(cli, ["points", "simulate", "-"], input=document, obj=settings)
    assert result.exit_code == 2
    assert result.output == (f"Error: <stdin>: {where}: a lone UTF-16 surrogate (\\ud800-\\udfff "
                             "escape without its pair) is not a character\n")


def test_simulate_keeps_a_real_pair(settings: Settings) -> None:
    result = CliRunner().invoke(cli, ["points", "simulate", "-"], obj=settings,
                                input=SCENARIO % ('"\\ud83d\\ude00"', "[]"))
    assert result.exit_code == 0, result.output
    assert '"name": "\U0001f600"' in result.output


def test_registry_add_refuses_a_lone_surrogate(settings: Settings) -> None:
    result = CliRunner().invoke(cli, ["registry", "add", "-"], obj=settings,
                                input='{"neph": "120375100001", "surname": "A\\ud800"}')
    assert result.exit_code == 2
    assert "surname: a lone UTF-16 surrogate" in result.output
    assert "Traceback" not in result.output
