"""Demo data: a few dozen realistic, generated drivers, deterministic for a seed and a date.

Why these profiles: the issuer and the verifier need every state a licence can be in (valid,
probationary, suspended, medically suspended, invalidated with its 48SI date, at 0 points awaiting
the 48SI letter, cancelled), heavy categories whose medical validity expires, restriction codes,
long accented names that the 2D-Doc codec must normalise and truncate, all 15 categories, and a
10-year history of at least 25 events so that an RII spans several pages. Dates are relative to
``asof`` (the CLI's ``--asof``, default today) so that "suspended" means suspended on the day of
the demo; the NEPHs depend on the seed only, so re-seeding on another day finds the same drivers
and changes nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import CATEGORY_CODES, Driver
from registry.points import add_months
from registry.records import BirthDate
from registry.writes import (
    NewCategory,
    NewCourse,
    NewDriver,
    NewLicence,
    NewMedicalVisit,
    NewOffence,
    NewSuspension,
    register_driver,
)

__all__ = ["PROFILES", "SeedReport", "demo_drivers", "seed_registry"]

# Profiles generated first, in this order, whatever the count (the rest are ordinary drivers).
PROFILES = (
    "full",
    "probationary",
    "probationary_aac",
    "recent_delit",
    "suspended",
    "medically_suspended",
    "invalidated",
    "cancelled",
    "heavy_expiring",
    "all_categories",
    "long_history",
    "long_names",
    "unknown_birth_day",
    "invalidation_pending",
)

_SURNAMES = (
    "MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "RICHARD", "PETIT", "DURAND", "LEROY",
    "MOREAU", "SIMON", "LAURENT", "LEFÈVRE", "MICHEL", "GARCÍA", "DAVID", "BERTRAND", "ROUX",
    "VINCENT", "FOURNIER", "MOREL", "GIRARD", "ANDRÉ", "MERCIER", "DUPONT", "LAMBERT", "BONNET",
    "FRANÇOIS", "MARTINEZ", "LEGRAND", "N'DIAYE", "LE GOFF", "DE SAINT-EXUPÉRY", "CHÂTEAU",
)  # fmt: skip
_FIRST_F = (
    "Marie",
    "Camille",
    "Léa",
    "Chloé",
    "Inès",
    "Zoé",
    "Anaïs",
    "Hélène",
    "Françoise",
    "Maëlle",
)
_FIRST_M = ("Jean", "Lucas", "Hugo", "Théo", "Noé", "Gaël", "Jérôme", "François", "Loïc", "Mathéo")
_PLACES = (
    ("Paris", "75"), ("Lyon", "69"), ("Marseille", "13"), ("Saint-Étienne", "42"), ("Nîmes", "30"),
    ("Besançon", "25"), ("Orléans", "45"), ("Créteil", "94"), ("Ajaccio", "2A"), ("Évry", "91"),
)  # fmt: skip
_LATEST_BIRTH = date(2005, 12, 31)
#: INSEE codes of the birth communes (Code officiel géographique), for FranceConnect's
#: ``birthplace``; a driver born abroad has none.
_INSEE = {
    "Paris": "75056", "Lyon": "69123", "Marseille": "13055", "Saint-Étienne": "42218",
    "Nîmes": "30189", "Besançon": "25056", "Orléans": "45234", "Créteil": "94028",
    "Ajaccio": "2A004", "Évry": "91228", "Saint-Rémy-de-Provence": "13100",
}  # fmt: skip
_CENTRES = ("Stage Auto-École du Centre", "Prévention Routière Rhône", "ECF Sécurité Routière")
# NATINF code, label, class, points: common offences of the barème (R413-14, R412-30, L234-1...).
_OFFENCES = (
    (11303, "Excès de vitesse < 20 km/h (limite > 50 km/h)", "C3", 1),
    (11302, "Excès de vitesse < 20 km/h (limite ≤ 50 km/h)", "C4", 1),
    (11301, "Excès de vitesse ≥ 20 et < 30 km/h", "C4", 2),
    (11300, "Excès de vitesse ≥ 30 et < 40 km/h", "C4", 3),
    (20631, "Franchissement d'un feu rouge", "C4", 4),
    (7232, "Usage d'un téléphone tenu en main", "C4", 3),
    (350, "Défaut de port de la ceinture de sécurité", "C4", 3),
    (2216, "Chevauchement d'une ligne continue", "C4", 1),
    (11299, "Excès de vitesse ≥ 40 et < 50 km/h", "C5", 4),
    (22334, "Conduite sous l'empire d'un état alcoolique", "DELIT", 6),
)  # fmt: skip
_HEAVY = ("C1", "C1E", "C", "CE", "D1", "D1E", "D", "DE")


@dataclass(frozen=True, slots=True)
class SeedReport:
    """What a seeding did: drivers added, and those already present (left untouched)."""

    added: int
    present: int

    @property
    def changed(self) -> bool:
        """True when at least one driver was added."""
        return self.added > 0


def _neph(rng: random.Random, index: int) -> str:
    """A 12-digit NEPH: year and month of the first application, département, sequence."""
    return f"{rng.randint(90, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 95):02d}{index:06d}"


class _Gen:
    """One driver generator, bound to a seeded RNG and the reference date."""

    def __init__(self, rng: random.Random, asof: date) -> None:
        self.rng, self.asof = rng, asof

    def day(self, start: date, end: date) -> date:
        span = max((end - start).days, 0)
        return start + timedelta(days=self.rng.randint(0, span))

    def ago(self, months: int) -> date:
        return add_months(self.asof, -months)

    def person(self, neph: str) -> NewDriver:
        rng = self.rng
        female = rng.random() < 0.5
        pool = _FIRST_F if female else _FIRST_M
        names = tuple(rng.sample(pool, rng.randint(1, 3)))
        place, _ = rng.choice(_PLACES)
        # Born by 2005 at the latest whatever the date of seeding (and 19 years before it when
        # seeding in the past): a driver's identity must not change with the day of the demo,
        # since the local FranceConnect's test identities (franceconnect-sim/) are the seed's.
        birth = self.day(date(1950, 1, 1), min(add_months(self.asof, -12 * 19), _LATEST_BIRTH))
        return NewDriver(
            neph=neph,
            civility="MME" if female else "M",
            surname=rng.choice(_SURNAMES),
            usage_name=rng.choice(_SURNAMES) if female and rng.random() < 0.3 else None,
            first_names=names,
            birth_date=BirthDate(birth.year, birth.month, birth.day),
            birth_place=place,
            birth_country="FR" if rng.random() < 0.9 else rng.choice(("BE", "MA", "PT", "DZ")),
            licence=None,
        )

    def licence(self, neph: str, issued: date, **kw: object) -> NewLicence:
        _, dept = self.rng.choice(_PLACES)
        values: dict[str, object] = {
            "format": "card" if issued.year >= 2013 or self.rng.random() < 0.5 else "paper",
            "number": f"{issued:%y}{dept}{neph}",
            "issued": issued,
            "prefecture": dept,
            "categories": (NewCategory("B", issued),),
        }
        values.update(kw)
        return NewLicence(**values)  # type: ignore[arg-type]

    def offence(
        self, committed: date, delay_days: int | None = None, pick: int | None = None
    ) -> NewOffence:
        natinf, label, cls, points = _OFFENCES[pick if pick is not None else self.rng.randrange(8)]
        place, _ = self.rng.choice(_PLACES)
        delay = delay_days if delay_days is not None else self.rng.randint(10, 60)
        return NewOffence(
            committed, place, natinf, label, cls, points, committed + timedelta(delay)
        )

    def course(self, start: date) -> NewCourse:
        return NewCourse(self.rng.choice(_CENTRES), start, start + timedelta(days=1))


def _profile(gen: _Gen, name: str, base: NewDriver) -> NewDriver:
    """Shape ``base`` into the profile ``name`` (see :data:`PROFILES`)."""
    asof, rng = gen.asof, gen.rng
    if name == "full":
        return replace(base, licence=gen.licence(base.neph, gen.ago(12 * 15)))
    if name == "probationary":
        issued = gen.ago(14)
        return replace(base, licence=gen.licence(base.neph, issued, probationary=True))
    if name == "probationary_aac":
        issued = gen.ago(8)
        lic = gen.licence(base.neph, issued, probationary=True, accompanied_driving=True)
        return replace(base, licence=lic)
    if name == "recent_delit":
        offence = gen.offence(gen.ago(3), delay_days=45, pick=9)
        return replace(base, licence=gen.licence(base.neph, gen.ago(12 * 9), offences=(offence,)))
    if name == "suspended":
        susp = NewSuspension("judicial", asof - timedelta(days=40), asof + timedelta(days=140))
        offence = gen.offence(asof - timedelta(days=60), delay_days=20, pick=9)
        lic = gen.licence(base.neph, gen.ago(12 * 7), offences=(offence,), suspensions=(susp,))
        return replace(base, licence=lic)
    if name == "medically_suspended":
        susp = NewSuspension("medical", asof - timedelta(days=20), None)
        visit = NewMedicalVisit(asof - timedelta(days=21), "unfit", None)
        lic = gen.licence(base.neph, gen.ago(12 * 20), suspensions=(susp,), medical_visits=(visit,))
        return replace(base, licence=lic)
    if name == "invalidated":
        first = gen.offence(gen.ago(10), delay_days=30, pick=9)
        second = gen.offence(gen.ago(5), delay_days=30, pick=9)
        assert second.effective is not None
        lic = gen.licence(
            base.neph,
            gen.ago(12 * 6),
            offences=(first, second),
            invalidation_notified=second.effective + timedelta(days=21),
        )
        return replace(base, licence=lic)
    if name == "cancelled":
        offence = gen.offence(gen.ago(7), delay_days=90, pick=9)
        lic = gen.licence(base.neph, gen.ago(12 * 11), offences=(offence,), cancelled_on=gen.ago(2))
        return replace(base, licence=lic)
    if name == "heavy_expiring":
        issued = gen.ago(12 * 12)
        cats = (
            NewCategory("B", issued, None, ("01",)),
            NewCategory("C", gen.ago(12 * 5), asof + timedelta(days=45), ("01", "78")),
            NewCategory("CE", gen.ago(12 * 4), asof + timedelta(days=45)),
            NewCategory("D", gen.ago(12 * 6), asof - timedelta(days=30)),
        )
        visits = (NewMedicalVisit(gen.ago(12 * 5), "fit_with_restrictions", asof + timedelta(45)),)
        return replace(
            base, licence=gen.licence(base.neph, issued, categories=cats, medical_visits=visits)
        )
    if name == "all_categories":
        issued = gen.ago(12 * 25)
        cats = tuple(
            NewCategory(
                code,
                add_months(issued, 6 * i),
                add_months(asof, 12 + i) if code in _HEAVY else None,
                ("01", "78") if code == "B" else (("05.01",) if code == "D" else ()),
            )
            for i, code in enumerate(CATEGORY_CODES)
        )
        visits = (NewMedicalVisit(gen.ago(12), "fit", add_months(asof, 12 * 5 - 12)),)
        return replace(
            base, licence=gen.licence(base.neph, issued, categories=cats, medical_visits=visits)
        )
    if name == "long_history":
        return replace(base, licence=_long_history(gen, base.neph))
    if name == "long_names":
        return replace(
            base,
            civility="MME",
            surname="DE LA ROCHEFOUCAULD-MONTMORENCY D'ÉPERNAY-LÉVIS-MIREPOIX",
            usage_name="BOURBON-PARME D'ORLÉANS-BRAGANCE",
            first_names=("Marie-Françoise", "Éléonore", "Anne-Sophie", "Bérénice", "Gaëlle", "Zoë"),
            birth_place="Saint-Rémy-de-Provence",
            licence=gen.licence(base.neph, gen.ago(12 * 4 + 1)),
        )
    if name == "unknown_birth_day":
        year = base.birth_date.year
        month = None if rng.random() < 0.5 else base.birth_date.month
        return replace(
            base,
            birth_date=BirthDate(year, month, None),
            birth_country="DZ",
            birth_place="Oran",
            licence=gen.licence(base.neph, gen.ago(12 * 30)),
        )
    if name == "invalidation_pending":
        # Two délits paid 10 days ago and 4 months ago: 0 points, but the 48SI letter has not
        # been received yet, so the licence is still in force and a course can still restore
        # points (L223-5 I; CE 29/09/2023 n° 461479; RULES.md I13).
        first = gen.offence(gen.ago(4), delay_days=30, pick=9)
        second = gen.offence(asof - timedelta(days=40), delay_days=30, pick=9)
        lic = gen.licence(base.neph, gen.ago(12 * 9), offences=(first, second))
        return replace(base, licence=lic)
    raise ValueError(f"unknown profile {name!r}")


def _long_history(gen: _Gen, neph: str) -> NewLicence:
    """Ten years of small offences and a course a year: ≥ 25 events, the licence stays valid.

    An offence every 5 months (1 to 2 points) keeps the 2/3-year restoration away, a course every
    13 months (R223-8: at most once a year) gives 4 points back.
    """
    start = gen.ago(12 * 10 + 2)
    offences = []
    for k in range(20):
        committed = add_months(start, 5 * k + 1) + timedelta(days=gen.rng.randint(0, 20))
        if committed >= gen.asof:
            break
        offences.append(gen.offence(committed, pick=gen.rng.choice((0, 1, 2, 7))))
    courses = [
        gen.course(add_months(start, 13 * k + 3))
        for k in range(9)
        if add_months(start, 13 * k + 3) < gen.asof
    ]
    return gen.licence(
        neph, add_months(start, -12 * 8), offences=tuple(offences), courses=tuple(courses)
    )


def _ordinary(gen: _Gen, base: NewDriver) -> NewDriver:
    """A driver with a clean or lightly loaded licence, sometimes A or a restriction."""
    rng = gen.rng
    issued = gen.ago(rng.randint(4, 40 * 12))
    cats = [NewCategory("B", issued, None, ("01",) if rng.random() < 0.25 else ())]
    if rng.random() < 0.3:
        cats.append(NewCategory(rng.choice(("A2", "A", "AM")), gen.day(issued, gen.asof)))
    probationary = issued > gen.ago(36)
    offences = []
    for _ in range(rng.choice((0, 0, 0, 1, 1, 2))):
        committed = gen.day(issued, gen.asof - timedelta(days=70))
        if committed >= issued:
            offences.append(gen.offence(committed))
    lic = gen.licence(
        base.neph,
        issued,
        probationary=probationary,
        categories=tuple(cats),
        offences=tuple(sorted(offences, key=lambda o: o.committed)),
    )
    return replace(base, licence=lic)


def demo_drivers(*, count: int, seed: int, asof: date) -> list[NewDriver]:
    """The ``count`` demo drivers for ``seed`` (profiles first), dated relative to ``asof``."""
    if count < 1:
        raise ValueError("count must be at least 1")
    rng = random.Random(seed)
    nephs: list[str] = []
    while len(nephs) < count:
        neph = _neph(rng, len(nephs) + 1)
        if neph not in nephs:
            nephs.append(neph)
    drivers = []
    for i, neph in enumerate(nephs):
        # One sub-generator per driver, seeded from the seed and index only, so that the driver
        # a NEPH gets does not depend on how many drivers were asked for.
        sub = _Gen(random.Random(f"{seed}:{i}"), asof)
        base = sub.person(neph)
        driver = _profile(sub, PROFILES[i], base) if i < len(PROFILES) else _ordinary(sub, base)
        born_in_france = driver.birth_country == "FR"
        drivers.append(replace(driver, birth_place_code=_INSEE.get(driver.birth_place)
                               if born_in_france else None))
    return drivers


def seed_registry(session: Session, *, count: int, seed: int, asof: date) -> SeedReport:
    """Add the demo drivers that are missing (by NEPH); never touch existing ones (idempotent)."""
    drivers = demo_drivers(count=count, seed=seed, asof=asof)
    existing = set(
        session.scalars(select(Driver.neph).where(Driver.neph.in_([d.neph for d in drivers])))
    )
    added = 0
    for new in drivers:
        if new.neph in existing:
            continue
        register_driver(session, new)
        added += 1
    return SeedReport(added=added, present=len(existing))
