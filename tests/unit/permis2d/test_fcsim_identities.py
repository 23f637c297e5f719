"""The local FranceConnect's test identities are the seeded demo drivers they name (issue 14).

``make run`` seeds with seed 2024; a test identity whose claims drifted from the seed could no
longer link its licence. The seed no longer depends on the day of seeding, so neither does this.
"""

from __future__ import annotations

import json
from datetime import date

from permis2d.fcsim import SIM_DIR
from registry.seed import demo_drivers

IDENTITIES = json.loads((SIM_DIR / "identities.json").read_text())["identities"]
DIFFERENT_ON_PURPOSE = {"usager.autredate"}


def test_each_identity_matches_the_seeded_driver_it_names() -> None:
    drivers = {d.neph: d for d in demo_drivers(count=40, seed=2024, asof=date(2026, 12, 2))}
    named = [i for i in IDENTITIES if i["neph"] and i["login"] not in DIFFERENT_ON_PURPOSE]
    assert len(named) >= 5
    for identity in named:
        driver, claims = drivers[identity["neph"]], identity["claims"]
        birth = driver.birth_date
        assert claims["family_name"] == driver.surname, identity["login"]
        assert claims["given_name"].split()[0] == driver.first_names[0], identity["login"]
        assert claims["birthdate"] == f"{birth.year:04d}-{birth.month:02d}-{birth.day:02d}"
        assert claims["birthplace"] == driver.birth_place_code, identity["login"]


def _identities(asof: date) -> list[tuple]:
    return [(d.neph, d.surname, d.first_names, d.birth_date, d.birth_place_code)
            for d in demo_drivers(count=40, seed=2024, asof=asof)]


def test_the_seeded_identities_do_not_change_with_the_day_of_seeding() -> None:
    """Histories are relative to the day (a "suspended" driver is suspended on it); identities
    are not."""
    assert _identities(date(2026, 12, 2)) == _identities(date(2031, 2, 28))


def test_the_one_that_differs_differs_by_birth_date_only() -> None:
    by_login = {i["login"]: i for i in IDENTITIES}
    other, full = by_login["usager.autredate"], by_login["usager.complet"]
    assert other["neph"] == full["neph"]
    assert other["claims"]["birthdate"] != full["claims"]["birthdate"]
    assert other["claims"]["family_name"] == full["claims"]["family_name"]
