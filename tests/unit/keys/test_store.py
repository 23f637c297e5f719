"""The key store: init, issue, rotate, revoke, export; encryption at rest; no key in output."""

from __future__ import annotations

import datetime as dt
import json
import stat

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import pkcs12

from keys import (
    CertificateIdError,
    KeyStore,
    KeyStoreError,
    KeyStoreExistsError,
    KeyStoreMissingError,
    PassphraseError,
    UnknownCertificateError,
)

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def store(tmp_path):
    ks = KeyStore(tmp_path / "keys", b"correct horse", ca_id="FR00")
    ks.init(now=NOW)
    return ks


def _cn(name: x509.Name) -> str:
    return name.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value


def test_init_creates_ca_and_active_certificate_named_as_the_spec_requires(store):
    ca = store.ca_certificate()
    active = store.active_signer()
    assert _cn(ca.subject) == "FR00" == _cn(ca.issuer)
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    assert (active.ca_id, active.cert_id) == ("FR00", "P2D1")
    assert _cn(active.certificate.subject) == "P2D1"
    assert _cn(active.certificate.issuer) == "FR00"
    # The leaf is really signed by the CA.
    active.certificate.verify_directly_issued_by(ca)
    usage = active.certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and not usage.key_cert_sign


def test_signer_produces_raw_r_s_that_verifies_with_the_certificate(store):
    active = store.active_signer()
    data = b"DC04FR000001..."
    raw = active.signer.sign(data)
    assert len(raw) == active.signer.signature_length == 64
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    active.certificate.public_key().verify(der, data, ec.ECDSA(hashes.SHA256()))


@pytest.mark.parametrize(("curve", "length", "hash_cls"), [
    ("P-384", 96, hashes.SHA384), ("P-521", 132, hashes.SHA512)])
def test_other_curves_of_the_spec_use_their_hash(tmp_path, curve, length, hash_cls):
    ks = KeyStore(tmp_path / "k", b"pw")
    ks.init(now=NOW, curve=curve)
    active = ks.active_signer()
    raw = active.signer.sign(b"data")
    half = length // 2
    assert len(raw) == length
    der = encode_dss_signature(int.from_bytes(raw[:half], "big"), int.from_bytes(raw[half:], "big"))
    active.certificate.public_key().verify(der, b"data", ec.ECDSA(hash_cls()))


def test_private_keys_are_encrypted_at_rest_with_mode_0600(store):
    for path in [store.directory / "ca.key.p12", store.directory / "certs" / "P2D1.key.p12"]:
        data = path.read_bytes()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        with pytest.raises(ValueError):
            pkcs12.load_key_and_certificates(data, None)
        key, _, _ = pkcs12.load_key_and_certificates(data, b"correct horse")
        assert isinstance(key, ec.EllipticCurvePrivateKey)


def test_wrong_passphrase_is_a_clear_error_without_key_material(store):
    other = KeyStore(store.directory, b"wrong")
    with pytest.raises(PassphraseError) as info:
        other.active_signer()
    assert "P2D1.key.p12" in str(info.value)
    assert "wrong" not in str(info.value).replace("wrong PERMIS2D", "")


def test_init_twice_refuses_and_keeps_the_ca(store):
    before = store.ca_certificate()
    with pytest.raises(KeyStoreExistsError):
        store.init(now=NOW)
    assert store.ca_certificate() == before


def test_operations_before_init_say_what_to_do(tmp_path):
    ks = KeyStore(tmp_path / "none", b"pw")
    with pytest.raises(KeyStoreMissingError, match="keys init"):
        ks.active_signer()


def test_rotate_activates_a_new_certificate_and_keeps_the_old_trusted(store):
    info = store.rotate(now=NOW + dt.timedelta(days=1))
    assert info.cert_id == "P2D2"
    assert store.active_signer().cert_id == "P2D2"
    statuses = {i.cert_id: i.status for i in store.list()}
    assert statuses == {"P2D1": "trusted", "P2D2": "active"}


def test_issue_cert_with_explicit_id_and_refuses_duplicates_and_bad_ids(store):
    assert store.issue_cert(now=NOW, cert_id="AB12").cert_id == "AB12"
    assert store.active_signer().cert_id == "P2D1"
    with pytest.raises(CertificateIdError):
        store.issue_cert(now=NOW, cert_id="AB12")
    for bad in ["ab12", "ABC", "ABCDE", "AB-1"]:
        with pytest.raises(CertificateIdError):
            store.issue_cert(now=NOW, cert_id=bad)


def test_revoke_publishes_a_crl_signed_by_the_ca(store):
    store.rotate(now=NOW)
    revoked, replacement = store.revoke("P2D1", now=NOW + dt.timedelta(days=2),
                                        reason="key-compromise")
    assert replacement is None and revoked.status == "revoked"
    crl = store.crl()
    assert crl.is_signature_valid(store.ca_certificate().public_key())
    entry = crl.get_revoked_certificate_by_serial_number(store.certificate("P2D1").serial_number)
    assert entry is not None
    assert entry.revocation_date_utc == NOW + dt.timedelta(days=2)
    assert crl.get_revoked_certificate_by_serial_number(
        store.certificate("P2D2").serial_number) is None
    number = crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
    assert number == 2


def test_revoking_the_active_certificate_rotates_to_a_fresh_one(store):
    _, replacement = store.revoke("P2D1", now=NOW)
    assert replacement is not None
    assert store.active_signer().cert_id == replacement.cert_id != "P2D1"
    with pytest.raises(KeyStoreError, match="already revoked"):
        store.revoke("P2D1", now=NOW)
    with pytest.raises(UnknownCertificateError):
        store.revoke("ZZZZ", now=NOW)


def test_export_trust_writes_certificates_crl_and_manifest_but_no_private_key(store, tmp_path):
    store.rotate(now=NOW)
    store.revoke("P2D1", now=NOW)
    out = store.export_trust(tmp_path / "trust")
    names = sorted(p.name for p in out.iterdir())
    assert names == ["FR00.crl.pem", "FR00.pem", "FR00_P2D1.pem", "FR00_P2D2.pem", "trust.json"]
    for path in out.iterdir():
        assert b"PRIVATE KEY" not in path.read_bytes()
    manifest = json.loads((out / "trust.json").read_text())
    assert {c["cert_id"]: c["status"] for c in manifest["certificates"]} == {
        "P2D1": "revoked", "P2D2": "active"}
    crl = x509.load_pem_x509_crl((out / "FR00.crl.pem").read_bytes())
    ca = x509.load_pem_x509_certificate((out / "FR00.pem").read_bytes())
    assert crl.is_signature_valid(ca.public_key())


def test_active_signer_is_cached_but_follows_a_rotation_by_another_process(store, tmp_path):
    first = store.active_signer()
    assert store.active_signer() is first
    other = KeyStore(store.directory, b"correct horse")
    other.rotate(now=NOW)
    assert store.active_signer().cert_id == "P2D2"


def test_repr_and_signer_repr_show_no_secret(store):
    signer = store.active_signer().signer
    assert "PRIVATE" not in repr(signer) and "correct horse" not in repr(store)
