"""The verification API: ``POST /api/v1/verify``, ``GET /healthz``, ``GET /openapi.json``.

Why the view is thin: reading the request (a multipart ``file``, a raw image/PDF body, a form
field, JSON or ``text/plain`` ``text``, or an uploaded text file starting with ``DC``), the
scanner (:mod:`verifier.scan`), the policy (:mod:`verifier.policy`), the disclosure rules
(:mod:`verifier.web.disclosure`) and the audit log each live in their own module; this one only
wires them and turns bad input into :class:`ApiError` naming the field.

The verification date ``at`` is today in Europe/Paris (the zone of the 2D-Doc dates) unless the
request gives one (``YYYY-MM-DD``): a verifier replaying yesterday's checks, or a test, must be
able to fix it, and the clock is read here, at the edge, never in the policy (STYLE §4).

Text typed by a hand scanner in keyboard mode loses its ``<GS>``/``<US>`` separators: text input
is verified with the policy's keyboard-wedge repair, and the answer says when a repair was made.
Scanned images and PDFs are read with their separators and verified strictly.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from dataclasses import replace
from typing import Any

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from twoddoc.dates import parse_iso_date
from verifier.policy import VerificationResult, unreadable_result, verify_text
from verifier.reasons import Reason
from verifier.scan import ScanError, sniff_format
from verifier.trust_live import health
from verifier.web.audit import audit_record
from verifier.web.disclosure import Purpose, disclose
from verifier.web.errors import ApiError
from verifier.web.openapi import openapi_document

__all__ = ["MAX_TEXT_LENGTH", "PURPOSE_ALIASES", "bp"]

log = logging.getLogger("verifier.web")

bp = Blueprint("verify_api", __name__)

#: The longest 2D-Doc text we accept: a 144 × 144 DataMatrix holds 1 558 bytes (spec §10).
MAX_TEXT_LENGTH = 4096
_RAW_TYPES = ("image/", "application/pdf", "application/octet-stream")
_PARAMS = ("purpose", "at", "live")


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """What the instance trusts (CA ids, certificate count, CRL dates; never a key); 503
    ``degraded`` when nothing is trusted or a CRL is past its nextUpdate (issue 9)."""
    body, status = health(current_app.extensions["permis2d_trust_holder"])
    return jsonify(body), status


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    """The OpenAPI 3.1 description of this API."""
    return jsonify(openapi_document())


@bp.post("/api/v1/verify")
def verify() -> ResponseReturnValue:
    """Verify an uploaded image/PDF or a pasted text; answer per the stated purpose."""
    params, text, upload = _read_request()
    purpose = _purpose(params.get("purpose"))
    at = _date(params.get("at"))
    if upload is not None and upload.startswith(b"DC") and len(upload) <= MAX_TEXT_LENGTH:
        # A text file holding the barcode's content (saved from a hand scanner): no image or
        # PDF starts with "DC" (PNG, JPEG, WebP, TIFF and PDF all have other magic numbers).
        text, upload = upload.decode("latin-1"), None
    if upload is not None:
        channel = "file"
        texts = _scan(upload, live=params.get("live") in ("1", "true", True))
        results = [_verify(found, at=at, repair=False) for found in texts]
    else:
        channel = "text"
        results = [_verify(text or "", at=at, repair=True)]
    audit = current_app.extensions["permis2d_audit"]
    now = current_app.config["PERMIS2D_NOW"]()
    for result in results:
        audit.write(audit_record(result, when=now, purpose=purpose and purpose.value,
                                 channel=channel, at=at))
    documents = [disclose(result, purpose, at) for result in results]
    body: dict[str, Any] = dict(documents[0])
    body.update({
        "purpose": purpose.value if purpose else None,
        "at": at.isoformat(),
        "count": len(documents),
        "documents": documents,
    })
    return jsonify(body)


def _read_request() -> tuple[dict[str, Any], str | None, bytes | None]:
    """Parameters, text and uploaded bytes of the request, whatever its encoding."""
    params: dict[str, Any] = dict(request.args)
    text: str | None = None
    upload: bytes | None = None
    content_type = request.mimetype or ""
    if request.is_json:
        body = _json_body()
        params.update({k: v for k, v in body.items() if k in _PARAMS})
        text = body.get("text")
        if text is not None and not isinstance(text, str):
            raise ApiError("bad_text", "text must be a string", field="text")
    elif content_type.startswith(_RAW_TYPES):
        upload = _raw_body()
    elif content_type == "text/plain":
        text = _raw_body().decode("latin-1")
    else:
        params.update({k: v for k, v in request.form.items() if k in _PARAMS})
        text = request.form.get("text") or None
        stored = request.files.get("file")
        if stored is None and len(request.files) == 1:
            # A client that names the part "image" or "document": one file is unambiguous.
            stored = next(iter(request.files.values()))
        elif stored is None and len(request.files) > 1:
            raise ApiError("ambiguous_input", "send one file, in the multipart field 'file'",
                           field="file")
        if stored is not None:
            upload = stored.read()
        elif "file" in request.form:
            # A part named "file" without a filename reaches werkzeug as text (UTF-8, bad
            # bytes replaced): a text file's "DC…" survives; an image no longer sniffs as one,
            # and the scanner's 415 then says to send a filename.
            upload = request.form["file"].encode("utf-8")
            if not upload.startswith(b"DC"):
                _require_image_or_pdf(upload)
    if text is not None and upload is not None:
        raise ApiError("ambiguous_input", "send either a file or a text, not both", field="file")
    if text is None and upload is None:
        raise ApiError("missing_input", "send a multipart 'file' (image or PDF) or a 'text'",
                       field="file")
    if text is not None:
        if not text.strip():
            raise ApiError("empty_text", "the text is empty", field="text")
        if len(text) > MAX_TEXT_LENGTH:
            raise ApiError("text_too_long", f"the text has {len(text)} characters, limit "
                           f"{MAX_TEXT_LENGTH}", status=413, field="text")
    return params, text, upload


#: A JSON request is one flat object (``text``, ``purpose``, ``at``): 4,096 characters of text,
#: even all escaped as ``\u00XX``, fit in 64 KB, and nothing needs more than a few levels.
MAX_JSON_BYTES = 64 * 1024
MAX_JSON_DEPTH = 4
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKETS = re.compile(rb"[\[\]{}]")


def _json_body() -> dict[str, Any]:
    """The JSON object of the request, refused when too large, too deep or not an object.

    Why check the depth before parsing: Python's parser recurses, and 100,000 nested arrays
    raised a ``RecursionError`` that became a 500 (issue 10). Strings are removed first, so a
    bracket inside a text does not count.
    """
    raw = request.stream.read(MAX_JSON_BYTES + 1)
    depth = deepest = 0
    for bracket in _JSON_BRACKETS.findall(_JSON_STRING.sub(b"", raw)):
        depth += 1 if bracket in b"[{" else -1
        deepest = max(deepest, depth)
    if deepest > MAX_JSON_DEPTH:
        _discard_rest()
        raise ApiError("bad_json", f"the JSON is nested deeper than {MAX_JSON_DEPTH} levels")
    if len(raw) > MAX_JSON_BYTES:
        raise ApiError("request_entity_too_large",
                       f"a JSON body is at most {MAX_JSON_BYTES} bytes", status=413)
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError("bad_json", f"the body is not valid JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise ApiError("bad_json", "the body is not a JSON object")
    return body


def _discard_rest() -> None:
    """Read what is left of the body (werkzeug bounds it) so that the client reads our answer."""
    while request.stream.read(64 * 1024):
        pass


def _require_image_or_pdf(upload: bytes) -> None:
    """Refuse a filename-less multipart part that does not start like an image or a PDF."""
    try:
        sniff_format(upload)
    except ScanError as exc:
        raise ApiError(exc.code, f"{exc}; a binary file's multipart part needs a filename "
                       "(Content-Disposition: form-data; name=\"file\"; filename=\"…\")",
                       status=exc.http_status, field="file") from exc


#: The page's French labels, accepted as well: a French client may send what it reads.
PURPOSE_ALIASES = {"employeur": Purpose.EMPLOYER, "loueur": Purpose.RENTAL,
                    "forces_de_l_ordre": Purpose.POLICE, "forces-de-l-ordre": Purpose.POLICE}


def _raw_body() -> bytes:
    """The request body, refused beyond the limit even when it comes chunked.

    Why read it ourselves: a chunked body has no Content-Length for ``MAX_CONTENT_LENGTH`` to
    refuse up front; werkzeug's stream stops at the limit and raises 413 on the next read.
    """
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    data = request.stream.read(limit + 1)
    if len(data) > limit or (len(data) == limit and request.stream.read(1)):
        raise ApiError("request_entity_too_large",
                       "the request body is larger than the 10 MB limit", status=413)
    return data


def _purpose(value: object) -> Purpose | None:
    if value in (None, "") or (isinstance(value, str) and value.strip().lower() == "none"):
        return None  # no stated purpose: the minimal answer (valid, reasons)
    if isinstance(value, str):
        value = value.strip().lower()
        if value in PURPOSE_ALIASES:
            return PURPOSE_ALIASES[value]
    try:
        return Purpose(value)
    except ValueError as exc:
        choices = ", ".join(p.value for p in Purpose)
        raise ApiError("bad_purpose", f"purpose must be one of {choices}",
                       field="purpose") from exc


def _date(value: object) -> dt.date:
    if value is None:
        return current_app.config["PERMIS2D_TODAY"]()
    try:
        return parse_iso_date(value)
    except ValueError as exc:
        raise ApiError("bad_date", f"at: {exc}", field="at") from exc


#: Decode budget of one camera frame (``live=1``): the page sends another in 500 ms, so a frame
#: without a readable code should not hold a worker for the full budget.
LIVE_BUDGET_SECONDS = 1.0


def _scan(data: bytes, *, live: bool = False) -> list[str]:
    """Scan an upload; our errors pass through, anything else becomes a 422, logged."""
    limits = current_app.config["PERMIS2D_SCAN_LIMITS"]
    if live:
        limits = replace(limits, budget_seconds=min(limits.budget_seconds, LIVE_BUDGET_SECONDS))
    try:
        return current_app.extensions["permis2d_decode_pool"].scan(data, limits)
    except ScanError:
        raise
    except Exception as exc:
        # A decoder library failing on a hostile file must not become a 500: the file is
        # refused as unreadable and the traceback goes to the log for the operator.
        log.exception("the scanner failed on an upload")
        raise ApiError("unreadable_file", "the file could not be read", status=422,
                       field="file") from exc


def _verify(text: str, *, at: dt.date, repair: bool) -> VerificationResult:
    """Run the policy; a crash in it is reported as an invalid result, never as valid."""
    trust = current_app.extensions["permis2d_trust_holder"].current()
    pool = current_app.extensions["permis2d_repair_pool"]
    try:
        return verify_text(text, trust, at=at, repair=repair, repairer=pool.repair,
                           today=current_app.config["PERMIS2D_TODAY"]())
    except Exception:
        log.exception("the verification policy failed on a text")
        return unreadable_result(Reason.INTERNAL_ERROR, "internal error while verifying")
