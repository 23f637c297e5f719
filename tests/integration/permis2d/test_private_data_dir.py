"""The data dir is private (issue 10, item 7): folders 0700, every file 0600, after real use.

``permis2d demo --no-serve`` (what ``make run`` prepares) then the commands an operator runs:
the SQLite registry and its WAL/SHM, the keys, the generated secrets, the issued PDFs, the
exported trust folder and the quarantine all end up readable by their owner only.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from click.testing import CliRunner

from permis2d.cli import cli
from permis2d.settings import Settings


def _modes(root: Path) -> dict[str, int]:
    modes = {".": root.stat().st_mode & 0o777}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            modes[str(path.relative_to(root))] = path.stat().st_mode & 0o777
    return modes


def test_every_file_in_the_data_dir_is_private(tmp_path: Path) -> None:
    settings = Settings.from_env({"PERMIS2D_DATA_DIR": str(tmp_path / "data")})  # generated pass
    runner = CliRunner()
    demo = runner.invoke(cli, ["demo", "--no-serve"], obj=settings)
    assert demo.exit_code == 0, demo.output
    # make run says where the passphrase is, and it is not beside the keys.
    assert f"passphrase from {tmp_path / 'data' / 'secrets' / 'key-passphrase'}" in demo.output
    listing = runner.invoke(cli, ["registry", "list", "--json"], obj=settings)
    neph = json.loads(listing.output)["drivers"][0]["neph"]
    for args in (["issue", "rii", "--neph", neph], ["issue", "--repair-log"],
                 ["keys", "rotate"], ["keys", "export-trust", str(settings.trust_dir)]):
        result = runner.invoke(cli, args, obj=settings)
        assert result.exit_code == 0, (args, result.output)
    (settings.issued_dir / ".rir-0000000042.pdf.4242.tmp").write_bytes(b"%PDF")  # legacy crash
    os.chmod(settings.issued_dir / ".rir-0000000042.pdf.4242.tmp", 0o644)
    assert runner.invoke(cli, ["issue", "--repair-log"], obj=settings).exit_code == 0
    modes = _modes(settings.data_dir)
    names = set(modes)
    assert {"registry.sqlite3", "keys/ca.key.p12", "secrets/key-passphrase",
            "trust/FR00.crl.pem", "quarantine"} <= names
    assert any(n.startswith("issued/adcs-") for n in names)
    assert any(n.startswith("issued/rii-") for n in names)
    folders = {n for n in names if (settings.data_dir / n).is_dir()}
    assert {n: m for n, m in modes.items() if n in folders and m != 0o700} == {}
    assert {n: m for n, m in modes.items() if n not in folders and m != 0o600} == {}


def test_an_existing_registry_file_is_tightened(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    os.chmod(data, 0o755)
    (data / "registry.sqlite3").touch(mode=0o644)
    os.chmod(data / "registry.sqlite3", 0o644)
    settings = Settings.from_env({"PERMIS2D_DATA_DIR": str(data), "PERMIS2D_KEY_PASSPHRASE": "x"})
    assert CliRunner().invoke(cli, ["keys", "init"], obj=settings).exit_code == 0
    assert CliRunner().invoke(cli, ["issue", "--repair-log"], obj=settings).exit_code == 0
    assert data.stat().st_mode & 0o777 == 0o700
    assert (data / "registry.sqlite3").stat().st_mode & 0o777 == 0o600


def test_sqlite_wal_and_shm_files_are_private(tmp_path: Path) -> None:
    from sqlalchemy import text

    from registry.db import make_engine

    database = tmp_path / "data" / "registry.sqlite3"
    engine = make_engine(f"sqlite:///{database}")
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (x INTEGER)"))
            connection.execute(text("INSERT INTO t VALUES (1)"))
        with engine.connect() as connection:  # held open: the WAL and its index exist
            connection.execute(text("SELECT x FROM t")).all()
            files = {p.name: p.stat().st_mode & 0o777 for p in database.parent.iterdir()}
    finally:
        engine.dispose()
    assert files == {"registry.sqlite3": 0o600, "registry.sqlite3-wal": 0o600,
                     "registry.sqlite3-shm": 0o600}
    assert database.parent.stat().st_mode & 0o777 == 0o700
