"""Verification policy: each check on real vectors, on the test PKI, and on tampered codes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from twoddoc import decode
from twoddoc.dates import date_to_hex
from verifier.policy import Check, Reason, VerificationResult, verify_text
from verifier.trust import TrustStore

AT = dt.date(2026, 5, 1)
REAL_IDS = ("EDF1", "AV01", "AHP1")


def _failed(result: VerificationResult) -> set[Check]:
    return {check for check, ok in result.checks.items() if ok is False}


def test_every_shared_vector_parses_and_signatures_verify(
    vectors: list[dict[str, Any]], certs_store: TrustStore
) -> None:
    verified = 0
    for entry in vectors:
        result = verify_text(entry["raw"], certs_store, at=AT)
        assert result.checks[Check.PARSED] is True, entry["source"]
        if entry["signature_should_verify"]:
            assert result.checks[Check.SIGNATURE] is True, entry["source"]
            verified += 1
        header = result.document.header  # type: ignore[union-attr]
        if (header.ca_id, header.cert_id) == ("FR00", "0001") and result.checks[Check.SIGNATURE]:
            # The spec's test certificate expired in 2015: only validity fails, not the signature.
            assert result.checks[Check.CERTIFICATE_VALID_AT_SIGNATURE] is (
                header.signature_date <= dt.date(2015, 11, 1)
            )
            # certs/ holds no FR00 CA certificate (FR00_CA.der is a copy of the leaf): the leaf
            # is pinned by the folder (issue 3), so only its validity fails.
            assert result.checks[Check.CHAIN_TRUSTED] is True
            assert any("trusted as given" in note for note in result.notes)
            if not result.checks[Check.CERTIFICATE_VALID_AT_SIGNATURE]:
                assert not result.valid
    assert verified == 141


def test_made_up_ca_is_unknown(vectors: list[dict[str, Any]], certs_store: TrustStore) -> None:
    made_up = [e for e in vectors if e["raw"][4:12] == "FR0AXT4A"]
    assert made_up
    for entry in made_up:
        result = verify_text(entry["raw"], certs_store, at=AT)
        assert result.checks[Check.CERTIFICATE_KNOWN] is False
        assert result.checks[Check.SIGNATURE] is None
        assert result.reasons[0] is Reason.CERTIFICATE_UNKNOWN
        assert not result.valid


@pytest.mark.parametrize("store_name", ["ants_store", "certs_store"])
def test_real_documents_valid_at_their_signature_date(
    vectors: list[dict[str, Any]], store_name: str, request: pytest.FixtureRequest
) -> None:
    store: TrustStore = request.getfixturevalue(store_name)
    real = [e for e in vectors if e["raw"][8:12] in REAL_IDS]
    assert len(real) == 4
    for entry in real:
        signed = decode(entry["raw"], strict=False).header.signature_date
        result = verify_text(entry["raw"], store, at=signed)
        assert result.valid, (entry["source"], result.to_json()["reasons"])
        assert result.checks[Check.CHAIN_TRUSTED] is True
        # Years later the certificate is still judged at the signature date: still valid.
        assert verify_text(entry["raw"], store, at=AT).valid


def test_empty_store_fails_closed(vectors: list[dict[str, Any]]) -> None:
    result = verify_text(vectors[0]["raw"], TrustStore.empty(), at=AT)
    assert result.checks[Check.CERTIFICATE_KNOWN] is False
    assert not result.valid


def _real(vectors: list[dict[str, Any]]) -> list[str]:
    raws = [e["raw"] for e in vectors if e["raw"][8:12] in REAL_IDS][:2]
    raws.append(next(e["raw"] for e in vectors if e["raw"].startswith("DC04FR000001")))
    return raws


def test_flipping_any_character_is_never_valid(
    vectors: list[dict[str, Any]], certs_store: TrustStore
) -> None:
    for raw in _real(vectors):
        signed = decode(raw, strict=False).header.signature_date
        assert signed is not None
        baseline = verify_text(raw, certs_store, at=signed)
        for i, ch in enumerate(raw):
            flipped = "B" if ch != "B" else "C"
            mutated = raw[:i] + flipped + raw[i + 1 :]
            result = verify_text(mutated, certs_store, at=signed)
            assert not result.valid, (i, mutated)
            if baseline.valid:
                # Whatever else happens, something in the signature path must fail.
                assert result.checks[Check.SIGNATURE] is not True or (
                    result.checks[Check.CERTIFICATE_KNOWN] is not True
                ), i


def test_cutting_anywhere_is_never_valid(
    vectors: list[dict[str, Any]], certs_store: TrustStore
) -> None:
    for raw in _real(vectors):
        signed = decode(raw, strict=False).header.signature_date
        for cut in range(len(raw)):
            assert not verify_text(raw[:cut], certs_store, at=signed).valid, cut
            assert not verify_text(raw[cut + 1 :], certs_store, at=signed).valid, cut


def test_garbage_is_unreadable(certs_store: TrustStore) -> None:
    for text in ("", "HC1:NCFOXN", "DC", "DC99FR000001", "\x00\xff" * 20, "dc04fr000001"):
        result = verify_text(text, certs_store, at=AT)
        assert result.checks[Check.PARSED] is False
        assert not result.readable
        assert all(result.checks[c] is None for c in Check if c is not Check.PARSED)


def test_bytes_are_read_as_latin1(vectors: list[dict[str, Any]], certs_store: TrustStore) -> None:
    raw = vectors[0]["raw"]
    assert verify_text(raw.encode("latin-1"), certs_store, at=AT).checks[Check.SIGNATURE] is True


# -- the test PKI ---------------------------------------------------------------------------


def test_good_document(sign, pki_store: TrustStore) -> None:
    result = verify_text(sign("T001"), pki_store, at=dt.date(2025, 2, 1))
    assert result.valid, result.to_json()["reasons"]
    assert result.to_json()["certificate"]["cert_id"] == "T001"


@pytest.mark.parametrize("signed", [dt.date(2024, 6, 1), dt.date(2025, 6, 2), dt.date(2026, 1, 1)])
def test_revoked_certificate_fails_whatever_the_signature_date(
    sign, pki_store: TrustStore, signed: dt.date
) -> None:
    result = verify_text(sign("T002", signed=signed, emitted=signed), pki_store, at=signed)
    assert result.checks[Check.SIGNATURE] is True
    assert _failed(result) == {Check.CERTIFICATE_NOT_REVOKED}
    assert result.reasons == (Reason.CERTIFICATE_REVOKED,)


def test_expired_certificate_only_fails_validity(sign, pki_store: TrustStore) -> None:
    result = verify_text(sign("T003", signed=dt.date(2022, 3, 1)), pki_store, at=AT)
    assert _failed(result) == {Check.CERTIFICATE_VALID_AT_SIGNATURE}
    assert result.reasons == (Reason.CERTIFICATE_EXPIRED,)
    early = verify_text(sign("T001", signed=dt.date(2023, 12, 31)), pki_store, at=AT)
    assert early.reasons == (Reason.CERTIFICATE_NOT_YET_VALID,)


def test_certificate_validity_boundaries_in_french_time(sign, pki_store: TrustStore) -> None:
    # T001 is valid from 2024-01-01T00:00Z = 01:00 in Paris: the day 2024-01-01 is covered,
    # 2023-12-31 is not; it ends 2030-01-01T00:00Z, i.e. 2030-01-01 01:00 in Paris.
    for day, ok in ((dt.date(2024, 1, 1), True), (dt.date(2030, 1, 1), True),
                    (dt.date(2030, 1, 2), False)):
        result = verify_text(sign("T001", signed=day, emitted=day), pki_store, at=day)
        assert result.checks[Check.CERTIFICATE_VALID_AT_SIGNATURE] is ok, day


def test_emission_date_used_when_signature_date_absent(sign, pki_store: TrustStore) -> None:
    result = verify_text(sign("T003", signed=None, emitted=dt.date(2020, 6, 1)), pki_store, at=AT)
    assert result.checks[Check.CERTIFICATE_VALID_AT_SIGNATURE] is True
    assert any("emission date" in note for note in result.notes)
    none = verify_text(sign("T001", signed=None, emitted=None), pki_store, at=AT)
    # No date at all: the certificate cannot be judged, and §3.3.1 forbids a FFFF signature date.
    assert none.reasons == (Reason.SIGNATURE_DATE_MISSING, Reason.HEADER_DATE_MISSING)


def test_cn_mismatch_leaf_is_not_used(sign, pki_store: TrustStore) -> None:
    # Signed with the key of the certificate whose CN is T005, but claiming to be T004.
    result = verify_text(sign("T004"), pki_store, at=AT)
    assert result.checks[Check.CERTIFICATE_KNOWN] is False
    assert result.checks[Check.SIGNATURE] is None


def test_leaf_without_ca_is_pinned_by_a_plain_folder(sign, pki_store: TrustStore) -> None:
    # Issue 3: the leaf's signature is checked against its CA "when the folder has it".
    result = verify_text(sign("U001", ca_id="FR0U"), pki_store, at=AT)
    assert result.checks[Check.SIGNATURE] is True
    assert result.valid
    assert any("trusted as given" in note for note in result.notes)


def test_leaf_without_ca_fails_when_a_tsl_names_the_cas(
    sign, pki: Path, shared_dir: Path
) -> None:
    # Issue 6: with a trust service list, leaves must chain to a CA the list trusts.
    store = TrustStore.load([pki / "trust", shared_dir / "vectors/tsl/ants_tsl_2026-05.xml"])
    result = verify_text(sign("U001", ca_id="FR0U"), store, at=AT)
    assert result.checks[Check.SIGNATURE] is True
    assert _failed(result) == {Check.CHAIN_TRUSTED}
    assert result.reasons == (Reason.CHAIN_NOT_VERIFIED,)


def test_key_of_another_certificate_fails_signature(sign, pki_store: TrustStore) -> None:
    text = sign("T001")
    forged = text.replace("FR0TT001", "FR0TT002", 1)  # same data, claims another certificate
    result = verify_text(forged, pki_store, at=AT)
    assert result.checks[Check.SIGNATURE] is False
    assert Reason.SIGNATURE_INVALID in result.reasons


@pytest.mark.parametrize(
    ("expiry", "at", "ok"),
    [
        (dt.date(2024, 2, 29), dt.date(2024, 2, 29), True),
        (dt.date(2024, 2, 29), dt.date(2024, 3, 1), False),
        (dt.date(2025, 1, 31), dt.date(2025, 1, 30), True),
        (dt.date(2025, 1, 31), dt.date(2025, 2, 1), False),
    ],
)
def test_document_expiry_di_08(sign, pki_store: TrustStore, expiry, at, ok) -> None:
    day = dt.date(2024, 1, 15)
    text = sign("T001", [("10", "M JEAN"), ("24", "75001"), ("08", date_to_hex(expiry))],
                signed=day, emitted=day)
    result = verify_text(text, pki_store, at=at)
    assert result.checks[Check.DOCUMENT_NOT_EXPIRED] is ok
    assert result.valid is ok
    if not ok:
        assert result.reasons == (Reason.DOCUMENT_EXPIRED,)


def test_dates_in_future(sign, pki_store: TrustStore) -> None:
    text = sign("T001", signed=dt.date(2025, 3, 1), emitted=dt.date(2025, 3, 1))
    assert verify_text(text, pki_store, at=dt.date(2025, 3, 1)).valid
    late = verify_text(text, pki_store, at=dt.date(2025, 2, 28))
    assert late.reasons == (Reason.DATE_IN_FUTURE,)


def test_unknown_document_type(sign, pki_store: TrustStore) -> None:
    text = sign("T001", doc_type="ZZ", raw_message="10M JEAN\x1d2475001")
    result = verify_text(text, pki_store, at=AT)
    assert result.checks[Check.SIGNATURE] is True
    assert result.reasons == (Reason.DOCUMENT_TYPE_UNKNOWN,)
    assert result.checks[Check.MANDATORY_FIELDS_PRESENT] is None


def test_mandatory_fields_of_ab(sign, pki_store: TrustStore) -> None:
    text = sign("T001", doc_type="AB", raw_message="6GDUPONT\x1d60JEAN")
    result = verify_text(text, pki_store, at=AT)
    assert result.checks[Check.SIGNATURE] is True
    assert result.reasons == (Reason.MANDATORY_FIELD_MISSING,)
    assert "AC" in (result.failures[0].detail or "")


def test_json_shape(sign, pki_store: TrustStore) -> None:
    out = verify_text(sign("T002"), pki_store, at=AT).to_json()
    assert list(out["checks"]) == [c.value for c in Check]
    assert out["valid"] is False
    reason = out["reasons"][0]
    assert reason["code"] == "CERTIFICATE_REVOKED"
    assert reason["check"] == "certificate_not_revoked"
    assert reason["message_fr"] and reason["message_en"]
    assert out["header"]["cert_id"] == "T002"
    assert out["fields"][0]["di"] == "10"


def test_p384_certificate_picks_the_hash_and_length(pki_builder, tmp_path) -> None:
    """A P-384 leaf: 96-byte signature, SHA-384 — taken from the certificate, not the barcode."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from twoddoc import EcdsaSigner, Header, encode
    from verifier.wedge import base32_length

    ca_key = pki_builder._key(0x4000)
    ca = pki_builder._ca("FR0W", ca_key, 0x4000)
    leaf_key = ec.generate_private_key(ec.SECP384R1())
    leaf = pki_builder._leaf("W384", ca, ca_key, leaf_key, 0x4001)
    for name, cert in (("FR0W.pem", ca), ("FR0W_W384.pem", leaf)):
        (tmp_path / name).write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    store = TrustStore.load([tmp_path])
    day = dt.date(2025, 1, 10)
    header = Header(4, "FR0W", "W384", day, day, "00", "01", "FR")
    text = encode(header, [("10", "M JEAN"), ("24", "75001")], EcdsaSigner(leaf_key))
    assert len(text.split("\x1f")[1]) == base32_length(96) == 154
    assert verify_text(text, store, at=AT).valid
    wedged = "".join(c for c in text if c not in "\x1d\x1e\x1f")
    assert verify_text(wedged, store, at=AT, repair=True).valid
