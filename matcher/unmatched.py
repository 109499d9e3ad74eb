"""Why a newcomer got no proposal."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.neighbors import BallTree

from .encode import EARTH_RADIUS_KM, Encoded
from .result import Obstacle, Unmatched, UnmatchedReason
from .scoring import not_excluded

_CHUNK = 256


def unmatched(enc: Encoded, assignment: np.ndarray, acceptable: np.ndarray,
              excluded: sp.csr_array) -> list[Unmatched]:
    """Return every newcomer without a volunteer, with the reason.

    Parameters
    ----------
    enc : Encoded
    assignment : ndarray of shape (n,)
        Volunteer index per newcomer, -1 for none.
    acceptable : ndarray of shape (n,)
        Number of acceptable volunteers per newcomer.
    excluded : csr_array of shape (n, m)

    Returns
    -------
    list of Unmatched, by newcomer index
        An unmatched newcomer with acceptable volunteers found them all full
        (in the blocked method: all on its candidate list).
    """
    pool = enc.newcomers.pool
    alone = np.flatnonzero(assignment < 0)
    stuck = alone[pool.active[alone] & (acceptable[alone] == 0)]
    why = dict(zip(stuck.tolist(), obstacles(enc, stuck, excluded), strict=True))
    out = []
    for i in alone.tolist():
        if not pool.active[i]:
            out.append(Unmatched(int(pool.ids[i]), UnmatchedReason.INACTIVE))
        elif i in why:
            out.append(Unmatched(int(pool.ids[i]), UnmatchedReason.NO_ACCEPTABLE_VOLUNTEER,
                                 why[i]))
        else:
            out.append(Unmatched(int(pool.ids[i]), UnmatchedReason.ALL_ACCEPTABLE_VOLUNTEERS_FULL,
                                 acceptable=int(acceptable[i])))
    return out


def obstacles(enc: Encoded, newcomers: np.ndarray, excluded: sp.csr_array) -> list[Obstacle]:
    """Return, per newcomer, the first hard constraint that leaves no volunteer.

    The constraints are applied in the order a coordinator would check them:
    distance both ways, a shared language, gender preference, then whether
    the rest were excluded (rejected before) or are not active.

    Parameters
    ----------
    enc : Encoded
    newcomers : ndarray of shape (a,)
        Indices of newcomers without any acceptable volunteer.
    excluded : csr_array of shape (n, m)
    """
    out: list[Obstacle] = []
    if len(newcomers) == 0:
        return out
    if len(enc.volunteers.pool) == 0:
        return [Obstacle.TOO_FAR] * len(newcomers)  # nobody anywhere
    tree = BallTree(enc.volunteers.radians, metric="haversine")
    for start in range(0, len(newcomers), _CHUNK):
        chunk = newcomers[start:start + _CHUNK]
        radius = enc.newcomers.pool.max_distance_km[chunk] / EARTH_RADIUS_KM
        hits, angle = tree.query_radius(enc.newcomers.radians[chunk], radius,
                                        return_distance=True)
        owner = np.repeat(np.arange(len(chunk)), [len(h) for h in hits])
        cols = np.concatenate(hits).astype(np.intp)
        km = np.concatenate(angle) * EARTH_RADIUS_KM
        passed = _passed(enc, chunk[owner], cols, km, excluded)
        counts = np.stack([np.bincount(owner, weights=flag, minlength=len(chunk))
                           for flag in passed])
        out.extend(_first_empty(counts[:, a]) for a in range(len(chunk)))
    return out


def _passed(enc: Encoded, rows: np.ndarray, cols: np.ndarray, km: np.ndarray,
            excluded: sp.csr_array) -> list[np.ndarray]:
    """Return, per pair, whether it passes each constraint and all before it."""
    nc, vol = enc.newcomers, enc.volunteers
    near = km <= vol.pool.max_distance_km[cols]
    speaks = [np.packbits(side.levels >= enc.scoring.min_language_level, axis=1)
              for side in (nc, vol)]
    talk = near & (speaks[0][rows] & speaks[1][cols]).any(axis=1)
    gender = talk & enc.gender_table[nc.gender_key[rows], vol.gender_key[cols]]
    free = gender & vol.pool.active[cols]
    allowed = not_excluded(excluded, rows, cols, paired=True)
    return [near, talk, gender, free & allowed if allowed is not None else free]


def _first_empty(counts: np.ndarray) -> Obstacle:
    for obstacle, count in zip(Obstacle, counts, strict=True):
        if count == 0:
            return obstacle
    # Cannot happen for a newcomer without acceptable volunteers; say the last step.
    return Obstacle.EXCLUDED_OR_INACTIVE
