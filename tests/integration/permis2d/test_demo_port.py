"""``permis2d demo --port``: the documents name the verifier page the demo serves."""

from __future__ import annotations

import dataclasses

import pypdf
from click.testing import CliRunner

from permis2d.cli import cli
from permis2d.demo import _with_demo_verifier_url


def test_demo_port_is_the_verification_url_printed_on_the_specimen(settings) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, ["demo", "--no-serve", "--port", "18234"], obj=settings)
    assert result.exit_code == 0, result.output
    assert "verification URL printed on it: http://127.0.0.1:18234/" in result.output
    (pdf,) = settings.issued_dir.glob("*.pdf")
    text = " ".join(pypdf.PdfReader(pdf).pages[0].extract_text().split())
    assert "http://127.0.0.1:18234/" in text
    assert "SPÉCIMEN — document de démonstration" in text  # the dev PKI is the test CA FR00


def test_a_configured_verifier_url_is_kept(settings) -> None:  # type: ignore[no-untyped-def]
    configured = dataclasses.replace(settings, verifier_url="https://verif.example.fr/")
    assert _with_demo_verifier_url(configured, "127.0.0.1", 18234) is configured
    assert _with_demo_verifier_url(settings, "127.0.0.1", 0) is settings
    assert _with_demo_verifier_url(settings, "127.0.0.1", 18235).verifier_url == (
        "http://127.0.0.1:18235/")
