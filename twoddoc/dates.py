"""2D-Doc dates: the header's hex day count, the French civil zone, and ``YYYY-MM-DD`` text.

Why together: the header's emission and signature dates (§3.3.1, p.17) and DIs such as ``06``,
``08``, ``AD``, ``E1``–``E3`` (§7.0, §7.9, §7.16) count days of the French civil calendar, so
"today" for a document is a day in Europe/Paris (:data:`FRENCH_TIME`); and every date a person
or a JSON file gives the product (a CLI option, the verifier API's ``at``, the registry's JSON
readers) is read by one strict parser, :func:`parse_iso_date`. Pure functions, no clock, stdlib
only (the verifier, deployed apart, imports this module without click or SQLAlchemy).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from twoddoc.errors import EncodeError, FieldError, TwoDDocError

#: The zone of every date a French reader sees on or in a document (header §3.3.1, DI ``E8``).
FRENCH_TIME = ZoneInfo("Europe/Paris")

#: Exactly four, two and two ASCII digits. ``\d`` would also take other scripts' digits (``٢``),
#: which ``int`` reads; ``date.fromisoformat`` alone takes ``20260101`` and ``2026-W01-1`` too.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_iso_date(value: object) -> date:
    """Read a calendar date written exactly ``YYYY-MM-DD`` (29 February only in leap years).

    Raises :class:`ValueError` whose message quotes the value and says which form is expected;
    each caller turns it into its own error naming the field (a click usage error, a 400
    ``bad_date``, a registry validation error). One form only, so a date cannot be misread:
    ``2026-W01-1`` (a week date), ``20260101`` or ``2026-1-1`` are refused.
    """
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
        raise ValueError(f"{shown} is not a date YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a calendar date ({exc})") from exc

EPOCH = date(2000, 1, 1)
NO_DATE = "FFFF"
_HEX = frozenset("0123456789ABCDEF")
_EPOCH_ORDINAL = EPOCH.toordinal()
#: The last encodable date: FFFE days after the epoch (FFFF is reserved for "no date").
MAX_DATE = EPOCH + timedelta(days=0xFFFE)


def hex_to_date(text: str, *, field: str = "date", position: int = 0,
                error: type[TwoDDocError] = FieldError) -> date | None:
    """Parse 4 upper-case hex digits into a date, ``FFFF`` into ``None`` (§3.3.1).

    Lower-case hex is refused: the spec writes the header in [A-Z][0-9], and accepting two
    spellings would let a flipped character keep its meaning. ``position`` is where ``text``
    starts in the caller's input, so errors point at the faulty character.
    """
    if len(text) != 4:
        raise error(f"date must be 4 hex digits, got {len(text)} characters", field=field,
                    position=position + min(len(text), 4))
    for i, ch in enumerate(text):
        if ch not in _HEX:
            raise error(f"date has a non-hex character {ch!r}", field=field, position=position + i)
    if text == NO_DATE:
        return None
    return date.fromordinal(_EPOCH_ORDINAL + int(text, 16))


def date_to_hex(value: date | None, *, field: str = "date") -> str:
    """Format a date as 4 upper-case hex digits of days since 2000-01-01; ``None`` → ``FFFF``."""
    if value is None:
        return NO_DATE
    days = value.toordinal() - _EPOCH_ORDINAL
    if not 0 <= days <= 0xFFFE:
        raise EncodeError(f"date {value.isoformat()} is outside 2000-01-01..{MAX_DATE.isoformat()}",
                          field=field, position=0)
    return f"{days:04X}"
