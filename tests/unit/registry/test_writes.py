"""Validated writes: each bad field is refused by name and the database is left unchanged."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from registry.errors import DuplicateNEPHError, RegistryValidationError, UnknownNEPHError
from registry.models import CourseRow, Driver
from registry.records import BirthDate, load_driver_record
from registry.writes import (
    NewCategory,
    NewCourse,
    NewDriver,
    NewLicence,
    NewOffence,
    NewSuspension,
    add_course,
    add_offence,
    register_driver,
)
from registry.writes_json import driver_from_json


def _new(neph: str = "0123456789AB", **changes: Any) -> NewDriver:
    licence = NewLicence(
        format="card",
        number=f"N{neph}",
        issued=date(2016, 2, 29),
        prefecture="2A",
        categories=(NewCategory("B", date(2016, 2, 29), None, ("01", "78")),),
    )
    base = NewDriver(
        neph=neph,
        civility="MME",
        surname="LÉVÊQUE",
        first_names=("Marie-Françoise", "Éléonore"),
        birth_date=BirthDate(1990, None, None),
        birth_place="Ajaccio",
        birth_country="FR",
        licence=licence,
    )
    return replace(base, **changes)


def _count(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(Driver)) or 0


def test_register_and_read_back(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        register_driver(session, _new())
    with sessions() as session:
        record = load_driver_record(session, "0123456789AB", asof=date(2024, 2, 29))
    assert record.identity.birth_date == BirthDate(1990)
    assert record.categories[0].restrictions == ("01", "78")
    assert record.points.balance == 12


def test_duplicate_neph_is_refused_and_nothing_changes(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        register_driver(session, _new())
    with pytest.raises(DuplicateNEPHError) as err, sessions.begin() as session:
        register_driver(session, _new(licence=replace(_new().licence, number="OTHER")))  # type: ignore[type-var]
    assert err.value.field == "neph"
    assert _count(sessions) == 1


def _lic(**changes: Any) -> NewLicence:
    lic = _new().licence
    assert lic is not None
    return replace(lic, **changes)


@pytest.mark.parametrize(
    ("changes", "field", "position"),
    [
        ({"neph": "abc123"}, "neph", None),
        ({"neph": "1234"}, "neph", None),
        ({"neph": "12345 678"}, "neph", None),
        ({"neph": "É12345"}, "neph", None),
        ({"civility": "MLLE"}, "civility", None),
        ({"surname": " "}, "surname", None),
        ({"first_names": ()}, "first_names", None),
        ({"first_names": ("A", "B", "C", "D", "E", "F", "G")}, "first_names", None),
        ({"first_names": ("Jean", "")}, "first_names", 1),
        ({"birth_date": BirthDate(2023, 2, 29)}, "birth_date", None),
        ({"birth_date": BirthDate(1990, None, 3)}, "birth_date", None),
        ({"birth_country": "FRA"}, "birth_country", None),
        ({"licence": _lic(format="plastic")}, "licence.format", None),
        ({"licence": _lic(prefecture="ABC")}, "licence.prefecture", None),
        (
            {"licence": _lic(categories=(NewCategory("B2", date(2020, 1, 1)),))},
            "licence.categories[0].code",
            None,
        ),
        (
            {"licence": _lic(categories=(NewCategory("C", date(2020, 1, 1), date(2019, 1, 1)),))},
            "licence.categories[0].valid_until",
            None,
        ),
        (
            {"licence": _lic(categories=(NewCategory("B", date(2020, 1, 1), None, ("01", "7B")),))},
            "licence.categories[0].restrictions",
            1,
        ),
        (
            {"licence": _lic(categories=(NewCategory("D", date(2020, 1, 1)),))},
            "licence.categories[0].valid_until",
            None,
        ),
        (
            {"licence": _lic(courses=(NewCourse("C", date(2024, 3, 2), date(2024, 3, 1)),))},
            "licence.courses[0].end",
            None,
        ),
        (
            {
                "licence": _lic(
                    offences=(NewOffence(date(2024, 1, 1), "Paris", 11303, "x", "C6", 1),)
                )
            },
            "licence.offences[0].offence_class",
            None,
        ),
        (
            {
                "licence": _lic(
                    offences=(NewOffence(date(2024, 1, 1), "Paris", 11303, "x", "C3", -1),)
                )
            },
            "licence.offences[0].points",
            None,
        ),
        (
            {
                "licence": _lic(
                    offences=(
                        NewOffence(
                            date(2024, 1, 2), "Paris", 11303, "x", "C3", 1, date(2024, 1, 1)
                        ),
                    )
                )
            },
            "licence.offences[0].effective",
            None,
        ),
        (
            {
                "licence": _lic(
                    suspensions=(NewSuspension("judicial", date(2024, 1, 2), date(2024, 1, 1)),)
                )
            },
            "licence.suspensions[0].end",
            None,
        ),
    ],
)
def test_bad_fields_are_named_and_nothing_is_written(
    sessions: sessionmaker[Session], changes: dict[str, Any], field: str, position: int | None
) -> None:
    with pytest.raises(RegistryValidationError) as err, sessions.begin() as session:
        register_driver(session, _new(**changes))
    assert (err.value.field, err.value.position) == (field, position)
    assert _count(sessions) == 0


def test_add_course_and_offence(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        register_driver(session, _new())
    with sessions.begin() as session:
        add_offence(
            session,
            "0123456789AB",
            NewOffence(date(2024, 1, 5), "Bastia", 11301, "Vitesse", "C4", 2, date(2024, 2, 1)),
        )
        add_course(
            session, "0123456789AB", NewCourse("Centre Corse", date(2024, 3, 1), date(2024, 3, 2))
        )
    with pytest.raises(RegistryValidationError) as err, sessions.begin() as session:
        add_course(session, "0123456789AB", NewCourse("Centre", date(2025, 3, 2), date(2025, 3, 1)))
    assert err.value.field == "course.end"
    with pytest.raises(UnknownNEPHError), sessions.begin() as session:
        add_course(session, "ZZZZZZZZ", NewCourse("Centre", date(2025, 3, 1), date(2025, 3, 2)))
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(CourseRow)) == 1
        record = load_driver_record(session, "0123456789AB", asof=date(2024, 3, 3))
    assert record.points.balance == 12
    assert [e.reason.value for e in record.points.ledger] == ["initial", "offence", "course"]


def test_driver_from_json_names_unknown_and_bad_fields() -> None:
    good = {
        "neph": "ABCDE12345", "civility": "M", "surname": "NOÉ", "first_names": ["Loïc"],
        "birth_date": "1980-02", "birth_place": "Nîmes", "birth_country": "FR",
        "licence": {"format": "paper", "number": "X1", "issued": "2000-02-29", "prefecture": "30",
                    "courses": [{"centre": "C", "start": "2001-01-01", "end": "2001-01-02"}]},
    }  # fmt: skip
    new = driver_from_json(good)
    assert new.birth_date == BirthDate(1980, 2, None)
    assert new.licence is not None and new.licence.courses[0].end == date(2001, 1, 2)
    with pytest.raises(RegistryValidationError) as err:
        driver_from_json({**good, "nickname": "x"})
    assert err.value.field == "nickname"
    with pytest.raises(RegistryValidationError) as err:
        driver_from_json({**good, "licence": {**good["licence"], "issued": "2001-02-29"}})  # type: ignore[dict-item]
    assert err.value.field == "licence.issued"
    bad_course = {**good["licence"], "courses": [{"centre": "C", "start": "2001-01-01"}]}  # type: ignore[dict-item]
    with pytest.raises(RegistryValidationError) as err:
        driver_from_json({**good, "licence": bad_course})
    assert err.value.field == "licence.courses[0].end"
