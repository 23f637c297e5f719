"""English wording of the portal, keyed by the French text (see :mod:`issuer.web.i18n`).

The pairs live in ``english.json`` beside this module (package data): long sentences read
better there than wrapped at 100 columns, and a translator edits data, not code.
"""

from __future__ import annotations

import json
from importlib import resources
from types import MappingProxyType

__all__ = ["ENGLISH"]

ENGLISH: MappingProxyType[str, str] = MappingProxyType(
    json.loads(resources.files("issuer.web").joinpath("english.json").read_text("utf-8")))
