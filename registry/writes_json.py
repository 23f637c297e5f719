"""The JSON form of a driver for ``permis2d registry add FILE``, read into :class:`NewDriver`.

Why a module of its own: JSON is an edge (untrusted input); each refusal names the field
(``licence.courses[1].end``) before :func:`registry.writes.validate_driver` checks the values,
and :mod:`registry.writes` stays within the 400-line rule. The keys are documented in
``registry add --help``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from registry.errors import RegistryValidationError
from registry.record_types import BirthDate
from registry.write_types import (
    NewCategory,
    NewCourse,
    NewDriver,
    NewLicence,
    NewMedicalVisit,
    NewOffence,
    NewSuspension,
)
from twoddoc.dates import parse_iso_date

__all__ = ["driver_from_json", "json_date", "json_object"]


def _fail(msg: str, path: str, position: int | None = None) -> RegistryValidationError:
    return RegistryValidationError(msg, field=path, position=position)


def _date(value: Any, path: str, *, optional: bool = False) -> date | None:
    if value is None and optional:
        return None
    try:
        return parse_iso_date(value)  # the one strict parser (issue 11): YYYY-MM-DD only
    except ValueError as exc:
        raise _fail(str(exc), path) from exc


def _req_date(value: Any, path: str) -> date:
    result = _date(value, path)
    assert result is not None
    return result


def _keys(obj: Any, path: str, allowed: set[str], required: set[str]) -> Mapping[str, Any]:
    if not isinstance(obj, dict):
        raise _fail("must be a JSON object", path or "driver")
    for key in sorted(set(obj) - allowed):
        raise _fail("unknown key", f"{path}.{key}" if path else key)
    for key in sorted(required - set(obj)):
        raise _fail("missing", f"{path}.{key}" if path else key)
    return obj


def _list(obj: Mapping[str, Any], key: str, path: str) -> list[Any]:
    value = obj.get(key, [])
    if not isinstance(value, list):
        raise _fail("must be a JSON array", f"{path}.{key}")
    return value


_DRIVER_REQUIRED = {
    "neph", "civility", "surname", "first_names", "birth_date", "birth_place", "birth_country",
}  # fmt: skip


def driver_from_json(data: Any) -> NewDriver:
    """Build a :class:`NewDriver` from its JSON form (documented in ``registry add --help``)."""
    top = _keys(data, "", _DRIVER_REQUIRED | {"usage_name", "licence", "birth_place_code"},
                _DRIVER_REQUIRED)
    birth = top["birth_date"]
    if not isinstance(birth, str) or not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", birth):
        raise _fail(f"{birth!r} is not YYYY, YYYY-MM or YYYY-MM-DD", "birth_date")
    parts = [int(p) for p in birth.split("-")]
    names = top["first_names"]
    if not isinstance(names, list):
        raise _fail("must be a JSON array", "first_names")
    licence = None
    if "licence" in top:
        licence = _licence_from_json(top["licence"])
    return NewDriver(
        neph=top["neph"],
        civility=top["civility"],
        surname=top["surname"],
        usage_name=top.get("usage_name"),
        first_names=tuple(names),
        birth_date=BirthDate(*parts),
        birth_place=top["birth_place"],
        birth_country=top["birth_country"],
        birth_place_code=top.get("birth_place_code"),
        licence=licence,
    )


def _licence_from_json(data: Any) -> NewLicence:
    p = "licence"
    lic = _keys(
        data,
        p,
        {"format", "number", "issued", "prefecture", "probationary", "accompanied_driving",
         "probation_start", "invalidation_notified", "cancelled_on", "categories", "offences",
         "courses", "medical_visits", "suspensions"},
        {"format", "number", "issued", "prefecture"},
    )  # fmt: skip
    for flag in ("probationary", "accompanied_driving"):
        if not isinstance(lic.get(flag, False), bool):
            raise _fail("must be true or false", f"{p}.{flag}")
    cats = []
    for i, c in enumerate(_list(lic, "categories", p)):
        cp = f"{p}.categories[{i}]"
        c = _keys(c, cp, {"code", "obtained", "valid_until", "restrictions"}, {"code", "obtained"})
        cats.append(
            NewCategory(
                code=c["code"],
                obtained=_req_date(c["obtained"], f"{cp}.obtained"),
                valid_until=_date(c.get("valid_until"), f"{cp}.valid_until", optional=True),
                restrictions=tuple(_list(c, "restrictions", cp)),
            )
        )
    offs = []
    for i, o in enumerate(_list(lic, "offences", p)):
        op = f"{p}.offences[{i}]"
        keys = {"committed", "place", "natinf", "label", "class", "points", "effective"}
        o = _keys(o, op, keys, keys - {"effective"})
        offs.append(
            NewOffence(
                committed=_req_date(o["committed"], f"{op}.committed"),
                place=o["place"],
                natinf=o["natinf"],
                label=o["label"],
                offence_class=o["class"],
                points=o["points"],
                effective=_date(o.get("effective"), f"{op}.effective", optional=True),
            )
        )
    courses = []
    for i, c in enumerate(_list(lic, "courses", p)):
        cp = f"{p}.courses[{i}]"
        c = _keys(c, cp, {"centre", "start", "end"}, {"centre", "start", "end"})
        courses.append(
            NewCourse(
                c["centre"], _req_date(c["start"], f"{cp}.start"), _req_date(c["end"], f"{cp}.end")
            )
        )
    visits = []
    for i, v in enumerate(_list(lic, "medical_visits", p)):
        vp = f"{p}.medical_visits[{i}]"
        v = _keys(v, vp, {"visited", "outcome", "valid_until"}, {"visited", "outcome"})
        visits.append(
            NewMedicalVisit(
                _req_date(v["visited"], f"{vp}.visited"),
                v["outcome"],
                _date(v.get("valid_until"), f"{vp}.valid_until", optional=True),
            )
        )
    susps = []
    for i, s in enumerate(_list(lic, "suspensions", p)):
        sp = f"{p}.suspensions[{i}]"
        s = _keys(s, sp, {"kind", "start", "end"}, {"kind", "start"})
        susps.append(
            NewSuspension(
                s["kind"],
                _req_date(s["start"], f"{sp}.start"),
                _date(s.get("end"), f"{sp}.end", optional=True),
            )
        )
    return NewLicence(
        format=lic["format"],
        number=lic["number"],
        issued=_req_date(lic["issued"], f"{p}.issued"),
        prefecture=lic["prefecture"],
        probationary=lic.get("probationary", False),
        accompanied_driving=lic.get("accompanied_driving", False),
        probation_start=_date(lic.get("probation_start"), f"{p}.probation_start", optional=True),
        invalidation_notified=_date(
            lic.get("invalidation_notified"), f"{p}.invalidation_notified", optional=True
        ),
        cancelled_on=_date(lic.get("cancelled_on"), f"{p}.cancelled_on", optional=True),
        categories=tuple(cats),
        offences=tuple(offs),
        courses=tuple(courses),
        medical_visits=tuple(visits),
        suspensions=tuple(susps),
    )


def json_object(obj: Any, path: str, allowed: set[str], required: set[str]) -> Mapping[str, Any]:
    """``obj`` if it is a JSON object with only ``allowed`` keys and every ``required`` one.

    Public for the agent API (issue 15), which reads single events with the same refusals.
    """
    return _keys(obj, path, allowed, required)


def json_date(value: Any, path: str, *, optional: bool = False) -> date | None:
    """A strict ``YYYY-MM-DD`` date (``None`` allowed when ``optional``), else refused by name."""
    return _date(value, path, optional=optional)
