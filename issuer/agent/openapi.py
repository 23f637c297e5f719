"""The OpenAPI 3.1 document of the agent API (issue 15), built in code beside its views.

Why in code: the scopes, the offence classes, the suspension kinds and the medical outcomes come
from the registry's own vocabularies, and ``tests/integration/agent/test_openapi.py`` validates
real answers against these schemas with ``jsonschema`` (OpenAPI 3.1 schemas are JSON Schema
2020-12), so the document cannot drift from what the service sends.
"""

from __future__ import annotations

from typing import Any

from issuer.agent.models import SCOPES
from registry.models import MEDICAL_OUTCOMES, OFFENCE_CLASSES, SUSPENSION_KINDS

__all__ = ["document"]

_DATE: dict[str, Any] = {"type": "string", "format": "date"}
_NULL_DATE: dict[str, Any] = {"type": ["string", "null"], "format": "date"}
_ID: dict[str, Any] = {"type": "integer", "minimum": 1}
_NEPH: dict[str, Any] = {"type": "string", "pattern": "^[A-Z0-9]{5,19}$"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(required: list[str], properties: dict[str, Any], *, closed: bool = True
            ) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "required": required, "properties": properties}
    if closed:
        schema["additionalProperties"] = False
    return schema


def _schemas() -> dict[str, Any]:
    offence_in = {"neph": _NEPH, "committed": _DATE, "place": {"type": "string"},
                  "natinf": {"type": "integer"}, "label": {"type": "string"},
                  "offence_class": {"enum": list(OFFENCE_CLASSES)},
                  "points": {"type": "integer", "minimum": 0, "maximum": 6},
                  "effective": _NULL_DATE}
    return {
        "Error": _object(["error", "field", "position"], {
            "error": {"type": "string"}, "field": {"type": ["string", "null"]},
            "position": {"type": ["integer", "null"]}}),
        "NewOffence": _object([k for k in offence_in if k != "effective"], offence_in),
        "Offence": _object(["id", *offence_in, "recorded"],
                           {"id": _ID, **offence_in, "recorded": _NULL_DATE}),
        "Effective": _object(["effective"], {"effective": _DATE}),
        "NewCourse": _object(["neph", "centre", "start", "end"], {
            "neph": _NEPH, "centre": {"type": "string"}, "start": _DATE, "end": _DATE}),
        "Course": _object(["id", "neph", "centre", "start", "end", "recorded"], {
            "id": _ID, "neph": _NEPH, "centre": {"type": "string"}, "start": _DATE,
            "end": _DATE, "recorded": _NULL_DATE}),
        "NewMedicalVisit": _object(["neph", "visited", "outcome"], {
            "neph": _NEPH, "visited": _DATE, "outcome": {"enum": list(MEDICAL_OUTCOMES)},
            "valid_until": _NULL_DATE}),
        "MedicalVisit": _object(["id", "neph", "visited", "outcome", "valid_until", "recorded"], {
            "id": _ID, "neph": _NEPH, "visited": _DATE,
            "outcome": {"enum": list(MEDICAL_OUTCOMES)}, "valid_until": _NULL_DATE,
            "recorded": _NULL_DATE}),
        "NewSuspension": _object(["neph", "kind", "start"], {
            "neph": _NEPH, "kind": {"enum": list(SUSPENSION_KINDS)}, "start": _DATE,
            "end": _NULL_DATE}),
        "Suspension": _object(["id", "neph", "kind", "start", "end", "recorded"], {
            "id": _ID, "neph": _NEPH, "kind": {"enum": list(SUSPENSION_KINDS)},
            "start": _DATE, "end": _NULL_DATE, "recorded": _NULL_DATE}),
        "End": _object(["end"], {"end": _DATE}),
        "NewInvalidation": _object(["neph", "date"], {"neph": _NEPH, "date": _DATE}),
        "Invalidation": _object(["id", "neph", "date", "recorded"], {
            "id": _ID, "neph": _NEPH, "date": _DATE, "recorded": _NULL_DATE}),
        "Driver": _object(
            ["asof", "identity", "licence", "categories", "offences", "courses",
             "medical_visits", "points"],
            {"asof": _DATE, "identity": {"type": "object"}, "licence": {"type": "object"},
             "categories": {"type": "array"}, "offences": {"type": "array"},
             "courses": {"type": "array"}, "medical_visits": {"type": "array"},
             "points": _object(["balance", "status", "calendar", "ledger"], {
                 "balance": {"type": "integer"}, "status": {"type": "string"},
                 "calendar": {"type": "array"}, "ledger": {"type": "array"}},
                 closed=False)},
            closed=False),
    }


def _errors(*statuses: int) -> dict[str, Any]:
    words = {400: "Malformed body (the field is named)", 401: "No valid bearer token",
             403: "The token lacks the scope", 404: "Unknown NEPH or id",
             409: "The licence's state forbids this write",
             422: "A value refused, or an Idempotency-Key reused with another body"}
    return {str(s): {"description": words[s],
                     "content": {"application/json": {"schema": _ref("Error")}}}
            for s in statuses}


def _write(summary: str, scope: str, body: str, answer: str, status: int,
           with_id: bool = False) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [{
        "name": "Idempotency-Key", "in": "header", "required": False,
        "schema": {"type": "string", "minLength": 1, "maxLength": 255},
        "description": "A replay with the same key and body answers the same and writes "
                       "nothing; the same key with another body is refused (422)."}]
    if with_id:
        parameters.append({"name": "id", "in": "path", "required": True, "schema": _ID})
    return {"post": {
        "summary": summary, "description": f"Scope `{scope}`.",
        "security": [{"bearer": [scope]}], "parameters": parameters,
        "requestBody": {"required": True,
                        "content": {"application/json": {"schema": _ref(body)}}},
        "responses": {str(status): {"description": "Done",
                                    "content": {"application/json": {"schema": _ref(answer)}}},
                      **_errors(400, 401, 403, 404, 409, 422)}}}


def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document served at ``/api/v1/agent/openapi.json``."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "permis2d agent API", "version": "1",
                 "description": "Writes of the systems that feed the licence registry."},
        "servers": [{"url": "/api/v1/agent"}],
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {"bearer": {
                "type": "http", "scheme": "bearer",
                "description": "Scopes: " + ", ".join(SCOPES) + "."}},
        },
        "paths": {
            "/offences": _write("Record an offence", "offences", "NewOffence", "Offence", 201),
            "/offences/{id}/effective": _write("The loss takes effect (payment or conviction)",
                                               "offences", "Effective", "Offence", 200, True),
            "/courses": _write("Record a road-safety course", "courses", "NewCourse",
                               "Course", 201),
            "/medical-visits": _write("Record a medical visit", "medical", "NewMedicalVisit",
                                      "MedicalVisit", 201),
            "/suspensions": _write("Record a suspension", "suspensions", "NewSuspension",
                                   "Suspension", 201),
            "/suspensions/{id}/end": _write("End a suspension", "suspensions", "End",
                                            "Suspension", 200, True),
            "/invalidations": _write("Record the receipt of the 48SI letter", "offences",
                                     "NewInvalidation", "Invalidation", 201),
            "/drivers/{neph}": {"get": {
                "summary": "The record and the points, as `registry show --json`",
                "security": [{"bearer": ["read"]}],
                "parameters": [{"name": "neph", "in": "path", "required": True,
                                "schema": _NEPH}],
                "responses": {"200": {"description": "The record", "content": {
                    "application/json": {"schema": _ref("Driver")}}},
                    **_errors(401, 403, 404)}}},
        },
    }
