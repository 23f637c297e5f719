"""load_driver_record: identity, licence, categories, events and points read back at a date."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session, sessionmaker

from registry.models import (
    Category,
    CourseRow,
    Driver,
    FirstName,
    Licence,
    OffenceRow,
    Restriction,
    Suspension,
)
from registry.points import LedgerReason
from registry.records import (
    BirthDate,
    LicenceState,
    NoLicenceError,
    UnknownNEPHError,
    load_driver_record,
)


def _driver(neph: str = "120575300012", **licence: object) -> Driver:
    driver = Driver(
        neph=neph,
        civility="MME",
        surname="DE LA FONTAINE-ÉPINAY",
        usage_name="MARTIN",
        birth_year=1980,
        birth_month=2,
        birth_day=None,
        birth_place="Saint-Étienne",
        birth_country="FR",
        first_names=[
            FirstName(position=1, name="Marie-Françoise"),
            FirstName(position=2, name="Éléonore"),
        ],
    )
    values: dict[str, object] = {
        "format": "card",
        "number": f"L{neph}",
        "issued_on": date(2010, 3, 31),
        "prefecture": "42",
        "probationary": False,
        "accompanied_driving": False,
    }
    values.update(licence)
    driver.licence = Licence(**values)
    return driver


def test_record_reads_identity_licence_and_points(sessions: sessionmaker[Session]) -> None:
    driver = _driver()
    lic = driver.licence
    assert lic is not None
    cat = Category(code="B", obtained_on=date(2010, 3, 31), valid_until=None)
    cat.restrictions = [Restriction(code="78"), Restriction(code="01")]
    lic.categories = [
        cat,
        Category(code="C", obtained_on=date(2015, 1, 1), valid_until=date(2025, 1, 1)),
    ]
    lic.offences = [
        OffenceRow(
            committed_on=date(2024, 1, 10),
            place="Lyon",
            natinf=11302,
            label="Excès de vitesse",
            offence_class="C4",
            points=1,
            effective_on=date(2024, 2, 29),
        ),
        OffenceRow(
            committed_on=date(2024, 5, 1),
            place="Lyon",
            natinf=20000,
            label="Pending",
            offence_class="C4",
            points=3,
            effective_on=None,
        ),
    ]
    lic.courses = [
        CourseRow(centre="Centre de Lyon", start_on=date(2024, 3, 10), end_on=date(2024, 3, 11))
    ]
    with sessions.begin() as session:
        session.add(driver)
    with sessions() as session:
        record = load_driver_record(session, "120575300012", asof=date(2024, 3, 12))
    assert record.identity.first_names == ("Marie-Françoise", "Éléonore")
    assert record.identity.birth_date == BirthDate(1980, 2, None)
    assert record.identity.birth_date.ddmmyyyy() == "00021980"
    assert record.state is LicenceState.VALID
    assert [c.code for c in record.categories] == ["B", "C"]
    assert record.categories[0].restrictions == ("01", "78")
    assert not record.categories[1].valid_on(date(2025, 1, 2))
    # The pending offence (no effective date) is listed but withdraws nothing (RULES.md I18).
    assert len(record.offences) == 2
    reasons = [(e.reason, e.delta, e.event) for e in record.points.ledger]
    assert reasons == [
        (LedgerReason.INITIAL, 12, None),
        (LedgerReason.OFFENCE, -1, f"offence:{record.offences[0].id}"),
        (LedgerReason.COURSE, 1, f"course:{record.courses[0].id}"),
    ]
    assert record.points.balance == 12


def test_state_follows_suspension_and_cancellation(sessions: sessionmaker[Session]) -> None:
    driver = _driver(cancelled_on=date(2025, 6, 1))
    assert driver.licence is not None
    driver.licence.suspensions = [
        Suspension(kind="medical", start_on=date(2024, 1, 1), end_on=date(2024, 6, 30)),
        Suspension(kind="judicial", start_on=date(2024, 9, 1), end_on=None),
    ]
    with sessions.begin() as session:
        session.add(driver)
    with sessions() as session:
        states = {
            day: load_driver_record(session, driver.neph, asof=day).state
            for day in (
                date(2023, 12, 31),
                date(2024, 6, 30),
                date(2024, 7, 1),
                date(2024, 9, 1),
                date(2025, 6, 1),
            )
        }
    assert states == {
        date(2023, 12, 31): LicenceState.VALID,
        date(2024, 6, 30): LicenceState.MEDICALLY_SUSPENDED,
        date(2024, 7, 1): LicenceState.VALID,
        date(2024, 9, 1): LicenceState.SUSPENDED,
        date(2025, 6, 1): LicenceState.CANCELLED,
    }


def test_unknown_neph_and_missing_licence(sessions: sessionmaker[Session]) -> None:
    driver = _driver()
    driver.licence = None
    with sessions.begin() as session:
        session.add(driver)
    with sessions() as session:
        with pytest.raises(UnknownNEPHError) as err:
            load_driver_record(session, "999999999", asof=date(2024, 1, 1))
        assert err.value.neph == "999999999"
        with pytest.raises(NoLicenceError):
            load_driver_record(session, driver.neph, asof=date(2024, 1, 1))
