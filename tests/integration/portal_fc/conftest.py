"""The portal (Flask test client) beside a real local FranceConnect whose identities are the
seeded drivers of this test's registry (built from the records, so the seed's dates never drift
from them)."""

from __future__ import annotations

import dataclasses
import json
import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import requests
from flask import Flask

from issuer.web import create_app
from permis2d.fcsim import sim_command, sim_environment
from registry.records import DriverRecord
from tests.integration.portal.portal_site import Clock, Site, make_site

PORTAL = "http://127.0.0.1:18000"
PROFILES = ("full", "probationary", "suspended", "long_history")


def _claims(record: DriverRecord, **changes: str) -> dict[str, str]:
    identity = record.identity
    birth = identity.birth_date.as_date()
    assert birth is not None
    claims = {"given_name": " ".join(identity.first_names), "family_name": identity.surname,
              "birthdate": birth.isoformat(), "gender": "female" if identity.civility == "MME"
              else "male", "birthplace": identity.birth_place_code or "",
              "birthcountry": "99100"}
    if identity.usage_name:
        claims["preferred_username"] = identity.usage_name
    claims.update(changes)
    return claims


def identities_for(site: Site) -> list[dict]:
    """One identity per profile (login = profile name, password ``test-<profile>``), plus one
    whose birth date is a year off, one with no licence and one whose ID token has no acr."""
    people = []
    for profile in PROFILES:
        record = site.record(site.neph(profile))
        people.append({"login": profile, "password": f"test-{profile}", "neph": record.neph,
                       "claims": _claims(record)})
    full = site.record(site.neph("full"))
    birth = full.identity.birth_date.as_date()
    people.append({"login": "autredate", "password": "test-autredate", "neph": full.neph,
                   "claims": _claims(full, birthdate=date(birth.year - 1, 6, 15).isoformat())})
    people.append({"login": "autrelieu", "password": "test-autrelieu", "neph": full.neph,
                   "claims": _claims(full, birthplace="2B033")})
    people.append({"login": "sanspermis", "password": "test-sanspermis", "neph": None,
                   "claims": {"given_name": "Angela", "family_name": "NOBODY",
                              "birthdate": "1962-08-24", "gender": "female",
                              "birthplace": "75107", "birthcountry": "99100"}})
    people.append({"login": "sansacr", "password": "test-sansacr", "acr": None,
                   "neph": full.neph, "claims": _claims(full)})
    return people


@dataclasses.dataclass(frozen=True)
class FCSite:
    site: Site
    sim: str  # the provider's base URL

    @property
    def discovery(self) -> str:
        return f"{self.sim}/api/v2/.well-known/openid-configuration"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def fc_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FCSite]:
    folder: Path = tmp_path_factory.mktemp("portal-fc")
    site = make_site(folder / "data")
    identities = folder / "identities.json"
    identities.write_text(json.dumps({"identities": identities_for(site)}))
    port = _free_port()
    env = sim_environment(host="127.0.0.1", port=port, portal_url=PORTAL, identities=identities)
    process = subprocess.Popen(sim_command(), env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            requests.get(f"{base}/healthz", timeout=1)
            break
        except requests.ConnectionError:
            time.sleep(0.1)
    yield FCSite(site, base)
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def fc_app(fc_site: FCSite) -> Iterator[Flask]:
    settings = dataclasses.replace(fc_site.site.settings, issuer_url=PORTAL + "/",
                                   fc_discovery_url=fc_site.discovery)
    application = create_app(settings, now=Clock())
    yield application
    application.extensions["portal"].engine.dispose()
