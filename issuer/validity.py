"""Calendar rules of the documents: the ADCS expiry date (issue date + 4 months).

The ADCS is valid four calendar months from its issue date (ARCHITECTURE.md, "Document
encoding"), carried by DI ``08`` "date d'expiration du document" (spec §7, p.62). Month-end rule:
when the issue day does not exist in the target month the expiry falls on that month's last day,
so 31 October + 4 months = 28 February (29 February in a leap year), and 30 June + 4 months =
30 October. The document is valid up to and including its expiry date ("valable jusqu'au").
Pure date arithmetic: the issue date is a parameter, never read from the clock. The month
arithmetic is the points engine's (art. 641 CPC, one implementation for the whole product).
"""

from __future__ import annotations

from datetime import date

from registry.points import add_months

__all__ = ["ADCS_VALIDITY_MONTHS", "adcs_expiry", "add_months"]

ADCS_VALIDITY_MONTHS = 4


def adcs_expiry(issued_on: date) -> date:
    """Return the last day an ADCS issued on ``issued_on`` is valid (issue date + 4 months)."""
    return add_months(issued_on, ADCS_VALIDITY_MONTHS)
