"""Camera decoding on the phone (issue 9, part 5): zxing-wasm reads the code in the browser.

Chromium's fake camera plays a Y4M video made here from an issued ADCS: the real issuer's PDF is
rendered by pdfium, the DataMatrix located by zxing-cpp and framed as a phone would see it. The
test asserts that the verdict appears and that no request carried image bytes, only the decoded
text. Over plain HTTP on a LAN name (not a secure context) the page says the camera needs HTTPS.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import zxingcpp
from PIL import Image

from tests.e2e.conftest import (
    ARGS,
    CHROMIUM,
    PHONE,
    axe_violations,
    csp_watch,
    require_assets,
    shot,
)

WIDTH, HEIGHT = 640, 480


def _code_from_pdf(pdf: Path) -> Image.Image:
    """The DataMatrix of the PDF's first page, as a crop with its quiet zone, in grey."""
    document = pdfium.PdfDocument(str(pdf))
    try:
        page = document[0].render(scale=4).to_pil().convert("L")
    finally:
        document.close()
    found = zxingcpp.read_barcodes(page, formats=zxingcpp.BarcodeFormat.DataMatrix)
    assert found, "the issued PDF has no readable DataMatrix"
    corners = found[0].position
    xs = [corners.top_left.x, corners.top_right.x, corners.bottom_left.x, corners.bottom_right.x]
    ys = [corners.top_left.y, corners.top_right.y, corners.bottom_left.y, corners.bottom_right.y]
    margin = (max(xs) - min(xs)) // 6
    crop = page.crop((min(xs) - margin, min(ys) - margin, max(xs) + margin, max(ys) + margin))
    side = 300
    return crop.resize((side, side * crop.height // crop.width), Image.Resampling.LANCZOS)


def _y4m(path: Path, picture: Image.Image, frames: int = 10) -> Path:
    """A still Y4M video (4:2:0) of ``picture`` on a grey desk; Chromium loops it as a camera."""
    frame = Image.new("L", (WIDTH, HEIGHT), 170)
    frame.paste(picture, ((WIDTH - picture.width) // 2, (HEIGHT - picture.height) // 2))
    luma = np.asarray(frame, dtype=np.uint8).tobytes()
    chroma = bytes([128]) * (WIDTH // 2 * HEIGHT // 2)
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode("ascii"))
        for _ in range(frames):
            out.write(b"FRAME\n" + luma + chroma + chroma)
    return path


def _camera_browser(playwright: object, video: Path, *extra: str) -> object:
    args = [*ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}", *extra]
    return playwright.chromium.launch(  # type: ignore[attr-defined]
        executable_path=str(CHROMIUM), args=args)


def test_camera_decodes_on_the_phone_and_sends_only_text(playwright: object,
                                                         site: dict) -> None:
    require_assets()
    video = _y4m(site["base"] / "camera.y4m", _code_from_pdf(site["pdf"]))
    chromium = _camera_browser(playwright, video)
    try:
        page = chromium.new_page(viewport=PHONE)  # type: ignore[attr-defined]
        violations = csp_watch(page)
        posts: list[dict] = []
        page.on("request", lambda request: posts.append({
            "url": request.url, "type": request.headers.get("content-type", ""),
            "body": request.post_data_buffer or b""}) if request.method == "POST" else None)
        page.goto(site["url"] + "/?lang=en")
        page.click("#camera-button")
        verdict = page.locator("#verdict")
        verdict.wait_for(timeout=30_000)
        assert verdict.get_attribute("data-verdict") == "ok"
        assert "DUPONT" in verdict.inner_text()
        assert page.locator("#camera").is_hidden()  # the camera stops once a code is read
        shot(page, site, "verifier-phone-camera-en")
        # Only the decoded text left the phone: one JSON post, no image, no multipart.
        assert len(posts) == 1, posts
        post = posts[0]
        assert post["type"] == "application/json"
        assert json.loads(post["body"]) == {"text": site["text"]}
        assert len(post["body"]) < 2_000
        for magic in (b"\xff\xd8\xff", b"\x89PNG", b"RIFF", b"%PDF"):
            assert magic not in post["body"]
        assert violations == []
        assert axe_violations(page) == []
    finally:
        chromium.close()  # type: ignore[attr-defined]


def test_camera_over_plain_http_asks_for_https(playwright: object, site: dict) -> None:
    port = site["url"].rsplit(":", 1)[1]
    video = _y4m(site["base"] / "blank.y4m", Image.new("L", (100, 100), 255))
    # A LAN-like name mapped to 127.0.0.1: plain HTTP there is not a secure context.
    chromium = _camera_browser(playwright, video,
                               "--host-resolver-rules=MAP verifier.lan 127.0.0.1")
    try:
        page = chromium.new_page(viewport=PHONE)  # type: ignore[attr-defined]
        page.goto(f"http://verifier.lan:{port}/")
        assert page.evaluate("window.isSecureContext") is False
        page.click("#camera-button")
        message = page.locator("#camera-https")
        message.wait_for(timeout=5_000)
        assert "HTTPS" in message.inner_text()
        assert "indisponible" not in message.inner_text()
        shot(page, site, "verifier-phone-camera-http")
    finally:
        chromium.close()  # type: ignore[attr-defined]


def test_camera_gives_advice_after_its_timeout(playwright: object, site: dict) -> None:
    require_assets()
    video = _y4m(site["base"] / "nothing.y4m", Image.new("L", (100, 100), 255))
    chromium = _camera_browser(playwright, video)
    try:
        page = chromium.new_page(viewport=PHONE)  # type: ignore[attr-defined]
        page.clock.install()
        page.goto(site["url"] + "/")
        page.click("#camera-button")
        page.locator("#camera-status").filter(has_text="Recherche du code").wait_for(
            timeout=15_000)
        assert page.locator(".viewfinder .frame").is_visible()  # the framing guide
        shot(page, site, "verifier-phone-camera-searching")
        page.clock.run_for(21_000)
        advice = page.locator("#camera-timeout")
        advice.wait_for(timeout=10_000)
        assert "20 secondes" in advice.inner_text() and "immobile" in advice.inner_text()
        assert page.locator("#camera").is_hidden()
    finally:
        chromium.close()  # type: ignore[attr-defined]
