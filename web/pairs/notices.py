"""Messages Kompis sends by itself (follow-ups, nudges, "are you still available?"), in each person's language."""

from __future__ import annotations

from flask_babel import force_locale
from sqlalchemy.orm import Session

from models import Channel, Match, Message, MessagePurpose

from . import wording
from .reach import Person, address, message_language, recipient


def compose_message(session: Session, match: Match | None, person: Person, purpose: MessagePurpose,
                    values: dict[str, str]) -> Message:
    """Return a message to `person` in their language, by e-mail if they have an address, else by SMS."""
    language = message_language(person)
    channel = Channel.EMAIL if person.email else Channel.SMS
    with force_locale(language):
        template = wording.wording_for(session, person.organisation_id, purpose, language)
        words = wording.compose(template, {"organisation": person.organisation.name, **values})
    return Message(**recipient(person), match_id=match.id if match else None, purpose=purpose, channel=channel,
                   language=language, address=address(person, channel), subject=words.subject, body=words.body)
