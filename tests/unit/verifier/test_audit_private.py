"""The verifier's audit log keeps the data dir private even when it creates it (issue 10)."""

from __future__ import annotations

import stat
from pathlib import Path

from verifier.web.audit import AuditLog


def test_a_missing_data_dir_is_created_0700(tmp_path: Path) -> None:
    data = tmp_path / "fresh" / "data"
    AuditLog(data / "audit" / "verifier.jsonl").write({"valid": False})
    for folder in (tmp_path / "fresh", data, data / "audit"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    assert stat.S_IMODE((data / "audit" / "verifier.jsonl").stat().st_mode) == 0o600
