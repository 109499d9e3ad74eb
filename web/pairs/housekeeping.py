"""Nothing rots: pairs that have not met are nudged once, idle volunteers are asked, and then paused.

Every step claims its rows with a conditional UPDATE in the transaction that
stores its messages, so `kompis housekeeping` can run from cron every hour, twice
at once, or again after a crash, and nobody hears the same thing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import force_locale
from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from models import (
    FOLLOW_UP_WEEKS,
    FollowUp,
    Match,
    MatchStatus,
    Message,
    MessagePurpose,
    Organisation,
    PersonStatus,
    Volunteer,
    now_utc,
)

from ..delivery import deliver
from ..links import make_link_token, new_nonce
from ..matching.decisions import record_event
from ..views import external_url
from .attention import count_stale
from .introductions import people
from .lifecycle import reactivate
from .notices import compose_message
from .reach import first_name, message_language, shared_details

FIRST_FOLLOW_UP = FOLLOW_UP_WEEKS[0]
# After the first follow-up went out, a pair not known to have met waits this long before the nudge.
NUDGE_AFTER = timedelta(days=7)
# After the nudge, a pair still not met is offered to the coordinator to end.
END_OFFER_AFTER = timedelta(days=14)
IDLE_FOR = timedelta(days=182)
ANSWER_WITHIN = timedelta(days=30)
STILL_AVAILABLE = "still-available"


@dataclass(frozen=True)
class Report:
    """What one housekeeping round did and found."""

    stale_proposals: int
    nudged_pairs: int
    asked_volunteers: int
    paused_volunteers: int


def run(session: Session, now: datetime | None = None) -> Report:
    """Do one round of housekeeping over every organisation."""
    now = now or now_utc()
    return Report(stale_proposals=count_stale_proposals(session, now), nudged_pairs=nudge_unmet_pairs(session, now),
                  asked_volunteers=ask_idle_volunteers(session, now),
                  paused_volunteers=pause_silent_volunteers(session, now))


def count_stale_proposals(session: Session, now: datetime) -> int:
    """Count proposals undecided longer than their organisation's setting (flagged on the dashboard)."""
    return sum(count_stale(session, organisation_id, days, now) for organisation_id, days in
               session.execute(select(Organisation.id, Organisation.proposal_days)))


def _not_met_after_first_follow_up(now: datetime) -> ColumnElement[bool]:
    first = select(FollowUp.id).where(FollowUp.match_id == Match.id, FollowUp.weeks == FIRST_FOLLOW_UP)
    answered = first.where(FollowUp.answered_at.is_not(None))
    said_not_met = exists(answered.where(FollowUp.answers["met"].as_boolean().is_(False)))
    # One side saying "we meet" is not told "you have not met"; the coordinator sees the pair is not active yet.
    said_met = exists(answered.where(FollowUp.answers["met"].as_boolean().is_(True)))
    sent_long_ago = exists(first.where(FollowUp.sent_at <= now - NUDGE_AFTER))
    return and_(Match.status == MatchStatus.INTRODUCED, Match.nudged_at.is_(None), ~said_met,
                or_(said_not_met, sent_long_ago))


def nudge_unmet_pairs(session: Session, now: datetime) -> int:
    """Nudge, once, each pair that has not met after its first follow-up; return how many were nudged."""
    due = list(session.scalars(select(Match.id).where(_not_met_after_first_follow_up(now)).order_by(Match.id)))
    sent: list[int] = []
    nudged = 0
    for match_id in due:
        claimed = session.execute(update(Match).where(Match.id == match_id, Match.nudged_at.is_(None),
                                                      Match.status == MatchStatus.INTRODUCED)
                                  .values(nudged_at=now))
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            session.rollback()
            continue
        match = session.get(Match, match_id, populate_existing=True)
        assert match is not None
        messages = []
        for person, kompis in people(match).values():
            with force_locale(message_language(person)):
                contact = "\n".join(shared_details(kompis))
            messages.append(compose_message(session, match, person, MessagePurpose.NUDGE,
                                            {"name": first_name(person), "kompis": first_name(kompis),
                                             "contact": contact}))
        session.add_all(messages)
        record_event(session, match_id, None, "nudged")
        session.commit()
        nudged += 1
        sent.extend(m.id for m in messages)
    deliver(session, sent)
    return nudged


def _idle(now: datetime) -> ColumnElement[bool]:
    return and_(Volunteer.status == PersonStatus.ACTIVE, Volunteer.open_matches == 0,
                Volunteer.idle_since.is_not(None), Volunteer.idle_since <= now - IDLE_FOR)


def _not_asked_since_idle() -> ColumnElement[bool]:
    # A question asked before their last pair is not one they left unanswered while idle.
    return or_(Volunteer.still_available_asked_at.is_(None),
               Volunteer.still_available_asked_at < Volunteer.idle_since)


def ask_idle_volunteers(session: Session, now: datetime) -> int:
    """Ask each volunteer idle for six months, once, whether they are still available."""
    due = list(session.scalars(select(Volunteer.id).where(_idle(now), _not_asked_since_idle())
                               .order_by(Volunteer.id)))
    return _tell(session, due, now, MessagePurpose.STILL_AVAILABLE,
                 claim=(_not_asked_since_idle(), {"still_available_asked_at": now}))


def pause_silent_volunteers(session: Session, now: datetime) -> int:
    """Pause each volunteer who has not answered "are you still available?" in 30 days, and say how to come back."""
    due = list(session.scalars(select(Volunteer.id).where(
        _idle(now), Volunteer.still_available_asked_at >= Volunteer.idle_since,
        Volunteer.still_available_asked_at <= now - ANSWER_WITHIN).order_by(Volunteer.id)))
    return _tell(session, due, now, MessagePurpose.PAUSED,
                 claim=(Volunteer.status == PersonStatus.ACTIVE,
                        {"status": PersonStatus.PAUSED, "still_available_asked_at": None}))


def _tell(session: Session, volunteer_ids: list[int], now: datetime, purpose: MessagePurpose,
          claim: tuple[ColumnElement[bool], dict[str, object]]) -> int:
    condition, values = claim
    sent: list[int] = []
    for volunteer_id in volunteer_ids:
        claimed = session.execute(update(Volunteer).where(Volunteer.id == volunteer_id, condition).values(**values))
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            session.rollback()
            continue
        volunteer = session.get(Volunteer, volunteer_id, populate_existing=True)
        assert volunteer is not None
        message = _come_back_message(session, volunteer, purpose)
        session.add(message)
        session.commit()
        sent.append(message.id)
    deliver(session, sent)
    return len(sent)


def _come_back_message(session: Session, volunteer: Volunteer,
                       purpose: MessagePurpose = MessagePurpose.PAUSED) -> Message:
    """Return a message to a volunteer with their link to say they are (again) available."""
    link = external_url("volunteer.still_available", token=make_link_token(STILL_AVAILABLE, volunteer),
                        lang=message_language(volunteer))
    return compose_message(session, None, volunteer, purpose, {"name": first_name(volunteer), "link": link})


def answer_still_available(session: Session, volunteer: Volunteer, *, available: bool) -> None:
    """Keep a volunteer's answer: yes keeps (or brings) them back and restarts their wait; no pauses them."""
    volunteer.link_nonce = new_nonce()  # the link works once
    volunteer.still_available_asked_at = None
    if available:
        if volunteer.status == PersonStatus.PAUSED:
            reactivate(session, volunteer, None)
            return
        volunteer.idle_since = now_utc()
        session.commit()
        return
    if volunteer.status in (PersonStatus.ACTIVE, PersonStatus.MATCHED):
        volunteer.status = PersonStatus.PAUSED
    message = _come_back_message(session, volunteer)
    session.add(message)
    session.commit()
    deliver(session, [message.id])
