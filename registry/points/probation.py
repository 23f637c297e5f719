"""The probationary licence: 6 points, a yearly increment, a ceiling, an end (L223-1, R223-1).

- L223-1 al. 2, R223-1 II: « A la date d'obtention du permis de conduire, celui-ci est affecté de
  la moitié du nombre maximal de points » (R11).
- R223-1 V: the probation lasts three years from the date the licence was obtained, two after
  accompanied driving (apprentissage anticipé de la conduite, AAC) (R13).
- R223-1 II: « Au terme de chaque année du délai probatoire …, si aucune infraction ayant donné
  lieu à retrait de points n'a été commise depuis le début de la période probatoire, ce permis
  de conduire est majoré de deux points » (three after AAC) (R12; CE 15/06/2016 n° 393522: one
  offence stops every later increment).
- R223-1 III: during the probation the ceiling is six plus the increments obtained (R14).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from registry.points.delays import add_months
from registry.points.facts import LicenceFacts

__all__ = ["Probation"]


@dataclass(frozen=True, slots=True)
class Probation:
    """The probation of one licence: its first day, its length in years, its yearly increment."""

    start: date
    years: int
    increment: int

    @classmethod
    def of(cls, licence: LicenceFacts) -> Probation | None:
        """The probation of ``licence``, or ``None`` for a licence that has none."""
        if not licence.probationary:
            return None
        if licence.accompanied_driving:
            return cls(licence.issued, years=2, increment=3)
        return cls(licence.issued, years=3, increment=2)

    def anniversary(self, year: int) -> date:
        """The end of the probation's ``year``-th year (art. 641 CPC, I1)."""
        return add_months(self.start, 12 * year)

    @property
    def end(self) -> date:
        """The day the probation ends: its last anniversary (R13)."""
        return self.anniversary(self.years)
