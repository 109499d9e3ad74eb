"""A demo pool: invented volunteers and newcomers across the seven demo municipalities.

The people are drawn from `seed_data.load_demo()` (names and language profiles per
origin group) with a seeded random generator, so the same seed gives the same pool.
Phone numbers come from the series the Swedish telecoms regulator keeps free for
fiction (070-174 06 05 to 070-174 06 99), and e-mail addresses use example.org,
so no real person is ever contacted.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import seed_data
from models import (
    MATCH_COMPONENTS,
    Coordinator,
    Gender,
    Goal,
    Interest,
    Municipality,
    Newcomer,
    NewcomerLanguage,
    Organisation,
    PersonStatus,
    Place,
    Role,
    SwedishLevel,
    Volunteer,
    VolunteerLanguage,
    now_utc,
)
from models.enums import AVAILABILITY_BITS

from .config import PRIVACY_NOTICE_VERSION
from .i18n import interface_language_for
from .links import new_nonce
from .passwords import hash_password
from .person_form import DISTANCE_CHOICES
from .registration import email_key
from .second_factor import new_secret, provisioning_uri

DEMO_PASSWORD = "kompis-demo-2026"  # noqa: S105 - published on purpose: demo data only
DEMO_DOMAIN = "demo.example.org"
# Persian speakers read the Dari interface (the same written language) when there is one.
_READS = {"fa": "fa_AF"}
_SWEDISH_BY_LEVEL = {
    0: (SwedishLevel.NONE,),
    1: (SwedishLevel.SFI_A, SwedishLevel.SFI_B),
    2: (SwedishLevel.SFI_C, SwedishLevel.SFI_D),
    3: (SwedishLevel.FLUENT,),
}


@dataclass
class _Vocabulary:
    """What the generator chooses from, read once from the database."""

    places: dict[str, list[Place]]
    interests: list[Interest]
    goals: list[Goal]


def demo_coordinator_email(slug: str) -> str:
    """Return the login of an organisation's demo coordinator."""
    return f"samordnare.{slug}@{DEMO_DOMAIN}"


DEMO_ADMIN = f"admin@{DEMO_DOMAIN}"


def demo_logins(session: Session) -> list[tuple[str, str, str]]:
    """Return (organisation or "admin", e-mail, otpauth:// URI) of every demo staff account."""
    accounts = session.scalars(
        select(Coordinator).where(Coordinator.email_key.like(f"%@{DEMO_DOMAIN}")).order_by(Coordinator.email_key)
    )
    return [(account.organisation.name if account.organisation else "admin", account.email,
             provisioning_uri(account.email, account.totp_secret)) for account in accounts]


def seed_demo(session: Session, *, per_area: int, seed: int) -> dict[str, int]:
    """Create the demo organisations and coordinators, and `per_area` people of each side per area."""
    rng = random.Random(seed)  # noqa: S311 - invented people, not secrets
    demo = seed_data.load_demo()
    _organisations(session, demo)
    vocabulary = _vocabulary(session, demo)
    counter = _Counter()
    for area in demo.areas:
        for _ in range(per_area):
            session.add(_volunteer(rng, demo, vocabulary, area.municipality_code, counter))
            session.add(_newcomer(rng, demo, vocabulary, area.municipality_code, counter))
    session.commit()
    people = per_area * len(demo.areas)
    return {"organisations": len(demo.organisations), "volunteers": people, "newcomers": people}


def _organisations(session: Session, demo: seed_data.DemoData) -> None:
    """Create each demo organisation (once), serving its municipalities, with a coordinator."""
    password_hash = hash_password(DEMO_PASSWORD)
    for spec in demo.organisations:
        organisation = session.scalar(select(Organisation).where(Organisation.name == spec.name))
        if organisation is None:
            organisation = Organisation(name=spec.name)
            session.add(organisation)
            session.flush()
        for code in spec.municipality_codes:
            municipality = session.get(Municipality, code)
            if municipality is None:
                raise ValueError(f"demo municipality {code} is missing: run `kompis db upgrade` first")
            municipality.organisation_id = organisation.id
        _staff(session, demo_coordinator_email(spec.slug), f"Samordnare {spec.slug}", password_hash,
               organisation)
    # An admin of no organisation: it manages accounts and reads the audit log, never people.
    _staff(session, DEMO_ADMIN, "Admin", password_hash, None)
    session.flush()


def _staff(session: Session, email: str, name: str, password_hash: str, organisation: Organisation | None) -> None:
    """Add a demo staff account with its second factor already enrolled, unless it exists."""
    if session.scalar(select(Coordinator).where(Coordinator.email_key == email_key(email))) is None:
        session.add(Coordinator(email=email, email_key=email_key(email), name=name, password_hash=password_hash,
                                role=Role.COORDINATOR if organisation else Role.ADMIN,
                                organisation_id=organisation.id if organisation else None,
                                link_nonce=new_nonce(), totp_secret=new_secret()))


def _vocabulary(session: Session, demo: seed_data.DemoData) -> _Vocabulary:
    codes = [area.municipality_code for area in demo.areas]
    places: dict[str, list[Place]] = {code: [] for code in codes}
    for place in session.scalars(select(Place).where(Place.municipality_code.in_(codes))):
        places[place.municipality_code].append(place)
    return _Vocabulary(
        places={code: sorted(found, key=lambda p: p.id) for code, found in places.items()},
        interests=list(session.scalars(select(Interest).order_by(Interest.code))),
        goals=list(session.scalars(select(Goal).order_by(Goal.position))),
    )


class _Counter:
    """Numbers people, so e-mail addresses stay unique within one pool."""

    def __init__(self) -> None:
        self.value = 0

    def next(self) -> int:
        self.value += 1
        return self.value


def _pick(rng: random.Random, weights: dict[Any, float]) -> Any:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _origin(rng: random.Random, demo: seed_data.DemoData, role: str) -> seed_data.OriginGroup:
    groups = [g for g in demo.origin_groups if g.shares.get(role, 0) > 0]
    return rng.choices(groups, weights=[g.shares[role] for g in groups])[0]


def _spoken(rng: random.Random, group: seed_data.OriginGroup) -> tuple[str, dict[str, int]]:
    """Return a mother tongue and every language spoken with its level (0–4)."""
    mother = _pick(rng, group.mother_tongues)
    levels = {mother: 4}
    for chance in group.other_languages:
        if chance.code != mother and rng.random() < chance.share:
            levels[chance.code] = _pick(rng, chance.levels)
    return mother, levels


def _common(rng: random.Random, demo: seed_data.DemoData, vocabulary: _Vocabulary, code: str,
            role: str, counter: _Counter) -> tuple[dict[str, Any], seed_data.OriginGroup]:
    """Return the attributes volunteers and newcomers share, and the person's origin group."""
    group = _origin(rng, demo, role)
    gender = Gender.FEMALE if rng.random() < group.female_share[role] else Gender.MALE
    first = rng.choice(group.first_names[gender.value])
    family = rng.choice(group.family_names)
    places = vocabulary.places[code]
    place = rng.choices(places, weights=[max(p.population, 500) ** 0.5 for p in places])[0]
    created = now_utc() - timedelta(days=rng.uniform(0, 240), minutes=rng.uniform(0, 600))
    slots = rng.sample(range(AVAILABILITY_BITS), rng.randint(2, 8))
    attributes = {
        "name": f"{first} {family}",
        "gender": gender if rng.random() > 0.05 else None,
        "gender_preference": gender if rng.random() < 0.15 else None,
        "birth_year": rng.randint(1955, 2004) if role == "volunteer" else rng.randint(1962, 2007),
        "place_id": place.id,
        "organisation_id": _organisation_id(place),
        "availability": sum(1 << s for s in slots),
        "max_distance_km": rng.choice(DISTANCE_CHOICES[1:]),
        "what_matters": rng.sample(MATCH_COMPONENTS, rng.choice((0, 1, 1, 2))),
        "interests": rng.sample(vocabulary.interests, rng.randint(2, 6)),
        "consent_version": PRIVACY_NOTICE_VERSION,
        "consent_at": created,
        "link_nonce": new_nonce(),
        "created_at": created,
        "updated_at": created,
    }
    number = counter.next()
    email = f"{_ascii(first)}.{_ascii(family)}.{number}@example.org"
    attributes["email"], attributes["email_key"] = email, email_key(email)
    return attributes, group


def _organisation_id(place: Place) -> int:
    organisation_id = place.municipality.organisation_id
    assert organisation_id is not None, "demo organisations are created first"
    return organisation_id


def _ascii(name: str) -> str:
    table = str.maketrans("åäöéüÅÄÖÉÜ", "aaoeuAAOEU")
    return "".join(c for c in name.translate(table).lower() if c.isalnum())


def _volunteer(rng: random.Random, demo: seed_data.DemoData, vocabulary: _Vocabulary, code: str,
               counter: _Counter) -> Volunteer:
    attributes, group = _common(rng, demo, vocabulary, code, "volunteer", counter)
    _, levels = _spoken(rng, group)
    if "sv" not in levels:
        levels["sv"] = _pick(rng, demo.volunteer_swedish_levels)
    status = _pick(rng, {PersonStatus.ACTIVE: 0.86, PersonStatus.PENDING: 0.08, PersonStatus.PAUSED: 0.06})
    if status == PersonStatus.PENDING:  # an unconfirmed sign-up is erased after 30 days: these are recent
        recent = now_utc() - timedelta(days=rng.randint(0, 20))
        attributes.update(created_at=recent, updated_at=recent, consent_at=recent)
    volunteer = Volunteer(**attributes, status=status, capacity=_pick(rng, {1: 0.6, 2: 0.3, 3: 0.1}),
                          open_matches=0, ui_language="sv", share_email=True,
                          share_phone=attributes.get("phone") is not None,
                          # Nobody in the demo has waited half a year yet: housekeeping asks nobody at once.
                          idle_since=None if status == PersonStatus.PENDING
                          else max(attributes["created_at"], now_utc() - timedelta(days=150)),
                          email_confirmed_at=None if status == PersonStatus.PENDING else attributes["created_at"])
    volunteer.languages = [VolunteerLanguage(language_code=c, level=lv) for c, lv in levels.items() if lv > 0]
    volunteer.help_offered = rng.sample(vocabulary.goals, rng.randint(1, len(vocabulary.goals)))
    return volunteer


def _newcomer(rng: random.Random, demo: seed_data.DemoData, vocabulary: _Vocabulary, code: str,
              counter: _Counter) -> Newcomer:
    attributes, group = _common(rng, demo, vocabulary, code, "newcomer", counter)
    mother, levels = _spoken(rng, group)
    swedish = rng.choice(_SWEDISH_BY_LEVEL[min(levels.pop("sv", 0), 3)])
    if rng.random() < 0.6:  # many newcomers give only a phone number
        attributes["email"] = attributes["email_key"] = None
    status = _pick(rng, {PersonStatus.ACTIVE: 0.85, PersonStatus.PENDING: 0.12, PersonStatus.PAUSED: 0.03})
    newcomer = Newcomer(**attributes, status=status, swedish_level=swedish,
                        phone=f"+4670174{rng.randint(605, 699):04d}",
                        contact_language=mother, share_phone=True,
                        share_email=attributes["email"] is not None,
                        ui_language=interface_language_for(_READS.get(mother, mother)))
    newcomer.languages = [NewcomerLanguage(language_code=c, level=lv) for c, lv in levels.items() if lv > 0]
    newcomer.goals = rng.sample(vocabulary.goals, rng.randint(1, 3))
    return newcomer
