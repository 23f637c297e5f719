"""French first, English on request: the portal's language switch and its ``_()``.

Why keyed by the French text (gettext's idea, without catalogues to compile): the templates and
the code read in the language drivers see by default, and an English string missing from
:data:`issuer.web.english.ENGLISH` falls back to the French one instead of breaking a page. The
language comes from ``?lang=fr|en`` (remembered in the session), else French.
"""

from __future__ import annotations

from datetime import date

from flask import g, request, session

from issuer.web.english import ENGLISH

__all__ = ["LANGUAGES", "current_language", "format_date", "gettext", "select_language"]

LANGUAGES = ("fr", "en")

_MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
              "septembre", "octobre", "novembre", "décembre")


def select_language() -> None:
    """Before each request: ``?lang=`` wins and is remembered; else the session's, else fr."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        session["lang"] = asked
        g.lang = asked
    else:
        remembered = session.get("lang")
        g.lang = remembered if remembered in LANGUAGES else "fr"


def current_language() -> str:
    """The request's language (``fr`` outside a request)."""
    return getattr(g, "lang", "fr") if g else "fr"


def gettext(text: str, **values: object) -> str:
    """``text`` in the current language, with ``{name}`` placeholders filled from ``values``."""
    if current_language() == "en":
        text = ENGLISH.get(text, text)
    return text.format(**values) if values else text


def format_date(day: date | None) -> str:
    """A date as French readers write it (JJ/MM/AAAA, STYLE §13); English: the same digits."""
    return day.strftime("%d/%m/%Y") if day else "—"


def format_long_date(day: date) -> str:
    """« 5 mars 2027 » / « 5 March 2027 », for the timeline's labels."""
    if current_language() == "en":
        return day.strftime("%-d %B %Y")
    return f"{day.day} {_MONTHS_FR[day.month - 1]} {day.year}"
