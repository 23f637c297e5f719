"""The verifier app in process (Flask test client): catch-all errors, headers, page, trust."""

from __future__ import annotations

import datetime as dt
import io
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
from conftest import Texts
from flask.testing import FlaskClient
from PIL import Image

from permis2d.params import french_today
from permis2d.settings import Settings
from tests.support.symbols import render_datamatrix
from verifier.trust import TrustStore
from verifier.web import create_app
from verifier.web.api import LIVE_BUDGET_SECONDS


def test_unexpected_exception_is_a_json_500(settings_for: Settings) -> None:
    app = create_app(settings_for, TrustStore.empty())

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("a bug")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert response.json == {"valid": False, "error": {
        "code": "internal_error",
        "message": "the verifier failed on this request; it is not valid"}}


def test_empty_trust_store_fails_closed(settings_for: Settings,
                                        texts: tuple[Texts, Path]) -> None:
    client = create_app(settings_for, TrustStore.empty()).test_client()
    body = client.post("/api/v1/verify", json={"text": texts[0].valid_adcs}).json
    assert body["valid"] is False
    assert [r["code"] for r in body["reasons"]] == ["CERTIFICATE_UNKNOWN"]


def test_trust_from_settings_and_injected_today(tmp_path: Path,
                                                texts: tuple[Texts, Path]) -> None:
    settings = Settings.from_env({"PERMIS2D_DATA_DIR": str(tmp_path / "data"),
                                  "PERMIS2D_VERIFIER_TRUST": str(texts[1])})
    app = create_app(settings, today=lambda: dt.date(2099, 12, 31))
    body = app.test_client().post("/api/v1/verify", json={"text": texts[0].valid_adcs}).json
    assert body["at"] == "2099-12-31"
    # In 2099 the CRL exported today is long past its nextUpdate: it vouches for nothing then.
    assert [r["code"] for r in body["reasons"]] == ["CRL_STALE", "DOCUMENT_EXPIRED"]


def test_default_date_is_the_paris_date(settings_for: Settings) -> None:
    # A document issued at 00:30 in Paris must not look "dated in the future" to a server on UTC.
    app = create_app(settings_for, TrustStore.empty())
    # The clock read is the shared French one (its own test pins instants around midnight UTC).
    assert app.config["PERMIS2D_TODAY"] is french_today
    today = dt.datetime.now(ZoneInfo("Europe/Paris")).date()
    body = app.test_client().post("/api/v1/verify", json={"text": "DC04"}).json
    assert body["at"] == today.isoformat()


def test_page_in_french_and_english_with_csp(settings_for: Settings) -> None:
    client = create_app(settings_for, TrustStore.empty()).test_client()
    french = client.get("/")
    assert french.status_code == 200
    assert '<html lang="fr">' in french.text and "Vérifier" in french.text
    csp = french.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "<script>" not in french.text  # only src= scripts and a JSON data block
    english = client.get("/?lang=en")
    assert '<html lang="en">' in english.text and "Verify a driving licence" in english.text
    assert client.get("/static/verifier.js").status_code == 200
    assert client.get("/static/verifier.css").status_code == 200


def _client(settings: Settings, texts: tuple[Texts, Path]) -> FlaskClient:
    return create_app(settings, TrustStore.load([texts[1]])).test_client()


def test_french_purpose_alias_and_other_file_field(settings_for: Settings,
                                                   texts: tuple[Texts, Path]) -> None:
    png = io.BytesIO()
    render_datamatrix(texts[0].valid_adcs).save(png, "PNG")
    client = _client(settings_for, texts)
    body = client.post("/api/v1/verify", data={
        "purpose": "Loueur", "image": (io.BytesIO(png.getvalue()), "photo.png")}).json
    assert body["valid"] is True and body["purpose"] == "rental"
    assert body["document"]["categories"] == ["AM", "B1", "B"]


def test_two_files_are_ambiguous(settings_for: Settings, texts: tuple[Texts, Path]) -> None:
    client = _client(settings_for, texts)
    answer = client.post("/api/v1/verify", data={"a": (io.BytesIO(b"x"), "a.png"),
                                                 "b": (io.BytesIO(b"y"), "b.png")})
    assert answer.status_code == 400
    assert answer.json["error"] == {"code": "ambiguous_input", "field": "file",
                                    "message": "send one file, in the multipart field 'file'"}


def test_rental_purpose_discloses_no_neph_and_no_raw_fields(settings_for: Settings,
                                                            texts: tuple[Texts, Path]) -> None:
    body = _client(settings_for, texts).post(
        "/api/v1/verify", json={"text": texts[0].valid_rir, "purpose": "rental"}).json
    assert body["valid"] is True
    assert set(body) == {"valid", "reasons", "repaired", "notes", "document", "purpose", "at",
                         "count", "documents", "driving", "specimen"}
    assert body["driving"]["allowed"] is True
    assert body["document"]["validity"]["expires"] is None  # an RIR has no DI 08
    assert "123456789012" not in str(body)


def test_live_camera_frame_gets_a_short_budget(settings_for: Settings,
                                               texts: tuple[Texts, Path]) -> None:
    noise = Image.fromarray(np.random.default_rng(5).integers(0, 256, (900, 1200),
                                                             dtype=np.uint8), "L")
    frame = io.BytesIO()
    noise.save(frame, "JPEG", quality=70)
    client = _client(settings_for, texts)
    client.application.extensions["permis2d_decode_pool"].start()  # not the budget's business
    start = time.monotonic()
    answer = client.post("/api/v1/verify?live=1",
                         data={"file": (io.BytesIO(frame.getvalue()), "frame.jpg")})
    assert time.monotonic() - start < LIVE_BUDGET_SECONDS + 1.5
    assert answer.status_code == 422
    assert answer.json["error"]["code"] in {"no_2ddoc_found", "decode_budget_exceeded"}


def test_recursive_pdf_answers_decode_timeout(settings_for: Settings) -> None:
    """Issue 10: a PDF that hangs pdfium gets a JSON 422 in about the budget, not a dead worker."""
    from tests.support.symbols import recursive_pdf
    from verifier.scan_limits import ScanLimits

    app = create_app(settings_for, TrustStore.empty(), limits=ScanLimits(budget_seconds=1.0))
    client = app.test_client()
    start = time.monotonic()
    answer = client.post("/api/v1/verify", data=recursive_pdf(),
                         content_type="application/pdf")
    assert time.monotonic() - start < 8
    assert (answer.status_code, answer.json["error"]["code"]) in {
        (422, "decode_timeout"), (413, "decode_too_large")}
    app.extensions["permis2d_decode_pool"].close()
