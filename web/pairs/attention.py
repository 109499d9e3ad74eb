"""What needs the coordinator's attention: proposals left undecided, pairs that have not met, worrying answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session, joinedload

from models import FollowUp, Match, MatchStatus, Organisation, now_utc

# A follow-up sent this long ago and still unanswered needs a call.
ANSWER_EXPECTED_WITHIN = timedelta(days=14)
END_OFFER_AFTER_NUDGE = timedelta(days=14)


@dataclass(frozen=True)
class Concern:
    """A follow-up that flags its pair, and why."""

    follow_up: FollowUp
    why: tuple[str, ...]  # "not_met", "wants_to_stop", "low_score", "no_answer"


def _stale(organisation_id: int, days: int, now: datetime) -> list[ColumnElement[bool]]:
    return [Match.organisation_id == organisation_id, Match.status == MatchStatus.PROPOSED,
            Match.created_at < now - timedelta(days=days)]


def _proposal_days(session: Session, organisation_id: int) -> int:
    return session.scalar(select(Organisation.proposal_days).where(Organisation.id == organisation_id)) or 7


def stale_proposals(session: Session, organisation_id: int, now: datetime | None = None) -> list[Match]:
    """Return the proposals undecided longer than the organisation's setting, oldest first."""
    now = now or now_utc()
    return list(session.scalars(
        select(Match).where(*_stale(organisation_id, _proposal_days(session, organisation_id), now))
        .options(joinedload(Match.newcomer), joinedload(Match.volunteer)).order_by(Match.created_at)))


def count_stale(session: Session, organisation_id: int, days: int, now: datetime) -> int:
    """Count the organisation's proposals undecided for longer than `days`."""
    return session.scalar(select(func.count()).select_from(Match).where(*_stale(organisation_id, days, now))) or 0


def concerns(follow_up: FollowUp, now: datetime) -> tuple[str, ...]:
    """Return why one follow-up flags its pair, if it does."""
    if follow_up.answered_at is None:
        late = follow_up.sent_at is not None and follow_up.sent_at <= now - ANSWER_EXPECTED_WITHIN
        return ("no_answer",) if late else ()
    answers = follow_up.answers
    found = []
    if answers.get("met") is False:
        found.append("not_met")
    if answers.get("go_on") is False:
        found.append("wants_to_stop")
    if isinstance(answers.get("going"), int) and answers["going"] <= 2:
        found.append("low_score")
    return tuple(found)


def follow_up_concerns(session: Session, organisation_id: int, now: datetime | None = None) -> list[Concern]:
    """Return the follow-ups of open pairs that flag their pair, newest first."""
    now = now or now_utc()
    # Only each person's latest follow-up speaks for them: a good answer at three months clears a worry at one.
    newest = func.row_number().over(partition_by=(FollowUp.match_id, FollowUp.side),
                                    order_by=(FollowUp.sent_at.desc(), FollowUp.id.desc()))
    latest = (select(FollowUp.id, newest.label("newest")).join(Match).where(
        Match.organisation_id == organisation_id,
        Match.status.in_((MatchStatus.INTRODUCED, MatchStatus.ACTIVE)), FollowUp.sent_at.is_not(None))
        .subquery())
    rows = session.scalars(
        select(FollowUp).join(latest, and_(latest.c.id == FollowUp.id, latest.c.newest == 1))
        .options(joinedload(FollowUp.match).joinedload(Match.newcomer),
                 joinedload(FollowUp.match).joinedload(Match.volunteer))
        .order_by(FollowUp.sent_at.desc()))
    return [Concern(f, why) for f in rows if (why := concerns(f, now))]


def unmet_pairs(session: Session, organisation_id: int) -> list[Match]:
    """Return the introduced pairs not known to have met, longest first."""
    return list(session.scalars(
        select(Match).where(Match.organisation_id == organisation_id, Match.status == MatchStatus.INTRODUCED)
        .options(joinedload(Match.newcomer), joinedload(Match.volunteer)).order_by(Match.introduced_at)))


def may_end_unmet(match: Match, now: datetime | None = None) -> bool:
    """Tell whether a pair, nudged two weeks ago and still not met, is offered to end with one click."""
    now = now or now_utc()
    return (match.status == MatchStatus.INTRODUCED and match.nudged_at is not None
            and match.nudged_at <= now - END_OFFER_AFTER_NUDGE)
