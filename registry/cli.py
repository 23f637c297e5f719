"""``permis2d registry`` (seed, list, show) and ``permis2d points`` (simulate).

Why here: the CLI is an edge; it reads the clock (``--asof`` defaults to today), files and the
database, and hands plain values to the pure engine. Exit codes: 0 success, 1 not found,
2 bad input (click's usage errors and refused scenarios), each error one line on stderr.
The context object is the :class:`permis2d.settings.Settings` (``@click.pass_obj``; importing
``permis2d.cli`` here would be circular).
"""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Any, NoReturn

import click

from permis2d.params import DATE, french_today
from registry.errors import RegistryError, RegistryValidationError, UnknownNEPHError
from registry.scenario import ScenarioError, parse_scenario, run_scenario

__all__ = ["points_group", "registry_group"]


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


@click.group()
def points_group() -> None:
    """The points engine (L223-1 to L223-8, R223-1 to R223-13 of the Code de la route)."""


def _lone_surrogate(data: Any) -> str | None:
    """The JSON path of the first string (key or value) holding a lone UTF-16 surrogate.

    JSON may spell one (``"\\ud800"``) and Python's ``json`` accepts it, but it is no
    character: it cannot be written as UTF-8 to the output or the database. Iterative, so a
    deep document costs no recursion.
    """
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            if any("\ud800" <= char <= "\udfff" for char in value):
                return where or "(the document)"
        elif isinstance(value, dict):
            for key, item in reversed(value.items()):
                # ascii(): the key itself may hold the surrogate, and must still print.
                path = f"{where}.{ascii(key)[1:-1]}"
                stack += [(path, item), (f"{path} (the key)", key)]
        elif isinstance(value, list):
            stack += [(f"{where}[{i}]", item) for i, item in reversed(list(enumerate(value)))]
    return None


def _read_json(file: Any) -> Any:
    """Parse a JSON input file, or exit 2 with one line saying why it is unreadable.

    Beyond malformed JSON, the fuzzer found three inputs that escaped as tracebacks: bytes that
    are not UTF-8, an integer of more digits than Python converts, and deep nesting; issue 10
    adds a lone surrogate (``"\\ud800"``) in a string.
    """
    data = _parse_json(file)
    where = _lone_surrogate(data)
    if where is not None:
        _fail(f"{file.name}: {where.lstrip('.')}: a lone UTF-16 surrogate (\\ud800-\\udfff "
              "escape without its pair) is not a character", 2)
    return data


def _parse_json(file: Any) -> Any:
    try:
        return json.load(file)
    except json.JSONDecodeError as exc:
        _fail(f"{file.name}: not JSON: {exc}", 2)
    except UnicodeDecodeError as exc:
        _fail(f"{file.name}: not UTF-8 text (byte {exc.start}): {exc.reason}", 2)
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        _fail(f"{file.name}: unreadable JSON value: {exc}", 2)
    except RecursionError:
        _fail(f"{file.name}: JSON nested too deeply", 2)

@points_group.command("simulate")
@click.argument("file", type=click.File("r", encoding="utf-8"))
def simulate_command(file: Any) -> None:
    """Simulate the scenarios of FILE (``-`` for stdin): one JSON object or an array of them.

    Prints one JSON object per scenario (an array when the input is an array) with ``name``,
    ``balance``, ``status``, ``calendar`` and ``ledger``; see registry/RULES.md. A refused
    scenario exits 2 with a message naming the scenario and the field.
    """
    data = _read_json(file)
    many = isinstance(data, list)
    items = data if many else [data]
    try:
        scenarios = [parse_scenario(item, i) for i, item in enumerate(items)]
    except ScenarioError as exc:
        _fail(str(exc), 2)
    outputs = [run_scenario(s) for s in scenarios]
    click.echo(json.dumps(outputs if many else outputs[0], ensure_ascii=False, indent=2))


@click.group()
def registry_group() -> None:
    """The licence registry: seed, list, show, add, add-course."""


_ASOF = click.option(
    "--asof",
    type=DATE,
    default=None,
    help="Reference date (YYYY-MM-DD); default today. The engine never reads the clock.",
)


def _sessions(settings: Any) -> Any:
    """Migrate the settings' database to the latest schema and return a session maker."""
    from registry.db import make_engine, session_factory, upgrade_schema

    url = settings.database_url
    upgrade_schema(url)
    return session_factory(make_engine(url))


def _today(asof: date | None) -> date:
    # The only place the registry reads the clock: the edge, when --asof is not given.
    return asof if asof is not None else french_today()


@registry_group.command("migrate")
@click.pass_obj
def migrate_command(settings: Any) -> None:
    """Create or upgrade the registry schema (Alembic ``upgrade head``)."""
    _sessions(settings)
    click.echo("registry schema is up to date")


@registry_group.command("seed")
@click.option("--count", type=click.IntRange(1, 10_000), default=40, show_default=True)
@click.option("--seed", "seed_value", type=int, default=2024, show_default=True)
@_ASOF
@click.pass_obj
def seed_command(settings: Any, count: int, seed_value: int, asof: date | None) -> None:
    """Fill the registry with COUNT generated demo drivers; re-seeding changes nothing."""
    from registry.seed import seed_registry

    sessions = _sessions(settings)
    try:
        with sessions.begin() as session:
            report = seed_registry(session, count=count, seed=seed_value, asof=_today(asof))
    except RegistryError as exc:
        _fail(str(exc), 2)
    if report.changed:
        click.echo(f"added {report.added} drivers ({report.present} already present)")
    else:
        click.echo(f"already seeded: all {report.present} drivers present, nothing changed")


# registry.listing's DEFAULT_PAGE_SIZE and MAX_PAGE_SIZE (a test keeps them equal): importing it
# here would load SQLAlchemy for every permis2d command.
_PAGE_DEFAULT, _PAGE_MAX = 100, 500


def _after_option(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """``--after`` is a NEPH (the last one of the previous page), checked like any NEPH."""
    from registry.writes import validate_neph

    if value is None:
        return None
    try:
        return validate_neph(value)
    except RegistryValidationError as exc:
        raise click.BadParameter(str(exc)) from None


@registry_group.command("list")
@click.option(
    "--json", "as_json", is_flag=True,
    help='One JSON object: {"asof", "drivers": [...], "next_after"} (null on the last page).',
)  # fmt: skip
@click.option(
    "--after", metavar="NEPH", default=None, callback=_after_option,
    help="List the drivers whose NEPH sorts after this one (the previous page's next_after).",
)  # fmt: skip
@click.option(
    "--limit", type=click.IntRange(1, _PAGE_MAX), default=_PAGE_DEFAULT,
    show_default=True, help="Drivers per page.",
)  # fmt: skip
@_ASOF
@click.pass_obj
def list_command(
    settings: Any, as_json: bool, after: str | None, limit: int, asof: date | None
) -> None:
    """List one page of drivers in NEPH order: NEPH, name, licence state and points at --asof.

    Pages are keyset pages: the next one starts ``--after`` the last NEPH printed (given as
    ``next_after`` in JSON, and on stderr in text), so each costs the same on any registry size.
    """
    from registry.listing import list_drivers

    day = _today(asof)
    sessions = _sessions(settings)
    with sessions() as session:
        page = list_drivers(session, asof=day, after=after, limit=limit)
    if as_json:
        click.echo(json.dumps(page.to_json(day), ensure_ascii=False))
        return
    click.echo(f"{'NEPH':<19}  {'NAME':<40}  {'STATE':<19}  POINTS")
    for row in page.rows:
        name = f"{row['surname']} {' '.join(row['first_names'])}"[:40]
        click.echo(f"{row['neph']:<19}  {name:<40}  {row['state']:<19}  {row['balance']:>6}")
    if page.next_after is not None:
        click.echo(f"more drivers: permis2d registry list --after {page.next_after}", err=True)


@registry_group.command("show")
@click.argument("neph")
@click.option("--json", "as_json", is_flag=True, help="The record as one JSON object.")
@_ASOF
@click.pass_obj
def show_command(settings: Any, neph: str, as_json: bool, asof: date | None) -> None:
    """Print a driver's record, balance, history and restoration calendar at --asof."""
    from registry.listing import record_to_json, render_record
    from registry.records import load_driver_record
    from registry.writes import validate_neph

    try:
        validate_neph(neph)
    except RegistryValidationError as exc:
        _fail(str(exc), 2)
    sessions = _sessions(settings)
    try:
        with sessions() as session:
            record = load_driver_record(session, neph, asof=_today(asof))
    except UnknownNEPHError as exc:
        _fail(str(exc), 1)
    except RegistryError as exc:
        _fail(str(exc), 1)
    if as_json:
        click.echo(json.dumps(record_to_json(record), ensure_ascii=False, indent=2))
    else:
        click.echo(render_record(record))
        for line in _letter_words(record):
            click.echo(line)


def _letter_words(record: Any) -> list[str]:
    """What the 48SI letter means for this record, in words (RULES.md R5, I13), or nothing."""
    from registry.points import PointsStatus

    status, notified = record.points.status, record.licence.invalidation_notified
    what = ("The 48SI is the registered letter by which the Ministry of the Interior notifies "
            "the holder that the licence is invalidated for a zero balance (Code de la route "
            "L223-5, R223-3); the right to drive is lost on the day it is received.")  # fmt: skip
    if status is PointsStatus.INVALIDATION_PENDING:
        return [
            "48SI: the balance is 0 and the 48SI letter has not been received"
            + (f" (it is recorded as received on {notified.isoformat()})" if notified else "")
            + ": the licence is still in force until then.",
            f"  {what}",
            "  A road-safety course completed before the letter is received still counts: its 4 "
            "points are credited the day after its last day and the licence keeps its validity "
            "(Conseil d'Etat, 29/09/2023, n° 461479).",
        ]
    if status is PointsStatus.INVALIDATED and notified is not None:
        return [
            f"48SI: letter received on {notified.isoformat()} with a zero balance: the licence "
            "is invalidated from that day.",
            f"  {what}",
            "  A course completed after that day restores no point (Conseil d'Etat, "
            "17/04/2025, n° 492072).",
        ]
    if notified is not None and notified <= record.asof:
        return [
            f"48SI: letter received on {notified.isoformat()}, after a course completed before "
            "it had restored points: it has no effect (Conseil d'Etat, 29/09/2023, n° 461479).",
        ]
    return []


@registry_group.command("add")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.pass_obj
def add_command(settings: Any, file: Any) -> None:
    """Register the driver described by the JSON object in FILE (``-``: stdin).

    Keys: neph, civility (M, MME), surname, usage_name, first_names (1-6), birth_date (YYYY,
    YYYY-MM or YYYY-MM-DD), birth_place, birth_country (ISO alpha-2), licence {format (card,
    paper), number, issued, prefecture, probationary, accompanied_driving, probation_start,
    invalidation_notified, cancelled_on, categories [{code, obtained, valid_until, restrictions}],
    offences [{committed, place, natinf, label, class, points, effective}], courses [{centre,
    start, end}], medical_visits [{visited, outcome, valid_until}], suspensions [{kind, start,
    end}]}. A refused driver exits 2 and leaves the registry unchanged.
    """
    from registry.writes import register_driver
    from registry.writes_json import driver_from_json

    data = _read_json(file)
    sessions = _sessions(settings)
    try:
        new = driver_from_json(data)
        with sessions.begin() as session:
            register_driver(session, new)
    except RegistryError as exc:
        _fail(str(exc), 2)
    click.echo(f"registered {new.neph}")


@registry_group.command("add-course")
@click.argument("neph")
@click.option("--centre", required=True)
@click.option("--start", type=DATE, required=True)
@click.option("--end", type=DATE, required=True)
@click.pass_obj
def add_course_command(settings: Any, neph: str, centre: str, start: date, end: date) -> None:
    """Record a road-safety course (R223-5) on the licence of NEPH."""
    from registry.writes import NewCourse, add_course

    sessions = _sessions(settings)
    try:
        with sessions.begin() as session:
            add_course(session, neph, NewCourse(centre, start, end))
    except UnknownNEPHError as exc:
        _fail(str(exc), 1)
    except RegistryError as exc:
        _fail(str(exc), 2)
    click.echo(f"course recorded for {neph}")
