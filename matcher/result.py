"""What a matching run returns: proposals with reasons, the unmatched and why, totals.

Everything is plain data (codes, numbers, tuples) that the web layer turns into
words with gettext: a `Reason` of kind ``shared_interests`` with values
``("football", "cooking")`` becomes "Both like football and cooking".
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass


class ReasonKind(enum.StrEnum):
    """Why a pair was proposed; each kind names the `Reason` fields it fills."""

    SHARED_LANGUAGE = "shared_language"  # values: languages both speak usably, best first
    MOTHER_TONGUE = "mother_tongue"  # values: (the newcomer's mother tongue the volunteer speaks,)
    SHARED_INTERESTS = "shared_interests"  # values: shared interest codes, rarest first
    DISTANCE = "distance"  # km: whole km apart (0 = under 1 km)
    SHARED_AVAILABILITY = "shared_availability"  # values: slot names, see `slot_names`
    GOALS_COVERED = "goals_covered"  # values: the newcomer's goals the volunteer helps with
    CLOSE_IN_AGE = "close_in_age"  # years: difference in birth year


class UnmatchedReason(enum.StrEnum):
    """Why a newcomer got no proposal."""

    INACTIVE = "inactive"  # the newcomer is not active
    NO_ACCEPTABLE_VOLUNTEER = "no_acceptable_volunteer"  # see `Obstacle` for which constraint
    ALL_ACCEPTABLE_VOLUNTEERS_FULL = "all_acceptable_volunteers_full"


class Obstacle(enum.StrEnum):
    """The first hard constraint that leaves a newcomer without any acceptable volunteer."""

    TOO_FAR = "too_far"  # no volunteer within both sides' travel distances
    NO_SHARED_LANGUAGE = "no_shared_language"  # none of those within reach shares a language
    GENDER_PREFERENCE = "gender_preference"  # a gender preference rules out the rest
    EXCLUDED_OR_INACTIVE = "excluded_or_inactive"  # the rest were rejected before or paused


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason, as data; ``component`` is the score component it explains."""

    kind: ReasonKind
    component: str
    values: tuple[str, ...] = ()
    km: int | None = None
    years: int | None = None


@dataclass(frozen=True, slots=True)
class Proposal:
    """A proposed pair.

    Attributes
    ----------
    newcomer_id, volunteer_id : int
    score : float
        The pair score: the mean of both utilities, in [0, 1].
    newcomer_utility, volunteer_utility : float
        How much each wants the other, in [0, 1].
    components : mapping of str to float
        Every component's score in [0, 1], by name.
    reasons : tuple of Reason
        The top reasons, most important first.
    rank : int
        Where the volunteer stands in the newcomer's list, 1 = first choice.
    """

    newcomer_id: int
    volunteer_id: int
    score: float
    newcomer_utility: float
    volunteer_utility: float
    components: Mapping[str, float]
    reasons: tuple[Reason, ...]
    rank: int


@dataclass(frozen=True, slots=True)
class Unmatched:
    """A newcomer without a proposal, and why.

    ``obstacle`` is set for `UnmatchedReason.NO_ACCEPTABLE_VOLUNTEER`;
    ``acceptable`` counts the volunteers the newcomer could have been matched with.
    """

    newcomer_id: int
    reason: UnmatchedReason
    obstacle: Obstacle | None = None
    acceptable: int = 0


@dataclass(frozen=True, slots=True)
class Totals:
    """How good one assignment is.

    Attributes
    ----------
    matched : int
        Newcomers with a volunteer.
    total_score : float
        Sum of the matched pairs' scores.
    mean_rank : float
        Mean rank of each matched newcomer's volunteer in the newcomer's list
        (1 = first choice); NaN when nobody is matched.
    blocking_pairs : int or None
        Pairs who would both rather be together than with what they got; 0
        for a stable assignment. None when not computed.
    """

    matched: int
    total_score: float
    mean_rank: float
    blocking_pairs: int | None


@dataclass(frozen=True, slots=True)
class MatchResult:
    """The answer of `matcher.match`.

    Attributes
    ----------
    mode : {"stable", "optimal"}
        Which assignment ``proposals`` follow.
    method : {"dense", "blocked"}
        How the preference lists were built.
    proposals : tuple of Proposal
        Sorted by newcomer id.
    unmatched : tuple of Unmatched
        Sorted by newcomer id.
    stable : Totals
        The stable (newcomer-proposing deferred acceptance) assignment.
    optimal : Totals or None
        The maximum-total-score assignment, when computed (``mode="optimal"``
        or ``compare=True``).
    timings : mapping of str to float
        Wall seconds per stage.
    counts : mapping of str to int
        ``evaluated`` pairs scored, ``candidates`` pairs in the preference
        lists, ``acceptable`` acceptable pairs before any truncation.
    """

    mode: str
    method: str
    proposals: tuple[Proposal, ...]
    unmatched: tuple[Unmatched, ...]
    stable: Totals
    optimal: Totals | None
    timings: Mapping[str, float]
    counts: Mapping[str, int]

    @property
    def assignments(self) -> tuple[tuple[int, int], ...]:
        """Return the proposed pairs as (newcomer_id, volunteer_id)."""
        return tuple((p.newcomer_id, p.volunteer_id) for p in self.proposals)
