"""Turn two pools into the features the components are computed from, once.

Every feature is exact: sets are bit sets (languages usable at each level,
a beginner's mother tongues, weekly slots, goals and help) compared with
bitwise AND and popcount, and the TF-IDF interest weights are quantised to
small integers stored as floats, so their matrix product gives the same bits
however BLAS splits it. A pair therefore scores the same in a dense n×m
matrix, in a spatial block or on its own, and the dense and blocked pipelines
agree exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfTransformer

from .pools import NewcomerPool, Pool, VolunteerPool
from .records import CONVERSATIONAL, NATIVE
from .weights import personal_weights, weight_vector

EARTH_RADIUS_KM = 6371.0088
_FLOAT32_EXACT = 2.0**24  # integers up to here are exact in float32


@dataclass(frozen=True, kw_only=True)
class Scoring:
    """How pairs are scored; every field has the default a municipality would expect.

    Attributes
    ----------
    min_language_level : int
        Both must speak a shared language at least this well (2 = conversational).
    priority_factor : float
        Weight multiplier of a component a person picked as "what matters most".
    distance_scale_km : float
        Location score is ``exp(-km / distance_scale_km)``.
    age_span_years : float
        Age score is ``max(0, 1 - gap / age_span_years)``.
    mother_tongue_bonus : float
        Added to the language score when the volunteer speaks the mother tongue
        of a newcomer who is a beginner in Swedish; the score stays <= 1.
    unknown_score : float
        Availability and goals score of a pair where a side said nothing.
    """

    min_language_level: int = 2
    priority_factor: float = 2.0
    distance_scale_km: float = 10.0
    age_span_years: float = 25.0
    mother_tongue_bonus: float = 0.25
    unknown_score: float = 0.5

    def __post_init__(self) -> None:
        if self.min_language_level not in range(1, NATIVE + 1):
            raise ValueError(f"min_language_level must be 1-{NATIVE}, got "
                             f"{self.min_language_level}")
        for name in ("distance_scale_km", "age_span_years"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be > 0, got {getattr(self, name)}")
        for name in ("mother_tongue_bonus", "unknown_score"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name} must lie in [0, 1], got {getattr(self, name)}")


@dataclass(frozen=True, eq=False)
class Side:
    """One side's features, person i in column i (or row i); float32 unless noted.

    Bit sets have shape (W, n): W words per person, uint32 when the vocabulary
    fits in 32 bits, else uint64. Per-person vectors that are gathered by
    index are stored one row per coordinate or component, since numpy gathers
    long rows far faster than many narrow ones.
    """

    pool: Pool
    radians: np.ndarray  # (n, 2) float64 latitude, longitude, for BallTree
    half_unit: np.ndarray  # (3, n) points on a sphere of radius 1/2 (one row per axis)
    reach: np.ndarray  # (n,) sin(max_distance_km / 2R): the half chord one travels
    levels: np.ndarray  # (n, L) uint8 language levels on the shared vocabulary
    speaks: np.ndarray  # (T, W, n) languages usable at each level min_language_level..4
    tongues: np.ndarray  # (n, L) bool: newcomers' mother tongues while beginners in Swedish
    tongue_bits: np.ndarray  # (W, n) ``tongues`` as bit sets
    interests: np.ndarray  # (n, V) bool on the shared vocabulary
    interest_weights: np.ndarray  # (n, V) newcomers: quantised idf**2 of theirs; else 0/1
    interest_scale: np.ndarray  # (n,) 1 / TF-IDF norm, 0 without interests
    slots: np.ndarray  # (n,) uint32 weekly availability mask
    slot_scale: np.ndarray  # (n,) 1 / number of weekly slots, 0 without any
    slot_unknown: np.ndarray  # (n,) unknown_score for people without slots, else 0
    topics: np.ndarray  # (n, G) bool: newcomers' goals, volunteers' help offered
    topic_bits: np.ndarray  # (W, n) ``topics`` as bit sets
    topic_scale: np.ndarray  # (n,) newcomers: 1 / number of goals, 0 without; volunteers: 1
    topic_unknown: np.ndarray  # (n,) newcomers without goals: unknown_score; else 0
    birth_year: np.ndarray  # (n,)
    gender_key: np.ndarray  # (n,) int64, gender and preference in one code
    weights: np.ndarray  # (6, n) normalised personal weights, one row per component


@dataclass(frozen=True, eq=False)
class Encoded:
    """Both sides encoded against shared vocabularies (languages, interests, topics)."""

    newcomers: Side
    volunteers: Side
    scoring: Scoring
    language_codes: tuple[str, ...]
    interest_codes: tuple[str, ...]
    interest_rarity: np.ndarray  # (V,) scikit-learn's idf of each interest
    topic_codes: tuple[str, ...]
    genders: tuple[str, ...]  # codes of gender_key; "" (not stated / none) is 0
    gender_table: np.ndarray  # (K*K, K*K) bool: acceptable by the two gender keys


def encode(newcomers: NewcomerPool, volunteers: VolunteerPool, *, weights: Mapping[str, float],
           scoring: Scoring) -> Encoded:
    """Encode both pools once for every later component and constraint.

    Parameters
    ----------
    newcomers : NewcomerPool of n people
    volunteers : VolunteerPool of m people
    weights : mapping of str to float
        Organisation default weight per component (see `matcher.weights`).
    scoring : Scoring

    Returns
    -------
    Encoded
        Features aligned on the union of both pools' vocabularies.
    """
    organisation = weight_vector(weights)
    pools = (newcomers, volunteers)
    languages = _union(p.language_codes for p in pools)
    levels = [_aligned(p.language_levels, p.language_codes, languages) for p in pools]
    interest_codes = _union(p.interest_codes for p in pools)
    held = [_aligned(p.interests, p.interest_codes, interest_codes) for p in pools]
    idf, quantised = _quantised_idf(held)
    dtype = np.float32 if float((held[0] @ quantised).max(initial=0)) < _FLOAT32_EXACT else float
    topic_codes = _union([newcomers.goal_codes, volunteers.help_codes])
    topics = [_aligned(newcomers.goals, newcomers.goal_codes, topic_codes),
              _aligned(volunteers.help, volunteers.help_codes, topic_codes)]
    n_goals = topics[0].sum(axis=1)
    tongues = [_beginner_tongues(levels[0], languages), np.zeros_like(levels[1], dtype=bool)]
    stated = _union([newcomers.gender, volunteers.gender, newcomers.gender_preference,
                     volunteers.gender_preference])
    genders = ("", *(g for g in stated if g))
    topic_scale = [_inverse(n_goals.astype(np.float64)), np.ones(len(volunteers), np.float32)]
    topic_unknown = [np.where(n_goals == 0, scoring.unknown_score, 0.0).astype(np.float32),
                     np.zeros(len(volunteers), np.float32)]
    sides = [
        Side(pool=pool, **_personal(pool, scoring, genders, organisation), levels=levels[k],
             speaks=np.stack([bitsets(levels[k] >= t)
                              for t in range(scoring.min_language_level, NATIVE + 1)]),
             tongues=tongues[k], tongue_bits=bitsets(tongues[k]), interests=held[k],
             interest_weights=(held[k] * quantised if k == 0 else held[k]).astype(dtype),
             interest_scale=_inverse(np.sqrt(held[k] @ quantised)),
             topics=topics[k], topic_bits=bitsets(topics[k]), topic_scale=topic_scale[k],
             topic_unknown=topic_unknown[k])
        for k, pool in enumerate(pools)
    ]
    return Encoded(sides[0], sides[1], scoring, languages, interest_codes, idf, topic_codes,
                   genders, _gender_table(len(genders)))


def _personal(pool: Pool, scoring: Scoring, genders: tuple[str, ...], organisation: np.ndarray
              ) -> dict[str, np.ndarray]:
    """Return the `Side` fields that depend on each person alone."""
    return {
        "radians": np.radians(np.column_stack([pool.latitude, pool.longitude])),
        "half_unit": _half_unit_vectors(pool.latitude, pool.longitude),
        "reach": np.sin(np.minimum(pool.max_distance_km / (2 * EARTH_RADIUS_KM), np.pi / 2)
                        ).astype(np.float32),
        "slots": pool.availability.astype(np.uint32),
        "slot_scale": _inverse(np.bitwise_count(pool.availability).astype(np.float64)),
        "slot_unknown": np.where(pool.availability == 0, scoring.unknown_score, 0.0
                                 ).astype(np.float32),
        "birth_year": pool.birth_year.astype(np.float32),
        "gender_key": _gender_keys(pool, genders),
        "weights": personal_weights(pool.priorities, organisation,
                                    priority_factor=scoring.priority_factor
                                    ).T.astype(np.float32, order="C"),
    }


def bitsets(flags: np.ndarray) -> np.ndarray:
    """Pack an (n, V) bool matrix into bit sets of shape (W, n).

    One uint32 word per person when V <= 32, else ceil(V / 64) uint64 words.
    Both sides of a comparison are packed the same way, so bitwise AND and
    popcount count shared members whatever the byte order.
    """
    n, v = flags.shape
    word = np.uint32 if v <= 32 else np.uint64
    n_bytes = 4 if v <= 32 else 8 * -(-v // 64)
    packed = np.zeros((n, n_bytes), dtype=np.uint8)
    packed[:, :-(-v // 8)] = np.packbits(flags, axis=1, bitorder="little")
    return np.ascontiguousarray(packed.view(word).T)


def _union(vocabularies: Iterable[Iterable[str]]) -> tuple[str, ...]:
    return tuple(sorted(set().union(*vocabularies)))


def _beginner_tongues(levels: np.ndarray, languages: tuple[str, ...]) -> np.ndarray:
    """Return the mother tongues (level 4) of newcomers whose Swedish is below conversational."""
    sv = levels[:, languages.index("sv")] if "sv" in languages else np.zeros(len(levels))
    return (levels == NATIVE) & (sv < CONVERSATIONAL)[:, None]


def _aligned(matrix: np.ndarray, codes: tuple[str, ...], union: tuple[str, ...]) -> np.ndarray:
    """Return ``matrix``'s columns placed on the ``union`` vocabulary (zeros elsewhere)."""
    out = np.zeros((matrix.shape[0], len(union)), dtype=matrix.dtype)
    out[:, [union.index(code) for code in codes]] = matrix
    return out


def _quantised_idf(held: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Return scikit-learn's smoothed idf over both pools and idf**2 on an integer grid.

    The grid (a power of two, at most 2**16) is the finest on which any
    person's sum of idf**2 stays an exact float32 integer; rounding moves a
    weight by well under one part in a thousand. Should a vocabulary be so
    large that the float32 grid gets coarse, a finer one is used and the
    products run in float64.
    """
    stacked = np.vstack(held).astype(np.float64)
    if stacked.shape[1] == 0 or stacked.shape[0] == 0:
        return np.zeros(stacked.shape[1]), np.zeros(stacked.shape[1])
    idf = TfidfTransformer(smooth_idf=True).fit(stacked).idf_
    squared = idf**2
    worst = max(float((stacked @ squared).max(initial=0.0)), 1.0)
    step = min(2.0 ** np.floor(np.log2((_FLOAT32_EXACT - 1) / worst)), 2.0**16)
    if step < 2.0**10:
        step = 2.0**20
    return idf, np.maximum(np.round(squared * step), 1.0)


def _half_unit_vectors(latitude: np.ndarray, longitude: np.ndarray) -> np.ndarray:
    """Return points on a sphere of radius 1/2, shape (3, n): their distance is half the
    unit chord. One row per axis, since gathering narrow rows is slow in numpy."""
    lat, lon = np.radians(latitude), np.radians(longitude)
    xyz = np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
    return (xyz / 2).astype(np.float32)


def _inverse(values: np.ndarray) -> np.ndarray:
    """Return 1 / values as float32, with 0 where values is 0."""
    return np.divide(1.0, values, out=np.zeros(len(values)), where=values > 0).astype(np.float32)


def _gender_keys(pool: Pool, genders: tuple[str, ...]) -> np.ndarray:
    """Code gender and preference as ``gender * K + preference`` (0 = not stated / none)."""
    code = {g: k for k, g in enumerate(genders)}
    gender = np.array([code[g] for g in pool.gender], dtype=np.int64)
    preference = np.array([code[g] for g in pool.gender_preference], dtype=np.int64)
    return gender * len(genders) + preference


def _gender_table(k: int) -> np.ndarray:
    """Return ok[key_a, key_b]: neither side's preference excludes the other's gender."""
    gender, preference = np.divmod(np.arange(k * k), k)
    # Code 0 is the empty string: "no preference", and a gender no preference accepts.
    wants = (preference[:, None] == 0) | (preference[:, None] == gender[None, :])
    return wants & wants.T
