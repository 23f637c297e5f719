"""English wording of the portal, keyed by the French text (see :mod:`issuer.web.i18n`)."""

from __future__ import annotations

__all__ = ["ENGLISH"]

ENGLISH: dict[str, str] = {
}
