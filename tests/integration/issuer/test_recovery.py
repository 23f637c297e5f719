"""The recovery never touches a live issuance, and an issuer that lost its row withdraws its PDF."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import update

from issuer import log
from issuer.kinds import DocumentKind
from issuer.log import IssuanceLog
from issuer.recovery import STALE_AFTER, process_owner, recover
from issuer.service import Issuer
from permis2d.cli import cli

ON = date(2026, 10, 31)
NOW = datetime(2026, 10, 31, 10, 5)
NEPH = "120375100001"


def _pending(issuer: Issuer, owner: str, target: Path | None = None) -> str:
    with issuer.engine.begin() as connection:
        document_id = log.allocate(connection, kind="adcs", neph=NEPH, ca_id="FR00",
                                   cert_id="0001", issued_on=ON, expires_on=None, pages=1,
                                   requested_by="t", created_at=NOW, owner=owner)
        if target is not None:
            log.set_file_path(connection, document_id, str(target))
    return document_id


def _recover(issuer: Issuer, now: datetime) -> list[str]:
    return list(recover(issuer.engine, now=now, issued_dir=issuer.settings.issued_dir,
                        quarantine_dir=issuer.settings.quarantine_dir).failed)


def test_a_live_owner_is_left_alone_until_stale(issuer: Issuer) -> None:
    mine = _pending(issuer, process_owner())  # this process is alive
    elsewhere = _pending(issuer, "another-host:1")  # cannot be checked: waits STALE_AFTER
    assert _recover(issuer, NOW + timedelta(minutes=1)) == []
    assert _recover(issuer, NOW + STALE_AFTER) == [elsewhere]
    assert _recover(issuer, NOW + timedelta(days=1)) == []  # mine: its process is alive
    with issuer.engine.connect() as connection:
        assert log.lookup(connection, mine)["status"] == log.PENDING  # type: ignore[index]


def test_a_dead_owner_on_this_host_is_recovered_at_once(issuer: Issuer) -> None:
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    dead = _pending(issuer, process_owner().rsplit(":", 1)[0] + f":{pid}")
    assert _recover(issuer, NOW) == [dead]


def test_an_issuer_recovers_before_its_first_document(issuer: Issuer) -> None:
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    target = issuer.settings.issued_dir / "adcs-0000000001.pdf"
    crashed = _pending(issuer, process_owner().rsplit(":", 1)[0] + f":{pid}", target)
    staged = issuer.settings.issued_dir / f".{target.name}.{crashed}.staged"
    staged.parent.mkdir(parents=True)
    staged.write_bytes(b"%PDF-1.4 trunc")
    issued = issuer.issue(DocumentKind.ADCS, NEPH, on=ON, now=NOW, requested_by="t",
                          out_dir=issuer.settings.issued_dir)
    assert issued.document_id == "0000000002"
    with issuer.engine.connect() as connection:
        assert log.lookup(connection, crashed)["status"] == log.FAILED  # type: ignore[index]
    assert sorted(p.name for p in issuer.settings.issued_dir.iterdir()) == [
        "adcs-0000000002.pdf"]
    assert [p.name for p in issuer.settings.quarantine_dir.iterdir()] == [
        f"{crashed}-{staged.name[1:]}"]


def test_issuer_that_lost_its_row_withdraws_its_pdf(issuer: Issuer, tmp_path: Path) -> None:
    def recovered_meanwhile(step: str) -> None:
        if step == "placed":  # as if a recovery had judged this issuance abandoned
            with issuer.engine.begin() as connection:
                connection.execute(update(IssuanceLog.__table__).values(status=log.FAILED))

    issuer.checkpoint = recovered_meanwhile
    with pytest.raises(log.LogStateError):
        issuer.issue(DocumentKind.ADCS, NEPH, on=ON, now=NOW, requested_by="t",
                     out_dir=tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []


def test_legacy_and_stray_staged_files_are_quarantined(issuer: Issuer) -> None:
    issued_dir = issuer.settings.issued_dir
    issued_dir.mkdir(parents=True)
    legacy = issued_dir / ".adcs-0000000004.pdf.4242.tmp"  # before this release: pid-named
    legacy.write_bytes(b"%PDF-1.4 truncated")
    live = _pending(issuer, process_owner())
    live_staged = issued_dir / f".adcs-{live}.pdf.{live}.staged"
    live_staged.write_bytes(b"%PDF-1.4 being written")
    orphan = issued_dir / ".adcs-0000000099.pdf.0000000099.staged"  # no row at all
    orphan.write_bytes(b"%PDF")
    report = recover(issuer.engine, now=NOW, issued_dir=issued_dir,
                     quarantine_dir=issuer.settings.quarantine_dir)
    assert report.failed == ()
    assert sorted(p.name for p in report.quarantined) == [
        "0000000099-adcs-0000000099.pdf.0000000099.staged", "unknown-adcs-0000000004.pdf.4242.tmp"]
    assert sorted(p.name for p in issued_dir.iterdir()) == [live_staged.name]


def test_a_reused_out_path_keeps_the_newer_document(issuer: Issuer, tmp_path: Path) -> None:
    out = tmp_path / "adcs.pdf"
    crashed = _pending(issuer, "another-host:1", out)
    newer = issuer.issue(DocumentKind.ADCS, NEPH, on=ON, now=NOW, requested_by="t", out=out)
    assert _recover(issuer, NOW + STALE_AFTER) == [crashed]
    assert out.exists() and newer.path == out


def test_issue_on_refuses_a_date_after_today_in_paris(issuer: Issuer) -> None:
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).date()
    result = CliRunner().invoke(cli, ["issue", "adcs", "--neph", NEPH, "--on",
                                      tomorrow.isoformat()], obj=issuer.settings)
    assert result.exit_code == 2
    assert "--on" in result.output and "after today" in result.output
    assert "Traceback" not in result.output
    assert not issuer.settings.issued_dir.exists()


def test_repair_log_runs_alone(issuer: Issuer) -> None:
    result = CliRunner().invoke(cli, ["issue", "--repair-log", "adcs", "--neph", NEPH],
                                obj=issuer.settings)
    assert result.exit_code == 2 and "--repair-log runs alone" in result.output
    result = CliRunner().invoke(cli, ["issue", "--repair-log"], obj=issuer.settings)
    assert result.exit_code == 0
    assert result.output.startswith("0 pending issuance(s) marked failed, 0 file(s) quarantined")
