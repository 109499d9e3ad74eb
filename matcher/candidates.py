"""The best acceptable volunteers for one newcomer: manual matching beside the runs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from .components import pairs
from .encode import Scoring, encode
from .explain import reasons
from .pools import NewcomerPool, VolunteerPool
from .result import Obstacle, Proposal
from .scoring import evaluate, exclusion_matrix, utilities
from .unmatched import obstacles
from .weights import COMPONENTS, DEFAULT_WEIGHTS


def best_volunteers(
    newcomer: NewcomerPool,
    volunteers: VolunteerPool,
    *,
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
    excluded: Iterable[tuple[int, int]] = (),
    limit: int = 10,
    scoring: Scoring | None = None,
    max_reasons: int = 4,
) -> tuple[tuple[Proposal, ...], Obstacle | None]:
    """Rank the acceptable volunteers with a free seat for one newcomer.

    Parameters
    ----------
    newcomer : NewcomerPool of exactly one person
    volunteers : VolunteerPool of m people
        Volunteers whose ``capacity`` (seats still free) is 0 are left out.
    weights, excluded, scoring, max_reasons
        As in `matcher.match`.
    limit : int
        Volunteers returned, at most.

    Returns
    -------
    proposals : tuple of Proposal
        Best pair score first (ties: lower volunteer index); ``rank`` is the
        position in this list, 1 = best.
    obstacle : Obstacle or None
        When nobody is acceptable, the first hard constraint that rules everyone out.
    """
    if len(newcomer) != 1:
        raise ValueError(f"newcomer must be a pool of exactly one person, got {len(newcomer)}")
    if limit < 1:
        raise ValueError(f"limit must be >= 1, got {limit}")
    enc = encode(newcomer, volunteers, weights=weights, scoring=scoring or Scoring())
    forbidden = exclusion_matrix(newcomer, volunteers, excluded)
    ev = evaluate(pairs(enc, np.array([0])), excluded=forbidden)
    free = volunteers.capacity > 0
    ok = ev.acceptable[0] & free
    if not ok.any():
        if not newcomer.active[0]:
            return (), Obstacle.EXCLUDED_OR_INACTIVE
        found = obstacles(enc, np.array([0]), forbidden)[0]
        # Everyone acceptable may simply be full: that is no constraint of the pair.
        return (), (found if not ev.acceptable[0].any() else Obstacle.EXCLUDED_OR_INACTIVE)
    newcomer_utility, volunteer_utility = utilities(pairs(enc, np.array([0])), ev.components)
    score = (newcomer_utility[0] + volunteer_utility[0]) / 2
    cols = np.flatnonzero(ok)
    cols = cols[np.argsort(-score[cols], kind="stable")][:limit]
    rows = np.zeros(len(cols), dtype=np.intp)
    chosen = ev.components[:, 0, cols]
    why = reasons(enc, rows, cols, chosen, ev.km[0, cols], max_reasons=max_reasons)
    ids = volunteers.ids[cols].tolist()
    return tuple(
        Proposal(int(newcomer.ids[0]), ids[p], float(score[c]), float(newcomer_utility[0, c]),
                 float(volunteer_utility[0, c]), dict(zip(COMPONENTS, chosen[:, p].tolist(), strict=True)),
                 why[p], p + 1)
        for p, c in enumerate(cols.tolist())
    ), None
