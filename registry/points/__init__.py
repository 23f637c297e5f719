"""The points engine: balance, status, ledger and restoration calendar of a licence at a date.

Why a pure function: the rules of the Code de la route (L223-1 to L223-8, R223-1 to R223-13) are
date arithmetic on a handful of facts, so they live here without any database, clock or file
(STYLE §4); the registry (:mod:`registry.records`) and the ``points simulate`` command feed it
plain dataclasses. Every rule and every interpretation is listed, with its article, in
``registry/RULES.md``; the docstrings name the rule numbers used there (``R1`` … ``I20``).

The modules follow the law's seams:

- :mod:`~registry.points.facts`: the inputs and the facts that cannot happen (L223-1, L223-2);
- :mod:`~registry.points.delays`: delays in months (art. 641 CPC) and offences committed in them;
- :mod:`~registry.points.withdrawals`: the 8-point cap of simultaneous offences (L223-2 III);
- :mod:`~registry.points.restorations`: 2/3 years, 6 months, 10 years (L223-6);
- :mod:`~registry.points.probation`: the probationary licence (L223-1, R223-1);
- :mod:`~registry.points.courses`: road-safety courses (L223-6 al. 4, R223-8);
- :mod:`~registry.points.walk`: the timeline that applies them in order and cuts it at ``asof``;
- :mod:`~registry.points.results`: the answer.

Typical use::

    from datetime import date
    from registry.points import LicenceFacts, Offence, OffenceClass, compute_points

    result = compute_points(
        LicenceFacts(date(2020, 1, 1), probationary=True),
        [Offence(date(2021, 3, 1), date(2021, 4, 2), 3, OffenceClass.C4)],
        asof=date(2022, 1, 1),
    )
    result.balance  # 5: 6, +2 on 2021-01-01, -3 on 2021-04-02
"""

from registry.points.delays import add_months
from registry.points.facts import (
    LAST_SUPPORTED_DAY,
    MAX_POINTS,
    SIMULTANEOUS_CAP,
    Course,
    LicenceFacts,
    Offence,
    OffenceClass,
    PointsError,
)
from registry.points.results import (
    AUTOMATIC_REASONS,
    LedgerEntry,
    LedgerReason,
    PointsResult,
    PointsStatus,
    Restoration,
)
from registry.points.walk import compute_points
from registry.points.withdrawals import occasion_of

__all__ = [
    "AUTOMATIC_REASONS",
    "LAST_SUPPORTED_DAY",
    "MAX_POINTS",
    "SIMULTANEOUS_CAP",
    "Course",
    "LedgerEntry",
    "LedgerReason",
    "LicenceFacts",
    "Offence",
    "OffenceClass",
    "PointsError",
    "PointsResult",
    "PointsStatus",
    "Restoration",
    "add_months",
    "compute_points",
    "occasion_of",
]
