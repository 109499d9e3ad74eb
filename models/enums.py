"""The fixed vocabularies of states and levels, shared by the database and the forms."""

from __future__ import annotations

import enum


class PersonStatus(enum.StrEnum):
    """Where a volunteer or newcomer stands."""

    PENDING = "pending"  # signed up, e-mail not confirmed or not yet checked by staff
    ACTIVE = "active"  # can be matched
    PAUSED = "paused"  # asked for a break; kept, not matched
    MATCHED = "matched"  # has as many open matches as they can take
    WITHDRAWN = "withdrawn"  # left; kept only until retention ends


class SwedishLevel(enum.StrEnum):
    """A newcomer's Swedish, in the steps of SFI (Swedish for immigrants)."""

    NONE = "none"
    SFI_A = "sfi_a"
    SFI_B = "sfi_b"
    SFI_C = "sfi_c"
    SFI_D = "sfi_d"
    FLUENT = "fluent"


class LanguageLevel(enum.IntEnum):
    """How well someone speaks a language; the matcher compares these numbers."""

    BASIC = 1
    CONVERSATIONAL = 2
    FLUENT = 3
    NATIVE = 4


# The matcher reads a newcomer's Swedish as one more language level.
SWEDISH_LEVEL_AS_LANGUAGE_LEVEL = {
    SwedishLevel.NONE: 0,
    SwedishLevel.SFI_A: 1,
    SwedishLevel.SFI_B: 1,
    SwedishLevel.SFI_C: 2,
    SwedishLevel.SFI_D: 2,
    SwedishLevel.FLUENT: 3,
}


class Gender(enum.StrEnum):
    """A person's gender, as they state it; not stating it is allowed (NULL)."""

    FEMALE = "female"
    MALE = "male"
    OTHER = "other"


class MatchStatus(enum.StrEnum):
    """The life of a proposed pair."""

    PROPOSED = "proposed"
    APPROVED = "approved"
    INTRODUCED = "introduced"
    ACTIVE = "active"
    ENDED = "ended"
    REJECTED = "rejected"


OPEN_MATCH_STATUSES = (MatchStatus.APPROVED, MatchStatus.INTRODUCED, MatchStatus.ACTIVE)


class RunStatus(enum.StrEnum):
    """The state of a matching run."""

    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"


class Role(enum.StrEnum):
    """What a staff account may do."""

    COORDINATOR = "coordinator"
    ADMIN = "admin"


class ErasurePolicy(enum.StrEnum):
    """What happens to a person's data when retention ends."""

    ERASE = "erase"  # an NGO deletes
    DISPOSAL_DECISION = "disposal_decision"  # a municipality under archive law decides on disposal


# Components of a match score; a person may mark some as "what matters most to me".
MATCH_COMPONENTS = ("language", "interests", "location", "availability", "goals", "age")

# Weekly availability is a 21-bit mask: bit = day * 3 + part (Monday = 0, morning = 0).
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_PARTS = ("morning", "afternoon", "evening")
AVAILABILITY_BITS = len(DAYS) * len(DAY_PARTS)


def availability_bit(day: int, part: int) -> int:
    """Return the mask bit of one weekly slot."""
    return 1 << (day * len(DAY_PARTS) + part)
