"""From the registry to the page: state headline, suspension nature and end, nom d'usage.

Real parts: a migrated SQLite registry, the issuer's own PKI (test CA FR00), the PDF read back
with pypdf. What is printed but not signed must be marked so, and must not be in the 2D-Doc.
"""

from __future__ import annotations

import copy
import io
from datetime import date, datetime

import pypdf
import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from issuer.kinds import DocumentKind
from issuer.service import Issuer
from registry.models import Driver
from tests.integration.issuer.conftest import add_driver, driver_specs
from twoddoc import decode

ON = date(2026, 10, 31)
NOW = datetime(2026, 10, 31, 10, 5)


def _add(issuer: Issuer, neph: str, suspension: list[str | None], usage_name: str | None) -> None:
    spec = copy.deepcopy(driver_specs()[0])
    spec.update(neph=neph, suspensions=[suspension])
    spec["licence"]["number"] = f"12ZZ{neph[-5:]}"
    with Session(issuer.engine) as session, session.begin():
        add_driver(session, spec)
        session.execute(update(Driver).where(Driver.neph == neph).values(usage_name=usage_name))


def _text(pdf: bytes) -> str:
    return " ".join(pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())


@pytest.mark.parametrize("kind", [DocumentKind.ADCS, DocumentKind.RIR], ids=lambda k: k.value)
def test_judicial_suspension_from_the_registry_heads_the_document(issuer: Issuer,
                                                                  kind: DocumentKind) -> None:
    _add(issuer, "120375100091", ["judicial", "2026-09-15", "2027-01-14"], "Martin")
    issued = issuer.issue(kind, "120375100091", on=ON, now=NOW, requested_by="test")
    assert decode(issued.text).get("E5") == "47"
    text = _text(issued.pdf)
    assert text.index("PERMIS SUSPENDU PAR DÉCISION JUDICIAIRE") < text.index("Titulaire")
    assert "Fin de la suspension : 14/01/2027 inclus *" in text
    assert "Suspension judiciaire du 15/09/2026 au 14/01/2027 inclus" in text
    assert "Nom d'usage * MARTIN" in text
    assert "non couverte par la signature" in text
    assert "SPÉCIMEN — document de démonstration" in text
    assert "MARTIN" not in issued.text and "14012027" not in issued.text


def test_suspension_over_and_licence_valid_again(issuer: Issuer) -> None:
    _add(issuer, "120375100092", ["administrative", "2026-01-01", "2026-03-01"], None)
    issued = issuer.issue(DocumentKind.ADCS, "120375100092", on=ON, now=NOW, requested_by="t")
    text = _text(issued.pdf)
    assert decode(issued.text).get("E5") == "50"
    assert "PERMIS SUSPENDU" not in text and "Suspension *" not in text
    assert "Nom d'usage" not in text


def test_the_rii_says_what_a_zero_balance_before_the_48si_letter_means(issuer: Issuer) -> None:
    """Issue 12: the seeded driver awaiting the 48SI letter; the RII explains it in words."""
    from registry.db import make_engine
    from registry.seed import PROFILES, demo_drivers, seed_registry

    engine = make_engine(issuer.settings.database_url or "")
    with Session(engine) as session, session.begin():
        seed_registry(session, count=len(PROFILES), seed=2024, asof=ON)
    engine.dispose()
    drivers = demo_drivers(count=len(PROFILES), seed=2024, asof=ON)
    pending = drivers[PROFILES.index("invalidation_pending")].neph
    rii = issuer.issue(DocumentKind.RII, pending, on=ON, now=NOW, requested_by="test")
    assert decode(rii.text).get("E5") == "50"  # still valid until the letter is received
    text = _text(rii.pdf)
    assert "lettre recommandée « 48SI »" in text
    assert "stage de sensibilisation à la sécurité routière achevé avant la réception" in text
    invalidated = drivers[PROFILES.index("invalidated")].neph
    text = _text(issuer.issue(DocumentKind.RII, invalidated, on=ON, now=NOW,
                              requested_by="test").pdf)
    assert "Lettre « 48SI » reçue le" in text
    adcs = _text(issuer.issue(DocumentKind.ADCS, pending, on=ON, now=NOW,
                              requested_by="test").pdf)
    assert "48SI" not in adcs  # an employer's document carries no points
