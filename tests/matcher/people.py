"""Factories for newcomers and volunteers, with keyword defaults, and their pools."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from matcher import NewcomerPool, NewcomerRecord, VolunteerPool, VolunteerRecord
from matcher.encode import Encoded, Scoring, encode
from matcher.weights import DEFAULT_WEIGHTS

STOCKHOLM = (59.32938, 18.06871)
SOLNA = (59.36004, 18.00086)  # about 5 km from Stockholm's centre
NORTH_300_KM = (59.32938 + 300 / 111.195, 18.06871)  # 300 km due north of Stockholm


def newcomer(id: int = 1, *, languages: Mapping[str, int] | None = None,
             place: tuple[float, float] = STOCKHOLM, max_km: float = 20,
             birth_year: int = 1990, interests: Iterable[str] = (), availability: int = 0,
             gender: str | None = None, gender_preference: str | None = None,
             priorities: Iterable[str] = (), active: bool = True,
             goals: Iterable[str] = ()) -> NewcomerRecord:
    """Return a newcomer who speaks Arabic natively and Swedish at SFI C level."""
    return NewcomerRecord(
        id=id, languages=dict(languages if languages is not None else {"ar": 4, "sv": 2}),
        latitude=place[0], longitude=place[1], max_distance_km=max_km,
        birth_year=birth_year, interests=frozenset(interests), availability=availability,
        gender=gender, gender_preference=gender_preference, priorities=frozenset(priorities),
        active=active, goals=frozenset(goals))


def volunteer(id: int = 1, *, languages: Mapping[str, int] | None = None,
              place: tuple[float, float] = STOCKHOLM, max_km: float = 20,
              birth_year: int = 1990, interests: Iterable[str] = (), availability: int = 0,
              gender: str | None = None, gender_preference: str | None = None,
              priorities: Iterable[str] = (), active: bool = True,
              help: Iterable[str] = (), capacity: int = 1) -> VolunteerRecord:
    """Return a volunteer who speaks Swedish natively and English well."""
    return VolunteerRecord(
        id=id, languages=dict(languages if languages is not None else {"sv": 4, "en": 3}),
        latitude=place[0], longitude=place[1], max_distance_km=max_km,
        birth_year=birth_year, interests=frozenset(interests), availability=availability,
        gender=gender, gender_preference=gender_preference, priorities=frozenset(priorities),
        active=active, help=frozenset(help), capacity=capacity)


def pools(newcomers: Sequence[NewcomerRecord], volunteers: Sequence[VolunteerRecord]
          ) -> tuple[NewcomerPool, VolunteerPool]:
    """Return both pools built from records."""
    return NewcomerPool.from_records(newcomers), VolunteerPool.from_records(volunteers)


def encoded(newcomers: Sequence[NewcomerRecord], volunteers: Sequence[VolunteerRecord], *,
            scoring: Scoring | None = None) -> Encoded:
    """Return both pools encoded with the default weights."""
    return encode(*pools(newcomers, volunteers), weights=DEFAULT_WEIGHTS,
                  scoring=scoring or Scoring())
