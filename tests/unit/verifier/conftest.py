"""Fixtures of the verifier's core tests: the shared trust sources, the test PKI, a signer."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from twoddoc import EcdsaSigner, Header, encode
from verifier.trust import TrustStore

REPO = Path(__file__).resolve().parents[3]
US = "\x1f"


def _load_builder() -> Any:
    path = REPO / "tests" / "vectors" / "build_test_pki.py"
    spec = importlib.util.spec_from_file_location("build_test_pki", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def pki_builder() -> Any:
    """The module ``tests/vectors/build_test_pki.py``."""
    return _load_builder()


@pytest.fixture(scope="session")
def pki(pki_builder: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test PKI of ``tests/vectors/build_test_pki.py``, built once per session."""
    return pki_builder.build(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def pki_store(pki: Path) -> TrustStore:
    """A trust store on the test PKI's ``trust/`` folder."""
    return TrustStore.load([pki / "trust"])


@pytest.fixture(scope="session")
def vectors(shared_dir: Path) -> list[dict[str, Any]]:
    """The shared 2D-Doc vectors (``vectors/2ddoc/vectors.json``)."""
    return json.loads((shared_dir / "vectors/2ddoc/vectors.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def certs_dir(shared_dir: Path) -> Path:
    """The shared folder of certificates needed by the vectors."""
    return shared_dir / "vectors/2ddoc/certs"


@pytest.fixture(scope="session")
def certs_store(certs_dir: Path) -> TrustStore:
    """A trust store on ``vectors/2ddoc/certs``."""
    return TrustStore.load([certs_dir])


@pytest.fixture(scope="session")
def ants_store(shared_dir: Path) -> TrustStore:
    """The real ANTS TSL together with the folder of real leaf certificates."""
    return TrustStore.load(
        [shared_dir / "vectors/tsl/ants_tsl_2026-05.xml", shared_dir / "vectors/2ddoc/ants-certs"]
    )


Sign = Callable[..., str]


@pytest.fixture(scope="session")
def sign(pki: Path) -> Sign:
    """Sign a 2D-Doc with a test-PKI key: ``sign("T001", fields, signed=date, ...)``.

    ``raw_message`` bypasses the encoder (to build documents the strict encoder refuses, such
    as an AB without its mandatory fields); the signature is then made over header + message.
    """

    def _sign(
        cert_id: str,
        fields: Sequence[tuple[str, str]] = (("10", "M JEAN DUPONT"), ("24", "75001")),
        *,
        ca_id: str = "FR0T",
        emitted: dt.date | None = dt.date(2025, 1, 10),
        signed: dt.date | None = dt.date(2025, 1, 10),
        doc_type: str = "00",
        raw_message: str | None = None,
    ) -> str:
        pem = (pki / "keys" / f"{ca_id}_{cert_id}.key.pem").read_bytes()
        key = serialization.load_pem_private_key(pem, password=None)
        signer = EcdsaSigner(key)  # type: ignore[arg-type]
        header = Header(
            version=4, ca_id=ca_id, cert_id=cert_id, emission_date=emitted,
            signature_date=signed, doc_type=doc_type, perimeter="01", country="FR",
        )
        if raw_message is None:
            return encode(header, list(fields), signer)
        from twoddoc.base32 import b32encode
        from twoddoc.header import format_header

        data = format_header(header) + raw_message
        return f"{data}{US}{b32encode(signer.sign(data.encode('ascii')))}"

    return _sign
