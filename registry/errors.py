"""The registry's errors: one base class, one subclass per kind, data on attributes (STYLE §3)."""

from __future__ import annotations

__all__ = [
    "DuplicateNEPHError",
    "LicenceStateError",
    "NoLicenceError",
    "RegistryError",
    "RegistryValidationError",
    "UnknownEventError",
    "UnknownNEPHError",
]


class RegistryError(Exception):
    """Base class of every error the registry raises on purpose."""

    http_status_hint = 400


class UnknownNEPHError(RegistryError, LookupError):
    """No driver has this NEPH (the caller asked for a record that does not exist)."""

    http_status_hint = 404

    def __init__(self, neph: str) -> None:
        super().__init__(f"no driver with NEPH {neph!r}")
        self.neph = neph


class NoLicenceError(RegistryError, LookupError):
    """The driver exists but holds no licence, so there is no record to issue from."""

    http_status_hint = 404

    def __init__(self, neph: str) -> None:
        super().__init__(f"driver {neph!r} holds no licence")
        self.neph = neph


class RegistryValidationError(RegistryError, ValueError):
    """A value refused before it reaches the database, naming the field and the position.

    ``position`` is the index inside a list field (first names, categories, events) or ``None``.
    """

    def __init__(self, msg: str, *, field: str, position: int | None = None) -> None:
        where = field if position is None else f"{field}[{position}]"
        super().__init__(f"{msg} ({where})")
        self.field, self.position = field, position


class DuplicateNEPHError(RegistryValidationError):
    """A driver with this NEPH is already registered (the NEPH is unique nationally)."""

    http_status_hint = 409

    def __init__(self, neph: str) -> None:
        super().__init__(f"a driver with NEPH {neph!r} already exists", field="neph")
        self.neph = neph


class UnknownEventError(RegistryError, LookupError):
    """No event of this kind has this id on any licence (agent API, issue 15: 404)."""

    http_status_hint = 404

    def __init__(self, kind: str, event_id: int) -> None:
        super().__init__(f"no {kind} with id {event_id}")
        self.kind, self.event_id = kind, event_id


class LicenceStateError(RegistryError):
    """A well-formed write that the licence's present state forbids (agent API, issue 15: 409).

    ``field`` names the input the state conflicts with, as for a validation error.
    """

    http_status_hint = 409

    def __init__(self, msg: str, *, field: str) -> None:
        super().__init__(f"{msg} ({field})")
        self.field, self.position = field, None
