"""The agent API's request bodies (issue 15, Contract), read into the registry's write types.

Why two statuses: a body that is not a JSON object of the documented keys is malformed (400,
:class:`MalformedBody`); a well-formed body whose values the registry refuses (a date that does not
exist, 7 points, an unknown class) is unprocessable (422, :class:`RegistryValidationError` from
:mod:`registry.writes_json` or :mod:`registry.writes`). Both name the field.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from registry.errors import RegistryValidationError
from registry.write_types import NewCourse, NewMedicalVisit, NewOffence, NewSuspension
from registry.writes_json import json_date, json_object

__all__ = ["MalformedBody", "course", "end_date", "invalidation", "medical_visit", "neph_of",
           "offence", "parse_body", "suspension"]


class MalformedBody(ValueError):
    """The body is not a JSON object with the documented keys (HTTP 400)."""

    def __init__(self, msg: str, *, field: str, position: int | None = None) -> None:
        super().__init__(msg)
        self.field, self.position = field, position


def parse_body(raw: bytes) -> dict[str, Any]:
    """The JSON object of a request body, else :class:`MalformedBody` with the line/column."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise MalformedBody("the body is not UTF-8", field="body", position=exc.start) from exc
    except json.JSONDecodeError as exc:
        raise MalformedBody(f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
                            field="body", position=exc.pos) from exc
    if not isinstance(data, dict):
        raise MalformedBody("must be a JSON object", field="body")
    return data


def _shape(data: dict[str, Any], allowed: set[str], required: set[str]) -> dict[str, Any]:
    try:
        json_object(data, "", allowed, required)
    except RegistryValidationError as exc:
        raise MalformedBody(str(exc).rsplit(" (", 1)[0], field=exc.field) from exc
    return data


def _date(value: Any, name: str) -> date:
    result = json_date(value, name)
    assert result is not None
    return result


def neph_of(data: dict[str, Any]) -> str:
    """The ``neph`` of a body (its type is checked by :func:`registry.writes.validate_neph`)."""
    return data["neph"]


def offence(data: dict[str, Any]) -> NewOffence:
    """The body of ``POST offences`` (``effective`` null while the loss has not taken effect)."""
    keys = {"neph", "committed", "place", "natinf", "label", "offence_class", "points",
            "effective"}
    _shape(data, keys, keys - {"effective"})
    return NewOffence(committed=_date(data["committed"], "committed"), place=data["place"],
                      natinf=data["natinf"], label=data["label"],
                      offence_class=data["offence_class"], points=data["points"],
                      effective=json_date(data.get("effective"), "effective", optional=True))


def end_date(data: dict[str, Any], name: str) -> date:
    """The one date of ``{"effective"}`` or ``{"end"}``."""
    _shape(data, {name}, {name})
    return _date(data[name], name)


def course(data: dict[str, Any]) -> NewCourse:
    """``{"neph", "centre", "start", "end"}``."""
    _shape(data, {"neph", "centre", "start", "end"}, {"neph", "centre", "start", "end"})
    return NewCourse(data["centre"], _date(data["start"], "start"), _date(data["end"], "end"))


def medical_visit(data: dict[str, Any]) -> NewMedicalVisit:
    """``{"neph", "visited", "outcome", "valid_until"}`` (``valid_until`` may be null)."""
    keys = {"neph", "visited", "outcome", "valid_until"}
    _shape(data, keys, keys - {"valid_until"})
    return NewMedicalVisit(_date(data["visited"], "visited"), data["outcome"],
                           json_date(data.get("valid_until"), "valid_until", optional=True))


def suspension(data: dict[str, Any]) -> NewSuspension:
    """``{"neph", "kind", "start", "end"}`` (``end`` null: until further notice)."""
    keys = {"neph", "kind", "start", "end"}
    _shape(data, keys, keys - {"end"})
    return NewSuspension(data["kind"], _date(data["start"], "start"),
                         json_date(data.get("end"), "end", optional=True))


def invalidation(data: dict[str, Any]) -> date:
    """``{"neph", "date"}``: the day the 48SI letter was received."""
    _shape(data, {"neph", "date"}, {"neph", "date"})
    return _date(data["date"], "date")
