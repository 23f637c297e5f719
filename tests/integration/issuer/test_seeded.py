"""Every seeded demo driver, every document: the barcode in the PDF decodes and verifies.

The registry's deterministic demo seed (``permis2d registry seed``: every licence state, long
accented names, all categories, long histories) is issued as RIR, ADCS and RII. For each PDF the
barcode is read from the embedded image with zxing-cpp and libdmtx, and from a 200 dpi
rendering of the first page with zxing-cpp (whole page) and libdmtx (its bottom-right corner);
the text must be byte-exact, and the verifier, loading the exported trust folder, must say
``valid``.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pypdf
import pypdfium2
import pytest
import zxingcpp
from PIL import Image
from pylibdmtx import pylibdmtx
from sqlalchemy.orm import Session

from issuer.kinds import DocumentKind
from issuer.service import Issuer
from registry.db import make_engine
from registry.seed import demo_drivers, seed_registry
from twoddoc import decode
from verifier.policy import verify_text
from verifier.trust import TrustStore

ON = date(2026, 10, 31)
NOW = datetime(2026, 10, 31, 9, 0)
COUNT = 40
SEED = 2024


@pytest.fixture
def seeded(issuer: Issuer) -> list[str]:
    engine = make_engine(issuer.settings.database_url or "")
    with Session(engine) as session, session.begin():
        seed_registry(session, count=COUNT, seed=SEED, asof=ON)
    engine.dispose()
    return [d.neph for d in demo_drivers(count=COUNT, seed=SEED, asof=ON)]


def _zxing(image: Image.Image) -> list[bytes]:
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.DataMatrix)
    return [r.bytes for r in found]


def test_every_seeded_driver_and_document_reads_back_and_verifies(
    issuer: Issuer, seeded: list[str], tmp_path: Path
) -> None:
    trust = TrustStore.load([issuer.keystore.export_trust(tmp_path / "trust")])
    multi_page_rii = 0
    for neph in seeded:
        for kind in DocumentKind:
            out = tmp_path / f"{kind.value}-{neph}.pdf"
            issued = issuer.issue(kind, neph, on=ON, now=NOW, requested_by="test", out=out)
            expected = issued.text.encode("latin-1")
            embedded = pypdf.PdfReader(out).pages[0].images[0].image.convert("L")
            big = embedded.resize((embedded.width * 4, embedded.height * 4),
                                  Image.Resampling.NEAREST)
            assert _zxing(big) == [expected], (neph, kind)
            assert [r.data for r in pylibdmtx.decode(big, max_count=1, timeout=3000)] == [
                expected], (neph, kind)
            document = pypdfium2.PdfDocument(str(out))
            page = document[0].render(scale=200 / 72).to_pil().convert("L")
            document.close()
            assert _zxing(page) == [expected], (neph, kind)
            # libdmtx is slow on a whole page: give it the bottom-right corner of the scan.
            corner = page.crop((page.width // 2, page.height * 2 // 3, page.width, page.height))
            found = pylibdmtx.decode(corner, max_count=1, timeout=5000)
            assert [r.data for r in found] == [expected], (neph, kind)
            report = verify_text(issued.text, trust, at=ON).to_json()
            assert report["valid"] is True, (neph, kind, report["reasons"])
            if kind is DocumentKind.RII and issued.pages > 1:
                multi_page_rii += 1
                assert decode(issued.text).get("09") == f"{issued.pages:04d}"
    assert multi_page_rii >= 1  # the seed's long history spans several pages
