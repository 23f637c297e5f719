"""Fixtures of the agent API tests: a seeded site, its app, tokens by scope, a JSON client."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from issuer.agent.models import SCOPES
from issuer.agent.tokens import create_token
from issuer.web import create_app
from tests.integration.portal.portal_site import Clock, Site, make_site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return make_site(tmp_path_factory.mktemp("agent") / "data")


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="module")
def app(site: Site, clock: Clock) -> Iterator[Flask]:
    application = create_app(site.settings, now=clock)
    yield application
    application.extensions["portal"].engine.dispose()


@pytest.fixture(scope="module")
def tokens(app: Flask) -> dict[str, str]:
    """One token per scope, plus ``all`` (every scope)."""
    portal = app.extensions["portal"]
    made = {}
    with portal.sessions.begin() as session:
        for scope in SCOPES:
            made[scope] = create_token(session, f"t-{scope}", (scope,), now=portal.utcnow())
        made["all"] = create_token(session, "t-all", SCOPES, now=portal.utcnow())
    return made


class Agent:
    """A Flask test client speaking the agent API with a token."""

    def __init__(self, client: FlaskClient, token: str | None) -> None:
        self.client, self.token = client, token

    def _headers(self, key: str | None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        if key:
            headers["Idempotency-Key"] = key
        return headers

    def post(self, path: str, body: Any, key: str | None = None) -> Any:
        return self.client.post(f"/api/v1/agent/{path}", json=body, headers=self._headers(key))

    def get(self, path: str) -> Any:
        return self.client.get(f"/api/v1/agent/{path}", headers=self._headers(None))


@pytest.fixture
def agent(app: Flask, tokens: dict[str, str]) -> Agent:
    return Agent(app.test_client(), tokens["all"])


@pytest.fixture
def agent_as(app: Flask, tokens: dict[str, str]) -> Any:
    return lambda scope: Agent(app.test_client(), tokens.get(scope, scope))
