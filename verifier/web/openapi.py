"""The OpenAPI 3.1 document of the verifier API, built in code next to the views it describes.

Why in code and not a YAML file: the schemas name the same purposes and limits as the views
(:class:`Purpose`, the 10 MB body, the 40 megapixel and 10 page limits), and the integration tests
validate real answers against these schemas with ``jsonschema`` (OpenAPI 3.1 schemas are JSON
Schema 2020-12), so the document cannot drift from what the service sends.
"""

from __future__ import annotations

from typing import Any

from verifier.web.disclosure import Purpose

__all__ = ["openapi_document"]

_NULLABLE_STR: dict[str, Any] = {"type": ["string", "null"]}
_NULLABLE_DATE: dict[str, Any] = {"type": ["string", "null"], "format": "date"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _schemas() -> dict[str, Any]:
    reason = {
        "type": "object",
        "required": ["code", "check", "message_fr", "message_en"],
        "properties": {
            "code": {"type": "string", "examples": ["SIGNATURE_INVALID"]},
            "check": {"type": "string", "examples": ["signature"]},
            "message_fr": {"type": "string"},
            "message_en": {"type": "string"},
            "detail": {"type": "string"},
        },
    }
    summary = {
        "type": "object",
        "description": "What an employer or rental agency may see (only when the signature "
                       "verified); police see it always.",
        "required": ["kind", "doc_type", "document_id", "holder", "categories",
                     "licence_state", "validity"],
        "properties": {
            "kind": {"type": ["string", "null"], "enum": ["RIR", "ADCS", "RII", None]},
            "doc_type": {"type": "string"},
            "document_id": _NULLABLE_STR,
            "holder": {
                "type": "object",
                "required": ["last_name", "first_names", "birth_date"],
                "properties": {
                    "last_name": _NULLABLE_STR,
                    "first_names": {"type": "array", "items": {"type": "string"}},
                    "birth_date": _NULLABLE_DATE,
                },
            },
            "categories": {"type": "array", "items": {"type": "string"}},
            "licence_state": {
                "type": "object",
                "required": ["code", "label"],
                "properties": {"code": _NULLABLE_STR, "label": _NULLABLE_STR,
                               "label_fr": _NULLABLE_STR, "label_en": _NULLABLE_STR},
            },
            "freshness": {
                "type": ["object", "null"],
                "description": "RIR/RII only: issue date and age at `at`; past four months the "
                               "licence state may have changed",
                "properties": {"issued": {"type": "string", "format": "date"},
                               "age_days": {"type": "integer"},
                               "older_than_four_months": {"type": "boolean"}},
            },
            "truncated": {"type": "array", "items": {"type": "string"},
                          "description": "DIs whose value the issuer cut to its maximum"},
            "validity": {
                "type": "object",
                "required": ["issued", "expires"],
                "properties": {
                    "issued": _NULLABLE_DATE,
                    "expires": {**_NULLABLE_DATE,
                                "description": "DI 08; an ADCS is valid until this day"},
                },
            },
        },
    }
    label = {"type": "string"}
    driving = {
        "type": "object",
        "description": "What a type-AB document certifies about the right to drive (annex 13 "
                       "state of DI E5, categories of DI E6); given to employer, rental and "
                       "police when the signature verified. `allowed` is true only for the "
                       "states that permit driving (VALIDE, code 50, and its exchanged/EU forms "
                       "25, 36, 41) with at least one category.",
        "required": ["allowed", "state", "categories", "message_fr", "message_en"],
        "properties": {
            "allowed": {"type": "boolean"},
            "state": {"type": "object", "required": ["code", "label_fr", "label_en"],
                      "properties": {"code": {**_NULLABLE_STR, "examples": ["47"]},
                                     "label_fr": {**label, "examples": ["SUSPENDU"]},
                                     "label_en": {**label, "examples": ["SUSPENDED"]}}},
            "categories": {"type": "array", "items": {"type": "string"}},
            "message_fr": label,
            "message_en": label,
        },
    }
    result = {
        "type": "object",
        "required": ["valid", "reasons", "repaired", "notes"],
        "properties": {
            "valid": {"type": "boolean"},
            "reasons": {"type": "array", "items": _ref("Reason")},
            "repaired": {"type": "boolean",
                         "description": "the text lost its separators and was repaired"},
            "document": _ref("DocumentSummary"),
            "driving": _ref("Driving"),
            "specimen": {"type": "boolean",
                         "description": "signed under the test CA FR00: a specimen"},
            "checks": {"type": "object",
                       "additionalProperties": {"type": ["boolean", "null"]}},
            "header": {"type": ["object", "null"]},
            "fields": {"type": "array", "items": {
                "type": "object", "required": ["di", "value"],
                "properties": {"di": {"type": "string"}, "value": {"type": "string"}},
            }},
            "annex": {},
            "certificate": {"type": "object"},
            "notes": {"type": "array", "items": {"type": "string"}},
        },
    }
    response = {
        "allOf": [_ref("DocumentResult")],
        "type": "object",
        "description": "The first (usually only) 2D-Doc's result at the top level; every "
                       "2D-Doc found in the upload in `documents`.",
        "required": ["valid", "reasons", "purpose", "at", "count", "documents"],
        "properties": {
            "purpose": {"type": ["string", "null"],
                        "enum": [p.value for p in Purpose] + [None]},
            "at": {"type": "string", "format": "date"},
            "count": {"type": "integer", "minimum": 1},
            "documents": {"type": "array", "minItems": 1, "items": _ref("DocumentResult")},
        },
    }
    error = {
        "type": "object",
        "required": ["valid", "error"],
        "properties": {
            "valid": {"const": False},
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "examples": ["too_many_pixels"]},
                    "message": {"type": "string"},
                    "field": {"type": "string"},
                    "page": {"type": "integer"},
                    "found": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
    }
    health = {
        "type": "object",
        "required": ["status", "trusted_cas", "certificates", "crls"],
        "properties": {
            "status": {"enum": ["ok", "degraded"],
                       "description": "degraded (HTTP 503): nothing is trusted, or a CRL is "
                                      "past its nextUpdate"},
            "trusted_cas": {"type": "array", "items": {"type": "string"}},
            "certificates": {"type": "integer", "minimum": 0},
            "crls": {"type": "array", "items": {
                "type": "object", "required": ["ca_id", "next_update", "stale"],
                "properties": {"ca_id": {"type": "string"},
                               "next_update": {"type": ["string", "null"],
                                               "format": "date-time"},
                               "stale": {"type": "boolean"}}}},
            "trust_loaded_at": {"type": "string", "format": "date-time"},
            "trust_reload_error": {"type": ["string", "null"],
                                   "description": "why the last reload failed; the last good "
                                                  "trust store stays in use"},
            "problems": {"type": "array", "items": {"type": "string"}},
        },
    }
    return {"Reason": reason, "DocumentSummary": summary, "Driving": driving,
            "DocumentResult": result,
            "VerifyResponse": response, "Error": error, "Health": health}


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": _ref("Error")}}}


#: What ``text`` may be: 1 to 4,096 characters, not only white space (the API's limits).
_TEXT = {"type": "string", "minLength": 1, "maxLength": 4096, "pattern": "\\S",
         "description": "the barcode's text, starting with DC (hand-scanner text whose "
                        "separators were dropped is repaired)"}
#: An uploaded file: 1 byte to 10 MB.
_FILE = {"type": "string", "format": "binary", "minLength": 1, "maxLength": 10 * 1024 * 1024}


def _purpose_schema() -> dict[str, Any]:
    from verifier.web.api import PURPOSE_ALIASES

    return {"type": "string",
            "enum": [p.value for p in Purpose] + sorted(PURPOSE_ALIASES) + ["none", ""],
            "description": "employer or rental: name, birth date, categories, state, validity, "
                           "driving; police: everything; absent, empty or none: valid and "
                           "reasons only. The "
                           "page's French labels (employeur, loueur, forces_de_l_ordre) are "
                           "accepted, in any case"}


def _verify_operation() -> dict[str, Any]:
    purpose = _purpose_schema()
    at = {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
          "description": "verification date YYYY-MM-DD; default: today in Europe/Paris"}
    form_fields = {"purpose": purpose, "at": at}
    multipart = {
        "description": "a file (image, PDF, or a text file starting with DC) or a text, "
                       "never both; other fields are ignored (a single file part under another "
                       "name is taken as the file)",
        "oneOf": [
            {"type": "object", "required": ["file"], "properties": {"file": _FILE,
                                                                     **form_fields}},
            {"type": "object", "required": ["text"], "properties": {"text": _TEXT,
                                                                     **form_fields}},
        ],
    }
    return {
        "summary": "Verify a 2D-Doc driving-licence document",
        "description": "Send an image (PNG, JPEG, WebP, TIFF) or a PDF as multipart `file` (or "
                       "as the raw body with its image/*, application/pdf or "
                       "application/octet-stream type), or the barcode text as JSON `text`, "
                       "form field `text`, a text/plain body or an uploaded text file starting "
                       "with DC. Limits: body 10 MB (a JSON body 64 KB, nested at most 4 "
                       "levels), text 4,096 characters, image 40 megapixels, PDF 10 pages, a "
                       "decode time budget; files are decoded in a child process with hard "
                       "time and memory limits.",
        "parameters": [
            {"name": "purpose", "in": "query", "required": False, "schema": purpose},
            {"name": "at", "in": "query", "required": False, "schema": at},
            {"name": "live", "in": "query", "required": False,
             "schema": {"type": "string", "enum": ["1", "true"]},
             "description": "a camera frame: decode budget 1 s instead of 8 s"},
        ],
        "requestBody": {"required": True, "content": {
            "multipart/form-data": {"schema": multipart,
                                    "encoding": {"file": {
                                        "contentType": "application/octet-stream"}}},
            "application/x-www-form-urlencoded": {"schema": {
                "type": "object", "required": ["text"], "description": "other fields ignored",
                "properties": {"text": _TEXT, **form_fields}}},
            "application/json": {"schema": {
                "type": "object", "required": ["text"],
                "properties": {"text": _TEXT,
                               "purpose": {"anyOf": [purpose, {"type": "null"}]},
                               "at": {"anyOf": [at, {"type": "null"}],
                                      "description": "null: as absent"}}}},
            "text/plain": {"schema": _TEXT},
            "image/png": {"schema": _FILE},
            "image/jpeg": {"schema": _FILE},
            "image/webp": {"schema": _FILE},
            "image/tiff": {"schema": _FILE},
            "application/pdf": {"schema": _FILE},
            "application/octet-stream": {"schema": _FILE},
        }},
        "responses": {
            "200": {"description": "Verified: `valid` says whether every check passed",
                    "content": {"application/json": {"schema": _ref("VerifyResponse")}}},
            "400": _error_response("Bad request: missing, ambiguous or malformed input, bad "
                                   "purpose or date, JSON nested too deep"),
            "408": _error_response("The request body stopped arriving"),
            "413": _error_response("Too large: body, JSON body, text, pixels, pages, or the "
                                   "memory decoding needs"),
            "415": _error_response("Unsupported file format"),
            "422": _error_response("No 2D-Doc found, not a 2D-Doc, corrupt file, decode time "
                                   "budget or hard time limit"),
            "503": _error_response("Every decoder is busy: retry in a moment"),
        },
    }


def openapi_document() -> dict[str, Any]:
    """The whole OpenAPI 3.1 document, as served at ``/openapi.json``."""
    health = {"application/json": {"schema": _ref("Health")}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "permis2d verifier", "version": "1.0.0",
                 "description": "Verify French driving-licence documents (RIR, ADCS, RII) "
                                "carrying signed 2D-Doc barcodes (ANTS specification)."},
        "paths": {
            "/api/v1/verify": {"post": _verify_operation()},
            "/healthz": {"get": {"summary": "What the instance trusts, and whether it is fit",
                                 "responses": {
                                     "200": {"description": "Trust store usable",
                                             "content": health},
                                     "503": {"description": "Degraded: nothing trusted or a "
                                                            "CRL past its nextUpdate",
                                             "content": health}}}},
            "/openapi.json": {"get": {"summary": "This document", "responses": {
                "200": {"description": "OpenAPI 3.1 document",
                        "content": {"application/json": {"schema": {"type": "object"}}}}}}},
        },
        "components": {"schemas": _schemas()},
    }
