"""``permis2d issue {rir,adcs,rii}`` through click's CliRunner, on a real registry and PKI."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pypdf
from click.testing import CliRunner
from sqlalchemy import func, select

from issuer.log import IssuanceLog
from issuer.service import Issuer
from permis2d.cli import cli
from twoddoc import decode


def test_issue_adcs_prints_raw_text_and_writes_pdf(issuer: Issuer, tmp_path: Path) -> None:
    out = tmp_path / "adcs.pdf"
    result = CliRunner().invoke(
        cli, ["issue", "adcs", "--neph", "120375100001", "--out", str(out), "--text",
              "--on", "2026-10-31"], obj=issuer.settings)
    assert result.exit_code == 0, result.output
    line = result.stdout_bytes.split(b"\n")[0]
    assert line.startswith(b"DC04FR") and b"\x1d" in line and b"\x1f" in line
    doc = decode(line.decode("latin-1"))
    assert doc.get("E4") == "APC" and doc.get("AC") == "120375100001"
    assert out.exists()
    assert doc.get("01") in pypdf.PdfReader(out).pages[0].extract_text()


def test_issue_default_path_is_under_issued_dir(issuer: Issuer) -> None:
    result = CliRunner().invoke(cli, ["issue", "rii", "--neph", "120375100001", "--on",
                                      "2026-10-31"], obj=issuer.settings)
    assert result.exit_code == 0, result.output
    document_id, path = result.stdout.split()
    assert Path(path).parent == issuer.settings.issued_dir
    assert Path(path).name == f"rii-{document_id}.pdf" and Path(path).exists()


def test_unknown_neph_exits_non_zero_and_writes_nothing(issuer: Issuer, tmp_path: Path) -> None:
    out = tmp_path / "x.pdf"
    result = CliRunner().invoke(cli, ["issue", "rir", "--neph", "000000000000", "--out",
                                      str(out), "--on", "2026-10-31"], obj=issuer.settings)
    assert result.exit_code == 1
    assert "unknown NEPH '000000000000'" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    with issuer.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(IssuanceLog)) == 0


def test_bad_date_is_a_usage_error(issuer: Issuer) -> None:
    result = CliRunner().invoke(cli, ["issue", "rir", "--neph", "120375100001", "--on",
                                      "2026-02-29"], obj=issuer.settings)
    assert result.exit_code == 2
    assert "2026-02-29" in result.output


def test_missing_keys_is_one_clear_line_and_no_file(settings, registry_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "x.pdf"
    result = CliRunner().invoke(cli, ["issue", "adcs", "--neph", "120375100001", "--out",
                                      str(out), "--on", "2026-10-31"], obj=settings)
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "Traceback" not in result.output
    assert not out.exists()


def test_fresh_data_dir_is_migrated_and_refuses_unknown_neph(settings) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, ["issue", "rir", "--neph", "120375100001", "--on",
                                      "2026-10-31"], obj=settings)
    assert result.exit_code == 1
    assert "unknown NEPH" in result.output
    assert Path(settings.database_url.removeprefix("sqlite:///")).exists()


def test_issued_text_is_valid_for_permis2d_verify_until_expiry(issuer: Issuer,
                                                              tmp_path: Path) -> None:
    import json

    runner = CliRunner()
    issued = runner.invoke(cli, ["issue", "adcs", "--neph", "120375100001", "--text", "--on",
                                 "2026-10-31", "--out", str(tmp_path / "a.pdf")],
                           obj=issuer.settings)
    assert issued.exit_code == 0, issued.output
    text = issued.stdout_bytes.split(b"\n")[0]
    # The fixture's PKI dates from 2026-01-01, so its 30-day CRL is past its nextUpdate and the
    # CLI would refuse it (CRL_STALE): re-sign it today, as an operator (and `make run`) does.
    issuer.keystore.refresh_crl(now=datetime.now(UTC))
    trust = issuer.keystore.export_trust(tmp_path / "trust")
    reports = {}
    for day in ("2027-02-28", "2027-03-01"):
        result = runner.invoke(cli, ["verify", "--trust", str(trust), "--at", day, "--json", "-"],
                               input=text + b"\n", obj=issuer.settings)
        reports[day] = (result.exit_code, json.loads(result.stdout.splitlines()[0]))
    code, report = reports["2027-02-28"]
    assert code == 0 and report["valid"] is True
    code, report = reports["2027-03-01"]
    assert code == 1 and report["checks"]["document_not_expired"] is False
