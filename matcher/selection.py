"""Keep each side's k best candidates, block by block, without holding all pairs.

The rule kept is exact and independent of how pairs were split into blocks: a
pair is a candidate when it is among the newcomer's k best volunteers by the
newcomer's utility, or among the volunteer's k best newcomers by the
volunteer's utility, equal utilities ordered by the lower index.
"""

from __future__ import annotations

import threading

import numpy as np


class RunningTopK:
    """The k best values seen so far for each of ``size`` owners.

    Values are utilities, >= 0; an owner with fewer than k so far has
    threshold 0. Several threads may offer values at once.
    """

    def __init__(self, size: int, k: int) -> None:
        self.k = k
        self.best = np.zeros((size, k), dtype=np.float32)
        self.threshold = np.zeros(size, dtype=np.float32)
        self._lock = threading.Lock()

    def offer(self, owners: np.ndarray, values: np.ndarray, ok: np.ndarray, *, axis: int
              ) -> np.ndarray:
        """Merge the acceptable values and return which of them are among their owner's
        k best so far.

        The threshold (the k-th best so far) only grows, so a value below it
        now is not among its owner's k best at the end either.

        Parameters
        ----------
        owners : ndarray of shape (o,), int
            Distinct owners, one per row (``axis=0``) or column (``axis=1``) of ``values``.
        values : ndarray of shape (o, c) or (c, o), float32
        ok : ndarray of the shape of ``values``, bool
            Which values are acceptable; only those are merged and returned.
        axis : {0, 1}
            The axis of ``values`` along which owners vary.

        Returns
        -------
        ndarray of the shape of ``values``, bool
        """
        with self._lock:
            threshold = np.expand_dims(self.threshold[owners], 1 - axis)
            mask = values >= threshold
            mask &= ok
            counts = np.count_nonzero(mask, axis=1 - axis)
            hot = np.flatnonzero(counts)
            if len(hot) == 0:
                return mask
            mine = (lambda x: x[hot]) if axis == 0 else (lambda x: x[:, hot].T)
            offers = _side_by_side(mine(mask), mine(values), int(counts[hot].max()))
            merged = np.concatenate([self.best[owners[hot]], offers], axis=1)
            top = np.partition(merged, merged.shape[1] - self.k, axis=1)[:, -self.k:]
            self.best[owners[hot]] = top
            self.threshold[owners[hot]] = top[:, 0]
            mask &= values >= np.expand_dims(self.threshold[owners], 1 - axis)
            return mask


def _side_by_side(mask: np.ndarray, values: np.ndarray, most: int) -> np.ndarray:
    """Return each row's masked values, padded with -1 (below every utility) to ``most``
    columns when that is much narrower than the rows, else in place."""
    if 4 * most >= values.shape[1]:
        return np.where(mask, values, np.float32(-1))
    row, col = np.nonzero(mask)
    starts = np.flatnonzero(np.r_[True, row[1:] != row[:-1]])
    counts = np.diff(np.r_[starts, len(row)])
    padded = np.full((len(values), most), -1, dtype=np.float32)
    padded[row, np.arange(len(row)) - np.repeat(starts, counts)] = values[row, col]
    return padded


def top_k_per_owner(owner: np.ndarray, other: np.ndarray, value: np.ndarray, k: int
                    ) -> np.ndarray:
    """Return a mask of the entries among each owner's k best by (value desc, other asc).

    Owners with at most k entries keep them all without sorting, which is
    nearly every owner once entries below the exact k-th best are dropped.

    Parameters
    ----------
    owner, other : ndarray of shape (p,), int
    value : ndarray of shape (p,)
    k : int

    Returns
    -------
    ndarray of shape (p,), bool
    """
    over = np.bincount(owner)[owner] > k if len(owner) else np.zeros(0, dtype=bool)
    keep = ~over
    at = np.flatnonzero(over)
    order = np.lexsort((other[at], -value[at], owner[at]))
    sorted_owner = owner[at][order]
    starts = np.flatnonzero(np.r_[True, sorted_owner[1:] != sorted_owner[:-1]])
    first = np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    keep[at[order[np.arange(len(order)) - first < k]]] = True
    return keep
