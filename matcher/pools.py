"""The two pools as arrays: what the matcher takes in."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Any, Self

import numpy as np

from .records import AVAILABILITY_SLOTS, NATIVE, NewcomerRecord, PersonRecord, VolunteerRecord
from .weights import COMPONENTS

# Column dtypes: every array is copied into these and made read-only, so a pool
# never changes under the matcher and never changes the caller's arrays.
_DTYPES: dict[str, Any] = {
    "ids": np.int64,
    "language_levels": np.uint8,
    "interests": bool,
    "latitude": np.float64,
    "longitude": np.float64,
    "max_distance_km": np.float64,
    "birth_year": np.int64,
    "availability": np.int64,
    "gender": np.str_,
    "gender_preference": np.str_,
    "priorities": bool,
    "active": bool,
    "goals": bool,
    "help": bool,
    "capacity": np.int64,
}
_VOCABULARIES = {
    "language_levels": "language_codes",
    "interests": "interest_codes",
    "goals": "goal_codes",
    "help": "help_codes",
}


@dataclass(frozen=True, kw_only=True, eq=False)
class Pool:
    """People of one side as arrays, one row per person.

    Attributes
    ----------
    ids : ndarray of shape (n,), int64
        Database primary keys, unique.
    language_codes : tuple of str, length L
    language_levels : ndarray of shape (n, L), uint8
        Level 0-4 of each language in ``language_codes``.
    interest_codes : tuple of str, length V
    interests : ndarray of shape (n, V), bool
    latitude, longitude : ndarray of shape (n,), float64
        Degrees.
    max_distance_km : ndarray of shape (n,), float64
        > 0.
    birth_year : ndarray of shape (n,), int64
    availability : ndarray of shape (n,), int64
        21-bit weekly masks (see `matcher.records.availability_mask`).
    gender, gender_preference : ndarray of shape (n,), str
        The empty string means not stated / no preference.
    priorities : ndarray of shape (n, 6), bool
        "What matters most", columns in `matcher.COMPONENTS` order.
    active : ndarray of shape (n,), bool
    """

    ids: np.ndarray
    language_codes: tuple[str, ...]
    language_levels: np.ndarray
    interest_codes: tuple[str, ...]
    interests: np.ndarray
    latitude: np.ndarray
    longitude: np.ndarray
    max_distance_km: np.ndarray
    birth_year: np.ndarray
    availability: np.ndarray
    gender: np.ndarray
    gender_preference: np.ndarray
    priorities: np.ndarray
    active: np.ndarray

    def __post_init__(self) -> None:
        n = len(np.asarray(self.ids))
        for spec in fields(self):
            value = getattr(self, spec.name)
            if spec.name in _DTYPES:
                value = np.array(value, dtype=_DTYPES[spec.name])
                value.flags.writeable = False
            else:
                value = tuple(str(code) for code in value)
            object.__setattr__(self, spec.name, value)
        for name, vocabulary in _VOCABULARIES.items():
            if hasattr(self, name):
                _check_shape(self, name, (n, len(getattr(self, vocabulary))))
        for name in ("latitude", "longitude", "max_distance_km", "birth_year", "availability",
                     "gender", "gender_preference", "active", "capacity"):
            if hasattr(self, name):
                _check_shape(self, name, (n,))
        _check_shape(self, "priorities", (n, len(COMPONENTS)))
        _check_values(self)

    def __len__(self) -> int:
        return len(self.ids)

    @staticmethod
    def _columns(records: Sequence[PersonRecord]) -> dict[str, Any]:
        """Return the shared columns of a pool built from records."""
        languages = sorted({code for r in records for code in r.languages})
        levels = np.zeros((len(records), len(languages)), dtype=np.int64)
        column = {code: k for k, code in enumerate(languages)}
        for row, record in enumerate(records):
            for code, level in record.languages.items():
                levels[row, column[code]] = level
        interest_codes, interests = _multi_hot([r.interests for r in records])
        return {
            "ids": [r.id for r in records],
            "language_codes": tuple(languages),
            "language_levels": _checked_levels(levels),
            "interest_codes": interest_codes,
            "interests": interests,
            "latitude": [r.latitude for r in records],
            "longitude": [r.longitude for r in records],
            "max_distance_km": [r.max_distance_km for r in records],
            "birth_year": [r.birth_year for r in records],
            "availability": [r.availability for r in records],
            "gender": [r.gender or "" for r in records],
            "gender_preference": [r.gender_preference or "" for r in records],
            "priorities": _multi_hot([r.priorities for r in records], COMPONENTS)[1],
            "active": [r.active for r in records],
        }


@dataclass(frozen=True, kw_only=True, eq=False)
class NewcomerPool(Pool):
    """Newcomers as arrays; adds ``goal_codes`` and ``goals`` of shape (n, G), bool."""

    goal_codes: tuple[str, ...]
    goals: np.ndarray

    @classmethod
    def from_records(cls, records: Iterable[NewcomerRecord]) -> Self:
        """Build the pool from one record per newcomer."""
        rows = list(records)
        goal_codes, goals = _multi_hot([r.goals for r in rows])
        return cls(**cls._columns(rows), goal_codes=goal_codes, goals=goals)


@dataclass(frozen=True, kw_only=True, eq=False)
class VolunteerPool(Pool):
    """Volunteers as arrays; adds ``help_codes``, ``help`` (m, H) bool and ``capacity`` (m,)."""

    help_codes: tuple[str, ...]
    help: np.ndarray
    capacity: np.ndarray

    @classmethod
    def from_records(cls, records: Iterable[VolunteerRecord]) -> Self:
        """Build the pool from one record per volunteer."""
        rows = list(records)
        help_codes, help_matrix = _multi_hot([r.help for r in rows])
        return cls(**cls._columns(rows), help_codes=help_codes, help=help_matrix,
                   capacity=np.array([r.capacity for r in rows], dtype=np.int64))


def _multi_hot(
    sets: Sequence[Collection[str]], vocabulary: Sequence[str] | None = None
) -> tuple[tuple[str, ...], np.ndarray]:
    """Return a vocabulary (sorted unless given) and the (n, len) bool matrix of ``sets``."""
    codes = tuple(vocabulary) if vocabulary is not None else tuple(sorted(set().union(*sets)))
    column = {code: k for k, code in enumerate(codes)}
    matrix = np.zeros((len(sets), len(codes)), dtype=bool)
    for row, items in enumerate(sets):
        for code in items:
            if code not in column:
                raise ValueError(f"expected one of {', '.join(codes)}, got {code!r}")
            matrix[row, column[code]] = True
    return codes, matrix


def _checked_levels(levels: np.ndarray) -> np.ndarray:
    if levels.size and (levels.min() < 0 or levels.max() > NATIVE):
        raise ValueError(f"language levels must lie in 0-{NATIVE}, got {levels.min()}-"
                         f"{levels.max()}")
    return levels


def _check_shape(pool: Pool, name: str, shape: tuple[int, ...]) -> None:
    got = getattr(pool, name).shape
    if got != shape:
        raise ValueError(f"{type(pool).__name__}.{name} must have shape {shape} "
                         f"(one row per id), got {got}")


def _check_values(pool: Pool) -> None:
    """Fail fast on values the matcher cannot use."""
    name = type(pool).__name__
    if len(np.unique(pool.ids)) != len(pool.ids):
        raise ValueError(f"{name}.ids must be unique")
    _checked_levels(pool.language_levels)
    if not (np.all(np.abs(pool.latitude) <= 90) and np.all(np.abs(pool.longitude) <= 180)):
        raise ValueError(f"{name} coordinates must be degrees, latitude within ±90 and "
                         f"longitude within ±180")
    if not np.all(pool.max_distance_km > 0):
        raise ValueError(f"{name}.max_distance_km must be > 0, got "
                         f"{pool.max_distance_km.min() if len(pool) else None}")
    if np.any((pool.availability < 0) | (pool.availability >= 1 << AVAILABILITY_SLOTS)):
        raise ValueError(f"{name}.availability must be {AVAILABILITY_SLOTS}-bit masks "
                         f"in [0, {1 << AVAILABILITY_SLOTS})")
    capacity = getattr(pool, "capacity", None)
    if capacity is not None and np.any(capacity < 0):
        raise ValueError(f"{name}.capacity must be >= 0, got {capacity.min()}")
