"""PDF layout: several RII pages, page numbers, DI 09, barcode on every page, symbol size."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta

import pypdf
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from reportlab.lib.units import mm

from issuer.errors import PayloadError
from issuer.facts import CategoryLine, DriverFacts, HistoryEntry, HistoryKind
from issuer.kinds import DocumentKind
from issuer.pdf import MIN_MODULE, PDFRenderer, french_date, module_size
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
    assert "Valable jusqu'au 28/02/2027" in text


def test_a_value_the_di_refuses_is_a_payload_error(renderer, signer) -> None:  # type: ignore[no-untyped-def]
    f = DriverFacts(**{**facts(0).__dict__, "surname": "Louis 14"})
    with pytest.raises(PayloadError) as info:
        issue(renderer, signer, DocumentKind.RIR, f)
    assert (info.value.field, info.value.position) == ("6G", 6)
