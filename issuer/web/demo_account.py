"""The ready demo login ``make run`` prints: a confirmed account linked to a seeded driver.

Its identity is the driver's own (so linking rules hold), its password is new at each start
(printed once on the console, never a fixed default credential), and the account is created
only once per data dir.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import Engine

from issuer.web import store
from issuer.web.security import Passwords
from registry.db import session_factory
from registry.records import DriverRecord

__all__ = ["DEMO_EMAIL", "ensure_demo_account"]

DEMO_EMAIL = "demo@permis2d.invalid"


def ensure_demo_account(engine: Engine, record: DriverRecord, *, now: datetime,
                        email: str = DEMO_EMAIL) -> tuple[str, str]:
    """Create or refresh the demo account for ``record``; return (e-mail, new password)."""
    password = secrets.token_urlsafe(12)
    identity = record.identity
    birth = identity.birth_date.as_date()
    if birth is None:
        raise ValueError("the demo driver needs a full birth date")
    password_hash = Passwords().hash(password)
    with session_factory(engine).begin() as db:
        account = store.find_account(db, email)
        if account is None:
            account = store.create_account(
                db, email=email, password_hash=password_hash, family_name=identity.surname,
                given_names=" ".join(identity.first_names), birth_date=birth, now=now)
        else:
            store.change_password(db, account, password_hash)
        account.confirmed_at = account.confirmed_at or now
        account.neph = record.neph
        account.licence_format = record.licence.format.value
        account.linked_at = account.linked_at or now
        store.clear_failures(db, "login", store.email_subject(email))
    return email, password
