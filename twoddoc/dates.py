"""2D-Doc dates: 4 hex digits counting days since 2000-01-01, ``FFFF`` meaning "no date".

Why: the header's emission and signature dates (§3.3.1, p.17) and DIs such as ``06``, ``08``,
``AD``, ``E1``–``E3`` (§7.0, §7.9, §7.16) share this format. Pure functions, no clock.
"""

from __future__ import annotations

from datetime import date, timedelta

from twoddoc.errors import EncodeError, FieldError, TwoDDocError

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
