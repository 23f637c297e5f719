"""The dev PKI's certificate ids never collide with the specification's FR00/0001."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from keys import KeyStore
from keys.pki import FIRST_CERT_ID, next_cert_id
from verifier.policy import verify_text
from verifier.trust import TrustStore

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def test_ids_start_at_p2d1_in_base_36_order_and_skip_taken_ones() -> None:
    assert FIRST_CERT_ID == next_cert_id(()) == "P2D1"
    assert next_cert_id({"P2D1"}) == "P2D2"
    assert next_cert_id({"P2D1", "P2D2", "P2D3", "P2D4", "P2D5", "P2D6", "P2D7", "P2D8",
                         "P2D9"}) == "P2DA"
    assert next_cert_id({f"P2D{c}" for c in "123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}) == "P2E0"
    assert next_cert_id({"0001"}) == "P2D1"


def test_a_new_store_and_its_rotation_never_use_the_spec_test_id(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "keys", b"pass", ca_id="FR00")
    store.init(now=NOW)
    assert store.active_signer().cert_id == "P2D1"
    assert store.rotate(now=NOW).cert_id == "P2D2"
    assert "0001" not in {info.cert_id for info in store.list()}


def test_spec_reference_codes_stay_checkable_beside_the_dev_pki(tmp_path: Path,
                                                                shared_dir: Path) -> None:
    store = KeyStore(tmp_path / "keys", b"pass", ca_id="FR00")
    store.init(now=NOW)
    spec_certs = tmp_path / "spec"
    spec_certs.mkdir()
    shutil.copy(shared_dir / "vectors/2ddoc/certs/FR00_0001.pem", spec_certs)
    trust = TrustStore.load([store.export_trust(tmp_path / "trust"), spec_certs])
    vectors = json.loads((shared_dir / "vectors/2ddoc/vectors.json").read_text())
    raws = [v["raw"] for v in vectors
            if v.get("signature_should_verify") and v["raw"].startswith("DC04FR000001")][:3]
    if not raws:
        pytest.skip("no FR00/0001 vector in ../shared/vectors")
    for raw in raws:
        checks = verify_text(raw, trust, at=dt.date(2026, 3, 2)).to_json()["checks"]
        assert checks["certificate_known"] and checks["signature"], checks
