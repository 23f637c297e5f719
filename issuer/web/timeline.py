"""The forecast calendar as data for a server-side SVG timeline and its table equivalent.

Why server-side SVG (STYLE §13): it needs no script (the CSP forbids inline code, and the page
must work without JavaScript), it scales on a 390 px phone, and screen readers get a ``<title>``
and a ``<desc>`` per restoration plus the same facts as a table. The timeline is vertical (one row
per restoration, the gap between rows growing with the time between them) so that the labels
never overlap on a narrow screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from registry.points import Restoration

__all__ = ["TimelineRow", "timeline_rows"]

ROW_MIN = 56  # px between two rows in the SVG's user units
ROW_EXTRA = 40  # extra px for the longest gap, proportionally less for shorter ones
TOP = 64  # room for the "today" row


@dataclass(frozen=True)
class TimelineRow:
    """A restoration placed on the timeline: date, points, reason, balance after, y position."""

    day: date
    points: int
    reason: object
    balance_after: int
    y: int


def timeline_rows(calendar: tuple[Restoration, ...], balance: int, today: date,
                  ) -> tuple[list[TimelineRow], int]:
    """The rows (with their y) and the SVG's height, for ``calendar`` after ``today``.

    The balance after each restoration is the running sum, at most 12 (R1): the engine's
    ``points`` are what each restoration actually gives back, within the ceiling of its date.
    """
    rows: list[TimelineRow] = []
    gaps = [(r.date - prev).days for prev, r in
            zip([today, *[c.date for c in calendar]], calendar, strict=False)]
    longest = max(gaps, default=1) or 1
    y = TOP
    running = balance
    for restoration, gap in zip(calendar, gaps, strict=True):
        y += ROW_MIN + round(ROW_EXTRA * gap / longest)
        running = min(12, running + restoration.points)
        rows.append(TimelineRow(restoration.date, restoration.points, restoration.reason,
                                running, y))
    return rows, y + 32
