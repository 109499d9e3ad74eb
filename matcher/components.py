"""The six components and the hard constraints, computed with array operations.

Every function takes `Pairs`: newcomer indices ``rows`` (length a) and
volunteer indices ``cols`` (length b) in one of two shapes,

* block (``paired=False``): all a×b pairs, arrays of shape (a, b); with every
  index this is the dense n×m matrix;
* paired (``paired=True``, a == b): pair p is ``(rows[p], cols[p])``, arrays of
  shape (a,).

A pair gets the same bits in either shape (bitwise operations, products of
exact integers, see `matcher.encode`, then the same elementwise steps in the
same order), which is what lets the dense and the blocked pipelines agree
exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .encode import EARTH_RADIUS_KM, Encoded

_F = np.float32
# Half chords above this get numpy's arcsin; below it a short series is exact
# to float32 precision (the first omitted term is below 1e-9 relative).
_SERIES_LIMIT = 0.01


@dataclass(frozen=True, eq=False)
class Pairs:
    """Which pairs to compute, with both sides' interest weights gathered once.

    Build it with `pairs`.
    """

    enc: Encoded
    rows: np.ndarray
    cols: np.ndarray
    paired: bool
    left: np.ndarray  # (a, V) newcomer interest weights
    right: np.ndarray  # (b, V) volunteer interest flags

    @property
    def shape(self) -> tuple[int, ...]:
        return (len(self.rows),) if self.paired else (len(self.rows), len(self.cols))

    def split(self, left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return per-newcomer and per-volunteer values shaped to broadcast over the pairs."""
        return (left, right) if self.paired else (left[:, None], right[None, :])

    def both(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Return the ``name`` attribute of both sides, gathered and shaped to broadcast."""
        return self.split(getattr(self.enc.newcomers, name)[self.rows],
                          getattr(self.enc.volunteers, name)[self.cols])

    def common(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Return whether bit sets of shape (W, n) and (W, m) share a member, per pair."""
        out = None
        for word in range(left.shape[0]):
            a, b = self.split(left[word][self.rows], right[word][self.cols])
            shared = np.bitwise_and(a, b) != 0
            out = shared if out is None else np.logical_or(out, shared, out=out)
        return out if out is not None else np.zeros(self.shape, dtype=bool)

    def count(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Return how many members bit sets of shape (W, n) and (W, m) share, float32."""
        out = np.zeros(self.shape, dtype=_F)
        for word in range(left.shape[0]):
            a, b = self.split(left[word][self.rows], right[word][self.cols])
            out += np.bitwise_count(np.bitwise_and(a, b))
        return out


def pairs(enc: Encoded, rows: np.ndarray | None = None, cols: np.ndarray | None = None, *,
          paired: bool = False) -> Pairs:
    """Return the pairs of newcomers ``rows`` and volunteers ``cols`` (None: everyone).

    Parameters
    ----------
    enc : Encoded
    rows : ndarray of shape (a,), int, optional
    cols : ndarray of shape (b,), int, optional
    paired : bool
        Pair ``rows[p]`` with ``cols[p]`` (a == b) instead of every row with every column.
    """
    n, m = len(enc.newcomers.pool), len(enc.volunteers.pool)
    rows = np.arange(n) if rows is None else np.asarray(rows, dtype=np.intp)
    cols = np.arange(m) if cols is None else np.asarray(cols, dtype=np.intp)
    if paired and rows.shape != cols.shape:
        raise ValueError(f"paired rows and cols must have the same length, got {rows.shape} "
                         f"and {cols.shape}")
    for name, index, size in (("rows", rows, n), ("cols", cols, m)):
        if index.ndim != 1 or (index.size and (index.min() < 0 or index.max() >= size)):
            raise ValueError(f"{name} must be a 1-d array of indices in [0, {size}), got "
                             f"shape {index.shape}")
    # np.take copies rows several times faster than fancy indexing.
    return Pairs(enc, rows, cols, paired, np.take(enc.newcomers.interest_weights, rows, axis=0),
                 np.take(enc.volunteers.interest_weights, cols, axis=0))


def half_chord(p: Pairs) -> np.ndarray:
    """Return half the unit-sphere chord between the two homes, float32.

    Computed from coordinate differences, so it stays precise for neighbours a
    few hundred metres apart; ``2 R asin(h)`` is the great-circle distance
    (the haversine formula), see `kilometres`.
    """
    a, b = p.enc.newcomers.half_unit, p.enc.volunteers.half_unit
    left, right = p.split(a[0][p.rows], b[0][p.cols])
    half = left - right
    half *= half
    step = np.empty_like(half)
    for axis in (1, 2):
        left, right = p.split(a[axis][p.rows], b[axis][p.cols])
        np.subtract(left, right, out=step)
        step *= step
        half += step
    return np.sqrt(half, out=half)


def _arcsin(h: np.ndarray) -> np.ndarray:
    """Return arcsin(h): ``h (1 + h²/6)`` up to `_SERIES_LIMIT`, numpy's beyond.

    Up to the limit (about 130 km apart) the first omitted term is below one
    part in 10**9, under float32 precision, and the series is several times
    faster than ``np.arcsin``; neighbours are what blocks hold.
    """
    out = np.multiply(h, h)
    out *= _F(1 / 6)
    out += _F(1)
    out *= h
    far = h > _F(_SERIES_LIMIT)
    if far.any():
        out[far] = np.arcsin(np.minimum(h[far], _F(1)))
    return out


def kilometres(h: np.ndarray) -> np.ndarray:
    """Return the great-circle distance in km of half chords from `half_chord`."""
    km = _arcsin(h)
    km *= _F(2 * EARTH_RADIUS_KM)
    return km


def location(p: Pairs, h: np.ndarray) -> np.ndarray:
    """Return the location score ``exp(-km / distance_scale_km)`` of half chords ``h``."""
    score = _arcsin(h)
    score *= _F(-2 * EARTH_RADIUS_KM / p.enc.scoring.distance_scale_km)
    return np.exp(score, out=score)


def within_reach(p: Pairs, h: np.ndarray) -> np.ndarray:
    """Return whether the homes are within both sides' maximum distance.

    Compares half chords with each person's precomputed ``sin(max_km / 2R)``:
    the same test as on kilometres, without an arcsine per pair.
    """
    left, right = p.both("reach")
    ok = h <= left
    ok &= h <= right
    return ok


def language(p: Pairs) -> tuple[np.ndarray, np.ndarray]:
    """Return whether a pair can talk, and the language score.

    The score is the level of their best shared language (the lower of the two
    levels) over 4, plus `Scoring.mother_tongue_bonus` when the volunteer speaks
    the mother tongue of a newcomer who is a beginner in Swedish; at most 1.
    """
    scoring, nc, vol = p.enc.scoring, p.enc.newcomers, p.enc.volunteers
    can_talk = p.common(nc.speaks[0], vol.speaks[0])
    score = np.full(p.shape, scoring.min_language_level, dtype=_F)
    for level in range(1, len(nc.speaks)):
        score += p.common(nc.speaks[level], vol.speaks[level])
    score *= _F(0.25)
    if scoring.mother_tongue_bonus > 0 and nc.tongue_bits[:, p.rows].any():
        score += mother_tongue(p) * _F(scoring.mother_tongue_bonus)
        np.minimum(score, _F(1), out=score)
    return can_talk, score


def mother_tongue(p: Pairs) -> np.ndarray:
    """Return whether the volunteer speaks a Swedish beginner's mother tongue, usably."""
    return p.common(p.enc.newcomers.tongue_bits, p.enc.volunteers.speaks[0])


def interests(p: Pairs) -> np.ndarray:
    """Return the cosine of the two TF-IDF-weighted interest vectors (0 if one is empty)."""
    if p.paired:
        score = np.einsum("pk,pk->p", p.left, p.right).astype(_F)
    else:
        score = (p.left @ p.right.T).astype(_F, copy=False)
    left, right = p.both("interest_scale")
    score *= left
    score *= right
    return np.minimum(score, _F(1), out=score)


def availability(p: Pairs) -> np.ndarray:
    """Return the shared weekly slots over the smaller side's number of slots.

    When a side gave no availability it is unknown: `Scoring.unknown_score`.
    """
    left, right = p.both("slots")
    score = np.bitwise_count(np.bitwise_and(left, right)).astype(_F)
    left, right = p.both("slot_scale")
    score *= np.maximum(left, right)  # 1 / min(count) = max(1 / count)
    left, right = p.both("slot_unknown")
    if left.any() or right.any():
        # An unknown side has no slots, so the count is 0 there: add the score.
        score += np.maximum(left, right)
    return score


def goals(p: Pairs) -> np.ndarray:
    """Return the share of the newcomer's goals the volunteer helps with.

    A newcomer who named no goals scores `Scoring.unknown_score` with everyone.
    """
    score = p.count(p.enc.newcomers.topic_bits, p.enc.volunteers.topic_bits)
    score *= p.both("topic_scale")[0]
    unknown = p.both("topic_unknown")[0]
    if unknown.any():
        score += unknown
    return score


def age(p: Pairs) -> np.ndarray:
    """Return ``max(0, 1 - gap / age_span_years)`` for the gap between birth years."""
    left, right = p.both("birth_year")
    score = np.abs(left - right)
    score *= _F(-1 / p.enc.scoring.age_span_years)
    score += _F(1)
    return np.maximum(score, _F(0), out=score)


def gender_ok(p: Pairs) -> np.ndarray:
    """Return whether neither side's gender preference rules the other out."""
    keys = p.enc.newcomers.gender_key[p.rows]
    other = p.enc.volunteers.gender_key[p.cols]
    if p.paired:
        return p.enc.gender_table[keys, other]
    distinct, which = np.unique(keys, return_inverse=True)
    return p.enc.gender_table[distinct][:, other][which]  # a few table rows, then copies


def active(p: Pairs) -> np.ndarray | None:
    """Return whether both are active, or None when everyone here is."""
    left = p.enc.newcomers.pool.active[p.rows]
    right = p.enc.volunteers.pool.active[p.cols]
    if left.all() and right.all():
        return None
    left, right = p.split(left, right)
    return left & right
