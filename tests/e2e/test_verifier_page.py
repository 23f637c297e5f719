"""The verifier page in real headless Chromium against the real service under gunicorn."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from verifier.serve import spawn_verifier, stop_verifier

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration" / "verifier"))
from verifier_documents import adcs_text, issuer_pdf, make_pki

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# Set E2E_SCREENSHOTS=/some/dir to keep the screenshots for a human to look at.
SCREENSHOTS = os.environ.get("E2E_SCREENSHOTS")

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="/usr/bin/chromium is absent: install Debian's chromium "
                                       "(make test does it as root) to run the page tests")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """A verifier trusting a fresh test CA, an issuer ADCS PDF, and a signed text."""
    base = tmp_path_factory.mktemp("e2e-verifier")
    store = make_pki(base / "keys", "FR99")
    today = dt.date.today()
    text, pdf = issuer_pdf(store, kind="adcs", issued=today)
    pdf_path = base / "adcs.pdf"
    pdf_path.write_bytes(pdf)
    trust = store.export_trust(base / "trust")
    process, url = spawn_verifier([trust], base / "data", base / "gunicorn.log")
    try:
        yield {"url": url, "pdf": pdf_path, "text": text, "base": base,
               "rir": adcs_text(store, issued=today, kind="RIR")}
    finally:
        stop_verifier(process)


@pytest.fixture(scope="module")
def playwright() -> Iterator[object]:
    """One Playwright driver for the module (the sync API allows only one at a time)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: object) -> Iterator[object]:
    """Debian's Chromium driven by Playwright."""
    chromium = playwright.chromium.launch(  # type: ignore[attr-defined]
        executable_path=str(CHROMIUM), args=ARGS)
    yield chromium
    chromium.close()


def _shot(page: object, site: dict, name: str) -> None:
    folder = Path(SCREENSHOTS) if SCREENSHOTS else site["base"]
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def _expires_fr(text: str) -> str:
    """DI 08 of an ADCS text, as the page prints it (JJ/MM/AAAA)."""
    from twoddoc import decode
    from twoddoc.dates import hex_to_date

    day = hex_to_date(decode(text, strict=False).get("08") or "")
    assert day is not None
    return day.strftime("%d/%m/%Y")


@pytest.mark.parametrize(("viewport", "name"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_upload_issuer_pdf_shows_green_verdict(browser: object, site: dict, viewport: dict,
                                               name: str) -> None:
    page = browser.new_page(viewport=viewport)  # type: ignore[attr-defined]
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text)
            if "Content Security Policy" in msg.text else None)
    page.goto(site["url"] + "/")
    _shot(page, site, f"verifier-{name}-empty")
    assert page.locator("h1").inner_text() == "Vérifier un permis de conduire"
    page.set_input_files("#file", str(site["pdf"]))
    verdict = page.locator("#verdict")
    verdict.wait_for(timeout=20_000)
    assert verdict.get_attribute("data-valid") == "true"
    assert "Document authentique et valide" in verdict.inner_text()
    assert f"valable jusqu'au {_expires_fr(site['text'])}" in verdict.inner_text()
    assert "DUPONT" in verdict.inner_text()
    _shot(page, site, f"verifier-{name}-valid")
    assert violations == []
    page.close()


def test_english_switch_and_forged_text_shows_red_verdict(browser: object, site: dict) -> None:
    page = browser.new_page(viewport=PHONE)  # type: ignore[attr-defined]
    page.goto(site["url"] + "/")
    page.click("#lang-switch")
    page.wait_for_url("**/?lang=en")
    assert page.locator("h1").inner_text() == "Verify a driving licence"
    page.fill("#text", site["rir"].replace("DUPONT", "DURAND"))
    page.click("#verify-button")
    verdict = page.locator("#verdict")
    verdict.wait_for(timeout=20_000)
    assert verdict.get_attribute("data-valid") == "false"
    assert "Document NOT valid" in verdict.inner_text()
    assert "The signature does not match the data" in verdict.inner_text()
    _shot(page, site, "verifier-phone-forged-en")
    page.close()


def test_police_purpose_pastes_text_and_sees_all_fields(browser: object, site: dict) -> None:
    page = browser.new_page(viewport=DESKTOP)  # type: ignore[attr-defined]
    page.goto(site["url"] + "/")
    page.check("input[name=purpose][value=police]")
    page.fill("#text", site["rir"])
    page.click("#verify-button")
    verdict = page.locator("#verdict")
    verdict.wait_for(timeout=20_000)
    assert verdict.get_attribute("data-valid") == "true"
    page.click("details summary")
    assert "123456789012" in verdict.inner_text()  # the NEPH: police only
    page.close()


def _y4m(image_path: Path, picture: object, frames: int = 10) -> Path:
    """A Y4M video (4:2:0) showing ``picture`` still: Chromium's fake camera plays it in a loop."""
    import numpy as np
    from PIL import Image

    gray = Image.new("L", (640, 480), 200)
    gray.paste(picture, ((640 - picture.width) // 2, (480 - picture.height) // 2))  # type: ignore[attr-defined]
    luma = np.asarray(gray, dtype=np.uint8).tobytes()
    chroma = bytes([128]) * (320 * 240)
    with image_path.open("wb") as out:
        out.write(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n")
        for _ in range(frames):
            out.write(b"FRAME\n" + luma + chroma + chroma)
    return image_path


def test_live_camera_scan_with_a_fake_camera(playwright: object, site: dict) -> None:
    from tests.support.symbols import render_datamatrix

    video = _y4m(site["base"] / "camera.y4m", render_datamatrix(site["rir"], module_px=5))
    args = [*ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}"]
    chromium = playwright.chromium.launch(  # type: ignore[attr-defined]
        executable_path=str(CHROMIUM), args=args)
    try:
        page = chromium.new_page(viewport=PHONE)
        page.goto(site["url"] + "/?lang=en")
        page.click("#camera-button")
        verdict = page.locator("#verdict")
        verdict.wait_for(timeout=30_000)
        assert verdict.get_attribute("data-valid") == "true"
        assert "DUPONT" in verdict.inner_text()
        assert page.locator("#camera").is_hidden()  # the camera stops once a code is read
        _shot(page, site, "verifier-phone-camera-en")
    finally:
        chromium.close()


def test_upload_without_a_code_explains_in_french(browser: object, site: dict) -> None:
    from PIL import Image

    blank = site["base"] / "blank.png"
    Image.new("L", (400, 300), 255).save(blank)
    page = browser.new_page(viewport=PHONE)  # type: ignore[attr-defined]
    page.goto(site["url"] + "/")
    page.set_input_files("#file", str(blank))
    verdict = page.locator("#verdict")
    verdict.wait_for(timeout=20_000)
    assert verdict.get_attribute("data-error") == "no_2ddoc_found"
    assert "Aucun code 2D-Doc trouvé" in verdict.inner_text()
    page.close()
