"""Follow-ups: sent when due, exactly once, answered through a signed link without logging in.

`send_due` is safe from cron every hour, twice at once, or again after a crash:
a follow-up is claimed by one conditional UPDATE of its row, in the same
transaction that stores its message, and the message is delivered once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models import FollowUp, Match, MatchStatus, MessagePurpose, now_utc

from ..delivery import deliver
from ..links import LinkError, sign, unsign
from ..views import external_url
from .introductions import people
from .lifecycle import activate
from .notices import compose_message
from .reach import first_name, message_language

PURPOSE = "follow-up"
OFTEN_CHOICES = ("weekly", "monthly", "rarely")


@dataclass(frozen=True)
class Answers:
    """What a person answered about their pair."""

    met: bool
    often: str  # one of OFTEN_CHOICES, or "" when they have not met
    going: int  # 1 (badly) to 5 (very well)
    go_on: bool
    note: str

    def as_json(self) -> dict[str, Any]:
        return {"met": self.met, "often": self.often, "going": self.going, "go_on": self.go_on, "note": self.note}


def token_for(follow_up: FollowUp) -> str:
    """Return the signed token of a follow-up's link."""
    return sign(PURPOSE, {"id": follow_up.id})


def read_token(session: Session, token: str) -> FollowUp:
    """Return the follow-up a token names, or raise LinkError (tampered, expired, or the pair is gone)."""
    data = unsign(PURPOSE, token, current_app.config["FOLLOW_UP_LINK_MAX_AGE"])
    follow_up = session.get(FollowUp, data["id"])
    if follow_up is None or follow_up.sent_at is None:
        raise LinkError("invalid")
    return follow_up


def send_due(session: Session, now: datetime | None = None) -> int:
    """Send every follow-up that is due and not yet sent; return how many this call sent."""
    now = now or now_utc()
    due = list(session.scalars(
        select(FollowUp.id).join(Match).where(FollowUp.sent_at.is_(None), FollowUp.due_at <= now,
                                             Match.status.in_((MatchStatus.INTRODUCED, MatchStatus.ACTIVE)))
        .order_by(FollowUp.due_at, FollowUp.id)))
    messages = [m for m in (_claim(session, follow_up_id, now) for follow_up_id in due) if m is not None]
    deliver(session, messages)
    return len(messages)


def _claim(session: Session, follow_up_id: int, now: datetime) -> int | None:
    """Mark one follow-up sent and store its message, in one transaction; None if another sender has it."""
    claimed = session.execute(update(FollowUp).where(FollowUp.id == follow_up_id, FollowUp.sent_at.is_(None))
                              .values(sent_at=now))
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        return None
    follow_up = session.get(FollowUp, follow_up_id, populate_existing=True)
    assert follow_up is not None
    person, kompis = people(follow_up.match)[follow_up.side]
    language = message_language(person)
    link = external_url("followup.answer", token=token_for(follow_up), lang=language)
    message = compose_message(session, follow_up.match, person, MessagePurpose.FOLLOW_UP,
                              {"name": first_name(person), "kompis": first_name(kompis), "link": link})
    session.add(message)
    session.commit()
    return message.id


class AlreadyAnswered(Exception):
    """The follow-up was answered before; a link works once."""


def record_answers(session: Session, follow_up: FollowUp, answers: Answers) -> None:
    """Keep a person's answers; when both of the round say they have met, the pair becomes active."""
    answered = session.execute(update(FollowUp).where(FollowUp.id == follow_up.id, FollowUp.answered_at.is_(None))
                               .values(answered_at=now_utc(), answers=answers.as_json()))
    if answered.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise AlreadyAnswered
    session.commit()
    round_ = session.scalars(select(FollowUp).where(FollowUp.match_id == follow_up.match_id,
                                                    FollowUp.weeks == follow_up.weeks)).all()
    if len(round_) == 2 and all(f.answers.get("met") is True for f in round_):
        match = session.get(Match, follow_up.match_id)
        if match is not None and match.status == MatchStatus.INTRODUCED:
            activate(session, match, None, because="follow_up")
