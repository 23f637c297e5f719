"""The agent API's endpoints: each success and each error status of the Contract (issue 15)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from issuer.agent.models import AgentAudit, AgentRequest
from registry.models import OffenceRow
from tests.integration.agent.conftest import Agent
from tests.integration.portal.portal_site import Site


def offence_body(site: Site, neph: str, **changes: Any) -> dict[str, Any]:
    body = {"neph": neph, "committed": (site.today - timedelta(days=20)).isoformat(),
            "place": "LYON", "natinf": 11, "label": "Excès de vitesse < 20 km/h",
            "offence_class": "C4", "points": 1,
            "effective": (site.today - timedelta(days=5)).isoformat()}
    body.update(changes)
    return body


def count(app: Flask, model: Any) -> int:
    with app.extensions["portal"].sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_offence_created_then_made_effective(agent: Agent, site: Site, app: Flask) -> None:
    neph = site.neph("long_names")
    before = agent.get(f"drivers/{neph}").json["points"]["balance"]
    answer = agent.post("offences", offence_body(site, neph, effective=None), "k-off-1")
    assert answer.status_code == 201, answer.json
    event = answer.json
    assert event["id"] > 0 and event["effective"] is None
    assert event["recorded"] == site.today.isoformat()
    effective = (site.today - timedelta(days=2)).isoformat()
    made = agent.post(f"offences/{event['id']}/effective", {"effective": effective}, "k-eff-1")
    assert made.status_code == 200 and made.json["effective"] == effective
    after = agent.get(f"drivers/{neph}").json
    assert after["points"]["balance"] == before - 1
    assert after["offences"][-1]["recorded"] == site.today.isoformat()
    again = agent.post(f"offences/{event['id']}/effective", {"effective": effective}, "k-eff-2")
    assert again.status_code == 409 and again.json["field"] == "effective"
    with app.extensions["portal"].sessions() as session:
        audit = session.scalars(select(AgentAudit).where(AgentAudit.neph == neph)
                                .order_by(AgentAudit.id)).all()
    assert [a.endpoint for a in audit] == ["POST offences", "POST offences/<id>/effective"]
    assert audit[1].token_name == "t-all"
    assert (audit[1].balance_before, audit[1].balance_after) == (before, before - 1)


def test_course_visit_suspension_and_end(agent: Agent, site: Site) -> None:
    neph = site.neph("all_categories")
    start = site.today - timedelta(days=30)
    course = agent.post("courses", {"neph": neph, "centre": "Centre de Lyon",
                                    "start": start.isoformat(),
                                    "end": (start + timedelta(days=1)).isoformat()}, "c1")
    assert course.status_code == 201 and course.json["id"] > 0
    visit = agent.post("medical-visits", {"neph": neph, "visited": start.isoformat(),
                                          "outcome": "fit", "valid_until": None}, "v1")
    assert visit.status_code in (201, 422), visit.json
    susp = agent.post("suspensions", {"neph": neph, "kind": "administrative",
                                      "start": site.today.isoformat(), "end": None}, "s1")
    assert susp.status_code == 201, susp.json
    assert agent.get(f"drivers/{neph}").json["licence"]["state"] == "suspended"
    overlap = agent.post("suspensions", {"neph": neph, "kind": "judicial",
                                         "start": site.today.isoformat(), "end": None}, "s2")
    assert overlap.status_code == 409
    end = (site.today + timedelta(days=30)).isoformat()
    ended = agent.post(f"suspensions/{susp.json['id']}/end", {"end": end}, "e1")
    assert ended.status_code == 200 and ended.json["end"] == end
    assert agent.post(f"suspensions/{susp.json['id']}/end", {"end": end}, "e2").status_code == 409


def test_invalidation_needs_a_zero_balance(agent: Agent, site: Site) -> None:
    full = agent.post("invalidations", {"neph": site.neph("full"),
                                        "date": site.today.isoformat()}, "i1")
    assert full.status_code == 409 and full.json["field"] == "date"
    pending = agent.post("invalidations", {"neph": site.neph("invalidation_pending"),
                                           "date": site.today.isoformat()}, "i2")
    assert pending.status_code == 201, pending.json
    state = agent.get(f"drivers/{site.neph('invalidation_pending')}").json["licence"]["state"]
    assert state == "invalidated"
    course = agent.post("courses", {"neph": site.neph("invalidation_pending"), "centre": "X",
                                    "start": site.today.isoformat(),
                                    "end": (site.today + timedelta(days=1)).isoformat()}, "i3")
    assert course.status_code == 409


def test_auth_scope_and_unknowns(agent_as: Any, site: Site) -> None:
    neph = site.neph("full")
    body = offence_body(site, neph)
    assert agent_as(None).post("offences", body).status_code == 401
    assert agent_as("not-a-token").post("offences", body).status_code == 401
    refused = agent_as("courses").post("offences", body)
    assert refused.status_code == 403 and refused.is_json
    assert agent_as("offences").get(f"drivers/{neph}").status_code == 403
    assert agent_as("read").get(f"drivers/{neph}").status_code == 200
    assert agent_as("read").get("drivers/ZZZZZZZZZZZZ").status_code == 404
    assert agent_as("offences").post("offences", offence_body(site, "ZZZZZZZZZZZZ")
                                      ).status_code == 404
    missing = agent_as("offences").post("offences/999999/effective",
                                        {"effective": site.today.isoformat()})
    assert missing.status_code == 404 and missing.is_json
    unknown_route = agent_as("offences").post("nowhere", {})
    assert unknown_route.status_code == 404 and unknown_route.is_json


def test_bad_bodies_name_the_field(agent: Agent, site: Site) -> None:
    neph = site.neph("full")
    not_json = agent.client.post("/api/v1/agent/offences", data=b"{oops",
                                 headers=agent._headers(None))
    assert not_json.status_code == 400 and not_json.json["field"] == "body"
    missing = agent.post("offences", {k: v for k, v in offence_body(site, neph).items()
                                      if k != "place"})
    assert missing.status_code == 400 and missing.json["field"] == "place"
    assert agent.post("offences", {**offence_body(site, neph), "extra": 1}).json["field"] == "extra"
    bad = agent.post("offences", offence_body(site, neph, points=7))
    assert bad.status_code == 422 and bad.json["field"] == "offence.points"
    day = agent.post("offences", offence_body(site, neph, committed="2023-02-29"))
    assert day.status_code == 422 and day.json["field"] == "committed"
    kind = agent.post("suspensions", {"neph": neph, "kind": "moral",
                                      "start": site.today.isoformat(), "end": None})
    assert kind.status_code == 422 and kind.json["field"] == "kind"


def test_replayed_key_same_answer_nothing_written(agent: Agent, site: Site, app: Flask) -> None:
    body = offence_body(site, site.neph("recent_delit"), points=2, offence_class="C4")
    first = agent.post("offences", body, "replay-1")
    rows, audits = count(app, OffenceRow), count(app, AgentAudit)
    second = agent.post("offences", body, "replay-1")
    assert (second.status_code, second.json) == (first.status_code, first.json)
    assert (count(app, OffenceRow), count(app, AgentAudit)) == (rows, audits)
    other = agent.post("offences", {**body, "points": 3}, "replay-1")
    assert other.status_code == 422 and other.json["field"] == "Idempotency-Key"
    assert count(app, OffenceRow) == rows
    with app.extensions["portal"].sessions() as session:
        assert session.scalar(select(func.count()).select_from(AgentRequest).where(
            AgentRequest.idempotency_key == "replay-1")) == 1
