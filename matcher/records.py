"""One person as the web layer knows them: the input of `NewcomerPool.from_records`."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

NONE, BASIC, CONVERSATIONAL, FLUENT, NATIVE = range(5)
"""Language levels; NATIVE marks a mother tongue."""

DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_PARTS: tuple[str, ...] = ("morning", "afternoon", "evening")
AVAILABILITY_SLOTS = len(DAYS) * len(DAY_PARTS)
"""Weekly availability is a 21-bit mask: bit ``day * 3 + part``, Monday morning = bit 0."""


def availability_mask(slots: Collection[tuple[int, int]]) -> int:
    """Return the availability mask of ``(day, part)`` slots, day 0 = Monday, part 0 = morning."""
    mask = 0
    for day, part in slots:
        if not (0 <= day < len(DAYS) and 0 <= part < len(DAY_PARTS)):
            raise ValueError(f"a slot must be (day 0-6, part 0-2), got {(day, part)}")
        mask |= 1 << (day * len(DAY_PARTS) + part)
    return mask


def availability_slots(mask: int) -> list[tuple[int, int]]:
    """Return the ``(day, part)`` slots set in an availability mask, in week order."""
    if not 0 <= mask < 1 << AVAILABILITY_SLOTS:
        raise ValueError(f"an availability mask must lie in [0, {1 << AVAILABILITY_SLOTS}), got {mask}")
    return [(day, part) for day in range(len(DAYS)) for part in range(len(DAY_PARTS))
            if mask >> (day * len(DAY_PARTS) + part) & 1]


@dataclass(frozen=True, kw_only=True)
class PersonRecord:
    """What newcomers and volunteers both tell us.

    Attributes
    ----------
    id : int
        The database primary key.
    languages : mapping of str to int
        Babel locale key (``"sv"``, ``"ar"``, ``"fa_AF"``, ...) to level 0-4;
        a newcomer's Swedish goes under ``"sv"``.
    latitude, longitude : float
        Home place, degrees.
    max_distance_km : float
        How far this person will travel to meet; > 0.
    birth_year : int
    interests : collection of str
        Interest codes (``"football"``, ``"cooking"``).
    availability : int
        Weekly 21-bit mask, see `availability_mask`; 0 when not given.
    gender, gender_preference : str or None
        A preference makes everyone of another (or an unstated) gender unacceptable.
    priorities : collection of str
        Component names the person picked as "what matters most to me".
    active : bool
        Only active people are matched.
    """

    id: int
    languages: Mapping[str, int]
    latitude: float
    longitude: float
    max_distance_km: float
    birth_year: int
    interests: Collection[str] = frozenset()
    availability: int = 0
    gender: str | None = None
    gender_preference: str | None = None
    priorities: Collection[str] = frozenset()
    active: bool = True


@dataclass(frozen=True, kw_only=True)
class NewcomerRecord(PersonRecord):
    """A newcomer; ``goals`` are goal codes (``"swedish"``, ``"social"``, ``"work_study"``, ...)."""

    goals: Collection[str] = field(default=frozenset())


@dataclass(frozen=True, kw_only=True)
class VolunteerRecord(PersonRecord):
    """A volunteer; ``help`` are the goal codes offered, ``capacity`` the seats still free."""

    help: Collection[str] = field(default=frozenset())
    capacity: int = 1
