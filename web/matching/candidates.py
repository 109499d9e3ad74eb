"""Manual matching: the best acceptable volunteers with a free seat for one newcomer."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

import matcher
from models import Newcomer, Organisation, Place, Volunteer

from .pools import excluded_pairs, newcomer_records, volunteer_records, volunteers_with_seats

LIMIT = 10


@dataclass(frozen=True)
class Candidates:
    """The volunteers to propose, best first, or why there is nobody."""

    proposals: tuple[matcher.Proposal, ...]
    obstacle: matcher.Obstacle | None
    volunteers: dict[int, Volunteer]


def candidates_for(session: Session, newcomer: Newcomer, *, limit: int = LIMIT) -> Candidates:
    """Return the ``limit`` best acceptable volunteers with free seats for ``newcomer``."""
    organisation = session.get(Organisation, newcomer.organisation_id)
    assert organisation is not None
    pool = matcher.NewcomerPool.from_records(
        newcomer_records(session, select(Newcomer.id).where(Newcomer.id == newcomer.id)))
    volunteers = matcher.VolunteerPool.from_records(
        volunteer_records(session, volunteers_with_seats(newcomer.organisation_id)))
    if len(volunteers) == 0:
        return Candidates((), matcher.Obstacle.TOO_FAR, {})
    proposals, obstacle = matcher.best_volunteers(
        pool, volunteers, weights=organisation.weights,
        excluded=excluded_pairs(session, newcomer.organisation_id, newcomer_id=newcomer.id), limit=limit)
    people = session.scalars(select(Volunteer).where(Volunteer.id.in_([p.volunteer_id for p in proposals]))
                             .options(selectinload(Volunteer.place).selectinload(Place.municipality),
                                      selectinload(Volunteer.languages), selectinload(Volunteer.interests)))
    return Candidates(proposals, obstacle, {v.id: v for v in people})
