"""The maximum-total mode: the assignment with the largest sum of pair scores.

Offered beside the stable step for comparison: it usually matches more
newcomers, at the price of blocking pairs (pairs who would both rather be
together), which `matcher.stable.blocking_pairs` counts.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linear_sum_assignment
from scipy.sparse.csgraph import connected_components, min_weight_full_bipartite_matching

from .market import Matrix, checked_capacities, read_market


def max_total_assignment(pair_score: Matrix, capacity: np.ndarray) -> np.ndarray:
    """Return an assignment of largest total pair score within the capacities.

    Capacities become columns: volunteer j is replicated into as many seats
    as it can fill (its capacity, at most the number of newcomers who accept
    it). Every newcomer also gets an "unmatched" option worth 0, so leaving a
    newcomer unmatched is allowed and the optimum is the maximum-weight
    matching, not a maximum-cardinality one; pairs with a negative score are
    never chosen.

    * Dense input: `scipy.optimize.linear_sum_assignment` on the dense cost
      matrix newcomers × (seats + unmatched options), unacceptable pairs
      forbidden (infinite cost).
    * CSR input: `scipy.sparse.csgraph.min_weight_full_bipartite_matching`
      (sparse Jonker-Volgenant) on the candidate graph, each newcomer with a
      private unmatched option, solved separately on each connected component
      of the graph (towns far apart share no candidate). At national scale
      the dense matrix would have 10**10 entries; the sparse one has a few per
      candidate pair, the solver is exact on it, and the components make it
      several times faster than one solve of the whole graph. Weights are
      shifted by a constant so none is zero (the solver requires it); every
      newcomer is matched to a seat or to its option, so the shift adds the
      same amount to every solution.

    Parameters
    ----------
    pair_score : ndarray or csr_array of shape (n, m)
        The score of each pair; dense with NaN or -inf on unacceptable pairs,
        or CSR whose stored entries are the acceptable pairs. Finite.
    capacity : array-like of shape (m,), int
        Seats per volunteer, >= 0.

    Returns
    -------
    ndarray of shape (n,), int64
        The volunteer of each newcomer, -1 for none.
    """
    market = read_market(pair_score, pair_score)
    n, m = market.shape
    cap = checked_capacities(capacity, m)
    if np.isinf(market.proposer).any():
        raise ValueError("pair_score must be finite on acceptable pairs, got inf")
    keep = (market.proposer >= 0) & (cap[market.cols] > 0)
    rows, cols, score = market.rows[keep], market.cols[keep], market.proposer[keep]
    assignment = np.full(n, -1, dtype=np.int64)
    dense = isinstance(pair_score, np.ndarray)
    for part in ([np.arange(len(rows))] if dense else _components(rows, cols, (n, m))):
        people, volunteers = _solve(rows[part], cols[part], score[part], cap,
                                    _dense if dense else _sparse)
        assignment[people] = volunteers
    return assignment


def _components(rows: np.ndarray, cols: np.ndarray, shape: tuple[int, int]
                ) -> list[np.ndarray]:
    """Return the pairs (positions) of each connected component of the bipartite graph."""
    n, m = shape
    graph = sp.csr_array((np.ones(len(rows), dtype=bool), (rows, n + cols)), shape=(n + m, n + m))
    _, label = connected_components(graph, directed=False)
    owner = label[rows]
    order = np.argsort(owner, kind="stable")
    bounds = np.flatnonzero(np.r_[True, owner[order][1:] != owner[order][:-1], True])
    return [order[start:end] for start, end in zip(bounds[:-1], bounds[1:], strict=True)]


def _solve(rows: np.ndarray, cols: np.ndarray, score: np.ndarray, cap: np.ndarray,
           solver: Callable[..., tuple[np.ndarray, np.ndarray]]
           ) -> tuple[np.ndarray, np.ndarray]:
    """Return the matched newcomers and their volunteers among the given pairs."""
    if len(rows) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    people, local_rows = np.unique(rows, return_inverse=True)
    volunteers, local_cols = np.unique(cols, return_inverse=True)
    seats = np.minimum(cap[volunteers], np.bincount(local_cols, minlength=len(volunteers)))
    first_seat = np.concatenate([[0], np.cumsum(seats)])
    row_of, seat_of = solver(local_rows, local_cols, score, seats, first_seat, len(people))
    real = seat_of < first_seat[-1]
    chosen = np.searchsorted(first_seat, seat_of[real], side="right") - 1
    return people[row_of[real]], volunteers[chosen]


def _seat_edges(rows: np.ndarray, cols: np.ndarray, score: np.ndarray, seats: np.ndarray,
                first_seat: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return every pair once per seat of its volunteer: rows, seat columns, scores."""
    copies = seats[cols]
    offset = np.arange(copies.sum()) - np.repeat(np.cumsum(copies) - copies, copies)
    return (np.repeat(rows, copies), np.repeat(first_seat[cols], copies) + offset,
            np.repeat(score, copies))


def _dense(rows: np.ndarray, cols: np.ndarray, score: np.ndarray, seats: np.ndarray,
           first_seat: np.ndarray, a: int) -> tuple[np.ndarray, np.ndarray]:
    """Solve on the dense cost matrix a × (seats + a); the last a columns are 'unmatched'."""
    r, c, w = _seat_edges(rows, cols, score, seats, first_seat)
    cost = np.full((a, int(first_seat[-1]) + a), np.inf)
    cost[:, first_seat[-1]:] = 0.0
    cost[r, c] = -w
    return linear_sum_assignment(cost)


def _sparse(rows: np.ndarray, cols: np.ndarray, score: np.ndarray, seats: np.ndarray,
            first_seat: np.ndarray, a: int) -> tuple[np.ndarray, np.ndarray]:
    """Solve on the sparse graph a × (seats + a); column seats + i is row i's 'unmatched'."""
    r, c, w = _seat_edges(rows, cols, score, seats, first_seat)
    shift = 1.0  # scores are >= 0 here, so every weight is >= 1
    total = int(first_seat[-1])
    graph = sp.csr_array(
        (np.concatenate([w + shift, np.full(a, shift)]),
         (np.concatenate([r, np.arange(a)]), np.concatenate([c, total + np.arange(a)]))),
        shape=(a, total + a))
    return min_weight_full_bipartite_matching(graph, maximize=True)

