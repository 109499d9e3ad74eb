"""Plain factory functions with keyword defaults for test data."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from models import (
    OPEN_MATCH_STATUSES,
    Coordinator,
    Match,
    MatchStatus,
    Municipality,
    Newcomer,
    NewcomerLanguage,
    Organisation,
    PersonStatus,
    Place,
    SwedishLevel,
    Volunteer,
    VolunteerLanguage,
    now_utc,
)
from web.links import new_nonce
from web.passwords import hash_password
from web.registration import email_key
from web.second_factor import new_secret

PASSWORD = "correct horse battery staple"
_HASHES: dict[str, str] = {}
_serial = itertools.count(1)


def municipality(session: Session, name: str) -> Municipality:
    """Return a municipality by its Swedish name."""
    found = session.scalar(select(Municipality).where(Municipality.name == name))
    assert found is not None, f"no municipality called {name}"
    return found


def seat_of(session: Session, name: str) -> Place:
    """Return the main locality of a municipality."""
    code = municipality(session, name).code
    place = session.scalar(
        select(Place).where(Place.municipality_code == code).order_by(Place.is_seat.desc(), Place.population.desc())
    )
    assert place is not None
    return place


def make_organisation(session: Session, name: str = "Nyköpings kommun", *,
                      municipalities: Sequence[str] = ("Nyköping",)) -> Organisation:
    """Create an organisation serving the named municipalities."""
    organisation = Organisation(name=name)
    session.add(organisation)
    session.flush()
    for municipality_name in municipalities:
        municipality(session, municipality_name).organisation_id = organisation.id
    session.commit()
    return organisation


def make_coordinator(session: Session, organisation: Organisation | None, *,
                     email: str = "samordnare@example.org", admin: bool = False) -> Coordinator:
    """Create a staff account whose password is PASSWORD, its second factor enrolled."""
    if PASSWORD not in _HASHES:
        _HASHES[PASSWORD] = hash_password(PASSWORD)
    coordinator = Coordinator(
        email=email, email_key=email_key(email), password_hash=_HASHES[PASSWORD],
        role="admin" if admin else "coordinator",
        organisation_id=organisation.id if organisation else None, link_nonce=new_nonce(),
        totp_secret=new_secret(),
    )
    session.add(coordinator)
    session.commit()
    return coordinator


def _person_defaults(session: Session, place_name: str) -> dict[str, object]:
    place = seat_of(session, place_name)
    return {
        "place_id": place.id,
        "organisation_id": place.municipality.organisation_id,
        "birth_year": 1985,
        "availability": 0b111,
        "consent_version": "test",
        "consent_at": now_utc(),
        "link_nonce": new_nonce(),
    }


def make_volunteer(session: Session, *, name: str = "Anna Svensson", email: str | None = None,
                   place: str = "Nyköping", languages: Sequence[tuple[str, int]] = (("sv", 4),),
                   capacity: int = 1, status: PersonStatus = PersonStatus.ACTIVE, phone: str | None = None,
                   share: Sequence[str] = ("email",), ui_language: str = "sv") -> Volunteer:
    """Create a volunteer in a municipality an organisation serves."""
    email = email or f"{name.split()[0].lower()}.{next(_serial)}@example.org"
    volunteer = Volunteer(name=name, email=email, email_key=email_key(email), capacity=capacity, phone=phone,
                          share_email="email" in share, share_phone="phone" in share and phone is not None,
                          ui_language=ui_language, idle_since=now_utc() if status == PersonStatus.ACTIVE else None,
                          status=status, **_person_defaults(session, place))
    volunteer.languages = [VolunteerLanguage(language_code=c, level=lv) for c, lv in languages]
    session.add(volunteer)
    session.commit()
    return volunteer


def make_newcomer(session: Session, *, name: str = "Amal Hassan", phone: str | None = "+46701234567",
                  email: str | None = None, place: str = "Nyköping",
                  languages: Sequence[tuple[str, int]] = (("ar", 4),),
                  status: PersonStatus = PersonStatus.ACTIVE, share: Sequence[str] = ("phone",),
                  contact_language: str = "ar", ui_language: str = "ar") -> Newcomer:
    """Create a newcomer in a municipality an organisation serves."""
    newcomer = Newcomer(name=name, phone=phone, email=email, email_key=email_key(email), ui_language=ui_language,
                        share_email="email" in share and email is not None,
                        share_phone="phone" in share and phone is not None,
                        status=status, swedish_level=SwedishLevel.SFI_B, contact_language=contact_language,
                        **_person_defaults(session, place))
    newcomer.languages = [NewcomerLanguage(language_code=c, level=lv) for c, lv in languages]
    session.add(newcomer)
    session.commit()
    return newcomer


BULK_LANGUAGES = ("ar", "fa_AF", "ti", "so", "uk", "en", "ku")


def bulk_people(session: Session, organisation: Organisation, *, volunteers: int, newcomers: int,
                municipality_name: str = "Nyköping", seed: int = 7) -> None:
    """Insert many active volunteers and newcomers at once with Core inserts (as `web.bench.fill`).

    Everyone lives in a place of the municipality and shares Swedish (volunteers at level 4,
    newcomers at SFI C, which the matcher reads as level 2), so most pairs near each other
    are acceptable. The municipality must be served by ``organisation``.
    """
    import random

    rng = random.Random(seed)  # noqa: S311 - invented people
    code = municipality(session, municipality_name).code
    places = list(session.scalars(select(Place.id).where(Place.municipality_code == code)))
    assert places, f"no places in {municipality_name}"
    stamp = now_utc()
    for model, spoken, owner, count in ((Volunteer, VolunteerLanguage, "volunteer_id", volunteers),
                                        (Newcomer, NewcomerLanguage, "newcomer_id", newcomers)):
        kind = model.__name__.lower()
        rows = []
        for n in range(count):
            email = f"bulk{n}.{kind}@example.org"
            row = {"name": f"Bulk {kind} {n}", "email": email, "email_key": email, "phone": "+46701740605",
                   "birth_year": rng.randint(1950, 2005), "place_id": rng.choice(places),
                   "organisation_id": organisation.id, "availability": rng.randrange(1, 1 << 21),
                   "status": PersonStatus.ACTIVE, "consent_version": "test", "consent_at": stamp,
                   "link_nonce": new_nonce(), "created_at": stamp, "updated_at": stamp}
            if model is Volunteer:
                row["capacity"] = 1
            else:
                row["swedish_level"] = SwedishLevel.SFI_C
            rows.append(row)
        ids = session.scalars(insert(model).returning(model.id), rows).all()
        languages = [{owner: i, "language_code": rng.choice(BULK_LANGUAGES), "level": 4} for i in ids]
        if model is Volunteer:
            languages += [{owner: i, "language_code": "sv", "level": 4} for i in ids]
        session.execute(insert(spoken), languages)
        session.commit()


def make_pair(session: Session, newcomer: Newcomer, volunteer: Volunteer, *,
              status: MatchStatus = MatchStatus.APPROVED) -> Match:
    """Create a pair in `status`, with the seat it takes and the reasons a run would give."""
    match = Match(organisation_id=newcomer.organisation_id, newcomer_id=newcomer.id, volunteer_id=volunteer.id,
                  status=status, score=0.8, components={"language": 0.9},
                  decided_at=None if status == MatchStatus.PROPOSED else now_utc(),
                  reasons=[{"kind": "shared_language", "values": ["en"]},
                           {"kind": "shared_interests", "values": ["cooking"]}])
    session.add(match)
    if status in OPEN_MATCH_STATUSES:
        volunteer.open_matches += 1
        newcomer.status = PersonStatus.MATCHED
        if volunteer.open_matches >= volunteer.capacity:
            volunteer.status = PersonStatus.MATCHED
    session.commit()
    return match
