"""Score blocks of pairs and keep the pairs that may be among either side's k best.

Used by `matcher.preferences.blocked_preferences`. A block (a group of
newcomers and the volunteers within their reach) is scored a slice of
volunteers at a time, small enough that the temporaries stay in the
processor's cache. Each newcomer lies in exactly one block, so its k best are
settled exactly when its block is done; a volunteer's k best are settled at
the end, from a running k-th best shared by all threads.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .components import pairs
from .encode import Encoded
from .scoring import block_utilities
from .selection import RunningTopK, top_k_per_owner

# Pairs scored at once: the temporaries of a slice (2 MB each) stay in the
# processor's last-level cache, and numpy's fixed cost per call is spread thin.
_CHUNK_PAIRS = 1 << 19
_MIN_WIDTH = 512
# Kept pairs are checked against the volunteers' rising thresholds whenever
# they have doubled, plus this many, since the last check; this bounds memory.
_PRUNE_PAIRS = 1 << 21

Kept = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]
"""Pairs kept: rows, cols, newcomer and volunteer utility, row flag, column flag."""


class Harvest:
    """What one thread kept from its blocks."""

    def __init__(self, columns: RunningTopK | None) -> None:
        self.columns = columns
        self.kept: list[Kept] = []
        self._size = 0
        self._checked = 0

    def add(self, kept: Kept) -> None:
        """Keep a block's pairs; drop those no longer among any volunteer's k best."""
        self.kept.append(kept)
        self._size += len(kept[0])
        if self.columns is not None and self._size > 2 * self._checked + _PRUNE_PAIRS:
            self.kept = [_prune(part, self.columns.threshold) for part in self.kept]
            self._size = self._checked = sum(len(part[0]) for part in self.kept)


def score_blocks(enc: Encoded, todo: list[tuple[np.ndarray, np.ndarray]], *,
                 excluded: sp.csr_array, k: int | None, columns: RunningTopK | None,
                 acceptable: np.ndarray) -> Harvest:
    """Score blocks and keep each newcomer's exact k best and a superset of each volunteer's.

    Parameters
    ----------
    enc : Encoded
    todo : list of (rows, cols)
        Blocks from `matcher.blocking.block_list`.
    excluded : csr_array of shape (n, m)
    k : int or None
        None keeps every acceptable pair.
    columns : RunningTopK or None
        The volunteers' running k best, shared between threads (None with ``k=None``).
    acceptable : ndarray of shape (n,), int64
        Receives each newcomer's number of acceptable volunteers (each newcomer
        is in exactly one block, so threads never write the same row).
    """
    harvest = Harvest(columns)
    for rows, cols in todo:
        if len(cols) == 0:
            continue  # no one within reach: acceptable stays 0
        width = slice_width(len(rows))
        by_row = RunningTopK(len(rows), k) if k is not None else None
        count = np.zeros(len(rows), dtype=np.int64)
        parts = []
        for start in range(0, len(cols), width):
            part = cols[start:start + width]
            ok, un, uv = block_utilities(pairs(enc, rows, part), excluded=excluded)
            count += np.count_nonzero(ok, axis=1)
            parts.append(_select(rows, part, ok, un, uv, by_row, columns))
        acceptable[rows] = count
        harvest.add(_exact_rows(parts, rows, by_row))
    return harvest


def slice_width(n_rows: int) -> int:
    """Return how many volunteers a block of ``n_rows`` newcomers is scored against at once."""
    return max(_MIN_WIDTH, _CHUNK_PAIRS // max(n_rows, 1))


def _select(rows: np.ndarray, cols: np.ndarray, ok: np.ndarray, un: np.ndarray, uv: np.ndarray,
            by_row: RunningTopK | None, by_col: RunningTopK | None) -> Kept:
    """Return a slice's pairs that may be among either side's k best (a superset)."""
    if by_row is None or by_col is None:
        rowwise = colwise = ok
    else:
        rowwise = by_row.offer(np.arange(len(rows)), un, ok, axis=0)
        colwise = by_col.offer(cols, uv, ok, axis=1)
    flat = np.flatnonzero(rowwise | colwise)
    ri, ci = np.divmod(flat, len(cols))
    return (rows[ri], cols[ci], un.ravel()[flat], uv.ravel()[flat], rowwise.ravel()[flat],
            colwise.ravel()[flat])


def _exact_rows(parts: list[Kept], members: np.ndarray, by_row: RunningTopK | None) -> Kept:
    """Join a block's slices and cut the newcomers' flags down to their exact k best.

    ``members`` are the block's newcomers (sorted), ``by_row`` their k best.
    """
    rows, cols, un, uv, rowwise, colwise = (np.concatenate(column) for column in zip(*parts,
                                                                                      strict=True))
    if by_row is not None:
        rowwise &= un >= by_row.threshold[np.searchsorted(members, rows)]
        at = np.flatnonzero(rowwise)
        rowwise[at] = top_k_per_owner(rows[at], cols[at], un[at], by_row.k)
        keep = rowwise | colwise
        return rows[keep], cols[keep], un[keep], uv[keep], rowwise[keep], colwise[keep]
    return rows, cols, un, uv, rowwise, colwise


def _prune(part: Kept, threshold: np.ndarray) -> Kept:
    """Drop the column flags below the volunteers' current k-th best, then unflagged pairs."""
    rows, cols, un, uv, rowwise, colwise = part
    colwise &= uv >= threshold[cols]
    keep = rowwise | colwise
    return rows[keep], cols[keep], un[keep], uv[keep], rowwise[keep], colwise[keep]


def finish(harvests: list[Harvest], shape: tuple[int, int], k: int | None,
           columns: RunningTopK | None) -> tuple[sp.csr_array, sp.csr_array]:
    """Cut the volunteers' flags down to their exact k best; return both utilities as CSR.

    Returns
    -------
    newcomer, volunteer : csr_array of shape (n, m), float32
        The same stored structure: every pair among either side's k best.
    """
    kept = [part for harvest in harvests for part in harvest.kept]
    if not kept:
        empty = sp.csr_array(shape, dtype=np.float32)
        return empty, empty.copy()
    rows, cols, un, uv, rowwise, colwise = (np.concatenate(column) for column in zip(*kept,
                                                                                      strict=True))
    if k is not None and columns is not None:
        colwise &= uv >= columns.threshold[cols]
        at = np.flatnonzero(colwise)
        rowwise[at[top_k_per_owner(cols[at], rows[at], uv[at], k)]] = True
        rows, cols, un, uv = rows[rowwise], cols[rowwise], un[rowwise], uv[rowwise]
    order = np.argsort(rows * shape[1] + cols)
    indptr = np.zeros(shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=shape[0]), out=indptr[1:])
    indices = cols[order]
    return (sp.csr_array((un[order], indices, indptr), shape=shape),
            sp.csr_array((uv[order], indices.copy(), indptr.copy()), shape=shape))
