"""Random two-sided markets for the stable and maximum-total tests, and slow oracles."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np
import scipy.sparse as sp
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp


@st.composite
def markets(draw: st.DrawFn, *, max_n: int = 5, max_m: int = 4, levels: int = 3
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw (newcomer scores, volunteer scores, capacities), dense, NaN or -inf unacceptable.

    Scores are small integers, so ties are common.
    """
    n = draw(st.integers(0, max_n))
    m = draw(st.integers(0, max_m))
    scores = hnp.arrays(np.float64, (n, m), elements=st.integers(0, levels).map(float))
    holes = hnp.arrays(bool, (n, m), elements=st.booleans())
    p, q = draw(scores), draw(scores)
    p[draw(holes)] = np.nan
    q[draw(holes)] = -np.inf
    capacity = draw(hnp.arrays(np.int64, (m,), elements=st.integers(0, 2)))
    return p, q, capacity


@st.composite
def seeded_markets(draw: st.DrawFn, *, max_n: int = 80, max_m: int = 60
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw a larger market from a seed: integer scores 0-4 (many ties), a random share
    of unacceptable pairs on each side, capacities 0-3."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n, m = draw(st.integers(0, max_n)), draw(st.integers(0, max_m))
    p = rng.integers(0, 5, (n, m)).astype(float)
    q = rng.integers(0, 5, (n, m)).astype(float)
    p[rng.random((n, m)) < rng.random()] = np.nan
    q[rng.random((n, m)) < rng.random() / 2] = -np.inf
    return p, q, rng.integers(0, 4, m)


def as_csr(scores: np.ndarray) -> sp.csr_array:
    """Return the acceptable entries of a dense score matrix as CSR (explicit zeros kept)."""
    rows, cols = np.nonzero(np.isfinite(scores))
    return sp.csr_array((scores[rows, cols], (rows, cols)), shape=scores.shape)


def acceptable(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    return np.isfinite(p) & np.isfinite(q)


def prefers(scores: np.ndarray, a: int, b: int) -> bool:
    """Whether score ``scores[a]`` beats ``scores[b]``: higher, or equal and lower index."""
    return bool(scores[a] > scores[b] or (scores[a] == scores[b] and a < b))


def blocking(assignment: np.ndarray, p: np.ndarray, q: np.ndarray, capacity: np.ndarray
             ) -> list[tuple[int, int]]:
    """Return the blocking pairs, checked pair by pair (the slow, obvious way)."""
    n, m = p.shape
    ok = acceptable(p, q)
    out = []
    for i, j in itertools.product(range(n), range(m)):
        if not ok[i, j] or assignment[i] == j:
            continue
        mine = assignment[i]
        wants = mine < 0 or prefers(p[i], j, int(mine))
        held = [h for h in range(n) if assignment[h] == j]
        takes = len(held) < capacity[j] or any(prefers(q[:, j], i, h) for h in held)
        if wants and takes:
            out.append((i, j))
    return out


def assignments(p: np.ndarray, q: np.ndarray, capacity: np.ndarray) -> Iterator[np.ndarray]:
    """Yield every assignment within acceptability and capacities."""
    n, m = p.shape
    ok = acceptable(p, q)
    options = [[-1, *np.flatnonzero(ok[i]).tolist()] for i in range(n)]
    for choice in itertools.product(*options):
        a = np.array(choice, dtype=np.int64)
        if np.all(np.bincount(a[a >= 0], minlength=m) <= capacity):
            yield a


def newcomer_optimal_stable(p: np.ndarray, q: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """Return the stable assignment every newcomer likes at least as well as any other
    stable one, by enumerating them all."""
    stable = [a for a in assignments(p, q, capacity) if not blocking(a, p, q, capacity)]
    assert stable, "a stable assignment always exists"

    def rank(i: int, j: int) -> tuple[float, int]:
        return (np.inf, 0) if j < 0 else (-p[i, j], j)

    best = min(stable, key=lambda a: [rank(i, int(j)) for i, j in enumerate(a)])
    for other in stable:  # optimal for every newcomer at once, not only in order
        assert all(rank(i, int(best[i])) <= rank(i, int(other[i])) for i in range(len(best)))
    return best


def simple_deferred_acceptance(p: np.ndarray, q: np.ndarray, capacity: np.ndarray
                               ) -> np.ndarray:
    """Newcomer-proposing deferred acceptance, written plainly with lists."""
    n, m = p.shape
    ok = acceptable(p, q)
    lists = [sorted(np.flatnonzero(ok[i]).tolist(), key=lambda j, i=i: (-p[i, j], j))
             for i in range(n)]
    held: list[list[int]] = [[] for _ in range(m)]
    following = [0] * n
    assignment = [-1] * n
    free = list(range(n))
    while free:
        i = free.pop()
        if following[i] == len(lists[i]):
            continue
        j = lists[i][following[i]]
        following[i] += 1
        held[j].append(i)
        held[j].sort(key=lambda h, j=j: (-q[h, j], h))
        assignment[i] = j
        if len(held[j]) > capacity[j]:
            loser = held[j].pop()
            assignment[loser] = -1
            free.append(loser)
    return np.array(assignment, dtype=np.int64)


def max_total(pair_score: np.ndarray, capacity: np.ndarray) -> float:
    """Return the largest total pair score of any assignment, by enumeration."""
    return max(float(np.nansum([pair_score[i, j] for i, j in enumerate(a) if j >= 0]))
               for a in assignments(pair_score, pair_score, capacity))
