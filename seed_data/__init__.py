"""Reference data shipped with Kompis: Swedish places, vocabularies and demo-pool inputs.

The files sit beside this module and ship inside the package; `README.md` here names
their sources and licences. This package imports nothing beyond the standard library,
so `models`, `web` and scripts can all read it.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

__all__ = [
    "DemoArea",
    "DemoData",
    "DemoOrganisation",
    "GoalRow",
    "InterestRow",
    "LanguageChance",
    "LanguageRow",
    "OriginGroup",
    "PlaceRow",
    "load_demo",
    "load_goals",
    "load_interests",
    "load_languages",
    "load_places",
]


@dataclass(frozen=True)
class PlaceRow:
    """A Swedish locality with its municipality; `geonames_id` identifies it."""

    municipality_code: str
    municipality: str
    county: str
    locality: str
    latitude: float
    longitude: float
    population: int
    geonames_id: int
    is_seat: bool


@dataclass(frozen=True)
class InterestRow:
    """An everyday interest; `label` is the English msgid that catalogs translate."""

    code: str
    label: str


@dataclass(frozen=True)
class GoalRow:
    """What a newcomer wants from a kompis, and equally the help a volunteer offers."""

    code: str
    label: str
    description: str


@dataclass(frozen=True)
class LanguageRow:
    """A language offered in forms, by Babel locale key; names come from Babel."""

    code: str
    newcomer_common: bool
    volunteer_common: bool


@dataclass(frozen=True)
class LanguageChance:
    """How likely someone speaks a language (`share`) and at which level (0–4, 4 native)."""

    code: str
    share: float
    levels: dict[int, float]


@dataclass(frozen=True)
class OriginGroup:
    """Names and language profile of one origin group in the demo pool."""

    code: str
    label: str
    shares: dict[str, float]
    female_share: dict[str, float]
    first_names: dict[str, tuple[str, ...]]
    family_names: tuple[str, ...]
    mother_tongues: dict[str, float]
    other_languages: tuple[LanguageChance, ...]


@dataclass(frozen=True)
class DemoArea:
    """A municipality the demo pool lives in, with its part of the pool."""

    municipality_code: str
    name: str
    pool_share: float


@dataclass(frozen=True)
class DemoOrganisation:
    """A demo organisation and the municipalities it serves."""

    slug: str
    name: str
    municipality_codes: tuple[str, ...]


@dataclass(frozen=True)
class DemoData:
    """Everything the demo-pool generator draws from."""

    language_levels: dict[int, str]
    volunteer_swedish_levels: dict[int, float]
    origin_groups: tuple[OriginGroup, ...]
    areas: tuple[DemoArea, ...]
    organisations: tuple[DemoOrganisation, ...]


def _read_csv(name: str) -> list[dict[str, str]]:
    """Read one of the package's CSV files into rows keyed by column."""
    with resources.files(__name__).joinpath(name).open("r", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _flag(value: str) -> bool:
    """Read a 0/1 column."""
    return value.strip() == "1"


def load_places() -> list[PlaceRow]:
    """Return every locality, sorted by municipality code, then name."""
    return [
        PlaceRow(
            municipality_code=row["municipality_code"],
            municipality=row["municipality"],
            county=row["county"],
            locality=row["locality"],
            latitude=float(row["latitude"]),
            longitude=float(row["longitude"]),
            population=int(row["population"]),
            geonames_id=int(row["geonames_id"]),
            is_seat=_flag(row["is_seat"]),
        )
        for row in _read_csv("places.csv")
    ]


def load_interests() -> list[InterestRow]:
    """Return the interest vocabulary in its shipped order."""
    return [InterestRow(code=row["code"], label=row["label"]) for row in _read_csv("interests.csv")]


def load_goals() -> list[GoalRow]:
    """Return the goals, which double as the help volunteers offer, in display order."""
    return [
        GoalRow(code=row["code"], label=row["label"], description=row["description"])
        for row in _read_csv("goals.csv")
    ]


def load_languages() -> list[LanguageRow]:
    """Return the languages offered in forms, the most common first."""
    return [
        LanguageRow(
            code=row["code"],
            newcomer_common=_flag(row["newcomer_common"]),
            volunteer_common=_flag(row["volunteer_common"]),
        )
        for row in _read_csv("languages.csv")
    ]


def _levels(raw: dict[str, Any]) -> dict[int, Any]:
    """Turn JSON's string keys for levels back into integers."""
    return {int(level): value for level, value in raw.items()}


def _origin_group(raw: dict[str, Any]) -> OriginGroup:
    """Build one origin group from its JSON object."""
    return OriginGroup(
        code=raw["code"],
        label=raw["label"],
        shares=dict(raw["shares"]),
        female_share=dict(raw["female_share"]),
        first_names={gender: tuple(names) for gender, names in raw["first_names"].items()},
        family_names=tuple(raw["family_names"]),
        mother_tongues=dict(raw["mother_tongues"]),
        other_languages=tuple(
            LanguageChance(code=lang["code"], share=lang["share"], levels=_levels(lang["levels"]))
            for lang in raw["other_languages"]
        ),
    )


def load_demo() -> DemoData:
    """Return the demo-pool generator's inputs: names, language profiles, areas, organisations."""
    raw = json.loads(resources.files(__name__).joinpath("demo.json").read_text(encoding="utf-8"))
    return DemoData(
        language_levels=_levels(raw["language_levels"]),
        volunteer_swedish_levels=_levels(raw["volunteer_swedish_levels"]),
        origin_groups=tuple(_origin_group(group) for group in raw["origin_groups"]),
        areas=tuple(DemoArea(**area) for area in raw["areas"]),
        organisations=tuple(
            DemoOrganisation(
                slug=org["slug"],
                name=org["name"],
                municipality_codes=tuple(org["municipality_codes"]),
            )
            for org in raw["organisations"]
        ),
    )
