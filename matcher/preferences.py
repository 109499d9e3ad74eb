"""Both sides' utilities over the acceptable pairs: the input of the stable step.

Two ways to the same answer. `dense_preferences` scores every pair into n×m
arrays (NaN = unacceptable). `blocked_preferences` scores only the pairs
within reach, block by block (see `matcher.blocking`), keeps each side's k
best candidates (see `matcher.selection`) and returns CSR matrices whose
stored entries, zeros included, are the kept pairs. With ``k=None`` or k at
least as long as every list, both give the same acceptable pairs and the
same bits.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

from .blocking import block_list
from .components import pairs
from .encode import Encoded
from .harvest import finish, score_blocks
from .market import Matrix
from .scoring import block_utilities
from .selection import RunningTopK
from .timing import Clock


@dataclass(frozen=True, eq=False)
class Preferences:
    """Who finds whom acceptable, and how much each wants the other.

    Attributes
    ----------
    newcomer, volunteer : ndarray or csr_array of shape (n, m), float32
        Newcomer i's utility of volunteer j, and volunteer j's utility of
        newcomer i; dense with NaN on unacceptable pairs, or CSR whose stored
        entries are the candidate pairs (same structure in both).
    acceptable : ndarray of shape (n,), int64
        How many volunteers each newcomer finds acceptable (before any truncation).
    evaluated : int
        Pairs whose components were computed.
    """

    newcomer: Matrix
    volunteer: Matrix
    acceptable: np.ndarray
    evaluated: int

    @property
    def pair_score(self) -> Matrix:
        """Return the pair score, the mean of the two utilities, in the same structure."""
        if isinstance(self.newcomer, np.ndarray):
            return (self.newcomer + self.volunteer) / 2
        data = (self.newcomer.data + self.volunteer.data) / 2
        return sp.csr_array((data, self.newcomer.indices, self.newcomer.indptr),
                            shape=self.newcomer.shape)


def _one_blas_thread() -> threadpool_limits:
    """Limit BLAS to one thread: its many small products would only wait for each other."""
    return threadpool_limits(limits=1, user_api="blas")


def dense_preferences(enc: Encoded, *, excluded: sp.csr_array, rows_per_chunk: int = 512,
                      clock: Clock | None = None) -> Preferences:
    """Score every pair into two dense n×m float32 arrays, NaN where unacceptable.

    Parameters
    ----------
    enc : Encoded
    excluded : csr_array of shape (n, m)
        Stored entries are pairs that must not be proposed.
    rows_per_chunk : int
        Newcomers scored at once; bounds the temporary memory.
    clock : Clock, optional
        Receives the stage ``scoring``.
    """
    n, m = len(enc.newcomers.pool), len(enc.volunteers.pool)
    with (clock or Clock()).stage("scoring"), _one_blas_thread():
        out = [np.full((n, m), np.nan, dtype=np.float32) for _ in range(2)]
        acceptable = np.zeros(n, dtype=np.int64)
        cols = np.arange(m)
        for start in range(0, n, rows_per_chunk):
            rows = np.arange(start, min(start + rows_per_chunk, n))
            ok, *both = block_utilities(pairs(enc, rows, cols), excluded=excluded)
            for target, utility in zip(out, both, strict=True):
                target[rows] = np.where(ok, utility, np.float32(np.nan))
            acceptable[rows] = ok.sum(axis=1)
    return Preferences(out[0], out[1], acceptable, n * m)


def blocked_preferences(enc: Encoded, *, excluded: sp.csr_array, k: int | None,
                        leaf_size: int = 16, threads: int = 1, clock: Clock | None = None
                        ) -> Preferences:
    """Score the pairs within reach and keep each side's k best as CSR matrices.

    Parameters
    ----------
    enc : Encoded
    excluded : csr_array of shape (n, m)
    k : int or None
        Candidates kept per newcomer and per volunteer; None keeps every acceptable pair.
    leaf_size : int
        Newcomers per spatial group (between this and twice this, fewer where
        a group is split to stay compact).
    threads : int
        Blocks scored at once. Most of numpy's work releases the GIL, so a
        second thread helps, though less than a second process would.
    clock : Clock, optional
        Receives the stages ``candidates`` (spatial blocking), ``scoring``
        (components, utilities and each block's superset of the k best) and
        ``selection`` (the exact k best, CSR matrices).
    """
    if k is not None and k < 1:
        raise ValueError(f"k must be >= 1 or None, got {k}")
    if threads < 1:
        raise ValueError(f"threads must be >= 1, got {threads}")
    if leaf_size < 1:
        raise ValueError(f"leaf_size must be >= 1, got {leaf_size}")
    clock = clock or Clock()
    n, m = len(enc.newcomers.pool), len(enc.volunteers.pool)
    acceptable = np.zeros(n, dtype=np.int64)
    with ThreadPoolExecutor(threads) as pool, _one_blas_thread():
        with clock.stage("candidates"):
            todo = block_list(enc, np.flatnonzero(enc.newcomers.pool.active),
                              np.flatnonzero(enc.volunteers.pool.active),
                              leaf_size=leaf_size, pool=pool)
        columns = RunningTopK(m, k) if k is not None else None
        with clock.stage("scoring"):
            harvests = list(pool.map(
                lambda share: score_blocks(enc, share, excluded=excluded, k=k, columns=columns,
                                           acceptable=acceptable),
                [todo[w::threads] for w in range(threads)]))
    with clock.stage("selection"):
        matrices = finish(harvests, (n, m), k, columns)
    evaluated = sum(len(rows) * len(cols) for rows, cols in todo)
    return Preferences(*matrices, acceptable, evaluated)
