"""The ``points simulate`` scenario format: strict parsing of JSON objects, and their output.

Why a module of its own: the scenario file is an edge (untrusted JSON) between a person or a test
harness and the pure engine. Everything is checked here, and every refusal names the scenario and
the field (``events[2].effective``), so a wrong file never turns into a silent default or a
traceback. The schema and the output are documented in ``registry/RULES.md`` ("Scenario format").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from registry.points import (
    Course,
    LicenceFacts,
    Offence,
    OffenceClass,
    PointsError,
    compute_points,
    occasion_of,
)
from twoddoc.dates import parse_iso_date

__all__ = ["Scenario", "ScenarioError", "parse_scenario", "run_scenario"]

_TOP_KEYS = frozenset({"name", "licence", "events", "asof"})
_LICENCE_KEYS = frozenset(
    {"issued", "probationary", "accompanied_driving", "invalidation_notified"}
)
_OFFENCE_KEYS = frozenset({"type", "date", "effective", "points", "class", "place"})
_COURSE_KEYS = frozenset({"type", "start", "end"})


class ScenarioError(ValueError):
    """A scenario that cannot be simulated; ``scenario`` and ``field`` say where."""

    def __init__(self, msg: str, *, scenario: str, field: str) -> None:
        super().__init__(f"scenario {scenario}: {field}: {msg}")
        self.scenario, self.field = scenario, field


@dataclass(frozen=True, slots=True)
class Scenario:
    """A parsed scenario: name, licence facts, offences and courses (with their input index)."""

    name: str
    licence: LicenceFacts
    offences: tuple[Offence, ...]
    courses: tuple[Course, ...]
    asof: date


class _Reader:
    """Helpers bound to one scenario's label, so every error names it."""

    def __init__(self, label: str) -> None:
        self.label = label

    def fail(self, field: str, msg: str) -> ScenarioError:
        return ScenarioError(msg, scenario=self.label, field=field)

    def obj(self, value: Any, field: str, allowed: frozenset[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(field, "must be a JSON object")
        unknown = sorted(set(value) - allowed)
        if unknown:
            # An empty key is shown as "" so the field is never empty (fuzz/fuzz_scenario.py).
            key = unknown[0] or '""'
            raise self.fail(f"{field}.{key}" if field else key, "unknown key")
        return value

    def date(self, container: dict[str, Any], key: str, field: str) -> date:
        if key not in container:
            raise self.fail(field, "missing")
        value = container[key]
        try:
            return parse_iso_date(value)
        except ValueError as exc:
            raise self.fail(field, str(exc)) from exc

    def flag(self, container: dict[str, Any], key: str, field: str) -> bool:
        value = container.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(field, f"{value!r} is not true or false")
        return value


def parse_scenario(data: Any, index: int = 0) -> Scenario:
    """Check and convert one scenario object; raise :class:`ScenarioError` naming the field."""
    label = f"#{index}"
    if isinstance(data, dict) and isinstance(data.get("name"), str):
        label = f"#{index} {data['name']!r}"
    r = _Reader(label)
    # The whole scenario is named "scenario" when it is not an object, so no refusal has an empty
    # field (found by fuzz/fuzz_scenario.py: ``1`` gave "scenario #0: : must be a JSON object").
    if not isinstance(data, dict):
        raise r.fail("scenario", "must be a JSON object")
    top = r.obj(data, "", _TOP_KEYS)
    name = top.get("name", f"scenario {index}")
    if not isinstance(name, str):
        raise r.fail("name", "must be a string")
    if "licence" not in top:
        raise r.fail("licence", "missing")
    lic = r.obj(top["licence"], "licence", _LICENCE_KEYS)
    notified = None
    if "invalidation_notified" in lic:
        notified = r.date(lic, "invalidation_notified", "licence.invalidation_notified")
    licence = LicenceFacts(
        issued=r.date(lic, "issued", "licence.issued"),
        probationary=r.flag(lic, "probationary", "licence.probationary"),
        accompanied_driving=r.flag(lic, "accompanied_driving", "licence.accompanied_driving"),
        invalidation_notified=notified,
    )
    asof = r.date(top, "asof", "asof")
    if asof < licence.issued:
        raise r.fail("asof", "is before licence.issued: there is no licence yet")
    events = top.get("events", [])
    if not isinstance(events, list):
        raise r.fail("events", "must be a JSON array")
    offences: list[Offence] = []
    courses: list[Course] = []
    positions: list[int] = []  # engine position -> input index, for the engine's own errors
    course_positions: list[int] = []
    for i, raw in enumerate(events):
        where = f"events[{i}]"
        if not isinstance(raw, dict):
            raise r.fail(where, "must be a JSON object")
        kind = raw.get("type")
        if kind == "offence":
            ev = r.obj(raw, where, _OFFENCE_KEYS)
            committed = r.date(ev, "date", f"{where}.date")
            effective = (
                r.date(ev, "effective", f"{where}.effective") if "effective" in ev else committed
            )
            points = ev.get("points")
            if isinstance(points, bool) or not isinstance(points, int):
                raise r.fail(f"{where}.points", f"{points!r} is not an integer")
            cls = ev.get("class")
            try:
                offence_class = OffenceClass(cls)
            except ValueError as exc:
                raise r.fail(f"{where}.class", f"{cls!r} is not one of C1..C5, DELIT") from exc
            place = ev.get("place")
            if place is not None and (not isinstance(place, str) or not place.strip()):
                raise r.fail(f"{where}.place", f"{place!r} is not a non-empty text")
            offences.append(
                Offence(committed, effective, points, offence_class, ref=i,
                        occasion=None if place is None else occasion_of(place))
            )  # fmt: skip
            positions.append(i)
        elif kind == "course":
            ev = r.obj(raw, where, _COURSE_KEYS)
            courses.append(
                Course(r.date(ev, "start", f"{where}.start"), r.date(ev, "end", f"{where}.end"), i)
            )
            course_positions.append(i)
        else:
            raise r.fail(f"{where}.type", f"{kind!r} is not 'offence' or 'course'")
    scenario = Scenario(name, licence, tuple(offences), tuple(courses), asof)
    try:
        compute_points(licence, scenario.offences, scenario.courses, asof=asof)
    except PointsError as exc:
        is_course = exc.field in {"start", "end"}
        table = course_positions if is_course else positions
        pos = table[exc.position] if exc.position is not None else None
        field = exc.field if pos is None else f"events[{pos}].{exc.field}"
        if pos is None and exc.field in _LICENCE_KEYS:
            field = f"licence.{exc.field}"
        raise r.fail(field, str(exc).rsplit(" (", 1)[0]) from exc
    return scenario


def run_scenario(scenario: Scenario) -> dict[str, Any]:
    """The output object: ``name``, ``balance``, ``status``, ``calendar``, ``ledger``."""
    result = compute_points(
        scenario.licence, scenario.offences, scenario.courses, asof=scenario.asof
    )
    return {"name": scenario.name, **result.to_json()}
