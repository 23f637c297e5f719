"""``permis2d verify``: JSON lines in input order, exit codes 0/1/2, stdin, trust sources."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from permis2d.cli import cli
from permis2d.settings import Settings
from verifier.cli import read_input

AT = "2025-02-01"


def _run(settings: Settings, *args: str, stdin: bytes | None = None) -> tuple[int, list[dict]]:
    result = CliRunner().invoke(cli, ["verify", *args], obj=settings, input=stdin)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return result.exit_code, lines


def _write(tmp_path: Path, name: str, text: str, newline: bytes = b"\n") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode("latin-1") + newline)
    return str(path)


def test_all_shared_vectors_in_one_call(
    settings: Settings, vectors: list[dict[str, Any]], certs_dir: Path, tmp_path: Path
) -> None:
    files = [_write(tmp_path, f"{i:03d}.txt", e["raw"]) for i, e in enumerate(vectors)]
    code, lines = _run(settings, "--json", "--trust", str(certs_dir), "--at", "2026-05-01", *files)
    assert [line["input"] for line in lines] == files
    assert all(line["checks"]["parsed"] for line in lines)
    should = [e["signature_should_verify"] for e in vectors]
    assert sum(1 for s, line in zip(should, lines, strict=True)
               if s and line["checks"]["signature"] is True) == 141
    assert code == 1  # the FR00 codes are invalid (expired test certificate)


def test_exit_codes(settings: Settings, sign, pki: Path, tmp_path: Path) -> None:
    good = _write(tmp_path, "good.txt", sign("T001"))
    revoked = _write(tmp_path, "revoked.txt", sign("T002"))
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)))
    trust = ["--trust", str(pki / "trust"), "--at", AT, "--json"]
    assert _run(settings, *trust, good)[0] == 0
    code, lines = _run(settings, *trust, good, revoked)
    assert code == 1
    assert [line["valid"] for line in lines] == [True, False]
    assert lines[1]["reasons"][0]["code"] == "CERTIFICATE_REVOKED"
    code, lines = _run(settings, *trust, good, str(junk), revoked, str(tmp_path / "missing"))
    assert code == 2
    assert len(lines) == 4
    assert [line["reasons"][0]["code"] if line["reasons"] else None for line in lines] == [
        None, "NOT_2DDOC", "CERTIFICATE_REVOKED", "INPUT_UNREADABLE"]


def test_stdin_and_trailing_newline(settings: Settings, sign, pki: Path) -> None:
    text = sign("T001").encode("latin-1")
    for data in (text, text + b"\n", text + b"\r\n"):
        code, lines = _run(settings, "--trust", str(pki / "trust"), "--at", AT, "--json", "-",
                           stdin=data)
        assert code == 0, lines
        assert lines[0]["input"] == "-"
    code, _ = _run(settings, "--trust", str(pki / "trust"), "--at", AT, "--json", "-",
                   stdin=text + b"\n\n")
    # Only one newline is ignored: a second one breaks the signature zone of a readable
    # header, so the text is an invalid 2D-Doc (exit 1), not an unreadable input.
    assert code == 1


def test_trust_from_settings_and_fail_closed(settings: Settings, sign, pki: Path,
                                             tmp_path: Path) -> None:
    good = _write(tmp_path, "good.txt", sign("T001"))
    with_trust = Settings.from_env(
        {"PERMIS2D_DATA_DIR": str(tmp_path / "d"), "PERMIS2D_VERIFIER_TRUST": str(pki / "trust")}
    )
    assert _run(with_trust, "--at", AT, "--json", good)[0] == 0
    result = CliRunner().invoke(cli, ["verify", "--at", AT, "--json", good], obj=settings)
    assert result.exit_code == 1
    assert "trust store is empty" in result.stderr
    assert json.loads(result.stdout)["checks"]["certificate_known"] is False


def test_bad_trust_path_and_bad_date(settings: Settings, sign, tmp_path: Path) -> None:
    good = _write(tmp_path, "good.txt", sign("T001"))
    result = CliRunner().invoke(cli, ["verify", "--trust", str(tmp_path / "no"), good],
                                obj=settings)
    assert result.exit_code == 2
    assert "trust source not found" in result.stderr
    for bad in ("2025-02-30", "2025-2-1", "tomorrow"):
        result = CliRunner().invoke(cli, ["verify", "--at", bad, good], obj=settings)
        assert result.exit_code == 2, bad
        assert "Traceback" not in result.output


def test_human_report(settings: Settings, sign, pki: Path, tmp_path: Path) -> None:
    revoked = _write(tmp_path, "revoked.txt", sign("T002"))
    result = CliRunner().invoke(
        cli, ["verify", "--trust", str(pki / "trust"), "--at", AT, revoked], obj=settings)
    assert result.exit_code == 1
    assert f"{revoked}: INVALID" in result.stdout
    assert "[FAIL] certificate_not_revoked: CERTIFICATE_REVOKED" in result.stdout
    assert "[ok  ] signature" in result.stdout


def test_default_date_is_today(settings: Settings, sign, pki: Path, tmp_path: Path) -> None:
    # Signed "tomorrow": without --at the CLI reads today, so the dates are in the future.
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    text = _write(tmp_path, "t.txt", sign("T001", signed=tomorrow, emitted=tomorrow))
    code, lines = _run(settings, "--trust", str(pki / "trust"), "--json", text)
    assert lines[0]["checks"]["dates_not_in_future"] is False
    assert code == 1


def test_read_input_keeps_control_bytes(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(b"DC04\x1d\x1e\x1f\xe9\n")
    assert read_input(str(path)) == "DC04\x1d\x1e\x1f\u00e9"


def test_repair_flag(settings: Settings, sign, pki: Path, tmp_path: Path) -> None:
    wedged = "".join(c for c in sign("T001") if c not in "\x1d\x1e\x1f")
    path = _write(tmp_path, "wedged.txt", wedged)
    trust = ["--trust", str(pki / "trust"), "--at", AT, "--json"]
    code, lines = _run(settings, *trust, path)
    assert code == 1 and lines[0]["checks"]["parsed"] is False
    assert lines[0]["reasons"][0]["code"] == "SIGNATURE_MALFORMED"
    code, lines = _run(settings, *trust, "--repair", path)
    assert code == 0
    assert lines[0]["repaired"] is True and lines[0]["valid"] is True


def test_directory_and_huge_inputs_are_unreadable(settings: Settings, tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    huge.write_bytes(b"DC04" + b"A" * 100_000)
    code, lines = _run(settings, "--json", "--at", AT, str(tmp_path), str(huge))
    assert code == 2
    assert [line["reasons"][0]["code"] for line in lines] == ["INPUT_UNREADABLE"] * 2
    assert "not a 2D-Doc text" in lines[1]["reasons"][0]["detail"]


def test_fifo_and_device_are_refused_without_blocking(settings: Settings, tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)  # no writer: opening it for reading would block for ever
    code, lines = _run(settings, "--json", "--at", AT, str(fifo), "/dev/zero")
    assert code == 2
    assert [line["reasons"][0]["code"] for line in lines] == ["INPUT_UNREADABLE"] * 2
    assert "a FIFO, not a regular file" in lines[0]["reasons"][0]["detail"]
    assert "not a regular file" in lines[1]["reasons"][0]["detail"]


def test_image_input_is_scanned_and_wedged_text_suggests_repair(
        settings: Settings, sign, pki: Path, tmp_path: Path) -> None:
    from tests.support.symbols import render_datamatrix

    image = tmp_path / "code.png"
    render_datamatrix(sign("T001")).save(image)
    code, lines = _run(settings, "--trust", str(pki / "trust"), "--at", AT, "--json", str(image))
    assert code == 0 and lines[0]["valid"] is True
    wedged = _write(tmp_path, "wedged.txt",
                    "".join(c for c in sign("T001") if c not in "\x1d\x1e\x1f"))
    result = CliRunner().invoke(cli, ["verify", "--trust", str(pki / "trust"), "--at", AT, wedged],
                                obj=settings)
    assert result.exit_code == 1
    assert "--repair" in result.stdout


def test_a_crl_past_its_next_update_is_stale_whatever_the_date(settings: Settings,
                                                               tmp_path: Path) -> None:
    """The CLI judges CRL freshness on today's Paris date, like the service (issue 10)."""
    from tests.support.pki import make_test_pki
    from twoddoc import Header, encode

    now = dt.datetime.now(dt.UTC)
    store = make_test_pki(tmp_path / "keys", "FR95", now=now - dt.timedelta(days=45),
                          fresh_crl=False)  # its CRL was due 15 days ago
    active = store.active_signer()
    day = now.date() - dt.timedelta(days=2)
    header = Header(version=4, ca_id="FR95", cert_id=active.cert_id, emission_date=day,
                    signature_date=day, doc_type="00", perimeter="01", country="FR")
    text = _write(tmp_path, "t.txt",
                  encode(header, [("10", "M JEAN DUPONT"), ("24", "75001")], active.signer))
    trust = ["--trust", str(store.export_trust(tmp_path / "stale")), "--json"]
    # --at moves the document's date, not the CRL's: a stale list may miss a recent revocation.
    for at in ((), ("--at", day.isoformat())):
        code, lines = _run(settings, *trust, *at, text)
        assert code == 1 and lines[0]["valid"] is False
        assert [r["code"] for r in lines[0]["reasons"]] == ["CRL_STALE"]
        assert lines[0]["checks"]["certificate_not_revoked"] is False
    result = CliRunner().invoke(cli, ["verify", *trust[:2], text], obj=settings)
    assert result.exit_code == 1
    assert "[FAIL] certificate_not_revoked: CRL_STALE" in result.stdout
    assert store.refresh_crl(now=now) is True
    fresh = ["--trust", str(store.export_trust(tmp_path / "fresh")), "--json"]
    assert _run(settings, *fresh, text)[0] == 0


def test_repair_given_is_not_advised_again(settings: Settings, pki: Path, tmp_path: Path) -> None:
    """Issue 10's hostile text with ``--repair``: the answer is the budget, not "retry with it"."""
    hostile = _write(tmp_path, "hostile.txt", "DC04FR00000126682668AB01FR" + "42" * 100 + "A" * 300)
    result = CliRunner().invoke(cli, ["verify", "--trust", str(pki / "trust"), "--at", AT,
                                      "--repair", hostile], obj=settings)
    assert result.exit_code == 1
    assert "WEDGE_UNREPAIRABLE" in result.stdout
    assert "retry with --repair" not in result.stdout
