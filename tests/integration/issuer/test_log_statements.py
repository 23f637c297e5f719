"""One issue, two short log transactions: the pending row committed before signing, then
``issued`` by a compare-and-set once the PDF is in place; the log is never read back."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event

from issuer import log
from issuer.kinds import DocumentKind
from issuer.service import STEPS, Issuer

ON = date(2026, 10, 31)
NOW = datetime(2026, 10, 31, 10, 5)
NEPH = "120375100001"


def test_issue_commits_the_id_before_signing_and_issued_after(issuer: Issuer,
                                                              tmp_path: Path) -> None:
    statements: list[str] = []
    commits: list[int] = []
    steps: list[tuple[str, int, int]] = []

    def on_execute(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    def on_commit(conn: Any) -> None:
        commits.append(len(statements))

    issuer.recover(now=NOW)  # the start-up recovery reads the log: done before counting
    issuer.checkpoint = lambda step: steps.append((step, len(statements), len(commits)))
    event.listen(issuer.engine, "before_cursor_execute", on_execute)
    event.listen(issuer.engine, "commit", on_commit)
    try:
        issued = issuer.issue(DocumentKind.ADCS, NEPH, on=ON, now=NOW, requested_by="test",
                              out_dir=tmp_path)
    finally:
        event.remove(issuer.engine, "before_cursor_execute", on_execute)
        event.remove(issuer.engine, "commit", on_commit)
    ours = [s for s in statements if "issuance_log" in s]
    assert len(ours) == 4
    assert ours[0].startswith("INSERT INTO issuance_log") and "RETURNING" in ours[0]
    assert all(s.startswith("UPDATE issuance_log") for s in ours[1:])
    assert "issuance_log.status = ?" in ours[3] and "status=?" in ours[3]
    # The allocation (INSERT, document id, file path) commits before the first step...
    assert statements[-4:-1] == ours[:3] and commits == [len(statements) - 1, len(statements)]
    assert [name for name, _, _ in steps] == list(STEPS)
    assert steps[0][2] == 1  # 'allocated': one commit done
    assert steps[-2][2] == 1 and steps[-1][2] == 2  # 'placed' before, 'logged' after the second
    with issuer.engine.connect() as connection:
        row = log.lookup(connection, issued.document_id)
    assert row is not None and row["status"] == log.ISSUED
    assert row["text_sha256"] == log.text_digest(issued.text)
    assert (row["pages"], row["expires_on"]) == (issued.pages, date(2027, 2, 28))
    assert row["id"] == int(issued.document_id)
    assert row["file_path"] == str(issued.path) and issued.path.stat().st_mode & 0o777 == 0o600
