"""How good an assignment is: matched, total score, mean rank, blocking pairs."""

from __future__ import annotations

import numpy as np

from .market import Matrix
from .result import Totals
from .stable import blocking_pairs


def partner_values(matrix: Matrix, assignment: np.ndarray) -> np.ndarray:
    """Return ``matrix[i, assignment[i]]`` per newcomer, NaN for the unmatched.

    Parameters
    ----------
    matrix : ndarray or csr_array of shape (n, m)
    assignment : ndarray of shape (n,)
        Volunteer index per newcomer, -1 for none.
    """
    matched = np.flatnonzero(assignment >= 0)
    out = np.full(len(assignment), np.nan)
    if isinstance(matrix, np.ndarray):
        out[matched] = matrix[matched, assignment[matched]]
        return out
    m = matrix.shape[1]
    keys = np.repeat(np.arange(matrix.shape[0], dtype=np.int64), np.diff(matrix.indptr)) * m
    keys += matrix.indices  # sorted: CSR rows in order, indices sorted within a row
    wanted = matched * m + assignment[matched]
    at = np.minimum(np.searchsorted(keys, wanted), max(len(keys) - 1, 0))
    found = keys[at] == wanted if len(keys) else np.zeros(len(wanted), dtype=bool)
    out[matched[found]] = matrix.data[at[found]]
    return out


def ranks(utility: Matrix, assignment: np.ndarray) -> np.ndarray:
    """Return where each newcomer's volunteer stands in the newcomer's list (1 = first).

    A volunteer ranks above another with a higher utility, or an equal one and
    a lower index, as in the stable step. Unmatched newcomers get 0.

    Parameters
    ----------
    utility : ndarray or csr_array of shape (n, m)
        Newcomer utilities; NaN or unstored = not on the list.
    assignment : ndarray of shape (n,)
    """
    value = partner_values(utility, assignment)
    out = np.zeros(len(assignment), dtype=np.int64)
    matched = np.flatnonzero(assignment >= 0)
    if isinstance(utility, np.ndarray):
        for start in range(0, len(matched), 256):
            rows = matched[start:start + 256]
            row = utility[rows]
            mine = value[rows][:, None]
            before = (row > mine) | ((row == mine)
                                     & (np.arange(row.shape[1]) < assignment[rows][:, None]))
            out[rows] = 1 + before.sum(axis=1)
        return out
    owner = np.repeat(np.arange(utility.shape[0]), np.diff(utility.indptr))
    mine, theirs = value[owner], assignment[owner]
    before = (utility.data > mine) | ((utility.data == mine) & (utility.indices < theirs))
    counts = np.bincount(owner, weights=before, minlength=utility.shape[0])
    out[matched] = 1 + counts[matched].astype(np.int64)
    return out


def totals(assignment: np.ndarray, newcomer: Matrix, volunteer: Matrix, capacities: np.ndarray,
           *, count_blocking: bool) -> Totals:
    """Return how many are matched, the total and mean rank, and the blocking pairs.

    Parameters
    ----------
    assignment : ndarray of shape (n,)
    newcomer, volunteer : ndarray or csr_array of shape (n, m)
        Both sides' utilities (the preference lists the assignment was made from).
    capacities : ndarray of shape (m,)
    count_blocking : bool
        Count blocking pairs (None in the result otherwise).
    """
    matched = assignment >= 0
    score = (partner_values(newcomer, assignment) + partner_values(volunteer, assignment)) / 2
    blocking = (len(blocking_pairs(assignment, newcomer, volunteer, capacities))
                if count_blocking else None)
    rank = ranks(newcomer, assignment)[matched]
    return Totals(int(matched.sum()), float(np.nansum(score)),
                  float(rank.mean()) if len(rank) else float("nan"), blocking)
