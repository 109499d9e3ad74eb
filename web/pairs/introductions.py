"""Introducing an approved pair: both messages drafted in each person's language, edited, sent, and kept.

Only now does each side get the other's contact details, and only those the
other agreed to share. The introduction also schedules the pair's follow-ups.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask_babel import force_locale, format_date, format_time
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from matcher import ReasonKind
from models import (
    FOLLOW_UP_WEEKS,
    Channel,
    Coordinator,
    FollowUp,
    Match,
    MatchStatus,
    Message,
    MessagePurpose,
    Side,
    now_utc,
)

from .. import audit
from ..delivery import deliver
from ..matching.decisions import Decision, DecisionRefused, Outcome, record_event
from ..matching.queries import vocabulary
from ..matching.words import reasons_text
from . import wording
from .calendar import Meeting, invitation
from .reach import Person, address, first_name, message_language, recipient, shared_details


class Method(enum.StrEnum):
    """How a pair is introduced."""

    MESSAGE = "message"
    MEETING = "meeting"


@dataclass
class Draft:
    """One person's introduction as it will go: to whom, how, in which language, in which words."""

    side: Side
    channel: Channel
    language: str
    address: str
    subject: str
    body: str
    # For a message said on the phone: the same words in Swedish, for a coordinator who needs them.
    swedish: str = ""


def people(match: Match) -> dict[Side, tuple[Person, Person]]:
    """Return, by side, the person and their kompis."""
    return {Side.NEWCOMER: (match.newcomer, match.volunteer), Side.VOLUNTEER: (match.volunteer, match.newcomer)}


def _values(session: Session, match: Match, person: Person, kompis: Person, coordinator: Coordinator,
            meeting: Meeting | None) -> dict[str, str]:
    """Return what fills a wording's placeholders, in the current (the recipient's) language."""
    interests, goals = vocabulary(session)
    common = reasons_text(_sayable_reasons(match), interests, goals)
    values = {
        "name": first_name(person),
        "kompis": first_name(kompis),
        "common": "\n".join(f"- {line}" for line in common) or "-",
        "contact": "\n".join(shared_details(kompis)) or str(wording.NO_DETAILS),
        "advice": str(wording.ADVICE),
        "coordinator": coordinator.name or coordinator.email,
        "organisation": match.newcomer.organisation.name,
    }
    if meeting is not None:
        values.update(date=format_date(meeting.starts_at, "full"), time=format_time(meeting.starts_at, "short"),
                      place=meeting.place)
    return values


def _sayable_reasons(match: Match) -> list[dict[str, Any]]:
    """Return the reasons a message may give: with a protected person, none that tells how far apart they live."""
    # Their kompis knows where they live themselves: a distance would narrow down the other's place.
    if match.newcomer.protected or match.volunteer.protected:
        return [r for r in match.reasons if r.get("kind") != ReasonKind.DISTANCE]
    return list(match.reasons)


def draft(session: Session, match: Match, side: Side, channel: Channel, coordinator: Coordinator,
          method: Method, meeting: Meeting | None) -> Draft:
    """Return one person's introduction in the organisation's wording and the person's language."""
    person, kompis = people(match)[side]
    language = message_language(person)
    purpose = MessagePurpose.MEETING if method == Method.MEETING else MessagePurpose.INTRODUCTION

    def words(in_language: str) -> wording.Wording:
        with force_locale(in_language):
            template = wording.wording_for(session, match.organisation_id, purpose, in_language)
            return wording.compose(template, _values(session, match, person, kompis, coordinator, meeting))

    filled = words(language)
    swedish = words("sv").body if channel == Channel.PHONE and language != "sv" else ""
    return Draft(side=side, channel=channel, language=language, address=address(person, channel),
                 subject=filled.subject, body=filled.body, swedish=swedish)


def introduce(session: Session, match: Match, actor: Coordinator, method: Method, meeting: Meeting | None,
              drafts: list[Draft]) -> Decision:
    """Mark an approved pair introduced, keep both messages with it, schedule its follow-ups, and send.

    Messages said on the phone are recorded as delivered by the coordinator. The
    others are delivered after the commit, each claimed once.
    """
    match_id = match.id
    session.rollback()
    now = now_utc()
    moved = session.execute(update(Match).where(Match.id == match_id, Match.status == MatchStatus.APPROVED)
                            .values(status=MatchStatus.INTRODUCED, introduced_at=now, updated_at=now))
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        status = session.scalar(select(Match.status).where(Match.id == match_id))
        session.rollback()
        if status in (MatchStatus.INTRODUCED, MatchStatus.ACTIVE, MatchStatus.ENDED):
            return Decision(match_id, Outcome.ALREADY)
        raise DecisionRefused(_("Only an approved pair can be introduced."))
    pair = session.get(Match, match_id)
    assert pair is not None
    messages = [_message(pair, one, actor, method, meeting) for one in drafts]
    session.add_all(messages)
    session.add_all(FollowUp(match_id=match_id, side=side, weeks=weeks, due_at=now + timedelta(weeks=weeks))
                    for weeks in FOLLOW_UP_WEEKS for side in Side)
    detail: dict[str, str] = {"method": method.value}
    if meeting is not None:
        detail.update(starts_at=meeting.starts_at.isoformat(), place=meeting.place)
    record_event(session, match_id, actor, "introduced", **detail)
    audit.record(session, actor, "introduced", pair, method=method.value)
    session.commit()
    deliver(session, [m.id for m in messages if m.channel != Channel.PHONE])
    return Decision(match_id, Outcome.DONE)


def _message(match: Match, one: Draft, actor: Coordinator, method: Method, meeting: Meeting | None) -> Message:
    person, _kompis = people(match)[one.side]
    purpose = MessagePurpose.MEETING if method == Method.MEETING else MessagePurpose.INTRODUCTION
    calendar = ""
    if meeting is not None and one.channel == Channel.EMAIL:
        calendar = invitation(meeting, uid=f"kompis-pair-{match.id}-{one.side.value}@kompis",
                              summary=one.subject, description=one.body)
    said = now_utc() if one.channel == Channel.PHONE else None
    return Message(**recipient(person), match_id=match.id, purpose=purpose, channel=one.channel,
                   language=one.language, address=one.address, subject=one.subject, body=one.body,
                   calendar=calendar, created_by_id=actor.id,
                   delivering_at=said, sent_at=said)
