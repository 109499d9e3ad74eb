"""Kompis matcher: pair newcomers with volunteers, stably, with reasons.

A pure library (numpy, scipy, scikit-learn). Build two pools, call `match`:

>>> result = match(newcomers, volunteers, weights=DEFAULT_WEIGHTS)  # doctest: +SKIP
>>> result.proposals[0].reasons  # doctest: +SKIP
(Reason(kind='shared_language', component='language', values=('ar', 'sv')), ...)
"""

from .candidates import best_volunteers
from .encode import Scoring
from .explain import slot_names
from .match import DEFAULT_K, DENSE_MAX_PAIRS, match
from .optimal import max_total_assignment
from .pools import NewcomerPool, VolunteerPool
from .records import NewcomerRecord, VolunteerRecord, availability_mask, availability_slots
from .result import (
    MatchResult,
    Obstacle,
    Proposal,
    Reason,
    ReasonKind,
    Totals,
    Unmatched,
    UnmatchedReason,
)
from .stable import blocking_pairs, deferred_acceptance
from .timing import Clock
from .weights import COMPONENTS, DEFAULT_WEIGHTS

__all__ = [
    "COMPONENTS",
    "Clock",
    "DEFAULT_K",
    "DEFAULT_WEIGHTS",
    "DENSE_MAX_PAIRS",
    "MatchResult",
    "NewcomerPool",
    "NewcomerRecord",
    "Obstacle",
    "Proposal",
    "Reason",
    "ReasonKind",
    "Scoring",
    "Totals",
    "Unmatched",
    "UnmatchedReason",
    "VolunteerPool",
    "VolunteerRecord",
    "availability_mask",
    "availability_slots",
    "best_volunteers",
    "blocking_pairs",
    "deferred_acceptance",
    "match",
    "max_total_assignment",
    "slot_names",
]
