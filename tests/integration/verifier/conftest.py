"""The real verifier service under gunicorn on 127.0.0.1, with a test PKI and signed documents.

One server per test session: it trusts our test CA (``FR99``, exported with its CRL after one
certificate was revoked) and, when ../shared is present, the spec's certificates, so the
reference codes verify their signature. The documents are signed before the server starts.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from verifier_documents import adcs_text, issuer_pdf, make_pki

from permis2d.settings import Settings
from verifier.serve import spawn_verifier, stop_verifier

REPO_ROOT = Path(__file__).resolve().parents[3]
SHARED_CERTS = REPO_ROOT.parent / "shared" / "vectors" / "2ddoc" / "certs"


@dataclass(frozen=True)
class Texts:
    """Signed texts for each situation the tests need."""

    valid_adcs: str
    valid_rir: str
    expired_adcs: str
    revoked_after_issuance: str
    unknown_ca: str
    issuer_pdfs: dict[str, tuple[str, bytes]]


@dataclass(frozen=True)
class Service:
    """A running verifier: its base URL, data dir (audit log) and log file."""

    url: str
    data_dir: Path
    log: Path

    def verify(self, **kwargs: object) -> requests.Response:
        """POST /api/v1/verify with ``requests`` keyword arguments (json=, files=, data=)."""
        return requests.post(f"{self.url}/api/v1/verify", timeout=30, **kwargs)


@pytest.fixture(scope="session")
def texts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Texts, Path]:
    """Sign the documents, revoke one certificate, and export the trust folder."""
    base = tmp_path_factory.mktemp("verifier-pki")
    today = dt.date.today()
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=200)
    store = make_pki(base / "keys", "FR99", now=start)
    revoked = adcs_text(store, issued=today - dt.timedelta(days=10), document_id="ADCSREVOKED1")
    old_cert = store.active_signer().cert_id
    store.rotate(now=start + dt.timedelta(hours=1))
    store.revoke(old_cert, now=dt.datetime.now(dt.UTC) - dt.timedelta(days=1),
                 reason="key-compromise")
    stranger = make_pki(base / "stranger", "FR98")
    result = Texts(
        valid_adcs=adcs_text(store, issued=today - dt.timedelta(days=3)),
        valid_rir=adcs_text(store, issued=today - dt.timedelta(days=3), kind="RIR"),
        expired_adcs=adcs_text(store, issued=today - dt.timedelta(days=150),
                               document_id="ADCSEXPIRED1"),
        revoked_after_issuance=revoked,
        unknown_ca=adcs_text(stranger, issued=today - dt.timedelta(days=3)),
        issuer_pdfs={kind: issuer_pdf(store, kind=kind, issued=today - dt.timedelta(days=1),
                                      document_id=f"{kind.upper()}00000077")
                     for kind in ("adcs", "rir", "rii")},
    )
    trust = store.export_trust(base / "trust")
    return result, trust


@pytest.fixture(scope="session")
def service(texts: tuple[Texts, Path], tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[Service]:
    """The verifier under gunicorn, trusting our test CA (and the spec's certificates)."""
    _, trust = texts
    base = tmp_path_factory.mktemp("verifier-service")
    trust_paths = [trust] + ([SHARED_CERTS] if SHARED_CERTS.is_dir() else [])
    process, url = spawn_verifier(trust_paths, base / "data", base / "gunicorn.log")
    try:
        yield Service(url, base / "data", base / "gunicorn.log")
    finally:
        stop_verifier(process)


@pytest.fixture(scope="session")
def openapi(service: Service) -> dict:
    """The service's own OpenAPI document."""
    return requests.get(f"{service.url}/openapi.json", timeout=10).json()


@pytest.fixture
def settings_for(tmp_path: Path) -> Settings:
    """Settings on a fresh data dir for in-process apps."""
    return Settings.from_env({"PERMIS2D_DATA_DIR": str(tmp_path / "data")})


def shared_vectors(shared_dir: Path) -> list[dict]:
    """The shared 2D-Doc vectors (read in place)."""
    return json.loads((shared_dir / "vectors/2ddoc/vectors.json").read_text())
