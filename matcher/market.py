"""The acceptable pairs of a two-sided market, read from dense or CSR score matrices.

Both the stable step and the maximum-total step take scores in the form of the
public contract (see `matcher.stable.deferred_acceptance`): dense float arrays
where NaN or -inf marks an unacceptable pair, or CSR matrices whose stored
entries, explicit zeros included, are the acceptable pairs. This module checks
them and returns the pairs both sides accept as flat arrays, row by row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import scipy.sparse as sp

Matrix: TypeAlias = np.ndarray | sp.csr_array | sp.csr_matrix


@dataclass(frozen=True, eq=False)
class Market:
    """The pairs both sides find acceptable, sorted by row, then column.

    Attributes
    ----------
    shape : (int, int)
        ``(n_proposers, n_receivers)``.
    indptr : ndarray of shape (n + 1,), int64
        Proposer i's pairs are ``indptr[i]:indptr[i + 1]``.
    cols : ndarray of shape (p,), int64
        The receiver of each pair.
    proposer, receiver : ndarray of shape (p,), float64
        How much the proposer wants the receiver, and the receiver the proposer.
    """

    shape: tuple[int, int]
    indptr: np.ndarray
    cols: np.ndarray
    proposer: np.ndarray
    receiver: np.ndarray

    @property
    def rows(self) -> np.ndarray:
        """Return the proposer of each pair, shape (p,)."""
        return np.repeat(np.arange(self.shape[0], dtype=np.int64), np.diff(self.indptr))

    def keys(self) -> np.ndarray:
        """Return ``row * n_receivers + col`` per pair, shape (p,), strictly increasing."""
        return self.rows * self.shape[1] + self.cols

    def find(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Return the position of each pair ``(rows[t], cols[t])``, -1 where not acceptable.

        Parameters
        ----------
        rows, cols : ndarray of shape (t,), int
        """
        keys = self.keys()
        wanted = np.asarray(rows, dtype=np.int64) * self.shape[1] + np.asarray(cols, np.int64)
        if len(keys) == 0:
            return np.full(len(wanted), -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
        return np.where(keys[at] == wanted, at, -1)


def read_market(proposer_scores: Matrix, receiver_scores: Matrix) -> Market:
    """Check two score matrices and return the pairs both sides accept.

    Parameters
    ----------
    proposer_scores, receiver_scores : ndarray or csr_array of shape (n, m)
        Both dense real arrays (NaN or -inf: unacceptable) or both CSR
        matrices (stored entries, explicit zeros included, are acceptable;
        their values must not be NaN or -inf).

    Returns
    -------
    Market
    """
    both = (proposer_scores, receiver_scores)
    if any(sp.issparse(x) for x in both):
        formats = [getattr(x, "format", type(x).__name__) for x in both]
        if formats != ["csr", "csr"]:
            raise ValueError("proposer_scores and receiver_scores must both be dense arrays or "
                             f"both CSR matrices, got {formats[0]} and {formats[1]}")
        return _sparse_market(proposer_scores, receiver_scores)
    return _dense_market(proposer_scores, receiver_scores)


def _real(values: np.ndarray, name: str) -> np.ndarray:
    if values.dtype.kind not in "fiu":
        raise ValueError(f"{name} must hold real numbers, got dtype {values.dtype}")
    return values


def _dense_market(proposer_scores: np.ndarray, receiver_scores: np.ndarray) -> Market:
    p = _real(np.asarray(proposer_scores), "proposer_scores")
    q = _real(np.asarray(receiver_scores), "receiver_scores")
    if p.ndim != 2 or p.shape != q.shape:
        raise ValueError("proposer_scores and receiver_scores must be 2-d arrays of the same "
                         f"shape (n_proposers, n_receivers), got {p.shape} and {q.shape}")
    ok = ~np.isnan(p) & (p != -np.inf)
    ok &= ~np.isnan(q)
    ok &= q != -np.inf
    counts = np.count_nonzero(ok, axis=1)
    indptr = np.zeros(p.shape[0] + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    cols = np.nonzero(ok)[1].astype(np.int64)
    return Market((int(p.shape[0]), int(p.shape[1])), indptr, cols,
                  p[ok].astype(np.float64), q[ok].astype(np.float64))


def _canonical(matrix: sp.csr_array | sp.csr_matrix, name: str
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return indptr, indices and data with sorted indices and no duplicates, as copies."""
    data = _real(np.asarray(matrix.data), name)
    if np.isnan(data).any() or (data == -np.inf).any():
        raise ValueError(f"{name} is sparse: its stored values must not be NaN or -inf "
                         "(leave unacceptable pairs unstored)")
    indptr = np.asarray(matrix.indptr, dtype=np.int64)
    indices = np.asarray(matrix.indices, dtype=np.int64)
    rows = np.repeat(np.arange(matrix.shape[0], dtype=np.int64), np.diff(indptr))
    keys = rows * matrix.shape[1] + indices
    if len(keys) and not np.all(keys[1:] > keys[:-1]):
        order = np.argsort(keys, kind="stable")
        keys, indices, data = keys[order], indices[order], data[order]
        if not np.all(keys[1:] > keys[:-1]):
            raise ValueError(f"{name} stores some pair twice; each pair must be stored once")
    return indptr, indices, data.astype(np.float64)


def _sparse_market(proposer_scores: sp.csr_array, receiver_scores: sp.csr_array) -> Market:
    shape = tuple(int(s) for s in proposer_scores.shape)
    if shape != tuple(receiver_scores.shape):
        raise ValueError("proposer_scores and receiver_scores must have the same shape, got "
                         f"{proposer_scores.shape} and {receiver_scores.shape}")
    ptr_p, col_p, p = _canonical(proposer_scores, "proposer_scores")
    ptr_q, col_q, q = _canonical(receiver_scores, "receiver_scores")
    if np.array_equal(ptr_p, ptr_q) and np.array_equal(col_p, col_q):
        return Market((shape[0], shape[1]), ptr_p, col_p, p, q)
    m = shape[1]
    keys_p = np.repeat(np.arange(shape[0], dtype=np.int64), np.diff(ptr_p)) * m + col_p
    keys_q = np.repeat(np.arange(shape[0], dtype=np.int64), np.diff(ptr_q)) * m + col_q
    both, at_p, at_q = np.intersect1d(keys_p, keys_q, assume_unique=True, return_indices=True)
    rows, cols = np.divmod(both, m)
    indptr = np.zeros(shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=shape[0]), out=indptr[1:])
    return Market((shape[0], shape[1]), indptr, cols, p[at_p], q[at_q])


def checked_capacities(capacities: np.ndarray, m: int) -> np.ndarray:
    """Return capacities as int64 after checking there is one integer >= 0 per receiver.

    Parameters
    ----------
    capacities : array-like of shape (m,)
    m : int
        Number of receivers (volunteers).
    """
    cap = np.asarray(capacities)
    if cap.shape != (m,):
        raise ValueError(f"capacities must have length {m} (one per volunteer), got shape "
                         f"{cap.shape}")
    if cap.size and cap.dtype.kind not in "iu":
        raise ValueError(f"capacities must be integers, got dtype {cap.dtype}")
    if m and cap.min() < 0:
        raise ValueError(f"capacities must be >= 0, got {cap.min()}")
    return cap.astype(np.int64)


def checked_assignment(assignment: np.ndarray, n: int, m: int) -> np.ndarray:
    """Return an assignment as int64 after checking it has one receiver index or -1 per row.

    Parameters
    ----------
    assignment : array-like of shape (n,)
    n, m : int
    """
    a = np.asarray(assignment)
    if a.shape != (n,) or (n and a.dtype.kind not in "iu"):
        raise ValueError(f"assignment must be {n} integers (one per newcomer), got shape "
                         f"{a.shape} and dtype {a.dtype}")
    if n and (a.min() < -1 or a.max() >= m):
        raise ValueError(f"assignment values must be -1 or a volunteer index in [0, {m}), got "
                         f"{a.min()}..{a.max()}")
    return a.astype(np.int64)
