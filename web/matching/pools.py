"""An organisation's people as the matcher's pools: each stored field mapped once, here."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, exists, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

from matcher import NewcomerPool, NewcomerRecord, VolunteerPool, VolunteerRecord
from models import (
    OPEN_MATCH_STATUSES,
    Match,
    MatchStatus,
    Newcomer,
    NewcomerLanguage,
    PersonStatus,
    Place,
    SwedishLevel,
    Volunteer,
    VolunteerLanguage,
)
from models.people import newcomer_goals, newcomer_interests, volunteer_help, volunteer_interests

# The matcher reads a newcomer's Swedish as one more language, on the same 0-4 scale as the others.
SWEDISH_AS_LANGUAGE_LEVEL = {
    SwedishLevel.NONE: 0,
    SwedishLevel.SFI_A: 1,
    SwedishLevel.SFI_B: 1,
    SwedishLevel.SFI_C: 2,
    SwedishLevel.SFI_D: 2,
    SwedishLevel.FLUENT: 3,
}
# Pairs that never come back: turned down by a coordinator, or tried and ended.
EXCLUDED_STATUSES = (MatchStatus.REJECTED, MatchStatus.ENDED)


@dataclass(frozen=True)
class Pools:
    """Both sides of one organisation, ready for `matcher.match`."""

    newcomers: NewcomerPool
    volunteers: VolunteerPool
    excluded: list[tuple[int, int]]

    @property
    def free_seats(self) -> int:
        return int(self.volunteers.capacity.sum())


def _open_match_of(column: Any) -> Any:
    return exists().where(Match.newcomer_id == column, Match.status.in_(OPEN_MATCH_STATUSES))


def waiting_newcomers(organisation_id: int) -> Select[Any]:
    """Return the query of active newcomers without an open match, longest waiting first."""
    return (
        select(Newcomer.id)
        .where(Newcomer.organisation_id == organisation_id, Newcomer.status == PersonStatus.ACTIVE,
               ~_open_match_of(Newcomer.id))
        .order_by(Newcomer.created_at, Newcomer.id)
    )


def _person_columns(model: type[Volunteer] | type[Newcomer]) -> list[Any]:
    return [model.id, model.birth_year, model.gender, model.gender_preference, model.availability,
            model.max_distance_km, model.what_matters, model.status, Place.latitude, Place.longitude]


def _grouped(session: Session, query: Executable) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = defaultdict(list)
    more: list[Any]
    for owner, value, *more in session.execute(query):
        out[owner].append((value, *more) if more else value)
    return out


def _common(row: Any, languages: dict[str, int], interests: Iterable[str],
            max_distance_km: int | None) -> dict[str, Any]:
    """Return the record fields both sides share, from one row of `_person_columns`."""
    distance = row.max_distance_km if max_distance_km is None else min(row.max_distance_km, max_distance_km)
    return {
        "id": row.id,
        "languages": languages,
        "latitude": row.latitude,
        "longitude": row.longitude,
        "max_distance_km": float(distance),
        "birth_year": row.birth_year,
        "interests": frozenset(interests),
        "availability": row.availability,
        "gender": row.gender.value if row.gender else None,
        "gender_preference": row.gender_preference.value if row.gender_preference else None,
        "priorities": frozenset(row.what_matters or ()),
        "active": row.status == PersonStatus.ACTIVE,
    }


def newcomer_records(session: Session, among: Select[Any], *,
                     max_distance_km: int | None = None) -> list[NewcomerRecord]:
    """Return the matcher's record of each newcomer the id query ``among`` finds, in its order."""
    order = list(session.scalars(among))
    ids = among.order_by(None)
    rows = {r.id: r for r in session.execute(
        select(*_person_columns(Newcomer), Newcomer.swedish_level)
        .join(Place, Place.id == Newcomer.place_id).where(Newcomer.id.in_(ids)))}
    spoken = _grouped(session, select(NewcomerLanguage.newcomer_id, NewcomerLanguage.language_code,
                                      NewcomerLanguage.level).where(NewcomerLanguage.newcomer_id.in_(ids)))
    likes = _grouped(session, select(newcomer_interests.c.newcomer_id, newcomer_interests.c.interest_code)
                     .where(newcomer_interests.c.newcomer_id.in_(ids)))
    goals = _grouped(session, select(newcomer_goals.c.newcomer_id, newcomer_goals.c.goal_code)
                     .where(newcomer_goals.c.newcomer_id.in_(ids)))
    records = []
    for i in order:
        row = rows[i]
        languages = {code: level for code, level in spoken[i]}
        swedish = SWEDISH_AS_LANGUAGE_LEVEL[row.swedish_level]
        if swedish:
            languages["sv"] = max(languages.get("sv", 0), swedish)
        records.append(NewcomerRecord(**_common(row, languages, likes[i], max_distance_km),
                                      goals=frozenset(goals[i])))
    return records


def volunteer_records(session: Session, among: Select[Any], *,
                      max_distance_km: int | None = None) -> list[VolunteerRecord]:
    """Return the matcher's record, with the seats still free, of each volunteer ``among`` finds, in its order."""
    order = list(session.scalars(among))
    ids = among.order_by(None)
    rows = {r.id: r for r in session.execute(
        select(*_person_columns(Volunteer), Volunteer.capacity, Volunteer.open_matches)
        .join(Place, Place.id == Volunteer.place_id).where(Volunteer.id.in_(ids)))}
    spoken = _grouped(session, select(VolunteerLanguage.volunteer_id, VolunteerLanguage.language_code,
                                      VolunteerLanguage.level).where(VolunteerLanguage.volunteer_id.in_(ids)))
    likes = _grouped(session, select(volunteer_interests.c.volunteer_id, volunteer_interests.c.interest_code)
                     .where(volunteer_interests.c.volunteer_id.in_(ids)))
    helps = _grouped(session, select(volunteer_help.c.volunteer_id, volunteer_help.c.goal_code)
                     .where(volunteer_help.c.volunteer_id.in_(ids)))
    records = []
    for i in order:
        row = rows[i]
        languages = {code: level for code, level in spoken[i]}
        records.append(VolunteerRecord(**_common(row, languages, likes[i], max_distance_km),
                                       help=frozenset(helps[i]),
                                       capacity=max(0, row.capacity - row.open_matches)))
    return records


def volunteers_with_seats(organisation_id: int) -> Select[Any]:
    """Return the query of active volunteers with a seat still free, oldest first."""
    return (
        select(Volunteer.id)
        .where(Volunteer.organisation_id == organisation_id, Volunteer.status == PersonStatus.ACTIVE,
               Volunteer.open_matches < Volunteer.capacity)
        .order_by(Volunteer.created_at, Volunteer.id)
    )


def excluded_pairs(session: Session, organisation_id: int,
                   newcomer_id: int | None = None) -> list[tuple[int, int]]:
    """Return the (newcomer, volunteer) pairs never to propose again in this organisation."""
    query = select(Match.newcomer_id, Match.volunteer_id).where(
        and_(Match.organisation_id == organisation_id, Match.status.in_(EXCLUDED_STATUSES)))
    if newcomer_id is not None:
        query = query.where(Match.newcomer_id == newcomer_id)
    return [(n, v) for n, v in session.execute(query)]


def load_pools(session: Session, organisation_id: int, *, max_distance_km: int | None = None) -> Pools:
    """Load an organisation's waiting newcomers and volunteers with free seats as the matcher's pools.

    ``max_distance_km`` caps everyone's own travel distance for this run.
    """
    newcomers = newcomer_records(session, waiting_newcomers(organisation_id), max_distance_km=max_distance_km)
    volunteers = volunteer_records(session, volunteers_with_seats(organisation_id),
                                   max_distance_km=max_distance_km)
    return Pools(NewcomerPool.from_records(newcomers), VolunteerPool.from_records(volunteers),
                 excluded_pairs(session, organisation_id))
