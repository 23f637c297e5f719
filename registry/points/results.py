"""What the engine answers: the balance and status at a date, the ledger, the calendar.

The values are the wire form of ``permis2d points simulate`` (``registry/RULES.md``, "Output"):
the reasons' values and the ``to_json`` methods are that format.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import NamedTuple

__all__ = [
    "AUTOMATIC_REASONS",
    "LedgerEntry",
    "LedgerReason",
    "PointsResult",
    "PointsStatus",
    "Restoration",
]


class PointsStatus(Enum):
    """Validity of the licence as far as points go (RULES.md R5, I13).

    ``INVALIDATION_PENDING``: the balance is 0 but the 48SI letter has not been received yet; a
    course completed before it is received still restores points (CE 29/09/2023 n° 461479).
    ``INVALIDATED``: on and after the day the 48SI letter was received with a zero balance
    (L223-5 I, R223-3 III).
    """

    VALID = "valid"
    INVALIDATION_PENDING = "invalidation_pending"
    INVALIDATED = "invalidated"


class LedgerReason(Enum):
    """Why the balance changed; the values are the wire names of ``points simulate``."""

    INITIAL = "initial"
    OFFENCE = "offence"
    COURSE = "course"
    SIX_MONTHS = "6_months"
    TWO_YEARS = "2_years"
    THREE_YEARS = "3_years"
    TEN_YEARS = "10_years"
    PROBATION_INCREMENT = "probation_increment"


#: The changes that happen by themselves once a delay has run, hence the calendar's reasons (I8).
AUTOMATIC_REASONS = frozenset(
    {
        LedgerReason.SIX_MONTHS,
        LedgerReason.TWO_YEARS,
        LedgerReason.THREE_YEARS,
        LedgerReason.TEN_YEARS,
        LedgerReason.PROBATION_INCREMENT,
    }
)


class LedgerEntry(NamedTuple):
    """One change of the balance: date, signed delta, reason, balance after, source event."""

    date: date
    delta: int
    reason: LedgerReason
    balance: int
    event: Hashable = None

    def to_json(self) -> dict[str, object]:
        """The ``points simulate`` wire form (documented in RULES.md, "Output")."""
        return {
            "date": self.date.isoformat(),
            "delta": self.delta,
            "reason": self.reason.value,
            "balance": self.balance,
            "event": self.event,
        }


class Restoration(NamedTuple):
    """A future automatic restoration, assuming no new offence: date, points, reason."""

    date: date
    points: int
    reason: LedgerReason

    def to_json(self) -> dict[str, object]:
        """The ``points simulate`` wire form of a calendar entry."""
        return {"date": self.date.isoformat(), "points": self.points, "reason": self.reason.value}


@dataclass(frozen=True, slots=True)
class PointsResult:
    """Balance and status at ``asof``, the ledger up to it and the calendar after it."""

    asof: date
    balance: int
    status: PointsStatus
    ceiling: int
    ledger: tuple[LedgerEntry, ...]
    calendar: tuple[Restoration, ...]
    invalidated_on: date | None = None  # the day the 48SI letter was received, if by asof
    probation_end: date | None = None
    in_probation: bool = False

    def to_json(self) -> dict[str, object]:
        """The ``balance``/``status``/``calendar``/``ledger`` members of ``points simulate``."""
        return {
            "balance": self.balance,
            "status": self.status.value,
            "calendar": [r.to_json() for r in self.calendar],
            "ledger": [e.to_json() for e in self.ledger],
        }
