"""Helpers of the portal tests: a seeded registry with a PKI, a movable clock, form helpers.

Shared by the integration tests (Flask test client) and the end-to-end tests (gunicorn and
Chromium), hence a plain module rather than a conftest.
"""

from __future__ import annotations

import datetime as dt
import email
import re
from dataclasses import dataclass
from email import policy
from pathlib import Path
from typing import Any

from keys import KeyStore
from permis2d.params import french_today
from permis2d.settings import Settings
from registry.db import make_engine, session_factory, upgrade_schema
from registry.records import DriverRecord, load_driver_record
from registry.seed import PROFILES, demo_drivers, seed_registry

SEED = 2024
COUNT = len(PROFILES) + 2
PASSWORD = "correct horse battery staple"


class Clock:
    """A clock the test moves: ``clock()`` is an aware UTC datetime."""

    def __init__(self) -> None:
        self.offset = dt.timedelta()

    def __call__(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.offset


@dataclass
class Site:
    """A data dir with a migrated, seeded registry and a dev PKI."""

    settings: Settings
    today: dt.date

    def neph(self, profile: str) -> str:
        """The NEPH of the seeded driver of ``profile`` (registry/seed.py PROFILES)."""
        drivers = demo_drivers(count=COUNT, seed=SEED, asof=self.today)
        return drivers[PROFILES.index(profile)].neph

    def record(self, neph: str, on: dt.date | None = None) -> DriverRecord:
        engine = make_engine(self.settings.database_url or "")
        try:
            with session_factory(engine)() as session:
                return load_driver_record(session, neph, asof=on or self.today)
        finally:
            engine.dispose()

    def outbox(self) -> list[Path]:
        return sorted(self.settings.outbox_dir.glob("*.eml"))


def make_site(data_dir: Path, database_url: str | None = None) -> Site:
    """Migrate and seed the registry (every profile), create the dev PKI."""
    env = {"PERMIS2D_DATA_DIR": str(data_dir), "PERMIS2D_KEY_PASSPHRASE": "test-passphrase"}
    if database_url:
        env["PERMIS2D_DATABASE_URL"] = database_url
    settings = Settings.from_env(env)
    now = dt.datetime.now(dt.UTC)
    today = french_today(now)
    upgrade_schema(settings.database_url or "")
    engine = make_engine(settings.database_url or "")
    with session_factory(engine).begin() as session:
        seed_registry(session, count=COUNT, seed=SEED, asof=today)
    engine.dispose()
    KeyStore.open(settings).init(now=now - dt.timedelta(days=1))
    return Site(settings, today)


def identity_form(record: DriverRecord, email_address: str, **changes: Any) -> dict[str, Any]:
    """The sign-up form of the driver of ``record`` (contract field names)."""
    birth = record.identity.birth_date.as_date()
    assert birth is not None
    form = {
        "email": email_address,
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "family_name": record.identity.surname,
        "given_names": " ".join(record.identity.first_names),
        "birth_date": birth.isoformat(),
        "accept_terms": "y",
    }
    form.update(changes)
    return form


def csrf_token(html: str) -> str:
    """The hidden ``csrf_token`` of the first form of a page."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no csrf_token on the page"
    return match.group(1)


def mail_link(path: Path) -> str:
    """The action link of an outbox message, read as RFC 5322 by the standard library."""
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    body = message.get_body(("plain",)).get_content()
    match = re.search(r"https?://\S+", body)
    assert match, body
    return match.group(0)
