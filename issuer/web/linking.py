"""Linking an account to a licence: does the account's identity match the registry's record?

Issue 13, part 3: the account's family name (or the record's usage name), its first given name
and its birth date must match the record of the NEPH, case and accents ignored. The answer is one
boolean: the page never says which detail differed (that would let anyone probe a NEPH's owner).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date
from typing import Any

from registry.records import BirthDate, DriverRecord

__all__ = ["account_matches", "identity_matches", "normalise_name"]

_SEPARATORS = re.compile(r"[\s\-'’‘`,.]+")


def normalise_name(name: str) -> str:
    """Lower case, accents removed, hyphens, apostrophes and spaces as one space."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SEPARATORS.sub(" ", bare.casefold()).strip()


def _birth_matches(declared: date, registered: BirthDate) -> bool:
    """Equal dates; a registry date with an unknown day or month ("00") matches on what it has."""
    return (declared.year == registered.year
            and (registered.month is None or declared.month == registered.month)
            and (registered.day is None or declared.day == registered.day))


def identity_matches(family_name: str, given_names: str, birth_date: date,
                     record: DriverRecord) -> bool:
    """True when the declared identity is the record's (family or usage name, first given name,
    birth date), ignoring case and accents."""
    identity = record.identity
    family = normalise_name(family_name)
    names = {normalise_name(identity.surname)}
    if identity.usage_name:
        names.add(normalise_name(identity.usage_name))
    given = normalise_name(given_names)
    first = normalise_name(identity.first_names[0]) if identity.first_names else ""
    given_ok = bool(first) and (given == first or given.startswith(first + " "))
    return family in names and given_ok and _birth_matches(birth_date, identity.birth_date)


def account_matches(family_name: str, given_names: str, birth_date: date, record: DriverRecord,
                    fc_identity: Mapping[str, Any] | None = None) -> bool:
    """The account's identity against the record; for a FranceConnect session, the identity
    FranceConnect vouched for (issue 14, part 3): its family name or its usage name
    (``preferred_username``), its first given name, its birth date, and its birthplace (INSEE
    commune code) when both FranceConnect and the registry have one."""
    if fc_identity is None:
        return identity_matches(family_name, given_names, birth_date, record)
    birth = date.fromisoformat(fc_identity["birth_date"])
    names = (fc_identity["family_name"], fc_identity.get("preferred_username"))
    if not any(name and identity_matches(name, fc_identity["given_names"], birth, record)
               for name in names):
        return False
    vouched, registered = fc_identity.get("birthplace"), record.identity.birth_place_code
    return not (vouched and registered) or vouched.upper() == registered.upper()
