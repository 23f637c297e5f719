"""Issue 10 (and 9, items 7 and 10) on a running service: each fault reproduced, then survived.

Revocation learnt without a restart (SIGHUP, then by itself), a stale CRL, stalled connections,
an 11 MB upload from a client that does not wait (urllib), nested JSON, the hostile wedged
text, 405 with ``Allow``, audit records of forged codes, HTTPS, and an empty trust store.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from verifier_documents import adcs_text, make_pki

from keys.store import KeyStore
from tests.support.pki import TEST_PASSPHRASE
from twoddoc import decode
from twoddoc.base32 import b32encode
from verifier.serve import spawn_verifier, stop_verifier

TODAY = dt.date.today()
HOSTILE_TAIL = "42" * 100 + "A" * 300


@dataclass
class Live:
    """A running service on a trust folder exported from ``store``."""

    url: str
    process: subprocess.Popen[bytes]
    store: KeyStore
    trust: Path
    data_dir: Path
    log: Path

    def verify(self, text: str, **params: str) -> dict:
        answer = requests.post(f"{self.url}/api/v1/verify", json={"text": text, **params},
                               timeout=30)
        assert answer.status_code == 200, answer.text
        return answer.json()


def _codes(body: dict) -> list[str]:
    return [reason["code"] for reason in body["reasons"]]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    base = tmp_path_factory.mktemp("reliability")
    store = make_pki(base / "keys", "FR97")
    trust = store.export_trust(base / "trust")
    process, url = spawn_verifier([trust], base / "data", base / "gunicorn.log",
                                  extra_args=["--trust-check-seconds", "1"])
    try:
        yield Live(url, process, store, trust, base / "data", base / "gunicorn.log")
    finally:
        stop_verifier(process)


def _until(check: object, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.25)
    raise AssertionError("condition not met in time")


def test_revocation_reaches_a_running_service(live: Live) -> None:
    """Revoke, export, SIGHUP: the revoked certificate's codes fail, the new one's verify."""
    now = dt.datetime.now(dt.UTC)
    first = adcs_text(live.store, issued=TODAY - dt.timedelta(days=2), document_id="ADCSFIRST001")
    assert live.verify(first)["valid"] is True
    old = live.store.active_signer().cert_id
    live.store.revoke(old, now=now, reason="key-compromise")  # rotates to a fresh certificate
    fresh = adcs_text(live.store, issued=TODAY, document_id="ADCSFRESH001")
    assert "CERTIFICATE_UNKNOWN" in _codes(live.verify(fresh))
    live.store.export_trust(live.trust)
    os.kill(live.process.pid, signal.SIGHUP)
    _until(lambda: "CERTIFICATE_REVOKED" in _codes(live.verify(first)))
    assert live.verify(fresh)["valid"] is True
    assert "trust store reloaded (SIGHUP)" in live.log.read_text()


def test_changed_trust_files_reload_by_themselves(live: Live) -> None:
    """No signal: each worker notices the new files (every second here, 60 s by default)."""
    rotated = live.store.rotate(now=dt.datetime.now(dt.UTC))
    text = adcs_text(live.store, issued=TODAY, document_id="ADCSROTATE01")
    assert rotated.cert_id == live.store.active_signer().cert_id
    live.store.export_trust(live.trust)
    # Each request may reach another worker, and a worker reloads once the change it saw has
    # settled (2 s): every one of them must have reloaded.
    _until(lambda: all(live.verify(text)["valid"] for _ in range(6)))
    time.sleep(3)
    assert all(live.verify(text)["valid"] for _ in range(10))


def test_a_broken_reload_keeps_the_last_good_store(live: Live) -> None:
    text = adcs_text(live.store, issued=TODAY, document_id="ADCSBROKEN01")
    _until(lambda: all(live.verify(text)["valid"] for _ in range(6)))
    for path in live.trust.iterdir():
        path.write_bytes(b"not a certificate")
    os.kill(live.process.pid, signal.SIGHUP)
    _until(lambda: requests.get(f"{live.url}/healthz", timeout=10).json()
           .get("trust_reload_error") is not None)
    assert live.verify(text)["valid"] is True  # still the last good store
    assert "failed, keeping the store loaded at" in live.log.read_text()
    live.store.export_trust(live.trust)
    os.kill(live.process.pid, signal.SIGHUP)
    _until(lambda: requests.get(f"{live.url}/healthz", timeout=10).json()
           .get("trust_reload_error") is None)


def test_healthz_reports_what_is_trusted(live: Live) -> None:
    health = requests.get(f"{live.url}/healthz", timeout=10)
    assert health.status_code == 200
    body = health.json()
    assert body["status"] == "ok" and body["trusted_cas"] == ["FR97"]
    assert body["certificates"] >= 1
    assert body["crls"][0]["ca_id"] == "FR97" and body["crls"][0]["stale"] is False
    assert dt.datetime.fromisoformat(body["crls"][0]["next_update"]) > dt.datetime.now(dt.UTC)


def test_two_stalled_connections_do_not_hold_a_request(live: Live) -> None:
    host, port = live.url.removeprefix("http://").split(":")
    stalled = []
    for _ in range(2):
        conn = socket.create_connection((host, int(port)))
        conn.sendall(b"POST /api/v1/verify HTTP/1.1\r\nHost: x\r\nContent-Type: "
                     b"application/json\r\nContent-Length: 1000\r\n\r\n{\"text\":")
        stalled.append(conn)
    conn = socket.create_connection((host, int(port)))
    conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # headers never finished
    stalled.append(conn)
    try:
        time.sleep(0.5)
        start = time.monotonic()
        answer = requests.get(f"{live.url}/healthz", timeout=30)
        assert answer.status_code == 200
        assert time.monotonic() - start < 2.0
    finally:
        for conn in stalled:
            conn.close()


def test_upload_over_the_limit_reaches_urllib(live: Live) -> None:
    """urllib sends its whole body without ``Expect: 100-continue``: it still reads the 413."""
    body = b"\x89PNG\r\n\x1a\n" + bytes(11 * 1024 * 1024)
    request = urllib.request.Request(f"{live.url}/api/v1/verify", data=body, method="POST",
                                     headers={"Content-Type": "image/png"})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=30)
    assert caught.value.code == 413
    error = json.loads(caught.value.read())
    assert error["valid"] is False and error["error"]["code"] == "request_entity_too_large"


def test_deeply_nested_json_is_a_400(live: Live) -> None:
    for depth in (100_000, 50):
        answer = requests.post(f"{live.url}/api/v1/verify", data="[" * depth + "]" * depth,
                               headers={"Content-Type": "application/json"}, timeout=30)
        assert answer.status_code == 400, answer.text
        assert answer.json()["error"]["code"] == "bad_json"


def test_hostile_wedged_text_is_answered_quickly(live: Live) -> None:
    signer = live.store.active_signer()
    header = f"DC04{signer.ca_id}{signer.cert_id}26682668AB01FR"
    live.verify(header + HOSTILE_TAIL)  # after the SIGHUPs above: the workers' pools warm up
    for text in (header + HOSTILE_TAIL, (header + HOSTILE_TAIL).ljust(4096, "A")):
        start = time.monotonic()
        body = live.verify(text)
        assert time.monotonic() - start < 5
        assert _codes(body) == ["WEDGE_UNREPAIRABLE"]


def test_every_405_says_what_is_allowed(live: Live) -> None:
    for method, path in (("PUT", "/api/v1/verify"), ("DELETE", "/healthz"),
                         ("POST", "/openapi.json")):
        answer = requests.request(method, f"{live.url}{path}", timeout=10)
        assert answer.status_code == 405
        assert answer.headers["Allow"], path
        assert answer.json()["error"]["code"] == "method_not_allowed"


def _high_s_twin(text: str) -> str:
    """The same code with its ECDSA signature (r, s) replaced by (r, n - s)."""
    order = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
    doc = decode(text, strict=False)
    sig = doc.signature
    twin = sig[:32] + (order - int.from_bytes(sig[32:], "big")).to_bytes(32, "big")
    start = doc.signature_position
    return text[:start] + b32encode(twin) + text[start + len(b32encode(sig)):]


def test_audit_trusts_only_verified_codes(live: Live) -> None:
    text = adcs_text(live.store, issued=TODAY, document_id="ADCSAUDIT001")
    forged = text.replace("ADCSAUDIT001", "123456789012")  # a NEPH planted in DI 01
    twin = _high_s_twin(text)
    assert live.verify(text)["valid"] is True
    assert live.verify(twin)["valid"] is True  # ECDSA's twin verifies: the hash must not split
    assert "SIGNATURE_INVALID" in _codes(live.verify(forged))
    records = [json.loads(line) for line in
               (live.data_dir / "audit" / "verifier.jsonl").read_text().splitlines()]
    genuine = [r for r in records if r["document_id"] == "ADCSAUDIT001"]
    assert len(genuine) == 2 and genuine[0]["kind"] == "APC" and genuine[0]["doc_type"] == "AB"
    assert genuine[0]["text_sha256"] == genuine[1]["text_sha256"]
    assert not [r for r in records if r["document_id"] == "123456789012"]
    refused = [r for r in records if "SIGNATURE_INVALID" in r["reasons"]]
    assert refused and refused[-1]["kind"] is None and refused[-1]["doc_type"] is None


def _self_signed(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    here = x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(here, critical=False).sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "tls.pem", directory / "tls.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_stale_crl_over_https(tmp_path: Path) -> None:
    """A CRL past its nextUpdate: healthz 503 degraded, verify CRL_STALE; served over TLS."""
    # Built by hand: make_pki re-signs its CRL today, and this test needs it stale.
    store = KeyStore(tmp_path / "keys", TEST_PASSPHRASE, ca_id="FR96")
    store.init(now=dt.datetime.now(dt.UTC) - dt.timedelta(days=45))  # CRL due 15 days ago
    text = adcs_text(store, issued=TODAY - dt.timedelta(days=1))
    trust = store.export_trust(tmp_path / "trust")
    cert, key = _self_signed(tmp_path)
    process, url = spawn_verifier([trust], tmp_path / "data", tmp_path / "log", workers=1,
                                  extra_args=["--certfile", str(cert), "--keyfile", str(key)])
    try:
        assert url.startswith("https://")
        health = requests.get(f"{url}/healthz", timeout=10, verify=str(cert))
        assert health.status_code == 503
        assert health.json()["status"] == "degraded" and health.json()["crls"][0]["stale"]
        body = requests.post(f"{url}/api/v1/verify", json={"text": text, "purpose": "police"},
                             timeout=30, verify=str(cert)).json()
        assert body["valid"] is False and _codes(body) == ["CRL_STALE"], body
        assert body["checks"]["certificate_not_revoked"] is False
    finally:
        stop_verifier(process)
    assert store.refresh_crl(now=dt.datetime.now(dt.UTC)) is True  # what `make run` does
    assert store.refresh_crl(now=dt.datetime.now(dt.UTC)) is False


def test_empty_trust_store_is_refused_unless_allowed(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERMIS2D_")}
    env["PERMIS2D_DATA_DIR"] = str(tmp_path / "data")
    root = Path(__file__).resolve().parents[3]
    permis2d = Path(sys.executable).parent / "permis2d"
    refused = subprocess.run([str(permis2d), "serve", "verifier", "--port", "0"], cwd=root,
                             env=env, capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0
    assert "--trust" in refused.stderr and "PERMIS2D_VERIFIER_TRUST" in refused.stderr
    assert "Traceback" not in refused.stderr
    process, url = spawn_verifier([], tmp_path / "data", tmp_path / "log", workers=1,
                                  extra_args=["--allow-empty-trust"])
    try:
        health = requests.get(f"{url}/healthz", timeout=10)
        assert health.status_code == 503 and health.json()["status"] == "degraded"
        assert health.json()["trusted_cas"] == [] and health.json()["certificates"] == 0
    finally:
        stop_verifier(process)
