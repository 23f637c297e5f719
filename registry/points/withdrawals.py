"""Withdrawals: how many points an offence takes, alone or with simultaneous offences.

- L223-1 al. 4, R223-3 III: the points leave when the reality of the offence is established, on
  its ``effective`` date (R2).
- L223-2 III, R223-2: « Dans le cas où plusieurs infractions entraînant retrait de points sont
  commises simultanément, les retraits de points se cumulent dans la limite de huit points » (R4).
  Simultaneous means one occasion: the same date and the same place, or both places absent
  (``Offence.occasion``, I3); inside an occasion, points are taken in the order the withdrawals
  take effect, then in the caller's order, until the 8 points are used up.
- L223-1 al. 3: the balance never goes below 0; the withdrawal that reaches 0 takes what is left
  (R5).
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date

from registry.points.facts import SIMULTANEOUS_CAP, Offence

__all__ = ["SimultaneousCap", "occasion_of"]


def occasion_of(place: str) -> str:
    """The occasion a place names: offences of one date at equal places are simultaneous (I3).

    Case and runs of spaces do not make two places different (« Lyon » is « LYON »).
    """
    return " ".join(place.split()).casefold()


class SimultaneousCap:
    """The points left under the 8-point cap of each occasion (R4, I3, I9)."""

    __slots__ = ("_left",)

    def __init__(self) -> None:
        self._left: dict[tuple[date, Hashable], int] = {}

    def take(self, offence: Offence) -> int:
        """The points ``offence`` withdraws once the earlier offences of its occasion took theirs.

        I9: the cap stays 8 on a probationary licence (two thirds of the maximal 12).
        """
        occasion = (offence.committed, offence.occasion)
        left = self._left.get(occasion, SIMULTANEOUS_CAP)
        taken = offence.points if offence.points <= left else left
        self._left[occasion] = left - taken
        return taken
