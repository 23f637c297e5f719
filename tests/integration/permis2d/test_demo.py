"""``permis2d demo --no-serve``: what ``make run`` prepares, end to end, on a fresh data dir."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from click.testing import CliRunner

from permis2d.cli import cli
from verifier.policy import verify_text
from verifier.scan import scan
from verifier.trust import TrustStore


def test_demo_prepares_keys_registry_and_a_valid_adcs_twice(settings):
    runner = CliRunner()
    first = runner.invoke(cli, ["demo", "--no-serve"], obj=settings)
    assert first.exit_code == 0, first.output
    assert "checked by the verifier library: valid" in first.output
    pdfs = sorted(settings.issued_dir.glob("*.pdf"))
    assert len(pdfs) == 1
    # An independent check with the exported trust folder, as a rental desk would do it.
    texts = scan(pdfs[0])
    assert len(texts) == 1
    today = dt.datetime.now(ZoneInfo("Europe/Paris")).date()
    result = verify_text(texts[0], TrustStore.load([settings.trust_dir]), at=today)
    assert result.valid
    # A second run reuses the PKI and the seeded registry (idempotent) and issues a new ADCS.
    second = runner.invoke(cli, ["demo", "--no-serve"], obj=settings)
    assert second.exit_code == 0, second.output
    assert "already seeded" in second.output and "Created the dev PKI" not in second.output
    assert len(list(settings.issued_dir.glob("*.pdf"))) == 2
