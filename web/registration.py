"""Storing sign-ups and requests: the work behind the intake forms, the CLI and the tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import (
    Coordinator,
    Goal,
    Interest,
    Municipality,
    Newcomer,
    NewcomerLanguage,
    PersonStatus,
    Place,
    SwedishLevel,
    Volunteer,
    VolunteerLanguage,
    now_utc,
)

from .config import PRIVACY_NOTICE_VERSION
from .links import new_nonce
from .person_form import PersonData

Person = TypeVar("Person", Volunteer, Newcomer)


class NotServed(ValueError):
    """The chosen place lies in a municipality no organisation serves."""


@dataclass
class Registration:
    """The outcome of a sign-up: the person, and whether they were new."""

    person: Volunteer | Newcomer
    created: bool


def email_key(email: str | None) -> str | None:
    """Return the form of an address used to recognise the same person twice."""
    return email.strip().casefold() if email else None


def _organisation_of(session: Session, place_id: int) -> int:
    organisation_id = session.scalar(
        select(Municipality.organisation_id)
        .join(Place, Place.municipality_code == Municipality.code)
        .where(Place.id == place_id)
    )
    if organisation_id is None:
        raise NotServed(f"no organisation serves place {place_id}")
    return organisation_id


def _fill(session: Session, person: Person, data: PersonData) -> Person:
    """Copy the answers both sides give onto a new person."""
    person.name = data.name
    person.email = data.email
    person.email_key = email_key(data.email)
    person.phone = data.phone
    person.birth_year = data.birth_year
    person.gender = data.gender  # type: ignore[assignment]
    person.gender_preference = data.gender_preference  # type: ignore[assignment]
    person.place_id = data.place_id
    person.organisation_id = _organisation_of(session, data.place_id)
    person.max_distance_km = data.max_distance_km
    person.availability = data.availability
    person.what_matters = list(data.what_matters)
    person.notes = data.notes
    person.ui_language = data.ui_language
    person.consent_version = PRIVACY_NOTICE_VERSION
    person.consent_at = now_utc()
    person.link_nonce = new_nonce()
    person.interests = list(session.scalars(select(Interest).where(Interest.code.in_(data.interests))))
    return person


def _same_name(first: str, second: str) -> bool:
    return " ".join(first.casefold().split()) == " ".join(second.casefold().split())


def _existing(session: Session, model: type[Person], data: PersonData) -> Person | None:
    """Return the person these answers come from again, if any.

    The e-mail address is one person everywhere (a unique index holds it). A
    newcomer asking again with the same phone and name, within the same
    organisation, is the same newcomer too, with or without an e-mail this time.
    """
    key = email_key(data.email)
    if key is not None:
        found = session.scalar(select(model).where(model.email_key == key))
        if found is not None:
            return found
    if model is Newcomer and data.phone:
        organisation_id = _organisation_of(session, data.place_id)
        candidates = session.scalars(
            select(Newcomer).where(Newcomer.phone == data.phone, Newcomer.organisation_id == organisation_id)
        )
        for candidate in candidates:
            if _same_name(candidate.name, data.name):
                return candidate  # type: ignore[return-value]
    return None


def _save(session: Session, model: type[Person], person: Person, data: PersonData) -> Registration:
    """Commit a new person, or return the one already there (also under a race)."""
    session.add(person)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        existing = _existing(session, model, data)
        if existing is None:
            raise
        return Registration(existing, created=False)
    return Registration(person, created=True)


def register_volunteer(session: Session, data: PersonData, *, capacity: int) -> Registration:
    """Store a volunteer's sign-up as pending, or recognise a second sign-up."""
    existing = _existing(session, Volunteer, data)
    if existing is not None:
        return Registration(existing, created=False)
    volunteer = _fill(session, Volunteer(status=PersonStatus.PENDING), data)
    volunteer.capacity = capacity
    volunteer.open_matches = 0
    volunteer.languages = [VolunteerLanguage(language_code=c, level=lv) for c, lv in data.languages.items()]
    volunteer.help_offered = list(session.scalars(select(Goal).where(Goal.code.in_(data.goals))))
    return _save(session, Volunteer, volunteer, data)


def register_newcomer(
    session: Session,
    data: PersonData,
    *,
    swedish_level: SwedishLevel,
    contact_language: str,
    arrival_year: int | None,
    registered_by: Coordinator | None = None,
) -> Registration:
    """Store a newcomer's request, or recognise the same request twice.

    A request staff filled in with the newcomer is active at once; one sent from
    the public form waits until a coordinator has been in touch.
    """
    existing = _existing(session, Newcomer, data)
    if existing is not None:
        return Registration(existing, created=False)
    status = PersonStatus.ACTIVE if registered_by else PersonStatus.PENDING
    newcomer = _fill(session, Newcomer(status=status), data)
    newcomer.swedish_level = swedish_level
    newcomer.contact_language = contact_language
    newcomer.arrival_year = arrival_year
    newcomer.registered_by_id = registered_by.id if registered_by else None
    newcomer.languages = [NewcomerLanguage(language_code=c, level=lv) for c, lv in data.languages.items()]
    newcomer.goals = list(session.scalars(select(Goal).where(Goal.code.in_(data.goals))))
    return _save(session, Newcomer, newcomer, data)


def confirm_email(session: Session, person: Volunteer | Newcomer) -> None:
    """Mark an address confirmed; a volunteer becomes active. Uses up the link."""
    if person.email_confirmed_at is None:
        person.email_confirmed_at = now_utc()
    if isinstance(person, Volunteer) and person.status == PersonStatus.PENDING:
        person.status = PersonStatus.ACTIVE
    person.link_nonce = new_nonce()
    session.commit()


def activate_newcomer(session: Session, newcomer: Newcomer) -> bool:
    """Make a pending newcomer matchable once staff have been in touch."""
    if newcomer.status != PersonStatus.PENDING:
        return False
    newcomer.status = PersonStatus.ACTIVE
    session.commit()
    return True
