"""Invented people good enough to match, stored fast: the pools of `web.bench_matching`.

Languages come from the demo's origin groups (`seed_data/demo.json`), levels 2-4
(a basic language is left out; a newcomer's Swedish is their SFI level);
volunteers all speak Swedish. Places are drawn in proportion to their population,
interests by popularity, availability from weekday and weekend habits. Rows go in
with Core bulk inserts (psycopg's executemany) under explicit ids.
"""

from __future__ import annotations

import random
import secrets
from datetime import timedelta
from typing import Any

import numpy as np
from sqlalchemy import Connection, insert, select, text
from sqlalchemy.orm import Session

import seed_data
from models import (
    MATCH_COMPONENTS,
    Gender,
    Goal,
    Interest,
    Newcomer,
    NewcomerLanguage,
    PersonStatus,
    Place,
    SwedishLevel,
    Volunteer,
    VolunteerLanguage,
    now_utc,
)
from models.enums import AVAILABILITY_BITS
from models.people import newcomer_goals, newcomer_interests, volunteer_help, volunteer_interests

# A newcomer's Swedish (0-3 in the demo's groups) as an SFI step.
_SWEDISH = {0: (SwedishLevel.NONE,), 1: (SwedishLevel.SFI_A, SwedishLevel.SFI_B),
            2: (SwedishLevel.SFI_C, SwedishLevel.SFI_D), 3: (SwedishLevel.FLUENT,)}
# Most popular first (as in matcher.bench.synthetic); popularity falls off like 1 / (rank + 3).
_POPULAR = ("fika", "cooking", "hiking", "football", "music", "city_walks", "film", "swimming",
            "gym", "baking", "reading", "family_outings", "cycling", "outdoor_life")
# Chance of each goal (newcomers) or of offering it (volunteers), in goals.csv order.
_GOAL_CHANCE = {"swedish": (0.75, 0.80), "social": (0.60, 0.75), "work_study": (0.40, 0.35),
                "everyday": (0.45, 0.50), "family": (0.20, 0.30)}
_DISTANCES = ((5, 10, 20, 30, 50), (0.15, 0.30, 0.30, 0.15, 0.10))
_CAPACITY = ((1, 2, 3), (0.45, 0.35, 0.20))
# (morning, afternoon, evening) chances on weekdays and at weekends.
_HABITS = {"newcomer": (((0.2, 0.5, 0.5), (0.5, 0.5, 0.4)),),
           "volunteer": (((0.08, 0.08, 0.6), (0.55, 0.55, 0.4)), ((0.6, 0.6, 0.3), (0.4, 0.4, 0.3)))}
_BATCH = 20_000


class PeopleMaker:
    """Draws people for one organisation's places; ids keep counting across calls."""

    def __init__(self, session: Session, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - invented people
        self.np = np.random.default_rng(seed)
        self.demo = seed_data.load_demo()
        codes = set(session.scalars(select(Interest.code)))
        self.interests = [c for c in _POPULAR if c in codes] + sorted(codes - set(_POPULAR))
        self.goals = list(session.scalars(select(Goal.code).order_by(Goal.position)))
        self.next_id = {"newcomer": 1, "volunteer": 1}

    def fill(self, connection: Connection, organisation_id: int, municipality_codes: list[str],
             people: int) -> None:
        """Store ``people`` active newcomers and as many volunteers in these municipalities."""
        places = connection.execute(select(Place.id, Place.population)
                                    .where(Place.municipality_code.in_(municipality_codes))).all()
        ids = np.array([p.id for p in places])
        weight = np.array([max(p.population, 200) for p in places], dtype=float)
        for role in ("volunteer", "newcomer"):
            first = self.next_id[role]
            self.next_id[role] += people
            for start in range(first, first + people, _BATCH):
                count = min(_BATCH, first + people - start)
                chosen = self.np.choice(ids, size=count, p=weight / weight.sum())
                self._store(connection, role, organisation_id, start, chosen)
        connection.execute(text("SELECT setval(pg_get_serial_sequence('volunteers', 'id'), max(id)) FROM volunteers"))
        connection.execute(text("SELECT setval(pg_get_serial_sequence('newcomers', 'id'), max(id)) FROM newcomers"))

    def _store(self, connection: Connection, role: str, organisation_id: int, start: int,
               places: np.ndarray) -> None:
        n = len(places)
        newcomer = role == "newcomer"
        model, spoken, likes, aims = ((Newcomer, NewcomerLanguage, newcomer_interests, newcomer_goals)
                                      if newcomer else
                                      (Volunteer, VolunteerLanguage, volunteer_interests, volunteer_help))
        owner, aim = f"{role}_id", "goal_code"
        interests = self._interests(n)
        goals = self.np.random((n, len(self.goals))) < np.array(
            [_GOAL_CHANCE.get(g, (0.3, 0.3))[0 if newcomer else 1] for g in self.goals])
        goals[np.arange(n), self.np.integers(0, len(self.goals), n)] = True  # at least one each
        availability = self._availability(n, role)
        distance = self.np.choice(_DISTANCES[0], size=n, p=_DISTANCES[1])
        capacity = self.np.choice(_CAPACITY[0], size=n, p=_CAPACITY[1])
        people, languages = [], []
        for k in range(n):
            pid = start + k
            row, levels = self._person(role, pid, organisation_id)
            row.update(place_id=int(places[k]), availability=int(availability[k]),
                       max_distance_km=int(distance[k]))
            if newcomer:
                row["swedish_level"] = self.rng.choice(_SWEDISH[min(levels.pop("sv", 0), 3)])
            else:
                row.update(capacity=int(capacity[k]), open_matches=0)
            people.append(row)
            languages += [{owner: pid, "language_code": c, "level": lv} for c, lv in levels.items() if lv >= 2]
        connection.execute(insert(model.__table__), people)  # type: ignore[arg-type]
        connection.execute(insert(spoken.__table__), languages)  # type: ignore[arg-type]
        who, what = np.nonzero(interests)
        connection.execute(insert(likes), [{owner: start + int(i), "interest_code": self.interests[j]}
                                           for i, j in zip(who.tolist(), what.tolist(), strict=True)])
        who, what = np.nonzero(goals)
        connection.execute(insert(aims), [{owner: start + int(i), aim: self.goals[j]}
                                          for i, j in zip(who.tolist(), what.tolist(), strict=True)])

    def _person(self, role: str, pid: int, organisation_id: int) -> tuple[dict[str, Any], dict[str, int]]:
        rng = self.rng
        groups = [g for g in self.demo.origin_groups if g.shares.get(role, 0) > 0]
        group = rng.choices(groups, weights=[g.shares[role] for g in groups])[0]
        gender = Gender.FEMALE if rng.random() < group.female_share[role] else Gender.MALE
        mother = _pick(rng, group.mother_tongues)
        levels = {mother: 4}
        for chance in group.other_languages:
            if chance.code != mother and rng.random() < chance.share:
                levels[chance.code] = _pick(rng, chance.levels)
        if role == "volunteer" and levels.get("sv", 0) < 2:
            levels["sv"] = _pick(rng, self.demo.volunteer_swedish_levels)
        created = now_utc() - timedelta(days=rng.uniform(0, 365), seconds=pid)
        email = f"{role}.{pid}@example.org"
        row = {"id": pid, "name": f"{rng.choice(group.first_names[gender.value])} {rng.choice(group.family_names)}",
               "email": email, "email_key": email, "phone": f"+4670174{rng.randint(605, 699):04d}",
               "birth_year": rng.randint(1950, 2004) if role == "volunteer" else rng.randint(1960, 2007),
               "gender": gender if rng.random() > 0.05 else None,
               "gender_preference": gender if rng.random() < 0.12 else None,
               "organisation_id": organisation_id,
               "what_matters": rng.sample(MATCH_COMPONENTS, rng.choice((0, 1, 1, 2))),
               "notes": "", "status": PersonStatus.ACTIVE, "ui_language": "sv", "consent_version": "bench",
               "consent_at": created, "email_confirmed_at": created, "link_nonce": secrets.token_hex(16),
               "created_at": created, "updated_at": created}
        if role == "newcomer":
            row["contact_language"] = mother
        return row, levels

    def _interests(self, n: int) -> np.ndarray:
        """Return 2-7 interests per person, drawn by popularity without replacement."""
        popularity = 1 / (np.arange(len(self.interests)) + 3.0)
        keys = np.log(popularity) + self.np.gumbel(size=(n, len(self.interests)))
        rank = np.argsort(np.argsort(-keys, axis=1), axis=1)
        return rank < self.np.integers(2, 8, size=n)[:, None]

    def _availability(self, n: int, role: str) -> np.ndarray:
        """Return weekly masks (bit day * 3 + part) from the role's habits; some never say."""
        habits = _HABITS[role]
        which = self.np.integers(0, len(habits), n) if len(habits) > 1 else np.zeros(n, dtype=int)
        chance = np.array([np.concatenate([np.tile(day, 5), np.tile(end, 2)]) for day, end in habits])[which]
        bits = (self.np.random((n, AVAILABILITY_BITS)) < chance).astype(np.int64)
        bits[self.np.random(n) < 0.03] = 0
        return bits @ (1 << np.arange(AVAILABILITY_BITS))


def _pick(rng: random.Random, weights: dict[Any, float]) -> Any:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]
