"""The national licence registry (SNPC): drivers, licences, events, and the points engine.

Typical use::

    from datetime import date
    from registry import load_driver_record, make_engine, session_factory, upgrade_schema

    upgrade_schema(settings.database_url)               # Alembic upgrade head
    sessions = session_factory(make_engine(settings.database_url))
    with sessions() as session:
        record = load_driver_record(session, "120575300012", asof=date(2026, 1, 15))
    record.state, record.points.balance, record.points.calendar

    from registry import compute_points, LicenceFacts, Offence, OffenceClass
    compute_points(LicenceFacts(date(2020, 1, 1), probationary=True),
                   [Offence(date(2021, 3, 1), date(2021, 4, 2), 3, OffenceClass.C4)],
                   asof=date(2022, 1, 1)).balance        # 5: 6 + 2 - 3

The engine (:mod:`registry.points`) is pure; the rules it applies and every interpretation are in
``registry/RULES.md``.
"""

from importlib import import_module
from typing import Any

# Where each public name lives. Imported on first use (PEP 562) so that ``import registry.points``
# (the pure engine, used by the issuer and the ``points simulate`` command) loads no SQLAlchemy.
_HOMES = {
    "downgrade_schema": "registry.db",
    "make_engine": "registry.db",
    "session_factory": "registry.db",
    "upgrade_schema": "registry.db",
    "DuplicateNEPHError": "registry.errors",
    "NoLicenceError": "registry.errors",
    "RegistryError": "registry.errors",
    "RegistryValidationError": "registry.errors",
    "UnknownNEPHError": "registry.errors",
    "Course": "registry.points",
    "LedgerEntry": "registry.points",
    "LedgerReason": "registry.points",
    "LicenceFacts": "registry.points",
    "Offence": "registry.points",
    "OffenceClass": "registry.points",
    "PointsError": "registry.points",
    "PointsResult": "registry.points",
    "PointsStatus": "registry.points",
    "Restoration": "registry.points",
    "compute_points": "registry.points",
    "DriverRecord": "registry.records",
    "LicenceState": "registry.records",
    "load_driver_record": "registry.records",
}


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use (PEP 562)."""
    try:
        home = _HOMES[name]
    except KeyError:
        raise AttributeError(f"module 'registry' has no attribute {name!r}") from None
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value


__all__ = [
    "Course",
    "DriverRecord",
    "DuplicateNEPHError",
    "LedgerEntry",
    "LedgerReason",
    "LicenceFacts",
    "LicenceState",
    "NoLicenceError",
    "Offence",
    "OffenceClass",
    "PointsError",
    "PointsResult",
    "PointsStatus",
    "RegistryError",
    "RegistryValidationError",
    "Restoration",
    "UnknownNEPHError",
    "compute_points",
    "downgrade_schema",
    "load_driver_record",
    "make_engine",
    "session_factory",
    "upgrade_schema",
]


def __dir__() -> list[str]:
    """The public names, for ``dir(registry)`` and completion."""
    return sorted(set(globals()) | set(__all__))
