"""PDF layout: pages, DI 09, barcode on every page, symbol size, headline, specimen mark."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta

import pypdf
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from reportlab.lib.units import mm

from issuer.datamatrix import QUIET_ZONE_MODULES, render_symbol
from issuer.errors import PayloadError
from issuer.facts import (
    CategoryLine,
    DriverFacts,
    HistoryEntry,
    HistoryKind,
    SuspensionFacts,
    SuspensionKind,
)
from issuer.kinds import DocumentKind
from issuer.pdf import MIN_MODULE, DocumentView, PDFRenderer, french_date, module_size
from issuer.service import issue_from_facts
from keys import ActiveSigner
from twoddoc import EcdsaSigner, decode

ON = date(2026, 10, 31)


@pytest.fixture(scope="module")
def renderer() -> PDFRenderer:
    return PDFRenderer()


@pytest.fixture(scope="module")
def signer() -> ActiveSigner:
    key = ec.generate_private_key(ec.SECP256R1())
    return ActiveSigner(ca_id="FR00", cert_id="0001", signer=EcdsaSigner(key),  # type: ignore[arg-type]
                        certificate=None)  # type: ignore[arg-type]


def facts(history: int) -> DriverFacts:
    events = tuple(
        HistoryEntry(ON - timedelta(days=30 * i), HistoryKind.OFFENCE,
                     f"Excès de vitesse inférieur à 20 km/h, avis n° {i}", -1)
        for i in range(history)
    )
    return DriverFacts(
        neph="120375100001", civility="M", surname="Dupré", given_names=("Noël",),
        birth_date="00001950", birth_place="Île-d'Arz", state="VALIDE",
        categories=(CategoryLine("B", date(1970, 1, 1), None, ("78",)),),
        data_as_of=datetime(2026, 10, 31, 8, 0), points_balance=6, history=events,
    )


def issue(renderer: PDFRenderer, signer: ActiveSigner, kind: DocumentKind, f: DriverFacts):  # type: ignore[no-untyped-def]
    return issue_from_facts(f, kind, renderer=renderer, signer_info=signer,
                            document_id="0000000007", issued_on=ON,
                            created_at=datetime(2026, 10, 31, 8, 1),
                            verifier_url="https://verifier.example/")


def test_rii_spans_several_pages_with_numbers_and_signed_page_count(renderer, signer) -> None:  # type: ignore[no-untyped-def]
    issued = issue(renderer, signer, DocumentKind.RII, facts(60))
    reader = pypdf.PdfReader(io.BytesIO(issued.pdf))
    assert issued.pages == len(reader.pages) >= 3
    assert decode(issued.text).get("09") == f"{issued.pages:04d}"
    texts = [page.extract_text() for page in reader.pages]
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} / {issued.pages}" in text
        assert "2D-DOC" in text and "0000000007" in text
    every = "\n".join(texts)
    # The whole history, nothing dropped or repeated at a page break.
    assert sorted(int(n) for n in re.findall(r"avis n° (\d+)", every)) == list(range(60))
    assert "Historique (suite)" in texts[1]
    # One image object, shown on every page.
    names = {tuple(image.name for image in page.images) for page in reader.pages}
    assert len(names) == 1


def test_rii_without_history_is_one_page(renderer, signer) -> None:  # type: ignore[no-untyped-def]
    issued = issue(renderer, signer, DocumentKind.RII, facts(0))
    assert issued.pages == 1
    text = pypdf.PdfReader(io.BytesIO(issued.pdf)).pages[0].extract_text()
    assert "Aucun événement" in text
    assert "6 points" in text


def test_unknown_birth_day_prints_zeros_and_encodes_them(renderer, signer) -> None:  # type: ignore[no-untyped-def]
    issued = issue(renderer, signer, DocumentKind.RIR, facts(0))
    assert decode(issued.text).get("69") == "00001950"
    text = pypdf.PdfReader(io.BytesIO(issued.pdf)).pages[0].extract_text()
    assert "00/00/1950 à Île-d'Arz" in text


def test_module_size_never_below_0_4_mm() -> None:
    assert module_size(24) > MIN_MODULE
    assert module_size(148) == pytest.approx(0.4 * mm)
    for modules in range(14, 150):
        assert module_size(modules) >= 0.4 * mm


def test_french_numeric_dates() -> None:
    assert french_date(date(2028, 2, 29)) == "29/02/2028"
    assert french_date(None) == ""


def test_twenty_categories_are_printed_and_signed(renderer, signer) -> None:  # type: ignore[no-untyped-def]
    codes = ("AM", "A1", "A2", "A", "B1", "B", "C1", "C", "D1", "D", "BE", "C1E", "CE", "D1E",
             "DE", "AL", "AT", "CL", "A3", "A4")
    lines = tuple(CategoryLine(code, date(2000, 1, 1) + timedelta(days=i), None,
                               ("78",) if code == "B" else ())
                  for i, code in enumerate(codes))
    f = DriverFacts(**{**facts(0).__dict__, "categories": lines})
    issued = issue(renderer, signer, DocumentKind.ADCS, f)
    assert decode(issued.text).get("E6") == " ".join(codes)
    reader = pypdf.PdfReader(io.BytesIO(issued.pdf))
    assert len(reader.pages) == issued.pages
    text = "\n".join(page.extract_text() for page in reader.pages)
    for i in range(len(codes)):
        assert french_date(date(2000, 1, 1) + timedelta(days=i)) in text
    assert "Attestation valable jusqu'au 28/02/2027" in text


def test_a_value_the_di_refuses_is_a_payload_error(renderer, signer) -> None:  # type: ignore[no-untyped-def]
    f = DriverFacts(**{**facts(0).__dict__, "surname": "Louis 14"})
    with pytest.raises(PayloadError) as info:
        issue(renderer, signer, DocumentKind.RIR, f)
    assert (info.value.field, info.value.position) == ("6G", 6)


FIFTEEN = ("AM", "A1", "A2", "A", "B1", "B", "C1", "C", "D1", "D", "BE", "C1E", "CE", "D1E", "DE")
JUDICIAL = SuspensionFacts(SuspensionKind.JUDICIAL, date(2026, 9, 1), date(2027, 3, 1))


def _with(**changes: object) -> DriverFacts:
    return DriverFacts(**{**facts(0).__dict__, **changes})  # type: ignore[arg-type]


def _pages(pdf: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def _render(renderer: PDFRenderer, kind: DocumentKind, f: DriverFacts, ca_id: str | None) -> bytes:
    """Render without signing (the mark depends on the view's CA id only)."""
    symbol = render_symbol("DC04" + (ca_id or "FR00") + "P2D1")
    view = DocumentView(kind, f, "0000000009", ON, datetime(2026, 10, 31, 8, 1),
                        "https://verifier.example/", date(2027, 2, 28), ca_id)
    return renderer.render(view, symbol.image, symbol.size + 2 * QUIET_ZONE_MODULES)


def _categories(codes: tuple[str, ...]) -> tuple[CategoryLine, ...]:
    return tuple(CategoryLine(code, date(2000, 1, 1) + timedelta(days=i)) for i, code in
                 enumerate(codes))


@pytest.mark.parametrize("ca_id", ["FR00", None])
def test_specimen_mark_on_every_page_under_the_test_ca(renderer, ca_id) -> None:  # type: ignore[no-untyped-def]
    pages = _pages(_render(renderer, DocumentKind.RII, facts(60), ca_id))
    assert len(pages) >= 3
    for text in pages:
        assert "SPÉCIMEN — document de démonstration" in text


def test_no_specimen_mark_under_another_ca(renderer) -> None:  # type: ignore[no-untyped-def]
    for text in _pages(_render(renderer, DocumentKind.RII, facts(60), "FR01")):
        assert "SPÉCIMEN" not in text


@pytest.mark.parametrize("kind", [DocumentKind.ADCS, DocumentKind.RIR], ids=lambda k: k.value)
@pytest.mark.parametrize(("state", "headline"), [
    ("SUSPENDU", "PERMIS SUSPENDU"),
    ("SUSPENDU MEDICAL", "PERMIS SUSPENDU POUR RAISON MÉDICALE"),
    ("INVALIDE", "PERMIS INVALIDÉ"),
    ("ANNULE JUDICIAIRE", "PERMIS ANNULÉ PAR DÉCISION JUDICIAIRE"),
])
def test_a_licence_that_does_not_allow_driving_is_the_headline(renderer, signer, kind, state,  # type: ignore[no-untyped-def]
                                                                headline) -> None:
    issued = issue(renderer, signer, kind, _with(state=state))
    text = _pages(issued.pdf)[0]
    title = "Attestation de droits" if kind is DocumentKind.ADCS else "Relevé d'information"
    assert text.index(headline) < text.index(title) < text.index("Titulaire")
    assert "n'autorise pas la conduite à la date du 31/10/2026" in text


@pytest.mark.parametrize("kind", list(DocumentKind), ids=lambda k: k.value)
def test_a_valid_licence_has_no_headline(renderer, signer, kind) -> None:  # type: ignore[no-untyped-def]
    text = _pages(issue(renderer, signer, kind, facts(0)).pdf)[0]
    assert "PERMIS" not in text and "n'autorise pas" not in text


def test_judicial_suspension_end_date_and_usage_name_are_printed_as_unsigned(renderer,  # type: ignore[no-untyped-def]
                                                                            signer) -> None:
    f = _with(state="SUSPENDU", suspension=JUDICIAL, usage_name="Martin")
    issued = issue(renderer, signer, DocumentKind.ADCS, f)
    text = _pages(issued.pdf)[0]
    assert text.index("PERMIS SUSPENDU PAR DÉCISION JUDICIAIRE") < text.index("Attestation de")
    assert "Fin de la suspension : 01/03/2027 inclus *" in text
    assert "Suspension judiciaire du 01/09/2026 au 01/03/2027 inclus" in text
    assert "Nom d'usage * MARTIN" in text
    assert "* Mention tirée du fichier national, non couverte par la signature" in text
    # Neither is in the signed text: no DI carries them.
    assert "MARTIN" not in issued.text and "01032027" not in issued.text


def test_administrative_suspension_until_further_notice(renderer, signer) -> None:  # type: ignore[no-untyped-def]
    open_ended = SuspensionFacts(SuspensionKind.ADMINISTRATIVE, date(2026, 9, 1), None)
    text = _pages(issue(renderer, signer, DocumentKind.RIR,
                        _with(state="SUSPENDU", suspension=open_ended)).pdf)[0]
    assert text.startswith("Système") and "PERMIS SUSPENDU Ce permis" in text
    assert "Suspension jusqu'à nouvel ordre *" in text
    assert "Suspension administrative du 01/09/2026 jusqu'à nouvel ordre" in text
    assert "judiciaire" not in text.split("Mentions non couvertes")[0]


def test_adcs_box_is_about_the_attestation(renderer, signer) -> None:  # type: ignore[no-untyped-def]
    text = _pages(issue(renderer, signer, DocumentKind.ADCS, _with(state="SUSPENDU")).pdf)[0]
    assert "Attestation valable jusqu'au 28/02/2027" in text
    assert " Valable jusqu'au 28/02/2027" not in text


@pytest.mark.parametrize("changes", [
    {},
    {"state": "SUSPENDU", "suspension": JUDICIAL, "usage_name": "Martin-Dubois de la Roche"},
    {"state": "INVALIDE", "surname": "De La Tour du Pin Gouvernet d'Aubigné-Montauban"},
    {"state": "SUSPENDU MEDICAL", "usage_name": "Martin-Dubois de la Roche",
     "surname": "De La Tour du Pin Gouvernet d'Aubigné-Montauban", "licence_number": "12AA01",
     "licence_issued_on": date(2003, 5, 12),
     "suspension": SuspensionFacts(SuspensionKind.MEDICAL, date(2026, 9, 1), date(2027, 3, 1))},
], ids=["valid", "judicial-suspension", "invalidated-long-name", "medical-every-mention"])
def test_an_adcs_with_fifteen_categories_fits_on_one_page(renderer, signer, changes) -> None:  # type: ignore[no-untyped-def]
    issued = issue(renderer, signer, DocumentKind.ADCS,
                   _with(categories=_categories(FIFTEEN), **changes))
    assert issued.pages == 1
    assert decode(issued.text).get("E6") == " ".join(FIFTEEN)
    text = _pages(issued.pdf)[0]
    assert all(f" {code} " in text for code in FIFTEEN)
