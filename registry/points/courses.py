"""Road-safety courses (stage de sensibilisation à la sécurité routière): +4, once a year.

- L223-6 al. 4: a holder « peut obtenir une récupération de points s'il suit un stage … qui peut
  être effectué dans la limite d'une fois par an ».
- R223-8 II: the course « donne droit à la récupération de quatre points dans la limite du
  plafond affecté au permis de conduire »; R223-8 III: « La reconstitution prend effet le
  lendemain de la dernière journée de stage » (R9).
- RULES.md I5: « une fois par an » is counted from first day to first day, as service-public's
  fiche F14208 does (a course on 1-2 October 2025 allows the next one from 1 October 2026): a
  course earns points only if it starts on or after the first day of the last course that earned
  points plus 12 months; a course that earned nothing does not start a new year.
"""

from __future__ import annotations

from datetime import date, timedelta

from registry.points.delays import add_months
from registry.points.facts import COURSE_POINTS, Course

__all__ = ["CourseYear", "credit_day"]

_ONE_DAY = timedelta(days=1)


def credit_day(course: Course) -> date:
    """The day the course's points are credited: the day after its last day (R223-8 III)."""
    return course.end + _ONE_DAY


class CourseYear:
    """Remembers the last course that earned points, for the once-a-year limit (I5)."""

    __slots__ = ("_last_start",)

    def __init__(self) -> None:
        self._last_start: date | None = None

    def credit(self, course: Course, balance: int, ceiling: int) -> int:
        """The points ``course`` gives at ``balance`` under ``ceiling``; 0 if none.

        A course that gives points starts a new year (I5).
        """
        if self._last_start is not None and course.start < add_months(self._last_start, 12):
            return 0
        points = min(COURSE_POINTS, ceiling - balance)
        if points <= 0:
            return 0
        self._last_start = course.start
        return points
