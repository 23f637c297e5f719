"""Issue every document for every test driver and read it back like a verifier would.

Real parts only: a migrated SQLite registry, a real PKI, the PDF written to disk, its barcode
pulled out of the PDF (pypdf) and out of a 200 dpi rendering of the page (pypdfium2), decoded by
zxing-cpp and libdmtx, the signature checked against the exported trust folder.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pypdf
import pypdfium2
import pytest
import zxingcpp
from cryptography import x509
from PIL import Image
from pylibdmtx import pylibdmtx
from sqlalchemy import func, select

from issuer.errors import UnknownDriverError
from issuer.kinds import DocumentKind
from issuer.log import IssuanceLog, text_digest
from issuer.service import Issuer
from twoddoc import decode, verify_signature
from verifier.policy import verify_text
from verifier.scan import scan
from verifier.trust import TrustStore

ON = date(2026, 10, 31)
NOW = datetime(2026, 10, 31, 10, 5)
DRIVERS = Path(__file__).resolve().parents[2] / "data" / "issuer" / "drivers.json"
NEPHS = [spec["neph"] for spec in json.loads(DRIVERS.read_text(encoding="utf-8"))["drivers"]]


def _zxing(image: Image.Image) -> list[bytes]:
    return [r.bytes for r in zxingcpp.read_barcodes(image,
                                                     formats=zxingcpp.BarcodeFormat.DataMatrix)]


def _libdmtx(image: Image.Image) -> list[bytes]:
    return [r.data for r in pylibdmtx.decode(image, max_count=1, timeout=3000)]


def _embedded_symbol(pdf: Path, page: int = 0) -> Image.Image:
    images = pypdf.PdfReader(pdf).pages[page].images
    assert len(images) == 1
    return images[0].image


def _rendered(pdf: Path, page: int = 0) -> Image.Image:
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return document[page].render(scale=200 / 72).to_pil().convert("L")
    finally:
        document.close()


def _trust_leaf(issuer: Issuer, tmp_path: Path, cert_id: str) -> x509.Certificate:
    folder = issuer.keystore.export_trust(tmp_path / "trust")
    pem = (folder / f"{issuer.keystore.ca_id}_{cert_id}.pem").read_bytes()
    return x509.load_pem_x509_certificate(pem)


@pytest.mark.parametrize("kind", list(DocumentKind), ids=lambda k: k.value)
@pytest.mark.parametrize("neph", NEPHS)
def test_barcode_reads_back_from_pdf_image_and_200_dpi_page(
    issuer: Issuer, tmp_path: Path, kind: DocumentKind, neph: str
) -> None:
    out = tmp_path / f"{kind.value}.pdf"
    issued = issuer.issue(kind, neph, on=ON, now=NOW, requested_by="test", out=out)
    expected = issued.text.encode("latin-1")
    assert out.read_bytes() == issued.pdf

    # The image object, as embedded (1 px per module), scaled up without smoothing.
    embedded = _embedded_symbol(out).convert("L")
    big = embedded.resize((embedded.width * 4, embedded.height * 4), Image.Resampling.NEAREST)
    assert _zxing(big) == [expected]
    assert _libdmtx(big) == [expected]

    # The whole page rendered at 200 dpi, as a scanner would see it.
    page = _rendered(out)
    assert _zxing(page) == [expected]
    right_bottom = page.crop((page.width // 2, page.height // 2, page.width, page.height))
    assert _libdmtx(right_bottom) == [expected]

    # The text decodes and its signature verifies with the exported leaf certificate.
    doc = decode(issued.text)
    leaf = _trust_leaf(issuer, tmp_path, doc.header.cert_id)
    verify_signature(doc, leaf.public_key())
    assert doc.get("AC") == neph
    assert doc.get("01") == issued.document_id
    assert doc.get("09") == f"{issued.pages:04d}"
    assert doc.header.signature_date == ON


def test_adcs_is_valid_until_expiry_and_expired_the_day_after(issuer: Issuer,
                                                               tmp_path: Path) -> None:
    issued = issuer.issue(DocumentKind.ADCS, NEPHS[0], on=ON, now=NOW, requested_by="test")
    assert issued.payload.expires_on == date(2027, 2, 28)
    folder = issuer.keystore.export_trust(tmp_path / "trust")
    trust = TrustStore.load([folder])
    on_last_day = verify_text(issued.text, trust, at=date(2027, 2, 28)).to_json()
    day_after = verify_text(issued.text, trust, at=date(2027, 3, 1)).to_json()
    assert on_last_day["valid"] is True
    assert on_last_day["checks"]["document_not_expired"] is True
    assert day_after["checks"]["document_not_expired"] is False
    assert day_after["valid"] is False


def test_pdf_text_metadata_and_wording(issuer: Issuer, tmp_path: Path) -> None:
    out = tmp_path / "adcs.pdf"
    issued = issuer.issue(DocumentKind.ADCS, NEPHS[0], on=ON, now=NOW, requested_by="test",
                          out=out)
    reader = pypdf.PdfReader(out)
    text = reader.pages[0].extract_text()
    for words in ("Système national des permis de conduire",
                  "Attestation de droits à conduire sécurisée", "LEFÈVRE",
                  "Françoise", "Saint-Étienne", "29/02/1984", "120375100001",
                  "Attestation valable jusqu'au 28/02/2027", "2D-DOC", issued.document_id,
                  issuer.settings.verifier_url, "Restrictions de ce permis : B (78)",
                  "non couvertes par la signature",
                  "Page 1 / 1"):
        assert words in text, words
    meta = reader.metadata
    assert meta.title.startswith("Attestation de droits à conduire sécurisée")
    assert meta.author.startswith("permis2d")
    assert "RÉPUBLIQUE" not in text and "Liberté" not in text  # neutral look, no State brand
    assert meta.creation_date.replace(tzinfo=None) == NOW
    fonts = {str(font) for page in reader.pages
             for font in page["/Resources"]["/Font"].values()
             for font in [font.get_object()["/BaseFont"]]}
    assert any("DejaVu" in font for font in fonts), fonts


def test_suspended_licence_document_states_it(issuer: Issuer, tmp_path: Path) -> None:
    out = tmp_path / "rir.pdf"
    issued = issuer.issue(DocumentKind.ADCS, NEPHS[1], on=ON, now=NOW, requested_by="test",
                          out=out)
    assert decode(issued.text).get("E5") == "47"
    assert "SUSPENDU" in pypdf.PdfReader(out).pages[0].extract_text()


def test_unknown_neph_is_refused_and_nothing_is_logged(issuer: Issuer, tmp_path: Path) -> None:
    out = tmp_path / "nobody.pdf"
    for kind in (DocumentKind.RIR, DocumentKind.ADCS):
        with pytest.raises(UnknownDriverError) as info:
            issuer.issue(kind, "999999999999", on=ON, now=NOW, requested_by="test", out=out)
        assert info.value.neph == "999999999999" and info.value.field == "neph"
    assert not out.exists()
    with issuer.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(IssuanceLog)) == 0


def test_log_records_every_issued_document(issuer: Issuer, tmp_path: Path) -> None:
    docs = [issuer.issue(kind, NEPHS[0], on=ON, now=NOW, requested_by="agent:42",
                         out_dir=tmp_path) for kind in DocumentKind]
    with issuer.engine.connect() as connection:
        rows = connection.execute(select(IssuanceLog.__table__).order_by("id")).mappings().all()
    assert [row["document_id"] for row in rows] == [d.document_id for d in docs]
    assert len({d.document_id for d in docs}) == 3
    for row, doc in zip(rows, docs, strict=True):
        assert row["kind"] == doc.kind.value
        assert row["neph"] == NEPHS[0]
        assert row["text_sha256"] == text_digest(doc.text)
        assert row["requested_by"] == "agent:42"
        assert row["issued_on"] == ON
        assert row["cert_id"] == decode(doc.text).header.cert_id
        assert doc.path is not None and doc.path.exists()
    assert rows[1]["expires_on"] == date(2027, 2, 28)
    assert rows[0]["expires_on"] is None
    pdfs = sorted(p.name for p in tmp_path.iterdir() if p.is_file())
    assert pdfs == sorted(f"{d.kind.value}-{d.document_id}.pdf" for d in docs)  # none staged


def test_failed_write_is_logged_failed_and_its_id_spent(issuer: Issuer, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(OSError):
        issuer.issue(DocumentKind.RIR, NEPHS[0], on=ON, now=NOW, requested_by="test",
                     out=blocker / "rir.pdf")
    with issuer.engine.connect() as connection:
        rows = connection.execute(select(IssuanceLog.__table__)).mappings().all()
    assert [(row["document_id"], row["status"]) for row in rows] == [("0000000001", "failed")]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "file"]  # nothing staged
    after = issuer.issue(DocumentKind.RIR, NEPHS[0], on=ON, now=NOW, requested_by="test",
                         out=tmp_path / "rir.pdf")
    assert after.document_id == "0000000002"  # the failed document's id is never given again


def test_rii_history_shows_each_event_with_its_own_points(issuer: Issuer, tmp_path: Path) -> None:
    out = tmp_path / "rii.pdf"
    issued = issuer.issue(DocumentKind.RII, NEPHS[0], on=ON, now=NOW, requested_by="test",
                          out=out)
    assert decode(issued.text).get("AG") == "C"  # 12 points, base 36
    history = {(e.on.isoformat(), e.kind.name): e.points
               for e in issuer.facts(NEPHS[0], on=ON, data_as_of=NOW).history}
    # The 1-point offence keeps its -1 although 6 months later the point came back (own row).
    assert history == {("2025-03-11", "COURSE"): 3, ("2025-01-15", "OFFENCE"): -3,
                       ("2025-01-01", "RESTORATION"): 1, ("2024-06-10", "OFFENCE"): -1,
                       ("2022-04-01", "MEDICAL"): None}
    text = " ".join(pypdf.PdfReader(out).pages[0].extract_text().split())  # lines re-joined
    for words in ("12 points", "Historique des dix dernières années", "10/06/2024",
                  "Usage d'un téléphone tenu en main", "Stage de sensibilisation",
                  "aptitude valable jusqu'au 01/04/2027", "+3", "-3"):
        assert words in text, words


@pytest.mark.parametrize("kind", list(DocumentKind), ids=lambda k: k.value)
def test_verifier_scanner_reads_our_pdf_and_says_valid(issuer: Issuer, tmp_path: Path,
                                                       kind: DocumentKind) -> None:
    out = tmp_path / f"{kind.value}.pdf"
    issued = issuer.issue(kind, NEPHS[0], on=ON, now=NOW, requested_by="test", out=out)
    texts = scan(out)
    assert set(texts) == {issued.text}
    trust = TrustStore.load([issuer.keystore.export_trust(tmp_path / "trust")])
    report = verify_text(texts[0], trust, at=ON).to_json()
    assert report["valid"] is True, report["reasons"]


def test_driver_without_licence_is_refused(issuer: Issuer, tmp_path: Path) -> None:
    from sqlalchemy.orm import Session

    from issuer.errors import NoLicenceHeldError
    from registry.models import Driver

    with Session(issuer.engine) as session, session.begin():
        session.add(Driver(neph="120375199999", civility="M", surname="Sanspermis",
                           usage_name=None, birth_year=2001, birth_month=1, birth_day=2,
                           birth_place="Nantes", birth_country="FR"))
    with pytest.raises(NoLicenceHeldError) as info:
        issuer.issue(DocumentKind.RIR, "120375199999", on=ON, now=NOW, requested_by="test",
                     out=tmp_path / "x.pdf")
    assert info.value.code == "no_licence" and info.value.field == "neph"
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize(("now", "on", "e8"), [
    # 22:30 UTC on 1 July is 00:30 on 2 July in Paris (UTC+2, summer time).
    (datetime(2026, 7, 1, 22, 30), date(2026, 7, 2), "020720260030"),
    # 10:05 UTC on 31 October 2026 is 11:05 in Paris (UTC+1, winter time since 25 October).
    (datetime(2026, 10, 31, 10, 5), date(2026, 10, 31), "311020261105"),
])
def test_e8_is_french_civil_time(issuer: Issuer, now: datetime, on: date, e8: str) -> None:
    issued = issuer.issue(DocumentKind.RIR, NEPHS[0], on=on, now=now, requested_by="test")
    assert decode(issued.text).get("E8") == e8
