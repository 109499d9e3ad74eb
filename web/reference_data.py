"""Loading the shipped reference data (places, languages, vocabularies) into the database."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

import seed_data
from models import Goal, Interest, Language, Municipality, Place


def _upsert(session: Session, model: type[Any], key: str, rows: Iterable[dict[str, Any]]) -> int:
    """Insert rows that are missing and update those whose values changed; return how many."""
    existing = {getattr(obj, key): obj for obj in session.scalars(select(model))}
    new = []
    changed = 0
    for row in rows:
        current = existing.get(row[key])
        if current is None:
            new.append(row)
            continue
        for name, value in row.items():
            if getattr(current, name) != value:
                setattr(current, name, value)
                changed += 1
    if new:
        session.execute(insert(model), new)
    return len(new) + changed


def load_reference_data(session: Session) -> dict[str, int]:
    """Bring the reference tables in line with `seed_data`; safe to run again."""
    places = seed_data.load_places()
    municipalities = {
        p.municipality_code: {"code": p.municipality_code, "name": p.municipality, "county": p.county}
        for p in places
    }
    counts = {
        "municipalities": _upsert(session, Municipality, "code", municipalities.values()),
        "places": _upsert(
            session,
            Place,
            "id",
            (
                {
                    "id": p.geonames_id,
                    "name": p.locality,
                    "municipality_code": p.municipality_code,
                    "latitude": p.latitude,
                    "longitude": p.longitude,
                    "population": p.population,
                    "is_seat": p.is_seat,
                }
                for p in places
            ),
        ),
        "languages": _upsert(
            session,
            Language,
            "code",
            (
                {"code": lang.code, "common_newcomer": lang.newcomer_common,
                 "common_volunteer": lang.volunteer_common}
                for lang in seed_data.load_languages()
            ),
        ),
        "interests": _upsert(
            session, Interest, "code", ({"code": i.code, "label": i.label} for i in seed_data.load_interests())
        ),
        "goals": _upsert(
            session,
            Goal,
            "code",
            (
                {"code": g.code, "label": g.label, "description": g.description, "position": n}
                for n, g in enumerate(seed_data.load_goals())
            ),
        ),
    }
    session.commit()
    return counts
