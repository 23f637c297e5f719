"""Fixtures of the issuer's integration tests: a real SQLite registry, a test PKI, an Issuer."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from issuer.pdf import PDFRenderer
from issuer.service import Issuer
from keys import KeyStore
from permis2d.settings import Settings
from registry.db import make_engine, upgrade_schema
from registry.models import (
    Category,
    CourseRow,
    Driver,
    FirstName,
    Licence,
    MedicalVisit,
    OffenceRow,
    Restriction,
    Suspension,
)

PKI_CREATED = datetime(2026, 1, 1, tzinfo=UTC)  # before every issue date of the tests
DATA = Path(__file__).resolve().parents[2] / "data" / "issuer" / "drivers.json"


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def add_driver(session: Session, spec: dict[str, Any]) -> None:
    """Insert one driver of drivers.json with its licence and events."""
    year, month, day = spec["birth"]
    driver = Driver(neph=spec["neph"], civility=spec["civility"], surname=spec["surname"],
                    usage_name=None, birth_year=year, birth_month=month, birth_day=day,
                    birth_place=spec["birth_place"], birth_country="FR")
    driver.first_names = [FirstName(position=i, name=n)
                          for i, n in enumerate(spec["first_names"], start=1)]
    lic = spec["licence"]
    licence = Licence(format="card", number=lic["number"], issued_on=_d(lic["issued_on"]),
                      prefecture="069", probationary=False, probation_start=None,
                      accompanied_driving=False, invalidated_48si_on=None, cancelled_on=None)
    licence.categories = [
        Category(code=code, obtained_on=_d(obtained), valid_until=_d(until),
                 restrictions=[Restriction(code=r) for r in restrictions])
        for code, obtained, until, restrictions in spec["categories"]
    ]
    licence.offences = [
        OffenceRow(committed_on=_d(c), place=p, natinf=n, label=lab, offence_class=k, points=pts,
                   effective_on=_d(eff))
        for c, p, n, lab, k, pts, eff in spec["offences"]
    ]
    licence.courses = [CourseRow(centre=c, start_on=_d(s), end_on=_d(e))
                       for c, s, e in spec["courses"]]
    licence.medical_visits = [MedicalVisit(visited_on=_d(v), outcome=o, valid_until=_d(u))
                              for v, o, u in spec["medical"]]
    licence.suspensions = [Suspension(kind=k, start_on=_d(s), end_on=_d(e))
                           for k, s, e in spec["suspensions"]]
    driver.licence = licence
    session.add(driver)


def driver_specs() -> list[dict[str, Any]]:
    """The drivers of tests/data/issuer/drivers.json."""
    return json.loads(DATA.read_text(encoding="utf-8"))["drivers"]


@pytest.fixture(scope="session")
def renderer() -> PDFRenderer:
    """One renderer for the session (fonts and templates loaded once)."""
    return PDFRenderer()


@pytest.fixture
def registry_url(settings: Settings) -> str:
    """A migrated SQLite registry in the test's data dir, holding the drivers of drivers.json."""
    url = settings.database_url or ""
    upgrade_schema(url)
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        for spec in driver_specs():
            add_driver(session, spec)
    engine.dispose()
    return url


@pytest.fixture
def issuer(settings: Settings, registry_url: str, renderer: PDFRenderer) -> Issuer:
    """An Issuer on the seeded registry with a PKI in the data dir (the settings' passphrase)."""
    keystore = KeyStore.open(settings)
    keystore.init(now=PKI_CREATED)
    return Issuer(settings, keystore=keystore, renderer=renderer)
