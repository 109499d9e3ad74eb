"""Pairs for the demo: a year of approved, introduced, active and ended pairs, and a few to introduce now.

They come from a real matching run over the demo pool and go through the same
decisions a coordinator takes; only their dates are moved back, so the
dashboard's chart and the follow-ups have a history to show.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models import (
    FOLLOW_UP_WEEKS,
    Coordinator,
    EndReason,
    FollowUp,
    Match,
    MatchStatus,
    Organisation,
    Side,
    now_utc,
)

from .matching.decisions import approve_match
from .matching.runs import create_run, execute_run
from .pairs.lifecycle import end_match

# Of each organisation's proposals, in order: this many stay approved for the coordinator to introduce,
# then the rest of the history, a pair every few days over the last year.
READY_TO_INTRODUCE = 3
HISTORY = 24


def seed_demo_pairs(session: Session) -> int:
    """Run matching for each demo organisation and take some of its proposals through a pair's life."""
    made = 0
    for organisation in session.scalars(select(Organisation).order_by(Organisation.id)).all():
        coordinator = session.scalar(select(Coordinator).where(Coordinator.organisation_id == organisation.id))
        if coordinator is None:
            continue
        run = execute_run(session, create_run(session, organisation, started_by=coordinator).id)
        proposals = list(session.scalars(select(Match).where(Match.run_id == run.id).order_by(Match.rank, Match.id)))
        for age, match in enumerate(proposals[:READY_TO_INTRODUCE + HISTORY]):
            approve_match(session, match, coordinator)
            if age >= READY_TO_INTRODUCE:
                _age(session, match.id, days=(age - READY_TO_INTRODUCE) * 15 + 10, coordinator=coordinator)
            made += 1
    return made


def _follow_up(match_id: int, side: Side, weeks: int, due: datetime, now: datetime, days: int) -> FollowUp:
    """Return a follow-up; one already due was sent and answered, mostly well, a few with a worry."""
    follow_up = FollowUp(match_id=match_id, side=side, weeks=weeks, due_at=due)
    if due < now:
        worried = days % 7 == 3 and side == Side.NEWCOMER
        follow_up.sent_at, follow_up.answered_at = due, due + timedelta(days=2)
        follow_up.answers = {"met": True, "often": "monthly" if worried else "weekly", "going": 2 if worried else 4,
                             "go_on": True, "note": "Vi hinner inte träffas så ofta." if worried else ""}
    return follow_up


def _age(session: Session, match_id: int, *, days: int, coordinator: Coordinator) -> None:
    """Move an approved pair `days` back in time and on through its life as far as that time allows."""
    now = now_utc()
    decided = now - timedelta(days=days)
    introduced = decided + timedelta(days=3)
    values: dict[str, object] = {"decided_at": decided, "created_at": decided - timedelta(days=2)}
    if days > 7:
        values.update(status=MatchStatus.ACTIVE if days > 45 else MatchStatus.INTRODUCED, introduced_at=introduced)
        session.add_all(_follow_up(match_id, side, weeks, introduced + timedelta(weeks=weeks), now, days)
                        for weeks in FOLLOW_UP_WEEKS for side in Side)
    session.execute(update(Match).where(Match.id == match_id).values(**values))
    session.commit()
    if days > 200 and days % 2:  # some older pairs have ended, most of them well
        match = session.get(Match, match_id)
        assert match is not None
        end_match(session, match, coordinator, reason=EndReason.RAN_ITS_COURSE,
                  note="Träffades varje vecka i ett halvår.")
        session.execute(update(Match).where(Match.id == match_id).values(ended_at=introduced + timedelta(days=180)))
        session.commit()
