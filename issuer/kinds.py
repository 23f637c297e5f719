"""The three documents and the licence states: the one place that maps them to 2D-Doc codes.

All three documents use 2D-Doc type ``AB`` "Relevé d'Information Permis de Conduire" (perimeter
``01``, spec §8.15) and are told apart by DI ``E4`` (spec §7, p.98: ``RII``, ``RIR``, ``RRP``,
``APC``). No public spec version gives the ADCS (attestation de droits à conduire sécurisée) a type
or an ``E4`` value of its own; ``APC`` (attestation de permis de conduire) is our mapping, kept in
:data:`E4_BY_KIND` only, so that it can follow a newer spec by changing one line.

The licence state (DI ``E5``) is a two-digit code of annex 13 (p.148), read from
the codec's annex-13 table (:data:`twoddoc.catalog.LICENCE_STATES`) into :data:`E5_BY_STATE`.
"""

from __future__ import annotations

import enum
from types import MappingProxyType

from issuer.errors import PayloadError
from twoddoc.catalog import LICENCE_STATES

__all__ = [
    "E4_BY_KIND",
    "E5_BY_STATE",
    "KIND_BY_E4",
    "DocumentKind",
    "e5_code",
    "state_label",
]


class DocumentKind(enum.Enum):
    """The documents the issuer produces; the value is the CLI/API name."""

    RIR = "rir"
    """Relevé d'information restreint: identity, state, categories; valid on its issue date."""
    ADCS = "adcs"
    """Attestation de droits à conduire sécurisée: for employers, valid 4 months (DI 08)."""
    RII = "rii"
    """Relevé d'information intégral: adds the points balance (DI AG) and the 10-year history."""


E4_BY_KIND: MappingProxyType[DocumentKind, str] = MappingProxyType(
    {DocumentKind.RIR: "RIR", DocumentKind.ADCS: "APC", DocumentKind.RII: "RII"}
)
"""DI ``E4`` per document (spec p.98). ``APC`` for the ADCS is our choice, see the module doc."""

KIND_BY_E4: MappingProxyType[str, DocumentKind] = MappingProxyType(
    {e4: kind for kind, e4 in E4_BY_KIND.items()}
)


E5_BY_STATE: MappingProxyType[str, str] = MappingProxyType(
    {label: code for code, label in LICENCE_STATES.items()}
)
"""Annex 13 label (``VALIDE``, ``SUSPENDU``, ``INVALIDE``...) → DI ``E5`` code (``50``...)."""

_LABEL_BY_CODE = {code: label for label, code in E5_BY_STATE.items()}


def e5_code(state: str) -> str:
    """Return the annex-13 ``E5`` code of a licence state label, refusing an unknown one.

    A suspended or invalidated licence is not refused: its document states ``SUSPENDU`` (47) or
    ``INVALIDE`` (13), because an employer checking an ADCS must be able to see it.
    """
    key = " ".join(state.strip().upper().split())
    try:
        return E5_BY_STATE[key]
    except KeyError:
        raise PayloadError(f"licence state {state!r} is not in annex 13", field="E5",
                           position=0) from None


def state_label(code: str) -> str:
    """Return the annex-13 label of an ``E5`` code (``47`` → ``SUSPENDU``)."""
    try:
        return _LABEL_BY_CODE[code]
    except KeyError:
        raise PayloadError(f"E5 code {code!r} is not in annex 13", field="E5", position=0) from None
