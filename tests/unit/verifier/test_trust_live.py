"""Live trust (issue 10): CRL freshness, reload on change with a last good store, healthz."""

from __future__ import annotations

import datetime as dt
import shutil
import time
from pathlib import Path

from click.testing import CliRunner

from permis2d.cli import cli
from permis2d.settings import Settings
from verifier.policy import Check, Reason, verify_text
from verifier.trust import TrustStore
from verifier.trust_live import TrustHolder, health, stale_crl

AT = dt.date(2025, 2, 1)
#: The test PKI's CRL (tests/vectors/build_test_pki.py) is due on 2035-06-01T00:00Z.
DUE = dt.date(2035, 6, 1)


def test_a_crl_counts_until_its_next_update_day(pki_store: TrustStore) -> None:
    assert stale_crl(pki_store, "FR0T", DUE) is None
    assert stale_crl(pki_store, "FR0T", DUE + dt.timedelta(days=1)) == dt.datetime(
        2035, 6, 1, tzinfo=dt.UTC)
    assert stale_crl(pki_store, "NONE", DUE + dt.timedelta(days=1)) is None


def test_stale_crl_fails_closed_with_its_own_reason(sign, pki_store: TrustStore) -> None:
    text = sign("T001")
    assert verify_text(text, pki_store, at=AT).valid
    late = verify_text(text, pki_store, at=AT, today=DUE + dt.timedelta(days=1))
    assert not late.valid and late.reasons == (Reason.CRL_STALE,)
    assert late.checks[Check.CERTIFICATE_NOT_REVOKED] is False
    assert "2035-06-01" in (late.failures[0].detail or "")


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_reload_after_files_change_and_settle(pki: Path, tmp_path: Path) -> None:
    folder = shutil.copytree(pki / "trust", tmp_path / "trust")
    clock = _Clock()
    holder = TrustHolder([folder], interval=10, settle=2, clock=clock)
    first = holder.current()
    (folder / "FR0T.crl.pem").unlink()  # the export is being rewritten
    clock.now = 5
    assert holder.current() is first  # not checked yet: at most every interval
    clock.now = 10
    assert holder.current() is first  # change seen once: wait for it to settle
    clock.now = 12
    second = holder.current()
    assert second is not first and not second.has_crl("FR0T")
    clock.now = 30
    assert holder.current() is second  # unchanged files: no reload


def test_a_failed_reload_keeps_the_last_good_store(pki: Path, tmp_path: Path) -> None:
    folder = shutil.copytree(pki / "trust", tmp_path / "trust")
    holder = TrustHolder([folder])
    good = holder.store
    for path in folder.rglob("*"):
        if path.is_file():
            path.write_bytes(b"garbage")
    assert holder.reload("test") is False
    assert holder.store is good and "nothing would be trusted" in (holder.reload_error or "")
    body, status = health(holder)
    assert status == 200 and body["trust_reload_error"] == holder.reload_error
    shutil.rmtree(folder)
    assert holder.reload("test") is False and holder.store is good


def test_health_is_degraded_when_nothing_is_trusted_or_a_crl_is_stale(pki_store: TrustStore
                                                                        ) -> None:
    body, status = health(TrustHolder((), TrustStore.empty()))
    assert status == 503 and body["status"] == "degraded" and body["certificates"] == 0
    late = TrustHolder((), pki_store, wall=lambda: dt.datetime(2035, 6, 2, tzinfo=dt.UTC))
    body, status = health(late)
    assert status == 503 and body["crls"] == [
        {"ca_id": "FR0T", "next_update": "2035-06-01T00:00:00+00:00", "stale": True}]
    body, status = health(TrustHolder((), pki_store))
    assert status == 200 and body["status"] == "ok" and "FR0T" in body["trusted_cas"]


def test_cli_repair_of_the_hostile_text_is_bounded(settings: Settings, pki: Path,
                                                   tmp_path: Path) -> None:
    """``permis2d verify --repair`` took 33 s on issue 10's text; the policy bounds it now."""
    path = tmp_path / "hostile.txt"
    path.write_text("DC04FR0TT00126682668AB01FR" + "42" * 100 + "A" * 300 + "\n")
    start = time.process_time()
    result = CliRunner().invoke(cli, ["verify", "--trust", str(pki / "trust"), "--repair",
                                      str(path)], obj=settings)
    assert time.process_time() - start < 2.5
    assert result.exit_code == 1 and "WEDGE_UNREPAIRABLE" in result.output
