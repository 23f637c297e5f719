"""``/api/v1/agent/openapi.json`` is OpenAPI 3.1 and describes the answers the API really gives."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from jsonschema import Draft202012Validator

from tests.integration.agent.conftest import Agent
from tests.integration.agent.test_api import offence_body
from tests.integration.portal.portal_site import Site


def _check(doc: dict[str, Any], path: str, method: str, answer: Any) -> None:
    responses = doc["paths"][path][method]["responses"]
    assert str(answer.status_code) in responses, (path, answer.status_code, answer.json)
    ref = responses[str(answer.status_code)]["content"]["application/json"]["schema"]["$ref"]
    Draft202012Validator({"$ref": ref, "components": doc["components"]}).validate(answer.json)


def test_document_validates_real_answers(agent: Agent, agent_as: Any, site: Site) -> None:
    doc = agent.client.get("/api/v1/agent/openapi.json").json
    assert doc["openapi"].startswith("3.1")
    for schema in doc["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    neph = site.neph("unknown_birth_day")
    offence = agent.post("offences", offence_body(site, neph, effective=None), "oa-1")
    _check(doc, "/offences", "post", offence)
    _check(doc, "/offences/{id}/effective", "post",
           agent.post(f"offences/{offence.json['id']}/effective",
                      {"effective": site.today.isoformat()}, "oa-2"))
    _check(doc, "/offences", "post", agent.post("offences", offence_body(site, neph, points=9)))
    _check(doc, "/offences", "post", agent.post("offences", {"neph": neph}))
    _check(doc, "/offences", "post", agent_as("read").post("offences", offence_body(site, neph)))
    _check(doc, "/offences", "post", agent_as(None).post("offences", offence_body(site, neph)))
    start = site.today - timedelta(days=3)
    _check(doc, "/courses", "post", agent.post("courses", {
        "neph": neph, "centre": "Centre", "start": start.isoformat(),
        "end": (start + timedelta(days=1)).isoformat()}, "oa-3"))
    _check(doc, "/medical-visits", "post", agent.post("medical-visits", {
        "neph": neph, "visited": start.isoformat(), "outcome": "fit",
        "valid_until": (start + timedelta(days=700)).isoformat()}, "oa-4"))
    suspension = agent.post("suspensions", {"neph": neph, "kind": "medical",
                                            "start": site.today.isoformat(), "end": None}, "oa-5")
    _check(doc, "/suspensions", "post", suspension)
    _check(doc, "/suspensions/{id}/end", "post", agent.post(
        f"suspensions/{suspension.json['id']}/end",
        {"end": (site.today + timedelta(days=9)).isoformat()}, "oa-6"))
    _check(doc, "/invalidations", "post",
           agent.post("invalidations", {"neph": neph, "date": site.today.isoformat()}))
    _check(doc, "/drivers/{neph}", "get", agent.get(f"drivers/{neph}"))
    _check(doc, "/drivers/{neph}", "get", agent.get("drivers/ZZZZZZZZZZZZ"))
