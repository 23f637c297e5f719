"""A throw-away PKI for tests and benchmarks (never in the product: fixed passphrase)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from keys.store import KeyStore

__all__ = ["TEST_PASSPHRASE", "make_test_pki"]

TEST_PASSPHRASE = b"permis2d-test-only"


def make_test_pki(
    directory: Path,
    ca_id: str = "FR00",
    *,
    now: dt.datetime | None = None,
    curve: str = "P-256",
) -> KeyStore:
    """Create a CA and an active signing certificate under ``directory`` and return the store.

    ``now`` defaults to a fixed instant far enough in the past that documents dated today are
    inside the certificates' validity. The CRL is re-signed today, so that it is not stale.
    """
    store = KeyStore(Path(directory), TEST_PASSPHRASE, ca_id=ca_id)
    store.init(now=now or dt.datetime.now(dt.UTC) - dt.timedelta(days=1), curve=curve)
    # A PKI built at a date in the past still publishes a CRL valid today: verifiers refuse a
    # CRL past its nextUpdate (CRL_STALE), and a test means "revoked or not", not "stale".
    store.refresh_crl(now=max(now or dt.datetime.now(dt.UTC), dt.datetime.now(dt.UTC)))
    return store
