"""Finding runs and pairs for the coordinator's pages: scoped to one organisation, bounded, no query in a loop."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from flask import abort
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from models import (
    Goal,
    Interest,
    Match,
    MatchEvent,
    MatchRun,
    MatchStatus,
    Newcomer,
    PairStatistic,
    Place,
    UnmatchedNewcomer,
    Volunteer,
    now_utc,
)

from ..protection import hidden, may_see_pair, visible_pairs
from .pools import waiting_newcomers

Row = TypeVar("Row")


@dataclass
class Page(Generic[Row]):
    """One page of a list, and where it sits in the whole."""

    items: list[Row]
    total: int
    page: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))


def paged(session: Session, query: Select[Any], *, page: int, size: int, options: tuple[Any, ...] = ()
          ) -> Page[Any]:
    """Return one page of ``query`` (already ordered), with the total."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    page = min(max(1, page), max(1, math.ceil(total / size)))
    items = list(session.scalars(query.options(*options).limit(size).offset((page - 1) * size)))
    return Page(items, total, page, size)


PAIR_OPTIONS = (
    selectinload(Match.newcomer).selectinload(Newcomer.place).selectinload(Place.municipality),
    selectinload(Match.newcomer).selectinload(Newcomer.languages),
    selectinload(Match.newcomer).selectinload(Newcomer.interests),
    selectinload(Match.newcomer).selectinload(Newcomer.goals),
    selectinload(Match.volunteer).selectinload(Volunteer.place).selectinload(Place.municipality),
    selectinload(Match.volunteer).selectinload(Volunteer.languages),
    selectinload(Match.volunteer).selectinload(Volunteer.interests),
    selectinload(Match.volunteer).selectinload(Volunteer.help_offered),
)


def get_run(session: Session, run_id: int, organisation_id: int) -> MatchRun:
    """Return a run of this organisation, or answer 404, also for another organisation's."""
    run = session.get(MatchRun, run_id)
    if run is None or run.organisation_id != organisation_id:
        abort(404)
    return run


def get_match(session: Session, match_id: int, organisation_id: int) -> Match:
    """Return a pair of this organisation with both people loaded, or answer 404.

    A pair with a protected person answers 404 to a signed-in account not named for them, as web.people does.
    """
    match = session.scalar(select(Match).where(Match.id == match_id).options(
        *PAIR_OPTIONS, selectinload(Match.events).selectinload(MatchEvent.actor), selectinload(Match.run)))
    if match is None or match.organisation_id != organisation_id or not may_see_pair(match):
        abort(404)
    return match


def proposals_page(session: Session, organisation_id: int, *, municipality: str = "", page: int = 1,
                   size: int = 20) -> Page[Match]:
    """Return one page of the organisation's undecided proposals, best score first."""
    query = select(Match).where(Match.organisation_id == organisation_id, Match.status == MatchStatus.PROPOSED,
                                visible_pairs())
    if municipality:
        query = query.where(Match.newcomer_id.in_(
            select(Newcomer.id).join(Place, Place.id == Newcomer.place_id)
            .where(Place.municipality_code == municipality)))
    return paged(session, query.order_by(Match.score.desc(), Match.id), page=page, size=size,
                 options=PAIR_OPTIONS)


def matches_page(session: Session, organisation_id: int, *, status: str = "", page: int = 1,
                 size: int = 25) -> Page[Match]:
    """Return one page of the organisation's pairs, newest first, of one status or all."""
    query = select(Match).where(Match.organisation_id == organisation_id, visible_pairs())
    if status in set(MatchStatus):
        query = query.where(Match.status == status)
    return paged(session, query.order_by(Match.updated_at.desc(), Match.id.desc()), page=page, size=size,
                 options=PAIR_OPTIONS[:1] + PAIR_OPTIONS[4:5])


def match_counts(session: Session, organisation_id: int) -> dict[str, int]:
    """Return how many of the organisation's pairs are in each status."""
    counts = {status.value: 0 for status in MatchStatus}
    for status, n in session.execute(select(Match.status, func.count())
                                     .where(Match.organisation_id == organisation_id).group_by(Match.status)):
        counts[str(getattr(status, "value", status))] = n
    for kept, n in session.execute(select(PairStatistic.status, func.count())
                                   .where(PairStatistic.organisation_id == organisation_id)
                                   .group_by(PairStatistic.status)):
        counts[kept] = counts.get(kept, 0) + n  # pairs of people since erased
    return counts


def runs_page(session: Session, organisation_id: int, *, page: int = 1, size: int = 20) -> Page[MatchRun]:
    """Return the organisation's runs, newest first."""
    query = select(MatchRun).where(MatchRun.organisation_id == organisation_id)
    return paged(session, query.order_by(MatchRun.created_at.desc(), MatchRun.id.desc()), page=page, size=size,
                 options=(selectinload(MatchRun.started_by),))


def unmatched_page(session: Session, run: MatchRun, *, page: int = 1, size: int = 50) -> Page[UnmatchedNewcomer]:
    """Return one page of a run's unmatched newcomers, with what the words about them need."""
    query = (select(UnmatchedNewcomer).where(UnmatchedNewcomer.run_id == run.id, UnmatchedNewcomer.newcomer_id.not_in(
        select(Newcomer.id).where(hidden(Newcomer))))
             .order_by(UnmatchedNewcomer.newcomer_id))
    return paged(session, query, page=page, size=size, options=(
        selectinload(UnmatchedNewcomer.newcomer).selectinload(Newcomer.languages),
        selectinload(UnmatchedNewcomer.newcomer).selectinload(Newcomer.place).selectinload(Place.municipality)))


def last_run(session: Session, organisation_id: int) -> MatchRun | None:
    """Return the organisation's newest run."""
    return session.scalar(select(MatchRun).where(MatchRun.organisation_id == organisation_id)
                          .order_by(MatchRun.created_at.desc(), MatchRun.id.desc()).limit(1))


@dataclass(frozen=True)
class Waiting:
    """Newcomers waiting for a kompis, and for how long."""

    count: int
    median: timedelta | None
    longest: timedelta | None


def waiting(session: Session, organisation_id: int, *, now: datetime | None = None) -> Waiting:
    """Return how many active newcomers wait without a kompis, and the median and longest wait."""
    ids = waiting_newcomers(organisation_id).order_by(None).subquery()
    asked = list(session.scalars(select(Newcomer.created_at).join(ids, ids.c.id == Newcomer.id)))
    if not asked:
        return Waiting(0, None, None)
    now = now or now_utc()
    waits = [now - at for at in asked]
    return Waiting(len(waits), timedelta(seconds=statistics.median(w.total_seconds() for w in waits)), max(waits))


def vocabulary(session: Session) -> tuple[dict[str, str], dict[str, str]]:
    """Return the English labels of interests and goals by code, for words about reasons."""
    return ({i.code: i.label for i in session.scalars(select(Interest))},
            {g.code: g.label for g in session.scalars(select(Goal))})
