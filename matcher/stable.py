"""The stable step: newcomer-proposing deferred acceptance with volunteer capacities.

Gale and Shapley, "College admissions and the stability of marriage" (1962);
with capacities as in Roth, "The evolution of the labor market for medical
interns and residents" (1984). Newcomers propose, volunteers hold the best
offers up to their capacity. The result is the newcomer-optimal stable
matching, and no newcomer gains by misreporting (Dubins and Freedman 1981;
Roth 1982).
"""

from __future__ import annotations

import heapq

import numpy as np

from .market import Market, Matrix, checked_assignment, checked_capacities, read_market

# Free proposers below which the rounds hand over to one proposal at a time:
# a vectorised round costs a fixed ~0.1 ms plus a pass over all proposers.
_TAIL = 48
# Elements per padded block when sorting preference lists.
_SORT_BUDGET = 1 << 22


def deferred_acceptance(proposer_scores: Matrix, receiver_scores: Matrix,
                        capacities: np.ndarray) -> np.ndarray:
    """Return the proposer-optimal stable matching.

    Parameters
    ----------
    proposer_scores : ndarray or csr_array of shape (n, m)
        How much proposer i (newcomer) wants receiver j (volunteer). Dense
        real array where NaN or -inf marks an unacceptable pair, or a CSR
        matrix whose stored entries, explicit zeros included, are the
        acceptable pairs.
    receiver_scores : ndarray or csr_array of shape (n, m)
        How much receiver j wants proposer i, in the same form as
        ``proposer_scores``. A pair is acceptable only when both sides find
        it acceptable.
    capacities : array-like of shape (m,), int
        How many proposers each receiver takes, >= 0.

    Returns
    -------
    ndarray of shape (n,), int64
        The receiver of each proposer, -1 for none.

    Notes
    -----
    Higher scores are preferred; equal scores are broken by the lower index on
    both sides, so preferences are strict and the result is unique and
    deterministic. Neither input is modified.

    Examples
    --------
    >>> import numpy as np
    >>> newcomers = np.array([[0.9, 0.5], [0.8, np.nan]])
    >>> volunteers = np.array([[0.1, 0.7], [0.9, 0.7]])
    >>> deferred_acceptance(newcomers, volunteers, [1, 1]).tolist()
    [1, 0]
    """
    market = read_market(proposer_scores, receiver_scores)
    return propose(market, checked_capacities(capacities, market.shape[1]))


def propose(market: Market, capacities: np.ndarray) -> np.ndarray:
    """Run deferred acceptance on checked input.

    1. Every proposer lists its acceptable receivers, best first (equal
       scores: lower index first).
    2. While some proposer is free and has someone left to propose to, it
       proposes to the best receiver it has not proposed to yet.
    3. A receiver holds the best proposers it has been offered, up to its
       capacity (equal scores: lower index first), and rejects the rest;
       a rejected proposer is free again.

    The outcome does not depend on the order of proposals (McVitie and Wilson
    1970), so step 2 runs in rounds in which every free proposer proposes at
    once, each round one sort of the offers, until only a few proposers are
    free; those finish one proposal at a time with a heap per receiver.

    Parameters
    ----------
    market : Market
        The acceptable pairs, from `matcher.market.read_market`.
    capacities : ndarray of shape (m,), int64, >= 0

    Returns
    -------
    ndarray of shape (n,), int64
        The receiver of each proposer, -1 for none.
    """
    order = preference_order(market)
    state = _State(market, order, capacities)
    free = np.flatnonzero(state.next < state.end)
    while len(free) > _TAIL:
        free = state.round(free)
    state.one_by_one(free)
    return state.assignment


def preference_order(market: Market) -> np.ndarray:
    """Return the pairs of each proposer sorted best first, ties by lower receiver index.

    Rows are sorted side by side in padded blocks of rows of similar length,
    which is several times faster than one global sort on composite keys.

    Parameters
    ----------
    market : Market

    Returns
    -------
    ndarray of shape (p,), int64
        Positions into the market's pairs; proposer i's list is
        ``order[indptr[i]:indptr[i + 1]]``.
    """
    indptr, keys = market.indptr, -market.proposer
    counts = np.diff(indptr)
    order = np.empty(len(keys), dtype=np.int64)
    width_class = np.ceil(np.log2(np.maximum(counts, 1))).astype(np.int64)
    for klass in np.unique(width_class[counts > 1]):
        rows = np.flatnonzero((width_class == klass) & (counts > 1))
        width = int(counts[rows].max())
        step = max(1, _SORT_BUDGET // width)
        for start in range(0, len(rows), step):
            chunk = rows[start:start + step]
            at = indptr[chunk, None] + np.arange(width)
            valid = at < indptr[chunk + 1, None]
            padded = np.where(valid, keys[np.minimum(at, len(keys) - 1)], np.inf)
            # Stable: equal scores keep the row's ascending receiver order,
            # and the padding (+inf, placed last) stays after the real entries.
            sorted_at = np.take_along_axis(at, np.argsort(padded, axis=1, kind="stable"), axis=1)
            order[at[valid]] = sorted_at[valid]
    single = np.flatnonzero(counts == 1)
    order[indptr[single]] = indptr[single]
    return order


class _State:
    """Deferred acceptance in progress: who proposes next to whom, who holds whom."""

    def __init__(self, market: Market, order: np.ndarray, capacities: np.ndarray) -> None:
        n, m = market.shape
        self.receiver = market.cols[order]  # in each proposer's preference order
        self.score = market.receiver[order]  # the receiver's score of that proposer
        self.next = market.indptr[:-1].copy()
        self.end = market.indptr[1:]
        self.capacity = capacities
        self.assignment = np.full(n, -1, dtype=np.int64)
        self.held_score = np.zeros(n)
        # A full receiver rejects offers worse than its worst held (score, proposer).
        self.bar_score = np.where(capacities == 0, np.inf, -np.inf)
        self.bar_index = np.full(m, -1, dtype=np.int64)

    def round(self, free: np.ndarray) -> np.ndarray:
        """Let every free proposer propose once; return the proposers free afterwards."""
        at = self.next[free]
        self.next[free] += 1
        to, score = self.receiver[at], self.score[at]
        beaten = (score < self.bar_score[to]) | ((score == self.bar_score[to])
                                                  & (free > self.bar_index[to]))
        out = [free[beaten]]
        free, to, score = free[~beaten], to[~beaten], score[~beaten]
        touched = np.zeros(len(self.capacity), dtype=bool)
        touched[to] = True
        held = np.flatnonzero(self.assignment >= 0)
        held = held[touched[self.assignment[held]]]
        who = np.concatenate([free, held])
        where = np.concatenate([to, self.assignment[held]])
        value = np.concatenate([score, self.held_score[held]])
        ranked = np.lexsort((who, -value, where))
        where_sorted = where[ranked]
        place = np.arange(len(ranked)) - np.searchsorted(where_sorted, where_sorted)
        keep = place < self.capacity[where_sorted]
        winners, losers = ranked[keep], ranked[~keep]
        self.assignment[who[losers]] = -1
        self.assignment[who[winners]] = where[winners]
        self.held_score[who[winners]] = value[winners]
        self._raise_bars(who[winners], where[winners], value[winners], place[keep])
        out.append(who[losers])
        rejected = np.concatenate(out)
        return rejected[self.next[rejected] < self.end[rejected]]

    def _raise_bars(self, who: np.ndarray, where: np.ndarray, value: np.ndarray,
                    place: np.ndarray) -> None:
        """Record the worst held offer of every receiver that is now full."""
        last = place == self.capacity[where] - 1
        self.bar_score[where[last]] = value[last]
        self.bar_index[where[last]] = who[last]

    def one_by_one(self, free: np.ndarray) -> None:
        """Finish with one proposal at a time, a min-heap of held offers per receiver."""
        heaps: dict[int, list[tuple[float, int]]] = {}
        holders = np.flatnonzero(self.assignment >= 0)
        by_receiver = holders[np.argsort(self.assignment[holders], kind="stable")]
        starts = np.searchsorted(self.assignment[by_receiver], np.arange(len(self.capacity) + 1))
        capacity, receiver, score = self.capacity, self.receiver, self.score
        for proposer in free.tolist()[::-1]:
            i = proposer
            while i >= 0 and self.next[i] < self.end[i]:
                k = int(self.next[i])
                self.next[i] = k + 1
                j = int(receiver[k])
                heap = heaps.get(j)
                if heap is None:
                    mine = by_receiver[starts[j]:starts[j + 1]]
                    heap = heaps[j] = [(float(s), -int(h)) for s, h
                                       in zip(self.held_score[mine], mine, strict=True)]
                    heapq.heapify(heap)
                offer = (float(score[k]), -i)  # the heap's top is the worst held offer
                if len(heap) < capacity[j]:
                    heapq.heappush(heap, offer)
                    self.assignment[i], i = j, -1
                elif heap and offer > heap[0]:
                    _, loser = heapq.heapreplace(heap, offer)
                    self.assignment[i], self.assignment[-loser] = j, -1
                    i = -loser


def blocking_pairs(assignment: np.ndarray, newcomer: Matrix, volunteer: Matrix,
                   capacities: np.ndarray) -> np.ndarray:
    """Return the pairs who would both rather be together than with what they got.

    Preferences are those of `deferred_acceptance`: higher score first, equal
    scores broken by the lower index. A stable assignment has none.

    Parameters
    ----------
    assignment : ndarray of shape (n,), int
        Volunteer index per newcomer, -1 for none; every assigned pair must be
        acceptable and no volunteer over capacity.
    newcomer, volunteer : ndarray or csr_array of shape (n, m)
        Both sides' scores, as in `deferred_acceptance`.
    capacities : array-like of shape (m,), int

    Returns
    -------
    ndarray of shape (b, 2), int64
        ``(newcomer, volunteer)`` index pairs, sorted.
    """
    market = read_market(newcomer, volunteer)
    n, m = market.shape
    cap = checked_capacities(capacities, m)
    a = checked_assignment(assignment, n, m)
    matched = np.flatnonzero(a >= 0)
    at = market.find(matched, a[matched])
    if np.any(at < 0):
        bad = matched[np.argmax(at < 0)]
        raise ValueError(f"assignment pairs newcomer {bad} with volunteer {a[bad]}, which is "
                         "not an acceptable pair")
    held = np.bincount(a[matched], minlength=m)
    if np.any(held > cap):
        worst = int(np.argmax(held - cap))
        raise ValueError(f"assignment gives volunteer {worst} {held[worst]} newcomers, above "
                         f"its capacity {cap[worst]}")
    own_score = np.full(n, -np.inf)
    own_score[matched] = market.proposer[at]
    # The worst held newcomer of each volunteer: lowest score, then highest index.
    by_worst = np.lexsort((-matched, market.receiver[at], a[matched]))
    first = by_worst[np.unique(a[matched][by_worst], return_index=True)[1]]
    bar_score, bar_index = np.full(m, np.inf), np.full(m, -1, dtype=np.int64)
    bar_score[a[matched[first]]] = market.receiver[at[first]]
    bar_index[a[matched[first]]] = matched[first]
    rows, cols = market.rows, market.cols
    wants = (market.proposer > own_score[rows]) | ((market.proposer == own_score[rows])
                                                    & (cols < a[rows]))
    takes = (held[cols] < cap[cols]) | (market.receiver > bar_score[cols]) | (
        (market.receiver == bar_score[cols]) & (rows < bar_index[cols]))
    block = wants & takes & (cols != a[rows])
    return np.column_stack([rows[block], cols[block]])
