"""The verifier service under gunicorn: real uploads, real verdicts, JSON for every answer."""

from __future__ import annotations

import io
import json
import re
import struct
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
import requests
from conftest import Service, Texts, shared_vectors
from PIL import Image

from tests.support.symbols import pdf_with_symbols, qr_image, render_datamatrix


@pytest.fixture(autouse=True)
def no_server_error(service: Service) -> Iterator[None]:
    """After each test, in whatever order they run: its requests got no 5xx (access log).

    This replaced a test that read the whole log and meant something only when it ran last.
    A final request to an unknown route marks the end of the test's lines: gunicorn writes a
    line just after sending the answer, so the test's last line may come a moment later.
    """
    start = service.log.stat().st_size
    yield
    marker = f"/__end-of-test-{start}"
    requests.get(service.url + marker, timeout=10)
    deadline = time.monotonic() + 5
    added = ""
    while marker not in added and time.monotonic() < deadline:
        time.sleep(0.02)
        added = service.log.read_bytes()[start:].decode("utf-8", "replace")
    assert marker in added, "the access log did not record the marker request"
    assert not [int(s) for s in re.findall(r'" (\d{3}) ', added) if int(s) >= 500], added[-3000:]


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _photo(text: str) -> bytes:
    """A sideways phone photo: the page turned, EXIF orientation 6, JPEG quality 70."""
    page = Image.new("L", (1400, 1000), 235)
    page.paste(render_datamatrix(text, module_px=5), (300, 250))
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    page.convert("RGB").transpose(Image.Transpose.ROTATE_90).save(
        out, "JPEG", quality=70, exif=exif.tobytes())
    return out.getvalue()


def _schema(openapi: dict, name: str) -> dict:
    return {**openapi, "$ref": f"#/components/schemas/{name}"}


def _check(openapi: dict, response: requests.Response, status: int) -> dict:
    """Assert the status, a JSON body, and that the body matches the OpenAPI schema."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    name = "VerifyResponse" if status == 200 else "Error"
    jsonschema.validate(body, _schema(openapi, name),
                        cls=jsonschema.Draft202012Validator)
    return body


def _codes(body: dict) -> list[str]:
    return [reason["code"] for reason in body["reasons"]]


def test_healthz_and_openapi(service: Service, openapi: dict) -> None:
    health = requests.get(f"{service.url}/healthz", timeout=10)
    jsonschema.validate(health.json(), _schema(openapi, "Health"),
                        cls=jsonschema.Draft202012Validator)
    assert "FR99" in health.json()["trusted_cas"]
    assert openapi["openapi"] == "3.1.0"
    assert set(openapi["paths"]) == {"/api/v1/verify", "/healthz", "/openapi.json"}


def test_valid_adcs_text_for_an_employer(service: Service, openapi: dict,
                                         texts: tuple[Texts, Path]) -> None:
    body = _check(openapi, service.verify(json={"text": texts[0].valid_adcs,
                                                "purpose": "employer"}), 200)
    assert body["valid"] is True and body["reasons"] == []
    doc = body["document"]
    assert doc["kind"] == "ADCS"
    assert doc["holder"] == {"last_name": "DUPONT", "first_names": ["MARIE", "CLAIRE"],
                             "birth_date": "1984-02-29"}
    assert doc["categories"] == ["AM", "B1", "B"]
    assert doc["licence_state"] == {"code": "50", "label": "VALIDE", "label_fr": "VALIDE",
                                    "label_en": "VALID"}
    assert doc["validity"]["expires"] > body["at"]
    assert body["driving"] == {
        "allowed": True, "state": {"code": "50", "label_fr": "VALIDE", "label_en": "VALID"},
        "categories": ["AM", "B1", "B"],
        "message_fr": "Conduite autorisée — permis VALIDE, catégories AM B1 B",
        "message_en": "Driving allowed — licence VALID, categories AM B1 B"}
    # Data minimisation: no NEPH, birth place or raw fields for an employer.
    raw = json.dumps(body)
    assert "123456789012" not in raw and "LYON" not in raw and "fields" not in body


def test_no_purpose_discloses_only_the_verdict(service: Service, openapi: dict,
                                               texts: tuple[Texts, Path]) -> None:
    body = _check(openapi, service.verify(json={"text": texts[0].valid_adcs}), 200)
    assert body["valid"] is True
    assert set(body) == {"valid", "reasons", "repaired", "notes", "purpose", "at", "count",
                         "documents"}
    assert "DUPONT" not in json.dumps(body)
    none = _check(openapi, service.verify(json={"text": texts[0].valid_adcs,
                                                "purpose": "none"}), 200)
    assert set(none) == set(body) and "driving" not in none


def test_police_see_everything(service: Service, openapi: dict,
                               texts: tuple[Texts, Path]) -> None:
    body = _check(openapi, service.verify(data={"text": texts[0].valid_rir,
                                                "purpose": "police"}), 200)
    assert body["valid"] is True
    assert {f["di"]: f["value"] for f in body["fields"]}["AC"] == "123456789012"
    assert body["document"]["kind"] == "RIR"
    assert all(body["checks"].values())


def test_png_upload(service: Service, openapi: dict, texts: tuple[Texts, Path]) -> None:
    png = _png(render_datamatrix(texts[0].valid_adcs))
    body = _check(openapi, service.verify(files={"file": ("adcs.png", png, "image/png")},
                                          data={"purpose": "rental"}), 200)
    assert body["valid"] is True and body["document"]["document_id"] == "ADCS00000042"


def test_phone_photo_with_exif_rotation(service: Service, openapi: dict,
                                        texts: tuple[Texts, Path]) -> None:
    files = {"file": ("IMG_0001.jpg", _photo(texts[0].valid_adcs), "image/jpeg")}
    body = _check(openapi, service.verify(files=files), 200)
    assert body["valid"] is True


def test_raw_image_body(service: Service, openapi: dict, texts: tuple[Texts, Path]) -> None:
    png = _png(render_datamatrix(texts[0].valid_rir))
    response = requests.post(f"{service.url}/api/v1/verify?purpose=employer", data=png,
                             headers={"Content-Type": "image/png"}, timeout=30)
    assert _check(openapi, response, 200)["document"]["kind"] == "RIR"


def test_pdf_with_two_documents(service: Service, openapi: dict,
                                texts: tuple[Texts, Path]) -> None:
    pdf = pdf_with_symbols([[texts[0].valid_adcs], [texts[0].expired_adcs]])
    body = _check(openapi, service.verify(files={"file": ("two.pdf", pdf, "application/pdf")},
                                          data={"purpose": "employer"}), 200)
    assert body["count"] == 2
    assert [d["valid"] for d in body["documents"]] == [True, False]
    assert _codes(body["documents"][1]) == ["DOCUMENT_EXPIRED"]


@pytest.mark.parametrize(("kind", "name"), [("adcs", "ADCS"), ("rir", "RIR"), ("rii", "RII")])
def test_pdf_made_by_the_issuer(service: Service, openapi: dict, texts: tuple[Texts, Path],
                                kind: str, name: str) -> None:
    _, pdf = texts[0].issuer_pdfs[kind]
    body = _check(openapi, service.verify(files={"file": (f"{kind}.pdf", pdf, "application/pdf")},
                                          data={"purpose": "employer"}), 200)
    assert body["valid"] is True, body["reasons"]
    assert body["document"]["kind"] == name
    assert body["document"]["holder"]["last_name"] == "DUPONT"
    if kind == "adcs":
        assert body["document"]["validity"]["expires"] > body["at"]


def test_vector_pdf_is_rendered(service: Service, openapi: dict,
                                texts: tuple[Texts, Path]) -> None:
    pdf = pdf_with_symbols([[texts[0].valid_rir]], vector=True)
    body = _check(openapi, service.verify(files={"file": ("v.pdf", pdf, "application/pdf")}), 200)
    assert body["valid"] is True


def test_forged_signature(service: Service, openapi: dict, texts: tuple[Texts, Path]) -> None:
    forged = texts[0].valid_adcs.replace("DUPONT", "DURAND")
    body = _check(openapi, service.verify(json={"text": forged, "purpose": "employer"}), 200)
    assert body["valid"] is False
    assert _codes(body) == ["SIGNATURE_INVALID"]
    assert "document" not in body  # a forged name is never shown as a fact


def test_forged_image(service: Service, openapi: dict, texts: tuple[Texts, Path]) -> None:
    forged = texts[0].valid_adcs.replace("AM B1 B", "AM B1 C")
    png = _png(render_datamatrix(forged))
    body = _check(openapi, service.verify(files={"file": ("f.png", png, "image/png")}), 200)
    assert body["valid"] is False and "SIGNATURE_INVALID" in _codes(body)


def test_expired_adcs(service: Service, openapi: dict, texts: tuple[Texts, Path]) -> None:
    body = _check(openapi, service.verify(json={"text": texts[0].expired_adcs,
                                                "purpose": "rental"}), 200)
    assert body["valid"] is False and _codes(body) == ["DOCUMENT_EXPIRED"]
    assert body["document"]["validity"]["expires"] < body["at"]


def test_at_parameter_moves_the_verification_date(service: Service, openapi: dict,
                                                  texts: tuple[Texts, Path]) -> None:
    first = _check(openapi, service.verify(json={"text": texts[0].valid_adcs,
                                                 "purpose": "employer"}), 200)
    expires = first["document"]["validity"]["expires"]
    later = _check(openapi, service.verify(json={"text": texts[0].valid_adcs, "at": "2099-01-01"}),
                   200)
    assert later["at"] == "2099-01-01" and "DOCUMENT_EXPIRED" in _codes(later)
    on_last_day = _check(openapi, service.verify(json={"text": texts[0].valid_adcs,
                                                       "at": expires}), 200)
    assert on_last_day["valid"] is True


def test_certificate_revoked_after_issuance(service: Service, openapi: dict,
                                            texts: tuple[Texts, Path]) -> None:
    body = _check(openapi, service.verify(json={"text": texts[0].revoked_after_issuance}), 200)
    assert body["valid"] is False and "CERTIFICATE_REVOKED" in _codes(body)


def test_unknown_ca(service: Service, openapi: dict, texts: tuple[Texts, Path]) -> None:
    body = _check(openapi, service.verify(json={"text": texts[0].unknown_ca}), 200)
    assert body["valid"] is False and _codes(body) == ["CERTIFICATE_UNKNOWN"]


def test_spec_reference_codes_as_images(service: Service, openapi: dict,
                                        shared_dir: Path) -> None:
    # The spec's codes are signed by FR00/0001 (vectors README): the signature verifies and the
    # leaf is pinned by the folder (it holds no FR00 CA certificate); the verdict then turns on
    # whether the certificate (valid 2012-11-01 to 2015-11-01) was valid at the signature date.
    vectors = [v for v in shared_vectors(shared_dir)
               if v.get("signature_should_verify") and v["raw"].startswith("DC04FR000001")][:4]
    assert vectors
    for vector in vectors:
        png = _png(render_datamatrix(vector["raw"], module_px=4))
        body = _check(openapi, service.verify(files={"file": ("ref.png", png, "image/png")},
                                              data={"purpose": "police"}), 200)
        assert body["checks"]["signature"] is True, body
        assert body["checks"]["chain_trusted"] is True, body
        expired = body["checks"]["certificate_valid_at_signature"] is False
        assert ("CERTIFICATE_EXPIRED" in set(_codes(body))) is expired
        if expired:
            assert body["valid"] is False


def _png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body)))
    idat = zlib.compress(b"\x00" * ((width + 7) // 8 + 1) * 16, 9)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0,
                                                              0, 0, 0))
            + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


@pytest.mark.parametrize(("name", "status", "code"), [
    ("empty", 400, "empty_file"),
    ("garbage", 415, "unsupported_format"),
    ("truncated_png", 422, "corrupt_file"),
    ("truncated_pdf", 422, "corrupt_file"),
    ("bomb_png", 413, "too_many_pixels"),
    ("huge_png", 413, "too_many_pixels"),
    ("eleven_pages", 413, "too_many_pages"),
    ("covid_qr", 422, "not_a_2ddoc"),
    ("blank", 422, "no_2ddoc_found"),
])
def test_bad_uploads(service: Service, openapi: dict, texts: tuple[Texts, Path], name: str,
                     status: int, code: str) -> None:
    good_png = _png(render_datamatrix(texts[0].valid_adcs))
    good_pdf = pdf_with_symbols([[texts[0].valid_adcs]])
    data = {
        "empty": b"",
        "garbage": b"PK\x03\x04 this is a zip, not an image",
        "truncated_png": good_png[: len(good_png) // 2],
        "truncated_pdf": good_pdf[: len(good_pdf) // 3],
        "bomb_png": _png_header_only(60_000, 60_000),
        "huge_png": _png_header_only(8_000, 6_000),
        "eleven_pages": pdf_with_symbols([[texts[0].valid_adcs]] * 11),
        "covid_qr": _png(qr_image("HC1:NCFOXN%TSMAHN-H9L87ZC8+4FL*7K+QHH9")),
        "blank": _png(Image.new("L", (640, 480), 255)),
    }[name]
    body = _check(openapi, service.verify(files={"file": ("upload.bin", data)}), status)
    assert body["valid"] is False and body["error"]["code"] == code


def test_body_over_ten_megabytes(service: Service, openapi: dict) -> None:
    data = b"\x89PNG\r\n\x1a\n" + bytes(11 * 1024 * 1024)
    body = _check(openapi, service.verify(files={"file": ("big.png", data, "image/png")}), 413)
    assert body["error"]["code"] == "request_entity_too_large"


def test_chunked_body_over_ten_megabytes(service: Service, openapi: dict) -> None:
    # No Content-Length: the limit must hold while reading, not only from the header.
    def chunks() -> Iterator[bytes]:
        yield b"\x89PNG\r\n\x1a\n"
        for _ in range(11):
            yield bytes(1024 * 1024)

    response = requests.post(f"{service.url}/api/v1/verify", data=chunks(),
                             headers={"Content-Type": "image/png"}, timeout=60)
    assert _check(openapi, response, 413)["error"]["code"] == "request_entity_too_large"


@pytest.mark.parametrize(("kwargs", "code", "field"), [
    ({"json": {"text": "DC04", "purpose": "landlord"}}, "bad_purpose", "purpose"),
    ({"json": {"text": "DC04", "at": "22/11/2026"}}, "bad_date", "at"),
    ({"json": {"text": "DC04", "at": "2025-02-29"}}, "bad_date", "at"),
    ({"json": {"text": 42}}, "bad_text", "text"),
    ({"json": {"text": "   "}}, "empty_text", "text"),
    ({"json": {}}, "missing_input", "file"),
    ({"data": {"purpose": "police"}}, "missing_input", "file"),
    ({"data": b"{not json", "headers": {"Content-Type": "application/json"}}, "bad_json", None),
])
def test_bad_requests(service: Service, openapi: dict, kwargs: dict, code: str,
                      field: str | None) -> None:
    body = _check(openapi, service.verify(**kwargs), 400)
    assert body["error"]["code"] == code
    assert body["error"].get("field") == field


def test_hand_scanner_text_without_separators_is_repaired(service: Service, openapi: dict,
                                                          texts: tuple[Texts, Path]) -> None:
    # A keyboard-wedge scanner drops <GS>/<RS>/<US> and types Enter at the end.
    typed = texts[0].valid_adcs.replace("\x1d", "").replace("\x1f", "") + "\r\n"
    body = _check(openapi, service.verify(data={"text": typed, "purpose": "employer"}), 200)
    assert body["valid"] is True and body["repaired"] is True
    assert body["notes"] and body["document"]["kind"] == "ADCS"


def test_text_file_upload_and_plain_text_body(service: Service, openapi: dict,
                                              texts: tuple[Texts, Path]) -> None:
    raw = texts[0].valid_adcs.encode("latin-1") + b"\n"
    as_file = _check(openapi, service.verify(files={"file": ("code.txt", raw, "text/plain")},
                                             data={"purpose": "employer"}), 200)
    assert as_file["valid"] is True and as_file["document"]["kind"] == "ADCS"
    as_body = requests.post(f"{service.url}/api/v1/verify?purpose=police", data=raw,
                            headers={"Content-Type": "text/plain"}, timeout=30)
    assert _check(openapi, as_body, 200)["checks"]["signature"] is True


def test_text_that_is_not_a_2ddoc(service: Service, openapi: dict) -> None:
    body = _check(openapi, service.verify(json={"text": "HC1:NCFOXN%TSMAHN-H9L87ZC8"}), 200)
    assert body["valid"] is False and _codes(body) == ["NOT_2DDOC"]


def test_unknown_route_and_method_answer_json(service: Service, openapi: dict) -> None:
    missing = requests.get(f"{service.url}/nowhere", timeout=10)
    assert _check(openapi, missing, 404)["error"]["code"] == "not_found"
    wrong = requests.put(f"{service.url}/api/v1/verify", timeout=10)
    assert _check(openapi, wrong, 405)["error"]["code"] == "method_not_allowed"


def test_audit_log_has_no_holder_name(service: Service, texts: tuple[Texts, Path]) -> None:
    service.verify(json={"text": texts[0].valid_adcs, "purpose": "police"})
    lines = (service.data_dir / "audit" / "verifier.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines]
    mine = [r for r in records if r["document_id"] == "ADCS00000042" and r["purpose"] == "police"]
    assert mine and mine[-1]["valid"] is True and mine[-1]["kind"] == "APC"
    assert {"time", "doc_type", "reasons", "channel"} <= set(mine[-1])
    assert "DUPONT" not in "\n".join(lines) and "MARIE" not in "\n".join(lines)
    # The same records go to Python logging, which the server sends to its log.
    assert "verifier.audit: verification {" in service.log.read_text()
