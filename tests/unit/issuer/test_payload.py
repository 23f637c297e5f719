"""Payload of the three documents: fields, order, normalisation, truncation, limits."""

from datetime import date, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from issuer.errors import PayloadError
from issuer.facts import CategoryLine, DriverFacts
from issuer.kinds import DocumentKind
from issuer.payload import E6_MAX, build_payload, spec_text
from twoddoc import EcdsaSigner, decode, encode, verify_signature
from twoddoc.dates import hex_to_date

EU_CODES = ("AM", "A1", "A2", "A", "B1", "B", "C1", "C", "D1", "D", "BE", "C1E", "CE", "D1E", "DE")
OLD_CODES = ("AL", "AT", "CL", "A3", "A4")  # older codes, as in the spec's AB example (p.177)
ISSUED = date(2026, 10, 31)


def facts(**changes: object) -> DriverFacts:
    base = DriverFacts(
        neph="120375100001", civility="MME", surname="Lefèvre", given_names=("Françoise", "Hélène"),
        birth_date="29021984", birth_place="Saint-Étienne", state="VALIDE",
        categories=(CategoryLine("AM", date(2000, 3, 1)),
                    CategoryLine("B", date(2003, 5, 12), None, ("78",))),
        data_as_of=datetime(2026, 10, 31, 10, 5), points_balance=9,
    )
    return DriverFacts(**{**base.__dict__, **changes})


def build(kind: DocumentKind, f: DriverFacts | None = None, pages: int = 1):
    return build_payload(f or facts(), kind, issued_on=ISSUED, document_id="0000000042",
                         ca_id="FR00", cert_id="0001", pages=pages)


@pytest.fixture(scope="module")
def key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def sign_and_decode(payload, key):  # type: ignore[no-untyped-def]
    text = encode(payload.header(), payload.fields, EcdsaSigner(key))
    doc = decode(text)
    verify_signature(doc, key.public_key())
    return text, doc


@pytest.mark.parametrize(
    ("kind", "dis"),
    [
        (DocumentKind.RIR,
         ["6H", "6G", "60", "69", "6A", "AC", "E4", "E5", "E8", "09", "01", "E6"]),
        (DocumentKind.ADCS,
         ["6H", "6G", "60", "69", "6A", "AC", "E4", "E5", "E8", "09", "01", "08", "E6"]),
        (DocumentKind.RII,
         ["6H", "6G", "60", "69", "6A", "AC", "E4", "E5", "E8", "09", "01", "AG", "E6"]),
    ],
)
def test_fields_in_order_and_header(kind: DocumentKind, dis: list[str], key) -> None:
    _, doc = sign_and_decode(build(kind), key)
    assert [f.di for f in doc.fields] == dis
    header = doc.header
    assert (header.version, header.doc_type, header.perimeter, header.country) == (4, "AB", "01",
                                                                                   "FR")
    assert (header.ca_id, header.cert_id) == ("FR00", "0001")
    assert header.emission_date == header.signature_date == ISSUED
    assert doc.get("E4") == {"rir": "RIR", "adcs": "APC", "rii": "RII"}[kind.value]
    assert doc.get("E8") == "311020261005"
    assert doc.get("69") == "29021984"
    assert doc.get("AC") == "120375100001"
    assert doc.get("01") == "0000000042"


def test_adcs_expiry_is_issue_plus_four_months_at_month_end(key) -> None:
    payload = build(DocumentKind.ADCS)
    assert payload.expires_on == date(2027, 2, 28)
    _, doc = sign_and_decode(payload, key)
    assert hex_to_date(doc.get("08")) == date(2027, 2, 28)


def test_rii_carries_balance_in_base36_and_page_count(key) -> None:
    _, doc = sign_and_decode(build(DocumentKind.RII, facts(points_balance=12), pages=3), key)
    assert doc.get("AG") == "C"
    assert doc.get("09") == "0003"


def test_accents_are_removed_and_punctuation_becomes_spaces(key) -> None:
    f = facts(surname="Lefèvre-D'Aubigné", given_names=("Jean-Noël", "Zoë", "Œdipe"),
              birth_place="L'Haÿ-les-Roses")
    _, doc = sign_and_decode(build(DocumentKind.RIR, f), key)
    assert doc.get("6G") == "LEFEVRE D AUBIGNE"
    assert doc.get("60") == "JEAN NOEL/ZOE/OEDIPE"
    assert doc.get("6A") == "L HAY LES ROSES"


def test_long_names_are_truncated_with_rs(key) -> None:
    f = facts(surname="De La Tour du Pin Gouvernet d'Aubigné-Montauban",
              given_names=("Jean-Christophe", "Marie-Bernadette", "Louis", "Éric", "Anatole",
                           "Barthélémy"),
              birth_place="Villeneuve-lès-Avignon-sur-le-Rhône")
    text, doc = sign_and_decode(build(DocumentKind.RIR, f), key)
    surname = next(field for field in doc.fields if field.di == "6G")
    assert surname.truncated and surname.value == "DE LA TOUR DU PIN GOUVERNET D AUBIGNE "[:38]
    assert "6G" + surname.value + "\x1e" in text
    names = next(field for field in doc.fields if field.di == "60")
    assert names.truncated and len(names.value) == 60
    place = next(field for field in doc.fields if field.di == "6A")
    assert place.truncated and place.value == "VILLENEUVE LES AVIGNON SUR LE RHONE"[:32]


def test_short_names_are_not_truncated(key) -> None:
    _, doc = sign_and_decode(build(DocumentKind.RIR), key)
    assert not any(field.truncated for field in doc.fields)


def test_suspended_licence_is_issued_and_says_so(key) -> None:
    for state, code in (("SUSPENDU", "47"), ("INVALIDE", "13"), ("ANNULE JUDICIAIRE", "03")):
        _, doc = sign_and_decode(build(DocumentKind.ADCS, facts(state=state)), key)
        assert doc.get("E5") == code


def test_twenty_categories_fit_in_e6(key) -> None:
    lines = tuple(CategoryLine(code, date(2000, 1, 1)) for code in EU_CODES + OLD_CODES)
    assert len(lines) == 20
    _, doc = sign_and_decode(build(DocumentKind.ADCS, facts(categories=lines)), key)
    assert doc.get("E6") == " ".join(EU_CODES + OLD_CODES)
    assert len(doc.get("E6")) <= E6_MAX


def test_duplicate_category_lines_are_listed_once(key) -> None:
    lines = tuple(CategoryLine(code, date(2000, 1, 1)) for code in ("B", "C1", "B", "C1"))
    _, doc = sign_and_decode(build(DocumentKind.RIR, facts(categories=lines)), key)
    assert doc.get("E6") == "B C1"


def test_categories_beyond_65_characters_are_refused_naming_the_first_that_does_not_fit() -> None:
    codes = EU_CODES + OLD_CODES + ("B96", "C1E1", "D1E1")  # 57 + 4 + 5 + 5 characters
    lines = tuple(CategoryLine(code, date(2000, 1, 1)) for code in codes)
    with pytest.raises(PayloadError) as info:
        build(DocumentKind.ADCS, facts(categories=lines))
    assert info.value.field == "E6"
    assert info.value.position == 21  # C1E1 ends at character 66


def test_bad_category_code_is_refused_with_its_line() -> None:
    lines = (CategoryLine("B", date(2000, 1, 1)), CategoryLine("B-E", date(2000, 1, 1)))
    with pytest.raises(PayloadError) as info:
        build(DocumentKind.RIR, facts(categories=lines))
    assert (info.value.field, info.value.position) == ("E6", 1)


def test_balance_out_of_range_is_refused() -> None:
    with pytest.raises(PayloadError) as info:
        build(DocumentKind.RII, facts(points_balance=36))
    assert info.value.field == "AG"


def test_unencodable_character_names_field_and_position() -> None:
    with pytest.raises(PayloadError) as info:
        spec_text("Zoë@", field="6G")
    assert (info.value.field, info.value.position) == ("6G", 3)


def test_unknown_civility_and_too_many_first_names_are_refused() -> None:
    with pytest.raises(PayloadError) as info:
        build(DocumentKind.RIR, facts(civility="DR"))
    assert info.value.field == "6H"
    with pytest.raises(PayloadError) as info:
        build(DocumentKind.RIR, facts(given_names=tuple("ABCDEFG")))
    assert (info.value.field, info.value.position) == ("60", 6)


def test_no_category_in_force_leaves_e6_out(key) -> None:  # type: ignore[no-untyped-def]
    _, doc = sign_and_decode(build(DocumentKind.RIR, facts(categories=())), key)
    assert doc.get("E6") is None
    assert doc.fields[-1].di == "01"


def test_letters_without_decomposition_are_transliterated() -> None:
    assert spec_text("Łukasz Ørsted-Þórsson", field="6G") == "LUKASZ ORSTED THORSSON"
    assert spec_text("Straße", field="6A") == "STRASSE"
