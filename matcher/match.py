"""The one entry point the web layer calls: pools, weights and options in, a result out."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping

import numpy as np
import scipy.sparse as sp

from .components import pairs
from .encode import Encoded, Scoring, encode
from .explain import reasons
from .metrics import ranks, totals
from .optimal import max_total_assignment
from .pools import NewcomerPool, VolunteerPool
from .preferences import Preferences, blocked_preferences, dense_preferences
from .result import MatchResult, Proposal
from .scoring import evaluate, exclusion_matrix, utilities
from .stable import deferred_acceptance
from .timing import Clock
from .unmatched import unmatched
from .weights import COMPONENTS, DEFAULT_WEIGHTS

DEFAULT_K = 30
"""Candidates kept per newcomer and per volunteer in the blocked method."""

DENSE_MAX_PAIRS = 4_000_000
"""``method="auto"`` scores every pair densely up to this many active pairs."""


def match(
    newcomers: NewcomerPool,
    volunteers: VolunteerPool,
    *,
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
    mode: str = "stable",
    method: str = "auto",
    k: int | None = DEFAULT_K,
    excluded: Iterable[tuple[int, int]] = (),
    compare: bool = False,
    scoring: Scoring | None = None,
    max_reasons: int = 4,
    threads: int = 1,
    clock: Clock | None = None,
) -> MatchResult:
    """Propose volunteers to newcomers, with reasons, and say why the rest got none.

    Parameters
    ----------
    newcomers : NewcomerPool of n people
    volunteers : VolunteerPool of m people
        ``capacity`` is the number of seats still free.
    weights : mapping of str to float
        The organisation's default weight of each component in `COMPONENTS`;
        each person's "what matters most" multiplies theirs (see `Scoring`).
    mode : {"stable", "optimal"}
        "stable": newcomer-proposing deferred acceptance (newcomer-optimal and
        strategy-proof for newcomers). "optimal": the assignment with the
        largest total pair score, which may leave blocking pairs.
    method : {"auto", "dense", "blocked"}
        "dense" scores all n×m pairs; "blocked" scores only pairs within reach
        and keeps each side's ``k`` best; "auto" picks dense up to
        `DENSE_MAX_PAIRS` active pairs. Both give the same result when ``k``
        covers every list.
    k : int or None
        Candidates kept per newcomer and per volunteer (blocked); None keeps all.
    excluded : iterable of (newcomer_id, volunteer_id)
        Pairs never to propose, such as those rejected before.
    compare : bool
        Also compute the other assignment's totals (both are always computed
        with ``mode="optimal"``), for coordinators to weigh stability against
        coverage. In the blocked method both are computed on the candidate lists.
    scoring : Scoring, optional
        How components and constraints are computed (minimum language level, ...).
    max_reasons : int
        Components explained per proposal, at most.
    threads : int
        Blocks scored at once in the blocked method.
    clock : Clock, optional
        Times the stages; `MatchResult.timings` holds its seconds.

    Returns
    -------
    MatchResult
    """
    if mode not in ("stable", "optimal"):
        raise ValueError(f"mode must be 'stable' or 'optimal', got {mode!r}")
    if method not in ("auto", "dense", "blocked"):
        raise ValueError(f"method must be 'auto', 'dense' or 'blocked', got {method!r}")
    if max_reasons < 0:
        raise ValueError(f"max_reasons must be >= 0, got {max_reasons}")
    clock = clock or Clock()
    start = time.perf_counter()
    with clock.stage("encode"):
        enc = encode(newcomers, volunteers, weights=weights, scoring=scoring or Scoring())
        forbidden = exclusion_matrix(newcomers, volunteers, excluded)
    if method == "auto":
        active = int(newcomers.active.sum()) * int(volunteers.active.sum())
        method = "dense" if active <= DENSE_MAX_PAIRS else "blocked"
    prefs = (dense_preferences(enc, excluded=forbidden, clock=clock) if method == "dense" else
             blocked_preferences(enc, excluded=forbidden, k=k, threads=threads, clock=clock))
    assignments = _assign(prefs, volunteers.capacity, mode, compare, clock)
    with clock.stage("explain"):
        chosen = assignments[mode]
        proposals = _proposals(enc, prefs, chosen, forbidden, max_reasons)
        left_out = sorted(unmatched(enc, chosen, prefs.acceptable, forbidden),
                          key=lambda u: u.newcomer_id)
    with clock.stage("totals"):
        summary = {name: totals(a, prefs.newcomer, prefs.volunteer, volunteers.capacity,
                                count_blocking=name == "optimal" or compare)
                   for name, a in assignments.items()}
    timings = {**clock.seconds, "total": time.perf_counter() - start}
    return MatchResult(mode, method, tuple(proposals), tuple(left_out), summary["stable"],
                       summary.get("optimal"), timings, _counts(prefs))


def _assign(prefs: Preferences, capacity: np.ndarray, mode: str, compare: bool,
            clock: Clock) -> dict[str, np.ndarray]:
    """Return the stable assignment, and the maximum-total one when asked for."""
    out = {}
    with clock.stage("stable"):
        out["stable"] = deferred_acceptance(prefs.newcomer, prefs.volunteer, capacity)
    if mode == "optimal" or compare:
        with clock.stage("optimal"):
            out["optimal"] = max_total_assignment(prefs.pair_score, capacity)
    return out


def _proposals(enc: Encoded, prefs: Preferences, assignment: np.ndarray,
               excluded: sp.csr_array, max_reasons: int) -> list[Proposal]:
    """Return the proposed pairs, by newcomer id, with both utilities, components, reasons."""
    rows = np.flatnonzero(assignment >= 0)
    rows = rows[np.argsort(enc.newcomers.pool.ids[rows], kind="stable")]
    cols = assignment[rows]
    chosen = pairs(enc, rows, cols, paired=True)
    ev = evaluate(chosen, excluded=excluded)
    newcomer, volunteer = utilities(chosen, ev.components)
    why = reasons(enc, rows, cols, ev.components, ev.km, max_reasons=max_reasons)
    rank = ranks(prefs.newcomer, assignment)[rows].tolist()
    ids = (enc.newcomers.pool.ids[rows].tolist(), enc.volunteers.pool.ids[cols].tolist())
    scores = ((newcomer + volunteer) / 2).tolist()
    parts = ev.components.T.tolist()
    return [
        Proposal(ids[0][p], ids[1][p], scores[p], float(newcomer[p]), float(volunteer[p]),
                 dict(zip(COMPONENTS, parts[p], strict=True)), why[p], rank[p])
        for p in range(len(rows))
    ]


def _counts(prefs: Preferences) -> dict[str, int]:
    candidates = (int(np.isfinite(prefs.newcomer).sum()) if isinstance(prefs.newcomer, np.ndarray)
                  else int(prefs.newcomer.nnz))
    return {"evaluated": prefs.evaluated, "candidates": candidates,
            "acceptable": int(prefs.acceptable.sum())}
