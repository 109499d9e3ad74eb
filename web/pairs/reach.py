"""How to reach a person of a pair: in which language, by which channel, and what their kompis may get."""

from __future__ import annotations

from flask_babel import gettext as _

from models import Channel, Newcomer, Side, Volunteer

from ..i18n import interface_language_for

Person = Newcomer | Volunteer


def message_language(person: Person) -> str:
    """Return the language a message to this person goes in: theirs, never the sender's."""
    if isinstance(person, Newcomer):
        return interface_language_for(person.contact_language, fallback=person.ui_language)
    return interface_language_for(person.ui_language)


def side_of(person: Person) -> Side:
    """Return which side of a pair a person is on."""
    return Side.NEWCOMER if isinstance(person, Newcomer) else Side.VOLUNTEER


def recipient(person: Person) -> dict[str, int | None]:
    """Return the columns that address a stored message to `person`, whichever side they are on."""
    newcomer = side_of(person) == Side.NEWCOMER
    return {"organisation_id": person.organisation_id, "newcomer_id": person.id if newcomer else None,
            "volunteer_id": None if newcomer else person.id}


def first_name(person: Person) -> str:
    """Return the name a kompis is introduced by: the first name only."""
    parts = person.name.split()
    return parts[0] if parts else person.name


def channels(person: Person) -> list[Channel]:
    """Return the ways a message can reach this person, the usual one first."""
    found = []
    if person.email:
        found.append(Channel.EMAIL)
    if person.phone:
        found.append(Channel.SMS)
    found.append(Channel.PHONE)  # the coordinator can always call, or tell them in person
    return found


def address(person: Person, channel: Channel) -> str:
    """Return where a message by `channel` goes."""
    if channel == Channel.EMAIL:
        return person.email or ""
    return person.phone or ""


def shared_details(person: Person) -> list[str]:
    """Return, in the current language, the contact details this person agreed their kompis may get."""
    lines = []
    if person.share_email and person.email:
        lines.append(_("E-mail: %(email)s", email=person.email))
    if person.share_phone and person.phone:
        lines.append(_("Phone: %(phone)s", phone=person.phone))
    return lines
