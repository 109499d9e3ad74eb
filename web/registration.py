"""Storing sign-ups and requests: the work behind the intake forms, the CLI and the tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

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
    person.share_email = "email" in data.share and bool(data.email)
    person.share_phone = "phone" in data.share and bool(data.phone)
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
        person.idle_since = now_utc()
    person.link_nonce = new_nonce()
    session.commit()


def activate_newcomer(session: Session, newcomer: Newcomer) -> bool:
    """Make a pending newcomer matchable once staff have been in touch."""
    if newcomer.status != PersonStatus.PENDING:
        return False
    newcomer.status = PersonStatus.ACTIVE
    session.commit()
    return True


class EditRefused(ValueError):
    """A correction the rules refuse; `field` names the answer to change."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _answers(person: Volunteer | Newcomer) -> dict[str, object]:
    """Return what a person's answers are now, field by field, for comparing before and after."""
    answers: dict[str, object] = {
        name: getattr(person, name) for name in (
            "name", "email", "phone", "share_email", "share_phone", "birth_year", "gender", "gender_preference",
            "place_id", "max_distance_km", "availability", "what_matters", "notes")}
    answers["interests"] = sorted(i.code for i in person.interests)
    answers["languages"] = sorted((s.language_code, s.level) for s in person.languages)
    if isinstance(person, Volunteer):
        answers.update(capacity=person.capacity, help_offered=sorted(g.code for g in person.help_offered))
    else:
        answers.update(swedish_level=person.swedish_level, contact_language=person.contact_language,
                       goals=sorted(g.code for g in person.goals))
    return answers


def correct_person(session: Session, person: Volunteer | Newcomer, data: PersonData, *,
                   capacity: int | None = None, swedish_level: SwedishLevel | None = None,
                   contact_language: str | None = None) -> list[str]:
    """Store corrected answers about a person, checked like a sign-up; return the names of the answers changed.

    The person stays in their organisation, keeps their consent and status, and a
    volunteer keeps the seats already taken.
    """
    if _organisation_of(session, data.place_id) != person.organisation_id:
        raise EditRefused("place", "another organisation serves that place")
    if isinstance(person, Volunteer) and capacity is not None and capacity < person.open_matches:
        raise EditRefused("capacity", "fewer seats than open pairs")
    before = _answers(person)
    old_key = person.email_key
    for name in ("name", "phone", "birth_year", "place_id", "max_distance_km", "availability", "notes"):
        setattr(person, name, getattr(data, name))
    person.email, person.email_key = data.email, email_key(data.email)
    if person.email_key != old_key:
        person.email_confirmed_at = None  # a new address is confirmed anew
    person.gender = data.gender  # type: ignore[assignment]
    person.gender_preference = data.gender_preference  # type: ignore[assignment]
    person.what_matters = list(data.what_matters)
    person.share_email = "email" in data.share and bool(data.email)
    person.share_phone = "phone" in data.share and bool(data.phone)
    person.interests = list(session.scalars(select(Interest).where(Interest.code.in_(data.interests))))
    goals = list(session.scalars(select(Goal).where(Goal.code.in_(data.goals))))
    if isinstance(person, Volunteer):
        person.capacity = capacity if capacity is not None else person.capacity
        person.help_offered = goals
        _relevel(person.languages, data.languages, VolunteerLanguage)
    else:
        person.goals = goals
        person.swedish_level = swedish_level or person.swedish_level
        person.contact_language = contact_language or person.contact_language
        _relevel(person.languages, data.languages, NewcomerLanguage)
    session.flush()
    after = _answers(person)
    return [name for name in before if before[name] != after[name]]


def _relevel(spoken: list[Any], levels: dict[str, int], row: type[VolunteerLanguage] | type[NewcomerLanguage]) -> None:
    """Bring a person's languages to `levels` in place: a row's key is its language, so it is kept, not replaced."""
    for language in list(spoken):
        if language.language_code not in levels:
            spoken.remove(language)
        else:
            language.level = levels[language.language_code]
    known = {language.language_code for language in spoken}
    spoken.extend(row(language_code=code, level=level) for code, level in levels.items() if code not in known)
