"""Key protection by default (issue 10, item 7): strong KDF, passphrase apart, old keys still open.

The iteration count is read from the key file's DER itself: the PBKDF2 parameters follow the
PBKDF2 algorithm identifier (RFC 8018 §A.2: ``SEQUENCE { salt OCTET STRING, iterationCount
INTEGER, ... }``), so the test fails if the store ever writes a weaker key again.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization

from keys import KeyStore
from keys.keyfile import KDF_ROUNDS, read_key
from permis2d.cli import cli
from permis2d.settings import Settings, SettingsError

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
PBKDF2_OID = bytes.fromhex("06092a864886f70d01050c")  # 1.2.840.113549.1.5.12


def _pbkdf2_iterations(der: bytes) -> int:
    at = der.index(PBKDF2_OID) + len(PBKDF2_OID)
    assert der[at] == 0x30 and der[at + 2] == 0x04  # SEQUENCE, then the salt OCTET STRING
    at += 4 + der[at + 3]
    assert der[at] == 0x02  # INTEGER iterationCount
    return int.from_bytes(der[at + 2:at + 2 + der[at + 1]], "big")


def test_keys_are_pbkdf2_with_600000_iterations(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "keys", b"correct horse")
    store.init(now=NOW)
    for path in [store.directory / "ca.key.p12", store.directory / "certs" / "P2D1.key.p12"]:
        assert _pbkdf2_iterations(path.read_bytes()) == KDF_ROUNDS >= 600_000


def _to_legacy(store: KeyStore, stem: Path) -> None:
    """Rewrite a key as an earlier release did: PKCS#8 PEM, BestAvailableEncryption."""
    key = read_key(stem.with_name(stem.name + ".key.p12"), b"correct horse")
    stem.with_name(stem.name + ".key.p12").unlink()
    stem.with_name(stem.name + ".key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"correct horse")))


def test_keys_of_an_earlier_release_load_and_rewrap(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "keys", b"correct horse")
    store.init(now=NOW)
    before = store.active_signer().certificate
    _to_legacy(store, store.directory / "ca")
    _to_legacy(store, store.directory / "certs" / "P2D1")
    old = KeyStore(tmp_path / "keys", b"correct horse")
    assert old.active_signer().certificate == before  # the legacy leaf key opens
    old.rotate(now=NOW)  # the legacy CA key opens and signs a new certificate
    assert old.rewrap() == ["ca.key.pem", "certs/P2D1.key.pem"]
    assert sorted(p.name for p in store.directory.rglob("*.key.*")) == [
        "P2D1.key.p12", "P2D2.key.p12", "ca.key.p12"]
    assert KeyStore(tmp_path / "keys", b"correct horse").rewrap() == []
    fresh = KeyStore(tmp_path / "keys", b"correct horse")
    assert fresh.active_signer().signer.sign(b"x")


def test_generated_passphrase_lives_outside_the_key_folder(tmp_path: Path) -> None:
    settings = Settings.from_env({"PERMIS2D_DATA_DIR": str(tmp_path / "data")})
    secret = settings.passphrase()
    assert settings.passphrase_path == tmp_path / "data" / "secrets" / "key-passphrase"
    assert not settings.passphrase_path.is_relative_to(settings.keys_dir)
    assert settings.passphrase_path.stat().st_mode & 0o777 == 0o600
    assert settings.passphrase_path.parent.stat().st_mode & 0o777 == 0o700
    assert settings.passphrase_source() == str(settings.passphrase_path)
    assert secret.decode() not in settings.passphrase_source()
    elsewhere = Settings.from_env({"PERMIS2D_DATA_DIR": str(tmp_path / "data"),
                                   "PERMIS2D_KEY_PASSPHRASE_FILE": str(tmp_path / "vault" / "p")})
    assert elsewhere.passphrase() != secret and (tmp_path / "vault" / "p").exists()


def test_a_passphrase_beside_the_keys_is_moved_and_still_opens_them(tmp_path: Path) -> None:
    settings = Settings.from_env({"PERMIS2D_DATA_DIR": str(tmp_path)})
    legacy = tmp_path / "keys" / "passphrase"
    legacy.parent.mkdir(parents=True)
    legacy.write_text("an-older-release-generated-this\n")
    KeyStore(settings.keys_dir, b"an-older-release-generated-this").init(now=NOW)
    assert KeyStore.open(settings).active_signer().cert_id == "P2D1"
    assert not legacy.exists()
    assert settings.passphrase_path.read_text().strip() == "an-older-release-generated-this"


def test_empty_passphrase_variable_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as info:
        Settings.from_env({"PERMIS2D_DATA_DIR": str(tmp_path), "PERMIS2D_KEY_PASSPHRASE": ""})
    assert info.value.variable == "PERMIS2D_KEY_PASSPHRASE"
    assert "empty" in str(info.value)
    assert not (tmp_path / "secrets").exists()  # no silent fall-back to the generated file


def test_empty_passphrase_variable_through_the_cli(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["keys", "list"], env={
        "PERMIS2D_DATA_DIR": str(tmp_path), "PERMIS2D_KEY_PASSPHRASE": ""})
    assert result.exit_code != 0
    assert "PERMIS2D_KEY_PASSPHRASE" in result.output and "Traceback" not in result.output


def test_a_lost_passphrase_file_is_not_silently_replaced(tmp_path: Path) -> None:
    settings = Settings.from_env({"PERMIS2D_DATA_DIR": str(tmp_path)})
    KeyStore.open(settings).init(now=NOW)
    settings.passphrase_path.unlink()
    with pytest.raises(SettingsError) as info:
        settings.passphrase()
    assert info.value.variable == "PERMIS2D_KEY_PASSPHRASE_FILE" and "missing" in str(info.value)
    assert not settings.passphrase_path.exists()
    for args in (["keys", "list"], ["issue", "adcs", "--neph", "120375100001"]):
        result = CliRunner().invoke(cli, args, obj=settings)
        assert result.exit_code == 1 and "PERMIS2D_KEY_PASSPHRASE_FILE" in result.output, args
