"""The log's finish step: it completes a pending row and refuses one it cannot find."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from issuer import log
from permis2d.settings import Settings
from registry.db import make_engine, upgrade_schema

VALUES = dict(kind="adcs", neph="120375100001", ca_id="FR00", cert_id="0001",
              issued_on=date(2024, 2, 29), expires_on=None, pages=1, requested_by="t",
              created_at=datetime(2024, 2, 29, 23, 59))


def test_finish_sets_the_document_id_and_refuses_an_unknown_row(settings: Settings) -> None:
    url = settings.database_url or ""
    upgrade_schema(url)
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            document_id = log.allocate(connection, **VALUES)  # type: ignore[arg-type]
            assert log.lookup(connection, document_id)["status"] == log.PENDING  # type: ignore[index]
            log.finish(connection, document_id, text="DC04\x1dA", expires_on=date(2024, 6, 29),
                       pages=1)
            row = log.lookup(connection, document_id)
            with pytest.raises(log.LogStateError):
                log.finish(connection, log.document_id_for(int(document_id) + 1), text="x",
                           expires_on=None, pages=1)
            with pytest.raises(ValueError):
                log.finish(connection, "12", text="x", expires_on=None, pages=1)
    finally:
        engine.dispose()
    assert row is not None
    assert row["document_id"] == document_id == log.document_id_for(row["id"])
    assert row["expires_on"] == date(2024, 6, 29)
    assert row["issued_on"] == date(2024, 2, 29)
