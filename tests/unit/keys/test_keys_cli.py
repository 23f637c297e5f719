"""``permis2d keys`` through click's CliRunner, on a temporary data dir."""

from __future__ import annotations

import json

from click.testing import CliRunner

from permis2d.cli import cli


def _run(settings, *args):
    return CliRunner().invoke(cli, list(args), obj=settings, catch_exceptions=False)


def test_keys_lifecycle_through_the_cli(settings, tmp_path):
    result = _run(settings, "keys", "init")
    assert result.exit_code == 0, result.output
    assert "FR00" in result.output and "P2D1" in result.output
    assert _run(settings, "keys", "rotate").exit_code == 0
    revoke = _run(settings, "keys", "revoke", "P2D1", "--reason", "superseded")
    assert revoke.exit_code == 0 and "CRL" in revoke.output
    listing = json.loads(_run(settings, "keys", "list", "--json").output)
    assert [(c["cert_id"], c["status"]) for c in listing["certificates"]] == [
        ("P2D1", "revoked"), ("P2D2", "active")]
    out = tmp_path / "trust"
    assert _run(settings, "keys", "export-trust", str(out)).exit_code == 0
    assert (out / "FR00.pem").exists() and (out / "FR00.crl.pem").exists()


def test_passphrase_is_never_printed(settings):
    output = _run(settings, "keys", "init").output + _run(settings, "keys", "list").output
    assert "test-passphrase" not in output


def test_generated_passphrase_file_is_0600(tmp_path):
    from permis2d.settings import Settings

    settings = Settings.from_env({"PERMIS2D_DATA_DIR": str(tmp_path)})
    assert _run(settings, "keys", "init").exit_code == 0
    path = tmp_path / "secrets" / "key-passphrase"  # apart from the keys it protects
    assert path.stat().st_mode & 0o777 == 0o600
    assert not (tmp_path / "keys" / "passphrase").exists()


def test_errors_are_one_line_and_nonzero(settings):
    result = CliRunner().invoke(cli, ["keys", "rotate"], obj=settings)
    assert result.exit_code == 1
    assert "keys init" in result.output and "Traceback" not in result.output
    _run(settings, "keys", "init")
    again = CliRunner().invoke(cli, ["keys", "init"], obj=settings)
    assert again.exit_code == 1 and "already exists" in again.output
    bad = CliRunner().invoke(cli, ["keys", "revoke", "bad!"], obj=settings)
    assert bad.exit_code == 2 and "A-Z" in bad.output
    assert _run(settings, "keys", "init", "--if-missing").exit_code == 0
