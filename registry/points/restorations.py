"""Automatic restorations: all points after 2 or 3 years, one point after 6 months, 10 years.

L223-6 of the Code de la route, paragraph by paragraph:

- al. 1 (R6): « Si le titulaire du permis de conduire n'a pas commis, dans le délai de deux ans à
  compter de la date du paiement de la dernière amende forfaitaire …, une nouvelle infraction
  ayant donné lieu au retrait de points, son permis est affecté du nombre maximal de points. »
- al. 2 (R7): « Le délai de deux ans … est porté à trois ans si l'une des infractions ayant
  entraîné un retrait de points est un délit ou une contravention de la quatrième ou de la
  cinquième classe » — any such offence since the last full restoration or the issue
  (CE 21/11/2016 n° 392555).
- al. 3 (R8): the point of an offence « ayant entraîné le retrait d'un point » comes back after six
  months if no new point-losing offence was committed in that interval (I12).
- last al. (R10): the points of contraventions of the first four classes come back ten years after
  the payment, whatever happened since; never for a C5 or a délit (I11).
- L223-1 last al. (R16): al. 1 does not apply during the probation; a full restoration due inside
  it takes effect on the day it ends (I4).
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date

from registry.points.delays import add_months
from registry.points.results import LedgerReason

__all__ = [
    "FULL_RESTORATION_MONTHS",
    "HEAVY_FULL_RESTORATION_MONTHS",
    "ONE_POINT_MONTHS",
    "TEN_YEAR_MONTHS",
    "FullRestoration",
    "TenYearRestoration",
    "full_restoration_delay",
]

ONE_POINT_MONTHS = 6  # L223-6 al. 3
FULL_RESTORATION_MONTHS = 24  # L223-6 al. 1
HEAVY_FULL_RESTORATION_MONTHS = 36  # L223-6 al. 2
TEN_YEAR_MONTHS = 120  # L223-6 last al.

# L223-6 al. 1 and 2: the delay of the full restoration and the reason it is recorded under,
# by whether a C4, C5 or délit was withdrawn since the last full restoration.
_FULL_RESTORATION = {
    False: (FULL_RESTORATION_MONTHS, LedgerReason.TWO_YEARS),
    True: (HEAVY_FULL_RESTORATION_MONTHS, LedgerReason.THREE_YEARS),
}


#: A pending full restoration: the day it is due; the withdrawal's effective date (``after``) and
#: the last day of its delay (``until``): it happens only if no offence was committed in
#: ``(after, until]`` (I2, I6); its reason (2 or 3 years); the withdrawal it runs from (I17).
FullRestoration = tuple[date, date, date, LedgerReason, Hashable]

#: The points of one C1-C4 withdrawal due back ten years after it (R10, I11): the day they are
#: due, what the withdrawal actually took less a point the 6-month rule gave back, its event.
TenYearRestoration = tuple[date, int, Hashable]


def full_restoration_delay(
    withdrawn: date, heavy: bool, probation_end: date | None
) -> tuple[date, date, LedgerReason]:
    """When the full restoration the withdrawal of ``withdrawn`` starts is due (R6, R7, I4).

    Returns the day it happens, the last day of its delay and its reason. ``heavy``: a C4, C5 or
    délit since the last full restoration (R7, CE n° 392555). The day it happens is the last day
    of the delay, or the end of the probation when the delay ends inside it (I4: L223-1 suspends
    al. 1 only « pendant le délai probatoire »).
    """
    months, reason = _FULL_RESTORATION[heavy]
    until = add_months(withdrawn, months)
    if probation_end is not None and until < probation_end:
        return probation_end, until, reason
    return until, until, reason
