"""What every command line shares: the ``YYYY-MM-DD`` option type and "today" in France.

2D-Doc dates are French civil dates (header §3.3.1, DI ``E8``), so every default date of the
product — the issue date, the registry's ``asof``, the verification date — is today in
Europe/Paris, whatever the server's own zone: a document issued at 00:30 in Paris must not look
"dated in the future" to a verifier counting days in UTC. The zone and the strict date parser
live with the 2D-Doc dates (``twoddoc.dates``, stdlib only); this module adds click's option type.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from twoddoc.dates import FRENCH_TIME, parse_iso_date

__all__ = ["DATE", "FRENCH_TIME", "DateType", "french_today"]


def french_today(now: dt.datetime | None = None) -> dt.date:
    """The calendar day in Europe/Paris at ``now`` (an aware datetime; default the clock)."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(FRENCH_TIME).date()


class DateType(click.ParamType):
    """A calendar date written exactly ``YYYY-MM-DD`` (:func:`twoddoc.dates.parse_iso_date`).

    Stricter than ``date.fromisoformat``, which since Python 3.11 also reads ``20260101`` or
    week dates: an option that takes one form only cannot be misread.
    """

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """Parse ``value`` strictly, or fail with click's usage error (exit 2) naming the option."""
        if isinstance(value, dt.date):
            return value
        try:
            return parse_iso_date(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


DATE = DateType()
