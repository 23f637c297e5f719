"""Fixtures for the codec tests: the shared 2D-Doc vectors and their certificates, in place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

OWN_VECTORS = Path(__file__).resolve().parents[2] / "vectors" / "twoddoc"


def _cn(name: x509.Name) -> str | None:
    """Return the first common name of an X.509 name, if any."""
    attrs = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(attrs[0].value) if attrs else None


@pytest.fixture(scope="session")
def shared_vectors(shared_dir: Path) -> list[dict[str, object]]:
    """The 145 entries of ../shared/vectors/2ddoc/vectors.json."""
    return json.loads((shared_dir / "vectors" / "2ddoc" / "vectors.json").read_text("utf-8"))


@pytest.fixture(scope="session")
def shared_keys(shared_dir: Path) -> dict[tuple[str, str], ec.EllipticCurvePublicKey]:
    """Leaf public keys by (CA id, cert id): subject CN = cert id, issuer CN = CA id."""
    keys = {}
    for path in sorted((shared_dir / "vectors" / "2ddoc" / "certs").iterdir()):
        data = path.read_bytes()
        if data.startswith(b"-----"):
            cert = x509.load_pem_x509_certificate(data)
        else:
            cert = x509.load_der_x509_certificate(data)
        issuer, subject = _cn(cert.issuer), _cn(cert.subject)
        if issuer and subject:
            keys[(issuer, subject)] = cert.public_key()
    return keys


@pytest.fixture(scope="session")
def p256_key() -> ec.EllipticCurvePrivateKey:
    """A throw-away P-256 key generated for this test session."""
    return ec.generate_private_key(ec.SECP256R1())
