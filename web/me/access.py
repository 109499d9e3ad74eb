"""Who `/me` is for: a signed, single-use link for 30 minutes, then a short session in this browser only."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import session as cookie
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Newcomer, Volunteer, now_utc

from ..fields import normalise_phone
from ..links import LinkError, check_nonce, make_link_token, new_nonce, read_link_token
from ..pairs.reach import Person
from ..registration import email_key

PURPOSES = {"volunteer": "me-volunteer", "newcomer": "me-newcomer"}
LINK_MAX_AGE = int(timedelta(minutes=30).total_seconds())
SESSION = timedelta(minutes=30)
COOKIE_KEY = "me"


def people_reached_by(session: Session, contact: str) -> list[tuple[Person, str]]:
    """Return each person this e-mail address or phone number belongs to, with how to reach them."""
    if "@" in contact:
        key = email_key(contact)
        by_email: list[Person | None] = [session.scalar(select(Volunteer).where(Volunteer.email_key == key)),
                                         session.scalar(select(Newcomer).where(Newcomer.email_key == key))]
        return [(person, "email") for person in by_email if person is not None]
    phone = normalise_phone(contact)
    if not phone:
        return []
    by_phone: list[Person | None] = [
        session.scalars(select(Volunteer).where(Volunteer.phone == phone).order_by(Volunteer.id)).first(),
        session.scalars(select(Newcomer).where(Newcomer.phone == phone).order_by(Newcomer.id)).first()]
    return [(person, "sms") for person in by_phone if person is not None]


def kind_of(person: Person) -> str:
    return "newcomer" if isinstance(person, Newcomer) else "volunteer"


def link_token(person: Person) -> str:
    """Return a token for a person's /me link; it stops working once used or when another is sent."""
    return make_link_token(PURPOSES[kind_of(person)], person)


def open_link(session: Session, kind: str, token: str, *, use: bool) -> Person:
    """Return whose link this is (raising LinkError); with `use`, spend it and start the browser's session."""
    if kind not in PURPOSES:
        raise LinkError("invalid")
    person_id, nonce = read_link_token(PURPOSES[kind], token, LINK_MAX_AGE)
    checked = check_nonce(_get(session, kind, person_id), nonce)
    assert isinstance(checked, Volunteer | Newcomer)  # noqa: S101 - _get reads one of the two
    if use:
        checked.link_nonce = new_nonce()
        session.commit()
        cookie[COOKIE_KEY] = {"kind": kind, "id": checked.id, "until": (now_utc() + SESSION).isoformat()}
    return checked


def current_person(session: Session) -> Person | None:
    """Return the person this browser opened /me for, while its half hour lasts."""
    held = cookie.get(COOKIE_KEY)
    if not isinstance(held, dict) or held.get("kind") not in PURPOSES:
        return None
    try:
        until = datetime.fromisoformat(str(held["until"]))
    except (KeyError, ValueError):
        return None
    if until <= now_utc():
        cookie.pop(COOKIE_KEY, None)
        return None
    return _get(session, str(held["kind"]), int(held.get("id", 0)))


def _get(session: Session, kind: str, person_id: int) -> Person | None:
    return session.get(Newcomer, person_id) if kind == "newcomer" else session.get(Volunteer, person_id)


def leave() -> None:
    """End this browser's /me session."""
    cookie.pop(COOKIE_KEY, None)
