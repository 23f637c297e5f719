"""Settings: defaults under the data dir, parsed values, unknown and bad variables refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from permis2d.settings import Settings, SettingsError


def test_defaults_live_under_the_data_dir(tmp_path):
    s = Settings.from_env({"PERMIS2D_DATA_DIR": str(tmp_path)})
    assert s.database_url == f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    assert s.keys_dir == tmp_path / "keys" and s.ca_id == "FR00"


def test_default_data_dir_follows_xdg(tmp_path):
    s = Settings.from_env({"XDG_DATA_HOME": str(tmp_path)})
    assert s.data_dir == tmp_path / "permis2d"


def test_unknown_permis2d_variable_is_refused_by_name():
    with pytest.raises(SettingsError) as info:
        Settings.from_env({"PERMIS2D_DATA_DIRR": "/x"})
    assert info.value.variable == "PERMIS2D_DATA_DIRR"


@pytest.mark.parametrize(("name", "value"), [
    ("PERMIS2D_CA_ID", "fr00"), ("PERMIS2D_CA_ID", "FR000"), ("PERMIS2D_VERIFIER_PORT", "x"),
    ("PERMIS2D_VERIFIER_PORT", "70000")])
def test_bad_values_are_refused_naming_the_variable(name, value):
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})


def test_trust_paths_split_on_pathsep():
    s = Settings.from_env({"PERMIS2D_VERIFIER_TRUST": "/a:/b"})
    assert s.verifier_trust == (Path("/a"), Path("/b"))


def test_passphrase_is_generated_once_and_hidden_from_repr(tmp_path):
    s = Settings.from_env({"PERMIS2D_DATA_DIR": str(tmp_path)})
    first = s.passphrase()
    assert first == s.passphrase() and len(first) >= 32
    t = Settings.from_env({"PERMIS2D_DATA_DIR": str(tmp_path), "PERMIS2D_KEY_PASSPHRASE": "pw"})
    assert t.passphrase() == b"pw" and "pw" not in repr(t).replace("PERMIS2D", "")
