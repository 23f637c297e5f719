"""The forecast calendar as an iCalendar file (RFC 5545), one all-day event per restoration.

Written by hand rather than with a library because the subset is tiny and fixed: ``VCALENDAR``
(§3.4) with ``VERSION``, ``PRODID``, ``CALSCALE``, ``METHOD``; each ``VEVENT`` (§3.6.1) has
``UID``, ``DTSTAMP``, an all-day ``DTSTART``/``DTEND`` (``VALUE=DATE``, DTEND exclusive, §3.6.1),
``SUMMARY`` and ``DESCRIPTION``. Lines end with CRLF and are folded at 75 octets (§3.1); text
values escape backslash, semicolon, comma and newline (§3.3.11). The UID is a hash, not the NEPH:
a calendar file travels to other services and must not carry the licence number.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date, datetime, timedelta

__all__ = ["CalendarEvent", "calendar_ics"]

CalendarEvent = tuple[date, str, str]  # day, summary, description


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character (§3.1)."""
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def calendar_ics(events: Iterable[CalendarEvent], *, owner_key: str, stamp: datetime,
                 name: str) -> str:
    """The iCalendar text; ``owner_key`` salts the UIDs (stable per driver and event)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//permis2d//portail//FR",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", f"X-WR-CALNAME:{_escape(name)}"]
    dtstamp = stamp.strftime("%Y%m%dT%H%M%SZ")
    for day, summary, description in events:
        digest = hashlib.sha256(f"{owner_key}|{day.isoformat()}|{summary}".encode()).hexdigest()
        lines += [
            "BEGIN:VEVENT",
            f"UID:{digest[:32]}@permis2d.invalid",
            f"DTSTAMP:{dtstamp}",
            f"DTSTART;VALUE=DATE:{day.strftime('%Y%m%d')}",
            f"DTEND;VALUE=DATE:{(day + timedelta(days=1)).strftime('%Y%m%d')}",
            f"SUMMARY:{_escape(summary)}",
            f"DESCRIPTION:{_escape(description)}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)
