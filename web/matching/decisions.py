"""A coordinator's decisions on pairs: approve, reject, propose by hand.

Approving holds the rules in the database: the pair moves from proposed only
if it still is proposed; the volunteer's open matches grow only while under
capacity (a row lock on PostgreSQL, the CHECK on the counter as the last guard
on both engines); the partial unique index keeps one open match per newcomer.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import matcher
from models import (
    OPEN_MATCH_STATUSES,
    Coordinator,
    Match,
    MatchEvent,
    MatchStatus,
    Newcomer,
    PersonStatus,
    RejectReason,
    Volunteer,
    now_utc,
)

from .. import audit
from .runs import reason_data


class Outcome(enum.StrEnum):
    """What a decision did."""

    DONE = "done"
    ALREADY = "already"  # the same decision was taken before: nothing changed


class DecisionRefused(Exception):
    """A decision the rules refuse; ``message`` says what happened, in the coordinator's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Decision:
    """The pair after a decision, and whether it changed anything."""

    match_id: int
    outcome: Outcome


def _first_name(name: str) -> str:
    return name.split()[0] if name.split() else name


def _full(volunteer: Volunteer) -> DecisionRefused:
    return DecisionRefused(ngettext("%(name)s already has %(num)d newcomer, the most they can take.",
                                    "%(name)s already has %(num)d newcomers, the most they can take.",
                                    volunteer.capacity, name=_first_name(volunteer.name)))


def _lock(session: Session, model: type[Newcomer] | type[Volunteer], person_id: int) -> None:
    # Row lock: two coordinators may approve at once. SQLite locks the whole database on write.
    session.execute(select(model.id).where(model.id == person_id).with_for_update())


def record_event(session: Session, match_id: int, actor: Coordinator | None, action: str, **detail: Any) -> None:
    """Add a step to the pair's history; committed with the work it describes."""
    session.add(MatchEvent(match_id=match_id, actor_id=actor.id if actor else None, action=action,
                           detail=detail))


def _refusal(session: Session, match: Match) -> DecisionRefused:
    """Say why a pair is no longer in the state a button assumed."""
    status = session.scalar(select(Match.status).where(Match.id == match.id))
    if status == MatchStatus.SUPERSEDED:
        return DecisionRefused(_("A newer matching run replaced this proposal. Look at the newer proposals."))
    if status == MatchStatus.REJECTED:
        return DecisionRefused(_("This pair was rejected already."))
    if status in OPEN_MATCH_STATUSES or status == MatchStatus.ENDED:
        return DecisionRefused(_("This pair was approved already."))
    return DecisionRefused(_("This pair can no longer be decided on."))


def approve_match(session: Session, match: Match, actor: Coordinator) -> Decision:
    """Approve a proposed pair in one transaction, or raise `DecisionRefused` saying why not."""
    match_id, newcomer_id, volunteer_id = match.id, match.newcomer_id, match.volunteer_id
    session.rollback()  # start a transaction of our own, whatever was read before
    try:
        _lock(session, Newcomer, newcomer_id)
        _lock(session, Volunteer, volunteer_id)
        status = session.scalar(select(Match.status).where(Match.id == match_id))
        if status in OPEN_MATCH_STATUSES:
            session.rollback()
            return Decision(match_id, Outcome.ALREADY)
        newcomer = session.get(Newcomer, newcomer_id, populate_existing=True)
        volunteer = session.get(Volunteer, volunteer_id, populate_existing=True)
        assert newcomer is not None and volunteer is not None
        if session.scalar(select(Match.id).where(Match.newcomer_id == newcomer_id,
                                                 Match.status.in_(OPEN_MATCH_STATUSES)).limit(1)):
            raise DecisionRefused(_("%(name)s already has a kompis.", name=_first_name(newcomer.name)))
        moved = session.execute(
            update(Match).where(Match.id == match_id, Match.status == MatchStatus.PROPOSED)
            .values(status=MatchStatus.APPROVED, decided_by_id=actor.id, decided_at=now_utc(),
                    updated_at=now_utc()))
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            raise _refusal(session, match)
        seat = session.execute(
            update(Volunteer).where(Volunteer.id == volunteer_id, Volunteer.open_matches < Volunteer.capacity)
            .values(open_matches=Volunteer.open_matches + 1))
        if seat.rowcount != 1:  # type: ignore[attr-defined]
            raise _full(volunteer)
        session.flush()
        session.refresh(volunteer)
        newcomer.status = PersonStatus.MATCHED
        if volunteer.open_matches >= volunteer.capacity:
            volunteer.status = PersonStatus.MATCHED
        record_event(session, match_id, actor, "approved")
        match_row = session.get(Match, match_id)
        assert match_row is not None
        audit.record(session, actor, "approved", match_row)
        session.commit()
    except DecisionRefused:
        session.rollback()
        raise
    except IntegrityError:
        session.rollback()
        raise _integrity_refusal(session, newcomer_id, volunteer_id) from None
    return Decision(match_id, Outcome.DONE)


def _integrity_refusal(session: Session, newcomer_id: int, volunteer_id: int) -> DecisionRefused:
    """Word the refusal of the database's last guard: the newcomer's index, or the volunteer's CHECK."""
    newcomer = session.get(Newcomer, newcomer_id, populate_existing=True)
    volunteer = session.get(Volunteer, volunteer_id, populate_existing=True)
    assert newcomer is not None and volunteer is not None
    if volunteer.open_matches >= volunteer.capacity:
        return _full(volunteer)
    return DecisionRefused(_("%(name)s already has a kompis.", name=_first_name(newcomer.name)))


def reject_match(session: Session, match: Match, actor: Coordinator, *, reason: RejectReason,
                 note: str = "") -> Decision:
    """Reject a proposed pair with a reason; the pair is never proposed again."""
    match_id = match.id
    session.rollback()
    moved = session.execute(
        update(Match).where(Match.id == match_id, Match.status == MatchStatus.PROPOSED)
        .values(status=MatchStatus.REJECTED, reason=reason.value, reason_note=note, decided_by_id=actor.id,
                decided_at=now_utc(), updated_at=now_utc()))
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        status = session.scalar(select(Match.status).where(Match.id == match_id))
        session.rollback()
        if status == MatchStatus.REJECTED:
            return Decision(match_id, Outcome.ALREADY)
        raise _refusal(session, match)
    record_event(session, match_id, actor, "rejected", reason=reason.value, note=note)
    match_row = session.get(Match, match_id)
    assert match_row is not None
    audit.record(session, actor, "rejected", match_row, reason=reason.value)
    session.commit()
    return Decision(match_id, Outcome.DONE)


def propose_by_hand(session: Session, newcomer: Newcomer, volunteer: Volunteer, actor: Coordinator,
                    proposal: matcher.Proposal) -> Match:
    """Store a coordinator's own proposal of a pair, with its scores and reasons.

    The pair's earlier proposal, if still undecided, is the one returned; a
    rejected pair is refused, here and by the database's index.
    """
    existing = session.scalar(select(Match).where(
        Match.newcomer_id == newcomer.id, Match.volunteer_id == volunteer.id,
        Match.status.in_((MatchStatus.PROPOSED, MatchStatus.REJECTED))))
    if existing is not None and existing.status == MatchStatus.PROPOSED:
        return existing
    if existing is not None:
        raise DecisionRefused(_("This pair was rejected before, so it cannot be proposed again."))
    match = Match(organisation_id=newcomer.organisation_id, newcomer_id=newcomer.id, volunteer_id=volunteer.id,
                  status=MatchStatus.PROPOSED, score=proposal.score, newcomer_score=proposal.newcomer_utility,
                  volunteer_score=proposal.volunteer_utility, rank=0,
                  components={k: round(float(v), 4) for k, v in proposal.components.items()},
                  reasons=[reason_data(r) for r in proposal.reasons])
    session.add(match)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise DecisionRefused(_("This pair was rejected before, so it cannot be proposed again.")) from None
    record_event(session, match.id, actor, "proposed_by_hand")
    audit.record(session, actor, "proposed", match)
    session.commit()
    return match
