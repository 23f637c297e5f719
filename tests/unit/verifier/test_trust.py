"""Trust store: each source (folder, TSL, export), chains, CN matching, CRLs, fail closed."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from verifier.trust import ChainStatus, RevocationStatus, TrustStore, TrustStoreError


def _only(store: TrustStore, ca_id: str, cert_id: str):
    found = store.candidates(ca_id, cert_id)
    assert len(found) == 1, found
    return found[0]


def test_empty_store_trusts_nothing() -> None:
    store = TrustStore.load([])
    assert store.is_empty
    assert store.candidates("FR03", "EDF1") == ()
    assert store.ca_ids() == ()


def test_missing_source_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(TrustStoreError) as info:
        TrustStore.load([tmp_path / "nowhere"])
    assert info.value.path == tmp_path / "nowhere"


def test_file_without_certificate_is_an_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_bytes(b"not a certificate")
    with pytest.raises(TrustStoreError):
        TrustStore.load([junk])


def test_shared_certs_folder(certs_store: TrustStore) -> None:
    # FR03_CA.der is an intermediate (issued by Certigna Root CA) given by the operator: an anchor.
    assert {"FR03", "FR04", "FR05", "FR06"} <= set(certs_store.ca_ids())
    edf = _only(certs_store, "FR03", "EDF1")
    assert certs_store.chain(edf) is ChainStatus.TRUSTED
    assert edf.signature_length == 64
    # FR00_CA.der is in fact the leaf 0001 again (same serial): no FR00 CA, so no trusted chain.
    test_leaf = _only(certs_store, "FR00", "0001")
    assert "FR00" not in certs_store.ca_ids()
    assert certs_store.chain(test_leaf) is ChainStatus.NO_CA
    assert certs_store.revocation(test_leaf) is RevocationStatus.GOOD


def test_ants_tsl_with_leaf_folder(ants_store: TrustStore, shared_dir: Path) -> None:
    assert set(ants_store.ca_ids()) >= {"FR01", "FR03", "FR04", "FR05", "FR06", "FR07", "FR09"}
    for ids in (("FR03", "EDF1"), ("FR03", "AV01"), ("FR03", "AHP1"), ("FR04", "MI05")):
        assert ants_store.chain(_only(ants_store, *ids)) is ChainStatus.TRUSTED, ids
    chains = [ants_store.chain(leaf) for leaf in ants_store.leaves()]
    trusted = [chain for chain in chains if chain is ChainStatus.TRUSTED]
    assert len(trusted) > 200


def test_tsl_alone_knows_cas_but_no_leaf(shared_dir: Path) -> None:
    store = TrustStore.load([shared_dir / "vectors/tsl/ants_tsl_2026-05.xml"])
    assert "FR03" in store.ca_ids()
    assert store.candidates("FR03", "EDF1") == ()


def test_leaf_found_by_cn_not_file_name(pki: Path, pki_store: TrustStore) -> None:
    # leaf_cn_mismatch.pem has CN T005: it is not the certificate T004.
    assert pki_store.candidates("FR0T", "T004") == ()
    assert _only(pki_store, "FR0T", "T005").source.endswith("leaf_cn_mismatch.pem")


def test_crl_revokes(pki_store: TrustStore) -> None:
    assert pki_store.has_crl("FR0T")
    assert pki_store.revocation(_only(pki_store, "FR0T", "T002")) is RevocationStatus.REVOKED
    assert pki_store.revocation(_only(pki_store, "FR0T", "T001")) is RevocationStatus.GOOD


def test_crl_with_bad_signature_makes_revocation_unknown(pki: Path) -> None:
    store = TrustStore.load([pki / "trust", pki / "extra" / "crl_bad_signature.pem"])
    # The good CRL still revokes T002; for T001 the forged CRL leaves revocation unknown.
    assert store.revocation(_only(store, "FR0T", "T002")) is RevocationStatus.REVOKED
    assert store.revocation(_only(store, "FR0T", "T001")) is RevocationStatus.UNKNOWN
    assert any("does not verify" in note for note in store.notes)


def test_leaf_without_its_ca(pki_store: TrustStore) -> None:
    assert pki_store.chain(_only(pki_store, "FR0U", "U001")) is ChainStatus.NO_CA


def test_leaf_signed_by_another_key_than_its_ca(pki: Path, pki_builder, tmp_path: Path) -> None:
    # U001 names CA FR0U; give a *different* self-signed FR0U: the chain must be invalid.
    from cryptography.hazmat.primitives import serialization

    shutil.copy(pki / "trust" / "FR0U_U001_no_ca.pem", tmp_path)
    impostor = pki_builder._ca("FR0U", pki_builder._key(0x9999), 0x9999)
    (tmp_path / "FR0U.pem").write_bytes(impostor.public_bytes(serialization.Encoding.PEM))
    store = TrustStore.load([tmp_path])
    assert store.chain(_only(store, "FR0U", "U001")) is ChainStatus.BAD_SIGNATURE


def test_folder_exported_by_keys(tmp_path: Path) -> None:
    """The folder ``permis2d keys export-trust`` writes (CA, leaves, CRL, trust.json) loads."""
    from tests.support.pki import make_test_pki

    now = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    keystore = make_test_pki(tmp_path / "keys", ca_id="FR0K", now=now)
    active = keystore.active_signer()
    keystore.revoke(active.cert_id, now=now + dt.timedelta(days=1))
    store = TrustStore.load([keystore.export_trust(tmp_path / "trust")])
    assert store.notes == ()  # trust.json is a manifest, skipped without a warning
    assert "FR0K" in store.ca_ids()
    old = _only(store, "FR0K", active.cert_id)
    assert store.chain(old) is ChainStatus.TRUSTED
    assert store.revocation(old) is RevocationStatus.REVOKED
    current = [leaf for leaf in store.leaves() if leaf.cert_id != active.cert_id]
    assert current and all(store.revocation(leaf) is RevocationStatus.GOOD for leaf in current)


def test_tsl_status_inaccord_anchors(pki: Path) -> None:
    tsl, leaf = pki / "tsl" / "tsl_fr0t_inaccord.xml", pki / "trust" / "FR0T_T001.pem"
    store = TrustStore.load([tsl, leaf])
    assert store.chain(_only(store, "FR0T", "T001")) is ChainStatus.TRUSTED


def test_tsl_withdrawn_status_distrusts_even_a_given_ca(pki: Path) -> None:
    store = TrustStore.load([pki / "tsl" / "tsl_fr0v_withdrawn.xml", pki / "extra"])
    assert "FR0V" not in store.ca_ids()
    assert store.chain(_only(store, "FR0V", "V001")) is ChainStatus.CA_NOT_TRUSTED
    # Without the TSL, the operator-given CA is an anchor.
    alone = TrustStore.load([pki / "extra"])
    assert alone.chain(_only(alone, "FR0V", "V001")) is ChainStatus.TRUSTED


def test_private_keys_are_never_loaded(pki: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    shutil.copytree(pki / "trust", folder)
    shutil.copy(pki / "keys" / "FR0T_T001.key.pem", folder)
    store = TrustStore.load([folder])
    assert any("private key ignored" in note for note in store.notes)
    assert _only(store, "FR0T", "T001").public_key is not None


def test_der_and_pem_and_nested_folders_combine(pki: Path, certs_dir: Path, tmp_path: Path) -> None:
    nested = tmp_path / "export" / "ca"
    nested.mkdir(parents=True)
    shutil.copy(pki / "trust" / "FR0T.pem", nested)
    shutil.copy(pki / "trust" / "FR0T_T001.pem", tmp_path / "export")
    edf = (certs_dir / "FR03_CA.der", certs_dir / "FR03_EDF1.der")
    store = TrustStore.load([tmp_path / "export", *edf])
    assert store.chain(_only(store, "FR0T", "T001")) is ChainStatus.TRUSTED
    assert store.chain(_only(store, "FR03", "EDF1")) is ChainStatus.TRUSTED


def test_duplicate_sources_are_deduplicated(certs_dir: Path) -> None:
    store = TrustStore.load([certs_dir, certs_dir])
    assert len(store.candidates("FR03", "EDF1")) == 1
