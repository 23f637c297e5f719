"""The driving verdict (annex 13, p.148) and the labelled fields of a type-AB document."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from twoddoc import Document, EcdsaSigner, Header, decode, encode
from twoddoc.catalog import LICENCE_STATES
from twoddoc.dates import date_to_hex
from verifier.driving import (
    DRIVING_STATES,
    STATE_LABELS_EN,
    STATE_LABELS_FR,
    add_months,
    driving_verdict,
    freshness,
)
from verifier.labels import format_date, label, labelled_fields

SIGNER = EcdsaSigner(ec.generate_private_key(ec.SECP256R1()))
ISSUED = dt.date(2026, 3, 2)


def _doc(state: str = "50", kind: str = "APC", *, categories: str | None = "AM B1 B",
         issued: dt.date = ISSUED, doc_type: str = "AB",
         extra: Sequence[tuple[str, str]] = ()) -> Document:
    header = Header(version=4, ca_id="FR99", cert_id="0001", emission_date=issued,
                    signature_date=issued, doc_type=doc_type, perimeter="01", country="FR")
    if doc_type != "AB":
        return decode(encode(header, [("10", "M JEAN DUPONT"), ("24", "75001")], SIGNER))
    fields = [("6H", "MME"), ("6G", "DUPONT"), ("60", "MARIE/CLAIRE"), ("69", "29021984"),
              ("6A", "LYON"), ("AC", "123456789012"), ("E4", kind), ("E5", state),
              ("E8", "020320260930"), ("09", "0001"), *extra]
    if categories is not None:
        fields.append(("E6", categories))
    if kind == "APC":
        fields += [("01", "ADCS00000042"), ("08", date_to_hex(add_months(issued, 4)))]
    return decode(encode(header, fields, SIGNER), strict=False)


def test_only_the_valid_base_states_permit_driving() -> None:
    # Annex 13: VALIDE (50) and its exchanged / EU forms (25, 36, 41); all 50 codes labelled.
    assert sorted(DRIVING_STATES) == ["25", "36", "41", "50"]
    assert set(STATE_LABELS_FR) == set(STATE_LABELS_EN) == set(LICENCE_STATES)
    for code in LICENCE_STATES:
        verdict = driving_verdict(_doc(code))
        assert verdict is not None
        assert verdict.allowed is (code in DRIVING_STATES), code
        assert verdict.code == code
        if not verdict.allowed:
            assert verdict.message_fr.startswith("Ce permis n'autorise pas la conduite — ")
            assert verdict.message_en.startswith("This licence does not allow driving — ")


@pytest.mark.parametrize(("code", "fr", "en"), [
    ("47", "SUSPENDU", "SUSPENDED"),
    ("48", "SUSPENDU MÉDICAL", "SUSPENDED (MEDICAL)"),
    ("13", "INVALIDE", "INVALIDATED"),
    ("03", "ANNULÉ JUDICIAIRE", "CANCELLED BY A COURT"),
    ("39", "P. UNION EUROPÉENNE À ÉCHANGER", "EU LICENCE — TO BE EXCHANGED"),
])
def test_states_the_registry_holds_are_labelled(code: str, fr: str, en: str) -> None:
    verdict = driving_verdict(_doc(code))
    assert verdict is not None
    assert verdict.to_json() == {
        "allowed": False, "state": {"code": code, "label_fr": fr, "label_en": en},
        "categories": ["AM", "B1", "B"],
        "message_fr": verdict.message_fr, "message_en": verdict.message_en}
    assert f"Ce permis n'autorise pas la conduite — {fr}" in verdict.message_fr


def test_no_category_in_force_and_other_types() -> None:
    verdict = driving_verdict(_doc("50", categories=None))
    assert verdict is not None and verdict.allowed is False
    assert "aucune catégorie" in verdict.message_fr
    assert driving_verdict(_doc(doc_type="00")) is None
    pending = driving_verdict(_doc("08"))
    assert pending is not None and not pending.allowed and "permis lui-même" in pending.message_fr


@pytest.mark.parametrize(("issued", "months", "expected"), [
    (dt.date(2025, 10, 31), 4, dt.date(2026, 2, 28)),
    (dt.date(2027, 10, 31), 4, dt.date(2028, 2, 29)),
    (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),
    (dt.date(2026, 9, 30), 4, dt.date(2027, 1, 30)),
])
def test_add_months_clamps_to_the_month_end(issued: dt.date, months: int,
                                            expected: dt.date) -> None:
    assert add_months(issued, months) == expected


def test_freshness_of_an_rir_past_four_months() -> None:
    doc = _doc(kind="RIR", issued=dt.date(2025, 10, 31))
    assert freshness(doc, dt.date(2026, 2, 28)).stale is False  # type: ignore[union-attr]
    late = freshness(doc, dt.date(2026, 3, 1))
    assert late is not None and late.stale is True and late.age_days == 121
    assert late.to_json() == {"issued": "2025-10-31", "age_days": 121,
                              "older_than_four_months": True}
    assert freshness(_doc(kind="APC"), dt.date(2030, 1, 1)) is None


def test_labelled_fields_read_like_the_document() -> None:
    doc = _doc("47", kind="RII", extra=[("AG", "C")])
    fields = {f["di"]: f for f in labelled_fields(doc)}
    assert fields["69"]["display_fr"] == "29/02/1984"
    assert fields["69"]["display_en"] == "29 Feb 1984"
    assert fields["69"]["label_fr"] == "Date de naissance"
    assert fields["60"]["display_fr"] == "MARIE, CLAIRE"
    assert fields["AG"]["display_fr"] == "12 points"
    assert fields["AG"]["label_en"] == "Points balance"
    assert fields["E5"]["display_fr"] == "SUSPENDU" and fields["E5"]["value"] == "47"
    assert fields["E5"]["label_fr"] == "État du permis"
    assert fields["E8"]["display_fr"] == "02/03/2026 à 09:30"
    assert fields["E4"]["display_en"].startswith("RII")
    adcs = {f["di"]: f for f in labelled_fields(_doc())}
    assert adcs["08"]["display_fr"] == "02/07/2026"
    assert all(f["label_fr"] and f["label_en"] for f in fields.values())


def test_truncated_value_is_marked() -> None:
    header = Header(version=4, ca_id="FR99", cert_id="0001", emission_date=ISSUED,
                    signature_date=ISSUED, doc_type="AB", perimeter="01", country="FR")
    from twoddoc import Field

    fields = [Field("6H", "M"), Field("6G", "X" * 38, True), Field("60", "JEAN"),
              Field("69", "01012000"), Field("6A", "PARIS"), Field("AC", "1"),
              Field("E4", "RIR"), Field("E5", "50"), Field("E8", "020320260930"),
              Field("09", "0001")]
    doc = decode(encode(header, fields, SIGNER), strict=False)
    name = next(f for f in labelled_fields(doc) if f["di"] == "6G")
    assert name["truncated"] is True
    assert name["display_fr"].endswith("(tronqué)") and name["display_en"].endswith("(cut)")


def test_labels_fall_back_to_the_catalogue_and_bad_values_stay_raw() -> None:
    assert label("24")[0].startswith("Code postal")
    assert label("ZZ") == ("Donnée ZZ", "Data ZZ")
    assert format_date(dt.date(2024, 2, 29), "fr") == "29/02/2024"
    fields = {f["di"]: f for f in labelled_fields(_doc(extra=[("AG", "C")]))}
    assert fields["AG"]["display_en"] == "12 points"
