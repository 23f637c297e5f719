"""The real verifier service under gunicorn on 127.0.0.1, with a test PKI and signed documents.

One server per test session: it trusts our test CA (``FR99``, exported with its CRL after one
certificate was revoked) and, when ../shared is present, the spec's certificates, so the
reference codes verify their signature. The documents are signed before the server starts.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from verifier_documents import adcs_text, make_pki

from permis2d.settings import Settings

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
    )
    trust = store.export_trust(base / "trust")
    return result, trust


def start_service(trust_paths: list[Path], data_dir: Path, log: Path,
                  workers: int = 2) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``python -m verifier.serve`` on a free port; return the process and base URL."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERMIS2D_")}
    env["PERMIS2D_DATA_DIR"] = str(data_dir)
    command = [sys.executable, "-m", "verifier.serve", "--host", "127.0.0.1", "--port", "0",
               "--workers", str(workers)]
    for path in trust_paths:
        command += ["--trust", str(path)]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=out,
                                   stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        match = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", log.read_text())
        if match:
            url = match.group(1)
            try:
                if requests.get(f"{url}/healthz", timeout=2).status_code == 200:
                    return process, url
            except requests.ConnectionError:
                pass
        if process.poll() is not None:
            break
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"the verifier did not start:\n{log.read_text()}")


def stop_service(process: subprocess.Popen[bytes]) -> None:
    """Stop the gunicorn master we started (it stops its workers)."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def service(texts: tuple[Texts, Path], tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[Service]:
    """The verifier under gunicorn, trusting our test CA (and the spec's certificates)."""
    _, trust = texts
    base = tmp_path_factory.mktemp("verifier-service")
    trust_paths = [trust] + ([SHARED_CERTS] if SHARED_CERTS.is_dir() else [])
    process, url = start_service(trust_paths, base / "data", base / "gunicorn.log")
    try:
        yield Service(url, base / "data", base / "gunicorn.log")
    finally:
        stop_service(process)


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
