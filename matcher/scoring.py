"""Hard constraints and both sides' utilities over `Pairs`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .components import (
    Pairs,
    active,
    age,
    availability,
    gender_ok,
    goals,
    half_chord,
    interests,
    kilometres,
    language,
    location,
    within_reach,
)
from .pools import NewcomerPool, VolunteerPool
from .weights import COMPONENTS


def exclusion_matrix(newcomers: NewcomerPool, volunteers: VolunteerPool,
                     excluded: Iterable[tuple[int, int]]) -> sp.csr_array:
    """Return an (n, m) bool CSR matrix whose stored entries are the excluded pairs.

    Parameters
    ----------
    newcomers, volunteers : the pools
    excluded : iterable of (newcomer_id, volunteer_id)
        Pairs never to propose (already rejected). Ids not in the pools are
        ignored: a rejection stays on record after a person leaves.
    """
    pairs = np.array(list(excluded), dtype=np.int64).reshape(-1, 2)
    rows = _positions(newcomers.ids, pairs[:, 0])
    cols = _positions(volunteers.ids, pairs[:, 1])
    known = (rows >= 0) & (cols >= 0)
    shape = (len(newcomers), len(volunteers))
    matrix = sp.coo_array((np.ones(known.sum(), dtype=bool), (rows[known], cols[known])),
                          shape=shape).tocsr()
    matrix.sum_duplicates()
    return matrix


def _positions(ids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Return the row of each wanted id, -1 where absent."""
    order = np.argsort(ids)
    at = np.minimum(np.searchsorted(ids[order], wanted), max(len(ids) - 1, 0))
    found = (ids[order][at] == wanted) if len(ids) else np.zeros(len(wanted), dtype=bool)
    return np.where(found, order[at] if len(ids) else -1, -1)


def not_excluded(excluded: sp.csr_array, rows: np.ndarray, cols: np.ndarray, *,
                 paired: bool = False) -> np.ndarray | None:
    """Return False on excluded pairs, or None when none of the pairs is excluded.

    Parameters
    ----------
    excluded : csr_array of shape (n, m)
        From `exclusion_matrix`.
    rows, cols : ndarray
        The pairs, as in `matcher.components.pairs`; in block shape ``cols`` must be sorted.
    paired : bool
    """
    if excluded.nnz == 0 or len(cols) == 0:
        return None
    if paired:
        m = excluded.shape[1]
        keys = np.repeat(np.arange(excluded.shape[0]), np.diff(excluded.indptr)) * m
        keys += excluded.indices
        found = np.isin(rows.astype(np.int64) * m + cols, keys)
        return ~found if found.any() else None
    sub = excluded[rows]
    if sub.nnz == 0:
        return None
    at = np.minimum(np.searchsorted(cols, sub.indices), len(cols) - 1)
    hit = cols[at] == sub.indices
    mask = np.ones((len(rows), len(cols)), dtype=bool)
    mask[np.repeat(np.arange(len(rows)), np.diff(sub.indptr))[hit], at[hit]] = False
    return mask


def acceptable(p: Pairs, h: np.ndarray, can_talk: np.ndarray, excluded: sp.csr_array
               ) -> np.ndarray:
    """Return the hard constraints: within reach both ways (``h``: half chords), a usable
    shared language, no gender preference against, not excluded, both active."""
    ok = within_reach(p, h)
    ok &= can_talk
    ok &= gender_ok(p)
    for mask in (active(p), not_excluded(excluded, p.rows, p.cols, paired=p.paired)):
        if mask is not None:
            ok &= mask
    return ok


@dataclass(frozen=True, eq=False)
class Evaluation:
    """Components and constraints of `Pairs`.

    Attributes
    ----------
    acceptable : ndarray of shape (a, b) or (a,), bool
    components : ndarray of shape (6, a, b) or (6, a), float32, in `COMPONENTS` order
    km : ndarray of shape (a, b) or (a,), float32
    """

    acceptable: np.ndarray
    components: np.ndarray
    km: np.ndarray


def evaluate(p: Pairs, *, excluded: sp.csr_array) -> Evaluation:
    """Return every component in [0, 1] and the hard constraints of the pairs."""
    h = half_chord(p)
    can_talk, spoken = language(p)
    ok = acceptable(p, h, can_talk, excluded)
    parts = {"language": spoken, "interests": interests(p), "location": location(p, h),
             "availability": availability(p), "goals": goals(p), "age": age(p)}
    return Evaluation(ok, np.stack([parts[name] for name in COMPONENTS]), kilometres(h))


def utilities(p: Pairs, components: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return newcomer and volunteer utilities from `Evaluation.components`.

    Each side's utility is its own weighted sum of the components, with the
    person's normalised weights, so it lies in [0, 1].
    """
    totals = _Totals(p)
    for c in range(len(COMPONENTS)):
        totals.add(c, components[c])
    return totals.newcomer, totals.volunteer


def block_utilities(p: Pairs, *, excluded: sp.csr_array
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return ``(acceptable, newcomer utility, volunteer utility)`` without keeping components.

    Same bits as `evaluate` followed by `utilities`, with a fraction of the memory.
    """
    h = half_chord(p)
    can_talk, spoken = language(p)
    ok = acceptable(p, h, can_talk, excluded)
    totals = _Totals(p)
    for c, name in enumerate(COMPONENTS):
        if not totals.needs(c):
            continue
        if name == "language":
            totals.add(c, spoken)
        elif name == "location":
            totals.add(c, location(p, h))
        else:
            totals.add(c, _COMPUTE[name](p))
    return ok, totals.newcomer, totals.volunteer


_COMPUTE = {"interests": interests, "availability": availability, "goals": goals, "age": age}


class _Totals:
    """Both sides' weighted sums, accumulated component by component in a fixed order."""

    def __init__(self, p: Pairs) -> None:
        self.p = p
        self.weights = (p.enc.newcomers.weights[:, p.rows], p.enc.volunteers.weights[:, p.cols])
        self.sums: list[np.ndarray] = []
        self.scratch = np.empty(0, dtype=np.float32)

    def needs(self, c: int) -> bool:
        """Tell whether anyone here weighs component c (adding zeros would change nothing)."""
        return bool(self.weights[0][c].any() or self.weights[1][c].any())

    def add(self, c: int, value: np.ndarray) -> None:
        """Add component c's weighted values to both sides' sums."""
        if not self.needs(c):
            return
        factors = self.p.split(self.weights[0][c], self.weights[1][c])
        if not self.sums:  # the first term alone: 0 + x is x, bit for bit
            self.sums = [value * factor for factor in factors]
            self.scratch = np.empty_like(value)
            return
        for total, factor in zip(self.sums, factors, strict=True):
            np.multiply(value, factor, out=self.scratch)
            total += self.scratch

    @property
    def newcomer(self) -> np.ndarray:
        return self.sums[0] if self.sums else np.zeros(self.p.shape, dtype=np.float32)

    @property
    def volunteer(self) -> np.ndarray:
        return self.sums[1] if self.sums else np.zeros(self.p.shape, dtype=np.float32)
