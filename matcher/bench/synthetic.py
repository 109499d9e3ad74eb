"""Seeded synthetic pools with Swedish geography, languages and habits.

People live in towns (coordinates from GeoNames via ``seed_data/places.csv``),
jittered a few km around the centre; about 30 % of newcomers live around
Stockholm, 14 % around Göteborg and 11 % around Malmö, with suburbs such as
Rinkeby, Angered and Fittja weighing more for newcomers than for volunteers.
Newcomers come from a handful of origin groups with their languages (Arabic,
Dari, Persian, Tigrinya, Somali, Ukrainian, Kurdish, ...), SFI-like Swedish
levels and some English; volunteers mostly speak Swedish natively and English
well, and some grew up with a newcomer language themselves.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..pools import NewcomerPool, VolunteerPool
from ..records import AVAILABILITY_SLOTS
from ..weights import COMPONENTS

# town, latitude, longitude, share of newcomers, share of volunteers, spread (km)
TOWNS: tuple[tuple[str, float, float, float, float, float], ...] = (
    ("Stockholm", 59.32938, 18.06871, 8.0, 10.0, 5.0),
    ("Rinkeby", 59.38708, 17.92754, 2.5, 0.8, 1.5),
    ("Huddinge", 59.23705, 17.98192, 2.5, 2.0, 2.5),
    ("Tumba", 59.19858, 17.83317, 1.5, 1.2, 2.0),
    ("Fittja", 59.24868, 17.85991, 1.5, 0.5, 1.2),
    ("Södertälje", 59.19554, 17.62525, 2.5, 1.2, 3.0),
    ("Solna", 59.36004, 18.00086, 1.5, 1.5, 1.5),
    ("Sollentuna", 59.42804, 17.95093, 1.2, 1.5, 2.0),
    ("Jakobsberg", 59.42268, 17.83508, 1.5, 1.2, 2.0),
    ("Upplands Väsby", 59.51839, 17.91128, 1.2, 1.0, 2.0),
    ("Märsta", 59.62157, 17.85476, 1.0, 0.6, 2.0),
    ("Täby", 59.44390, 18.06872, 0.7, 1.5, 2.0),
    ("Nacka", 59.31053, 18.16372, 1.0, 1.5, 2.5),
    ("Handen", 59.16809, 18.13796, 1.5, 1.2, 3.0),
    ("Tyresö", 59.24196, 18.22762, 0.8, 1.0, 2.0),
    ("Nynäshamn", 58.90337, 17.94793, 0.5, 0.4, 2.0),
    ("Norrtälje", 59.75799, 18.70496, 0.4, 0.5, 2.5),
    ("Göteborg", 57.70716, 11.96679, 7.0, 8.0, 5.0),
    ("Angered", 57.78628, 12.09852, 2.5, 0.6, 2.0),
    ("Mölndal", 57.65540, 12.01378, 1.2, 1.2, 2.0),
    ("Partille", 57.73950, 12.10642, 0.8, 0.7, 2.0),
    ("Kungälv", 57.87096, 11.98054, 0.5, 0.6, 2.0),
    ("Lerum", 57.77051, 12.26904, 0.5, 0.6, 2.5),
    ("Kungsbacka", 57.48719, 12.07612, 0.5, 0.8, 3.0),
    ("Malmö", 55.60587, 13.00073, 7.0, 5.0, 4.0),
    ("Lund", 55.70584, 13.19321, 1.5, 2.0, 2.5),
    ("Trelleborg", 55.37514, 13.15691, 0.6, 0.5, 2.0),
    ("Landskrona", 55.87080, 12.83016, 0.8, 0.4, 2.0),
    ("Eslöv", 55.83928, 13.30393, 0.4, 0.3, 2.0),
    ("Staffanstorp", 55.64277, 13.20638, 0.3, 0.4, 2.0),
    ("Uppsala", 59.85882, 17.63889, 3.0, 3.5, 4.0),
    ("Linköping", 58.41086, 15.62157, 2.5, 2.5, 3.5),
    ("Örebro", 59.27412, 15.20660, 2.5, 2.0, 3.5),
    ("Västerås", 59.61617, 16.55276, 2.5, 2.0, 3.5),
    ("Norrköping", 58.59419, 16.18260, 2.5, 1.8, 3.5),
    ("Helsingborg", 56.04673, 12.69437, 2.0, 1.8, 3.5),
    ("Jönköping", 57.78145, 14.15618, 2.0, 2.0, 3.5),
    ("Umeå", 63.82842, 20.25972, 1.5, 2.0, 3.0),
    ("Eskilstuna", 59.36661, 16.50770, 2.0, 1.2, 3.0),
    ("Borås", 57.72101, 12.94010, 1.8, 1.2, 3.0),
    ("Gävle", 60.67452, 17.14174, 1.5, 1.2, 3.0),
    ("Växjö", 56.87767, 14.80906, 1.2, 1.2, 3.0),
    ("Sundsvall", 62.39129, 17.30630, 1.0, 1.0, 3.0),
    ("Halmstad", 56.67446, 12.85676, 1.0, 1.0, 3.0),
    ("Karlstad", 59.37930, 13.50357, 1.0, 1.2, 3.0),
    ("Trollhättan", 58.28365, 12.28864, 1.0, 0.6, 2.5),
    ("Luleå", 65.58415, 22.15465, 0.8, 0.9, 3.0),
    ("Kristianstad", 56.03129, 14.15242, 0.8, 0.7, 2.5),
    ("Borlänge", 60.48580, 15.43714, 0.8, 0.6, 2.5),
    ("Nyköping", 58.75300, 17.00788, 0.8, 0.8, 2.5),
    ("Kalmar", 56.66157, 16.36163, 0.8, 0.8, 2.5),
    ("Karlskrona", 56.16156, 15.58661, 0.6, 0.6, 2.5),
    ("Skövde", 58.39118, 13.84506, 0.6, 0.5, 2.5),
    ("Motala", 58.53706, 15.03649, 0.5, 0.4, 2.0),
    ("Falun", 60.60357, 15.62597, 0.5, 0.6, 2.5),
    ("Östersund", 63.17920, 14.63566, 0.5, 0.6, 2.5),
    ("Katrineholm", 58.99587, 16.20721, 0.4, 0.3, 2.0),
    ("Skellefteå", 64.75067, 20.95279, 0.4, 0.4, 2.5),
    ("Hässleholm", 56.15905, 13.76638, 0.4, 0.3, 2.0),
    ("Oskarshamn", 57.26455, 16.44837, 0.3, 0.3, 2.0),
    ("Ljungby", 56.83324, 13.94082, 0.3, 0.2, 2.0),
    ("Gislaved", 57.30440, 13.54078, 0.3, 0.2, 2.0),
    ("Ludvika", 60.14959, 15.18776, 0.3, 0.2, 2.0),
    ("Arvika", 59.65528, 12.58518, 0.2, 0.2, 2.0),
    ("Mora", 61.00704, 14.54316, 0.2, 0.2, 2.0),
    ("Visby", 57.64089, 18.29602, 0.2, 0.3, 2.5),
    ("Kiruna", 67.85572, 20.22513, 0.2, 0.2, 2.0),
)

LANGUAGES = ("sv", "en", "ar", "fa", "fa_AF", "ps", "ti", "so", "uk", "ru", "ku", "ckb", "tr",
             "am", "de", "fr", "es", "fi", "pl", "bs")
_L = {code: k for k, code in enumerate(LANGUAGES)}

# origin group: share of newcomers, mother tongue(s) with their shares, second
# language (code, probability, level), chance of English at level 2-3.
_ORIGINS = (
    (0.24, (("ar", 1.0),), ("ku", 0.10, 3), 0.35),
    (0.10, (("fa_AF", 1.0),), ("ps", 0.30, 3), 0.20),
    (0.06, (("fa", 1.0),), ("en", 0.0, 0), 0.55),
    (0.08, (("ti", 1.0),), ("am", 0.35, 2), 0.20),
    (0.07, (("so", 1.0),), ("ar", 0.30, 2), 0.25),
    (0.17, (("uk", 1.0),), ("ru", 0.80, 3), 0.40),
    (0.06, (("ckb", 0.6), ("ku", 0.4)), ("ar", 0.60, 3), 0.25),
    (0.06, (("en", 1.0),), ("en", 0.0, 0), 1.00),
    (0.04, (("tr", 1.0),), ("ku", 0.30, 2), 0.30),
    (0.03, (("ru", 1.0),), ("uk", 0.20, 3), 0.40),
    (0.09, (("es", 0.3), ("fr", 0.3), ("pl", 0.2), ("bs", 0.2)), ("en", 0.0, 0), 0.50),
)
# Volunteers who grew up with another language than Swedish: share and languages.
_HERITAGE_SHARE = 0.15
_HERITAGE = (("ar", 0.33), ("fa", 0.14), ("fa_AF", 0.07), ("ti", 0.07), ("so", 0.08),
             ("uk", 0.08), ("ckb", 0.05), ("ku", 0.04), ("tr", 0.06), ("ru", 0.05), ("bs", 0.03))

# Seed vocabulary, most popular first; popularity falls off like 1 / (rank + 3).
INTERESTS = ("fika", "cooking", "hiking", "football", "music", "city_walks", "film", "swimming",
             "gym", "baking", "reading", "family_outings", "cycling", "outdoor_life",
             "languages", "running", "museums", "computers", "board_games", "dancing",
             "gardening", "photography", "art", "crafts", "fishing", "library_visits",
             "childrens_activities", "flea_markets", "yoga", "basketball", "theatre",
             "singing", "faith_culture", "associations", "cars", "chess",
             "playing_instrument", "knitting", "winter_sports")
GOALS = ("swedish", "social", "work_study", "everyday", "family")
_GOAL_WANTED = np.array([0.75, 0.60, 0.40, 0.45, 0.20])
_HELP_OFFERED = np.array([0.80, 0.75, 0.35, 0.50, 0.30])
_MAX_KM = (np.array([5, 10, 15, 20, 30, 50]), np.array([0.12, 0.28, 0.22, 0.16, 0.14, 0.08]))
_PRIORITY = np.array([0.15, 0.25, 0.20, 0.20, 0.15, 0.12])
_YEAR = 2025


def synthetic_pools(n_newcomers: int, n_volunteers: int, *, seed: int
                    ) -> tuple[NewcomerPool, VolunteerPool]:
    """Return seeded synthetic pools of the given sizes, all active, capacities 1-3.

    Parameters
    ----------
    n_newcomers, n_volunteers : int
    seed : int
        Same seed, same pools.
    """
    rng = np.random.default_rng(seed)
    nc_lat, nc_lon = _places(rng, n_newcomers, column=3)
    vol_lat, vol_lon = _places(rng, n_volunteers, column=4)
    newcomers = NewcomerPool(
        **_common(rng, n_newcomers, nc_lat, nc_lon, _newcomer_languages(rng, n_newcomers),
                  newcomer=True),
        goal_codes=GOALS, goals=_flags(rng, n_newcomers, _GOAL_WANTED, none_share=0.03))
    volunteers = VolunteerPool(
        **_common(rng, n_volunteers, vol_lat, vol_lon,
                  _volunteer_languages(rng, n_volunteers), newcomer=False),
        help_codes=GOALS, help=_flags(rng, n_volunteers, _HELP_OFFERED, none_share=0.0),
        capacity=rng.choice([1, 2, 3], size=n_volunteers, p=[0.45, 0.35, 0.20]))
    return newcomers, volunteers


def _places(rng: np.random.Generator, n: int, *, column: int) -> tuple[np.ndarray, np.ndarray]:
    """Return latitudes and longitudes: a town by share, then a normal jitter in km."""
    share = np.array([town[column] for town in TOWNS])
    town = rng.choice(len(TOWNS), size=n, p=share / share.sum())
    lat0, lon0, spread = (np.array([t[k] for t in TOWNS])[town] for k in (1, 2, 5))
    north, east = rng.normal(size=(2, n)) * spread
    lat = lat0 + north / 111.2
    return lat, lon0 + east / (111.2 * np.cos(np.radians(lat0)))


def _newcomer_languages(rng: np.random.Generator, n: int) -> np.ndarray:
    levels = np.zeros((n, len(LANGUAGES)), dtype=np.uint8)
    origin = rng.choice(len(_ORIGINS), size=n, p=[o[0] for o in _ORIGINS])
    rows = np.arange(n)
    for k, (_, tongues, second, english) in enumerate(_ORIGINS):
        mine = rows[origin == k]
        codes, shares = zip(*tongues, strict=True)
        tongue = rng.choice([_L[c] for c in codes], size=len(mine), p=shares)
        has_en = rng.random(len(mine)) < english
        levels[mine[has_en], _L["en"]] = rng.integers(2, 4, size=has_en.sum())
        has_second = rng.random(len(mine)) < second[1]
        levels[mine[has_second], _L[second[0]]] = second[2]
        levels[mine, tongue] = 4
    # SFI-like Swedish: none, A/B (basic), C/D (conversational), fluent.
    levels[:, _L["sv"]] = rng.choice(4, size=n, p=[0.25, 0.35, 0.28, 0.12])
    return levels


def _volunteer_languages(rng: np.random.Generator, n: int) -> np.ndarray:
    levels = np.zeros((n, len(LANGUAGES)), dtype=np.uint8)
    heritage = rng.random(n) < _HERITAGE_SHARE
    levels[:, _L["sv"]] = np.where(heritage, 3, 4)
    has_en = rng.random(n) < np.where(heritage, 0.6, 0.9)
    levels[has_en, _L["en"]] = rng.integers(2, 4, size=has_en.sum())
    codes, shares = zip(*_HERITAGE, strict=True)
    tongue = rng.choice([_L[c] for c in codes], size=heritage.sum(), p=np.array(shares)
                        / sum(shares))
    levels[np.flatnonzero(heritage), tongue] = 4
    school = rng.random(n) < 0.25
    levels[np.flatnonzero(school), rng.choice([_L[c] for c in ("de", "fr", "es", "fi")],
                                              size=school.sum())] = 2
    return levels


def _common(rng: np.random.Generator, n: int, lat: np.ndarray, lon: np.ndarray,
            levels: np.ndarray, *, newcomer: bool) -> dict[str, Any]:
    """Return the columns both pools share."""
    if newcomer:
        age = np.clip(rng.normal(34, 10, n), 18, 75)
    else:
        age = np.clip(np.where(rng.random(n) < 0.55, rng.normal(32, 9, n),
                               rng.normal(64, 7, n)), 18, 85)
    gender = rng.choice(["female", "male", "other", ""], size=n,
                        p=[0.48, 0.48, 0.01, 0.03] if newcomer else [0.62, 0.35, 0.01, 0.02])
    asks = rng.random(n) < np.where(gender == "female", 0.25 if newcomer else 0.08, 0.03)
    return {
        "ids": np.arange(1, n + 1),
        "language_codes": LANGUAGES,
        "language_levels": levels,
        "interest_codes": INTERESTS,
        "interests": _interests(rng, n),
        "latitude": lat,
        "longitude": lon,
        "max_distance_km": rng.choice(_MAX_KM[0], size=n, p=_MAX_KM[1]).astype(float),
        "birth_year": (_YEAR - age).astype(np.int64),
        "availability": _availability(rng, n, newcomer=newcomer),
        "gender": gender,
        "gender_preference": np.where(asks & (gender != ""), gender, ""),
        "priorities": rng.random((n, len(COMPONENTS))) < _PRIORITY,
        "active": np.ones(n, dtype=bool),
    }


def _interests(rng: np.random.Generator, n: int) -> np.ndarray:
    """Return 2-7 interests per person, drawn by popularity without replacement."""
    popularity = 1 / (np.arange(len(INTERESTS)) + 3.0)
    keys = np.log(popularity) + rng.gumbel(size=(n, len(INTERESTS)))  # Gumbel top-k sampling
    rank = np.argsort(np.argsort(-keys, axis=1), axis=1)
    return rank < rng.integers(2, 8, size=n)[:, None]


def _availability(rng: np.random.Generator, n: int, *, newcomer: bool) -> np.ndarray:
    """Return weekly masks: SFI mornings for newcomers, evenings and weekends for workers."""
    if newcomer:
        profiles = [([0.2, 0.5, 0.5], [0.5, 0.5, 0.4], 1.0)]
    else:
        profiles = [([0.08, 0.08, 0.6], [0.55, 0.55, 0.4], 0.7),
                    ([0.6, 0.6, 0.3], [0.4, 0.4, 0.3], 0.3)]
    which = rng.choice(len(profiles), size=n, p=[p[2] for p in profiles])
    chance = np.zeros((n, AVAILABILITY_SLOTS))
    for k, (day, end, _) in enumerate(profiles):
        weekday, weekend = np.tile(day, 5), np.tile(end, 2)
        chance[which == k] = np.concatenate([weekday, weekend])
    bits = (rng.random((n, AVAILABILITY_SLOTS)) < chance).astype(np.int64)
    bits[rng.random(n) < 0.03] = 0  # some never say
    return bits @ (1 << np.arange(AVAILABILITY_SLOTS))


def _flags(rng: np.random.Generator, n: int, chance: np.ndarray, *, none_share: float
           ) -> np.ndarray:
    flags = rng.random((n, len(chance))) < chance
    flags[rng.random(n) < none_share] = False
    return flags
