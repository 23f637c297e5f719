"""One issue, one short log transaction: an INSERT and an UPDATE by key, one commit, no reads."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import event

from issuer import log
from issuer.kinds import DocumentKind
from issuer.service import Issuer

ON = date(2026, 10, 31)
NOW = datetime(2026, 10, 31, 10, 5)
NEPH = "120375100001"


def test_issue_writes_the_log_with_two_statements_and_one_commit(issuer: Issuer) -> None:
    statements: list[str] = []
    commits: list[int] = []

    def on_execute(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    def on_commit(conn: Any) -> None:
        commits.append(len(statements))

    event.listen(issuer.engine, "before_cursor_execute", on_execute)
    event.listen(issuer.engine, "commit", on_commit)
    try:
        issued = issuer.issue(DocumentKind.ADCS, NEPH, on=ON, now=NOW, requested_by="test")
    finally:
        event.remove(issuer.engine, "before_cursor_execute", on_execute)
        event.remove(issuer.engine, "commit", on_commit)
    ours = [s for s in statements if "issuance_log" in s]
    assert len(ours) == 2
    assert ours[0].startswith("INSERT INTO issuance_log") and "RETURNING" in ours[0]
    assert ours[1].startswith("UPDATE issuance_log") and ours[1].endswith("issuance_log.id = ?")
    # The log statements are the last ones, followed by the one commit of the write transaction.
    assert statements[-2:] == ours and commits == [len(statements)]
    with issuer.engine.connect() as connection:
        row = log.lookup(connection, issued.document_id)
    assert row is not None
    assert row["text_sha256"] == log.text_digest(issued.text)
    assert (row["pages"], row["expires_on"]) == (issued.pages, date(2027, 2, 28))
    assert row["id"] == int(issued.document_id)
