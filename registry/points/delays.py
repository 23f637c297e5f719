"""Delays in months and years, and the question every delay asks: was an offence committed in it?

The Code de la route says « au terme du délai de six mois », « à l'expiration d'un délai de dix
ans », « au terme de chaque année » without saying how to count (RULES.md I1). Art. 641 al. 2 of the
Code de procédure civile is the general rule: a delay in months or years expires on the day of
the last month bearing the same number as the day it started from, or on that month's last day
when there is none. An interval runs from the day after its start to its last day included (I2).
"""

from __future__ import annotations

import calendar
from bisect import bisect_right
from collections.abc import Iterable
from datetime import date
from functools import lru_cache

__all__ = ["Commissions", "add_months"]


@lru_cache(maxsize=1 << 16)
def add_months(day: date, months: int) -> date:
    """``day`` plus ``months``: same day of the month, else that month's last day (I1).

    2023-08-31 + 6 months = 2024-02-29; 2024-02-29 + 24 months = 2026-02-28. Memoised because
    every balance asks for the same few delays of the same days (a bounded stdlib cache).
    """
    year, month_index = divmod(day.month - 1 + months, 12)
    year += day.year
    last_day = calendar.monthrange(year, month_index + 1)[1]
    return date(year, month_index + 1, min(day.day, last_day))


class Commissions:
    """The commission dates of the point-losing offences, to ask whether one fell in a delay.

    L223-6 al. 1 and 3 and R223-1 II ask whether the holder « n'a pas commis … une infraction
    ayant donné lieu au retrait de points » within a delay: the commission date counts, and every
    offence the engine is given counts, whenever its withdrawal takes effect (I6).
    """

    __slots__ = ("_days",)

    def __init__(self, days: Iterable[date]) -> None:
        self._days = sorted(days)

    def any_between(self, after: date, until: date) -> bool:
        """True if an offence was committed in ``(after, until]`` (I2)."""
        i = bisect_right(self._days, after)
        return i < len(self._days) and self._days[i] <= until

    def any_until(self, day: date) -> bool:
        """True if an offence was committed on or before ``day``."""
        return bool(self._days) and self._days[0] <= day
