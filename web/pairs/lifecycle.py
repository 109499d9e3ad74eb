"""A pair from introduced to active to ended, and a participant paused, withdrawn or back.

Ending a pair frees the volunteer's seat and returns the newcomer to the pool in
the same transaction. Withdrawing someone ends their open pairs.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import case, delete, select, update
from sqlalchemy.orm import Session

from models import (
    OPEN_MATCH_STATUSES,
    Coordinator,
    EndReason,
    FollowUp,
    Match,
    MatchStatus,
    Newcomer,
    PersonStatus,
    Volunteer,
    now_utc,
)

from .. import audit
from ..matching.decisions import Decision, DecisionRefused, Outcome, record_event
from .reach import Person


def activate(session: Session, match: Match, actor: Coordinator | None, *, because: str = "coordinator") -> Decision:
    """Mark an introduced pair active: they have met. `because` is "coordinator" or "follow_up"."""
    match_id = match.id
    session.rollback()
    moved = session.execute(update(Match).where(Match.id == match_id, Match.status == MatchStatus.INTRODUCED)
                            .values(status=MatchStatus.ACTIVE, updated_at=now_utc()))
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        status = session.scalar(select(Match.status).where(Match.id == match_id))
        session.rollback()
        if status == MatchStatus.ACTIVE:
            return Decision(match_id, Outcome.ALREADY)
        raise DecisionRefused(_("Only an introduced pair can be marked active."))
    record_event(session, match_id, actor, "activated", because=because)
    pair = session.get(Match, match_id)
    assert pair is not None
    audit.record(session, actor, "activated", pair)
    session.commit()
    return Decision(match_id, Outcome.DONE)


def end_match(session: Session, match: Match, actor: Coordinator | None, *, reason: EndReason,
              note: str) -> Decision:
    """End an open pair with a reason; the volunteer's seat is freed and the newcomer goes back to the pool."""
    match_id = match.id
    session.rollback()
    if end_in_transaction(session, match_id, actor, reason, note):
        session.commit()
        return Decision(match_id, Outcome.DONE)
    status = session.scalar(select(Match.status).where(Match.id == match_id))
    session.rollback()
    if status == MatchStatus.ENDED:
        return Decision(match_id, Outcome.ALREADY)
    raise DecisionRefused(_("Only an approved, introduced or active pair can be ended."))


# Pairs that end in their first weeks can do harm (DESIGN, "The coordinator's week"): the coordinator is
# asked to talk with the newcomer before a new match.
EARLY_END = timedelta(weeks=8)


def ended_early(match: Match) -> bool:
    """Tell whether an ended pair ended before it had run for `EARLY_END`."""
    if match.ended_at is None:
        return False
    return match.introduced_at is None or match.ended_at - match.introduced_at < EARLY_END


def end_in_transaction(session: Session, match_id: int, actor: Coordinator | None, reason: EndReason,
                       note: str) -> bool:
    """End one pair inside the caller's transaction; False when it was not open."""
    now = now_utc()
    moved = session.execute(update(Match).where(Match.id == match_id, Match.status.in_(OPEN_MATCH_STATUSES))
                            .values(status=MatchStatus.ENDED, ended_at=now, updated_at=now, reason=reason.value,
                                    reason_note=note))
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        return False
    pair = session.get(Match, match_id, populate_existing=True)
    assert pair is not None
    session.execute(update(Volunteer).where(Volunteer.id == pair.volunteer_id).values(
        open_matches=Volunteer.open_matches - 1,
        status=case((Volunteer.status == PersonStatus.MATCHED, PersonStatus.ACTIVE), else_=Volunteer.status),
        idle_since=case((Volunteer.open_matches == 1, now), else_=Volunteer.idle_since)))
    session.execute(update(Newcomer).where(Newcomer.id == pair.newcomer_id,
                                           Newcomer.status == PersonStatus.MATCHED)
                    .values(status=PersonStatus.ACTIVE))
    # Follow-ups not yet sent are no longer wanted; those answered stay with the pair.
    session.execute(delete(FollowUp).where(FollowUp.match_id == match_id, FollowUp.sent_at.is_(None)))
    record_event(session, match_id, actor, "ended", reason=reason.value)
    audit.record(session, actor, "ended", pair, reason=reason.value)
    return True


def open_matches_of(session: Session, person: Person) -> list[int]:
    """Return the ids of a person's open pairs."""
    column = Match.newcomer_id if isinstance(person, Newcomer) else Match.volunteer_id
    return list(session.scalars(select(Match.id).where(column == person.id,
                                                      Match.status.in_(OPEN_MATCH_STATUSES))))


def pause(session: Session, person: Person, actor: Coordinator | None) -> bool:
    """Pause a participant: kept, and not matched again until reactivated. Open pairs go on."""
    if person.status not in (PersonStatus.ACTIVE, PersonStatus.MATCHED):
        return False
    person.status = PersonStatus.PAUSED
    audit.record(session, actor, "paused", person)
    session.commit()
    return True


def withdraw(session: Session, person: Person, actor: Coordinator) -> list[int]:
    """Withdraw a participant and end their open pairs; return the ids of the pairs ended."""
    ended = [match_id for match_id in open_matches_of(session, person)
             if end_in_transaction(session, match_id, actor, EndReason.PARTICIPANT_LEFT,
                                   _("Withdrawn by the coordinator"))]
    session.refresh(person)
    person.status = PersonStatus.WITHDRAWN
    if isinstance(person, Volunteer):
        person.idle_since = None
    audit.record(session, actor, "withdrawn", person, ended=ended)
    session.commit()
    return ended


def reactivate(session: Session, person: Person, actor: Coordinator | None) -> bool:
    """Bring a paused or withdrawn participant back: matched if their seats are full, else active."""
    if person.status not in (PersonStatus.PAUSED, PersonStatus.WITHDRAWN):
        return False
    if isinstance(person, Volunteer):
        full = person.open_matches >= person.capacity
        if not full:
            person.idle_since = now_utc()
        person.still_available_asked_at = None
    else:
        full = bool(open_matches_of(session, person))
    person.status = PersonStatus.MATCHED if full else PersonStatus.ACTIVE
    if actor is not None:
        audit.record(session, actor, "reactivated", person)
    session.commit()
    return True
