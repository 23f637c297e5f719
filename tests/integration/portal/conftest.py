"""Fixtures of the portal's integration tests: one seeded site per module, a fresh client each."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from issuer.web import create_app
from tests.integration.portal.portal_site import Clock, Site, make_site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """A migrated, seeded SQLite registry with a dev PKI, shared by the module's tests."""
    return make_site(tmp_path_factory.mktemp("portal") / "data")


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="module")
def app(site: Site, clock: Clock) -> Iterator[Flask]:
    application = create_app(site.settings, now=clock)
    yield application
    application.extensions["portal"].engine.dispose()


@pytest.fixture
def client(app: Flask, clock: Clock) -> FlaskClient:
    clock.offset = timedelta()  # every test starts on the real clock
    return app.test_client()
