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

from registry.db import downgrade_schema, make_engine, session_factory, upgrade_schema
from registry.errors import (
    DuplicateNEPHError,
    NoLicenceError,
    RegistryError,
    RegistryValidationError,
    UnknownNEPHError,
)
from registry.points import (
    Course,
    LedgerEntry,
    LedgerReason,
    LicenceFacts,
    Offence,
    OffenceClass,
    PointsError,
    PointsResult,
    PointsStatus,
    Restoration,
    compute_points,
)
from registry.records import DriverRecord, LicenceState, load_driver_record

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
