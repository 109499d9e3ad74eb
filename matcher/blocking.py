"""Spatial blocking: which volunteers each small group of newcomers may accept.

Newcomers are grouped (see `newcomer_groups`) into a few dozen neighbours who
need the same kind of volunteer, with a centre and a radius. One query per
group to a BallTree (haversine) of the volunteers returns every volunteer
within the group's radius plus its farthest travel distance; those beyond
their own travel distance, without a language in common with the group or
of a gender the group does not accept are dropped. Each group and its
volunteers form one block, scored densely: no acceptable pair is missed, and
the pairs scored in vain are those within a group's radius of the limits. A
group spread over a sparse region is split in two, recursively, while that
saves scoring many pairs.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np
from sklearn.neighbors import BallTree

from .encode import EARTH_RADIUS_KM, Encoded

# Travel distances are grouped so a group's query radius fits its members:
# a newcomer who travels 5 km is not blocked with one who travels 50.
_DISTANCE_EDGES_KM = np.array([5, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500])
# Slack for float32 distances inside the blocks (metres of error at most).
_PAD_KM = 0.05
_QUERY_CHUNK = 256
# A group searches all volunteers when this share of them speaks one of its languages.
_COMMON_SHARE = 0.5
# A block is split in two (its group at the median) when that saves scoring
# more pairs than this, about what one more block costs in overhead.
_SPLIT_SAVING_PAIRS = 1 << 15


@dataclass(frozen=True, eq=False)
class Group:
    """Newcomers close together who need the same kind of volunteer."""

    members: np.ndarray  # (a,) newcomer indices, sorted
    centre: np.ndarray  # (2,) latitude, longitude in radians
    radius_km: float
    reach_km: float  # largest max_distance_km of the members
    languages: np.ndarray  # (L,) bool, usable by some member
    preference: int  # gender code every member asks for, 0 for none


def newcomer_groups(enc: Encoded, members: np.ndarray, *, leaf_size: int) -> list[Group]:
    """Split newcomers into compact groups of about ``leaf_size`` to twice that.

    Newcomers are first split by their bridge language (the usable language
    most volunteers speak: Swedish for most, English or a mother tongue for
    beginners), their gender preference and how far they travel, then each
    part into the leaves of a BallTree. Newcomers without a usable language
    can talk to no one and are in no group.

    Parameters
    ----------
    enc : Encoded
    members : ndarray of shape (a,)
        Indices of the newcomers to group (the active ones).
    leaf_size : int

    Returns
    -------
    list of Group
    """
    side, min_level = enc.newcomers, enc.scoring.min_language_level
    usable = side.levels[members] >= min_level
    if usable.shape[1] == 0:
        return []  # no language at all: nobody can talk
    volunteers = enc.volunteers.levels >= min_level
    speakers = volunteers.mean(axis=0) if len(volunteers) else np.zeros(volunteers.shape[1])
    bridge = (np.where(usable, speakers, -1).argmax(axis=1) if len(members)
              else np.zeros(0, dtype=np.int64))
    # Groups with a common bridge language search every volunteer anyway:
    # one label for all of them keeps their groups compact.
    bridge[speakers[bridge] >= _COMMON_SHARE] = -1
    bridge += 1
    preference = side.gender_key[members] % len(enc.genders)
    bucket = np.searchsorted(_DISTANCE_EDGES_KM, side.pool.max_distance_km[members])
    label = (bridge * len(enc.genders) + preference) * (len(_DISTANCE_EDGES_KM) + 1) + bucket
    talks = usable.any(axis=1)
    groups = []
    for value in np.unique(label[talks]):
        part = members[talks & (label == value)]
        tree = BallTree(side.radians[part], leaf_size=leaf_size, metric="haversine")
        _, order, nodes, _ = tree.get_arrays()
        preference = int(value // (len(_DISTANCE_EDGES_KM) + 1) % len(enc.genders))
        for node in np.flatnonzero(nodes["is_leaf"]):
            leaf = np.sort(part[order[nodes["idx_start"][node]:nodes["idx_end"][node]]])
            groups.append(_group(enc, leaf, preference))
    return groups


def _group(enc: Encoded, people: np.ndarray, preference: int) -> Group:
    """Return the group of ``people`` (sorted newcomer indices), centred at their centroid."""
    side = enc.newcomers
    points = side.radians[people]
    centre = points.mean(axis=0)
    usable = side.levels[people] >= enc.scoring.min_language_level
    return Group(people, centre, float(_haversine_km(points, centre).max()),
                 float(side.pool.max_distance_km[people].max()), usable.any(axis=0), preference)


def halves(enc: Encoded, group: Group) -> tuple[Group, Group]:
    """Split a group of at least two at the median of its wider extent (north or east)."""
    points = enc.newcomers.radians[group.members]
    extent = np.ptp(points, axis=0) * [1.0, np.cos(group.centre[0])]
    order = np.argsort(points[:, int(np.argmax(extent))], kind="stable")
    half = len(order) // 2
    first, second = (np.sort(group.members[part]) for part in (order[:half], order[half:]))
    return _group(enc, first, group.preference), _group(enc, second, group.preference)


def block_list(enc: Encoded, newcomers: np.ndarray, volunteers: np.ndarray, *, leaf_size: int,
               pool: Executor | None = None) -> list[tuple[np.ndarray, np.ndarray]]:
    """Return ``(rows, cols)`` blocks: groups of newcomers and the volunteers they may accept.

    Parameters
    ----------
    enc : Encoded
    newcomers : ndarray of shape (a,), sorted
        Indices of the newcomers that may be matched (the active ones).
    volunteers : ndarray of shape (b,), sorted
        Indices of the volunteers that may be matched (the active ones).
    leaf_size : int
        See `newcomer_groups`.
    pool : Executor, optional
        Searches run in it, a chunk of groups at a time.

    Returns
    -------
    list of (rows, cols)
        ``rows`` a group's newcomer indices, sorted; ``cols`` the volunteers within
        both reaches of some member, sharing a usable language with some member
        and of the gender the group asks for, sorted and possibly empty. Every
        newcomer who can talk to anyone is in exactly one block.
    """
    groups = newcomer_groups(enc, newcomers, leaf_size=leaf_size)
    if len(volunteers) == 0:
        return [(group.members, volunteers) for group in groups]
    searches = _Searches(enc, volunteers)
    chunks = [groups[start:start + _QUERY_CHUNK] for start in range(0, len(groups), _QUERY_CHUNK)]
    found = pool.map(searches.blocks, chunks) if pool is not None else map(searches.blocks,
                                                                             chunks)
    return [block for part in found for block in part]


class _Searches:
    """BallTrees (haversine) over the volunteers, split by language and travel distance.

    A group whose languages most volunteers speak searches the trees of all
    volunteers (the language check in scoring drops the few it cannot talk
    to); a group of beginners who need a language few volunteers speak
    searches only the trees of their languages, so a sparse group spread over
    hundreds of km does not list every volunteer in between. Splitting by
    travel distance lets each search stop at what that part can travel.
    """

    def __init__(self, enc: Encoded, volunteers: np.ndarray) -> None:
        side = enc.volunteers
        self.enc = enc
        self.volunteers = volunteers
        self.radians = side.radians[volunteers]
        self.usable = side.levels[volunteers] >= enc.scoring.min_language_level
        self.gender = side.gender_key[volunteers] // len(enc.genders)
        self.own_reach = side.pool.max_distance_km[volunteers]
        self.points = _half_unit(self.radians).astype(np.float32)  # _PAD_KM covers rounding
        self.reach_km = self.own_reach.astype(np.float32)
        self.share = self.usable.mean(axis=0)
        self.bucket = np.searchsorted(_DISTANCE_EDGES_KM, self.own_reach)
        self.reach = np.zeros(len(_DISTANCE_EDGES_KM) + 1)
        np.maximum.at(self.reach, self.bucket, self.own_reach)
        self.trees = {key: self._tree(*key) for key in self._keys()}

    def _keys(self) -> list[tuple[int, int]]:
        languages = [-1, *np.flatnonzero(self.share < _COMMON_SHARE)]
        return [(int(lang), int(b)) for lang in languages for b in np.unique(self.bucket)]

    def _tree(self, language: int, bucket: int) -> tuple[BallTree | None, np.ndarray]:
        """Return the tree of one travel bucket of the volunteers speaking ``language``
        (-1: all) and their rows."""
        speaks = self.usable[:, language] if language >= 0 else True
        rows = np.flatnonzero(speaks & (self.bucket == bucket))
        return (BallTree(self.radians[rows], metric="haversine") if len(rows) else None), rows

    def blocks(self, groups: list[Group]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Return each group's members and the volunteers they may accept, split where
        that saves scoring many pairs (a group spread over a sparse region)."""
        out = []
        for group, hits in zip(groups, self._query(groups), strict=True):
            keep = self._near(group, hits)
            if group.preference:
                keep &= self.gender[hits] == group.preference
            out.extend(self._refined(group, hits[keep]))
        return out

    def _near(self, group: Group, hits: np.ndarray) -> np.ndarray:
        """Return which volunteer rows ``hits`` some member of ``group`` may reach.

        A chord is shorter than its arc, so ``2 R (chord / 2)`` under the limit
        keeps every volunteer within the limit (and a rare few just beyond,
        whom scoring drops), without an arcsine per volunteer.
        """
        centre = _half_unit(group.centre[None, :])[:, 0].astype(np.float32)
        chord2 = np.zeros(len(hits), dtype=np.float32)
        for axis in range(3):
            step = self.points[axis][hits] - centre[axis]
            step *= step
            chord2 += step
        limit = np.minimum(self.reach_km[hits], np.float32(group.reach_km))
        limit += np.float32(group.radius_km + _PAD_KM)
        limit *= limit
        return chord2 * np.float32((2 * EARTH_RADIUS_KM) ** 2) <= limit

    def _refined(self, group: Group, hits: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """Return the block of ``group`` and volunteer rows ``hits``, or its two halves'
        blocks (recursively) when they hold far fewer pairs."""
        size = len(group.members) * len(hits)
        if len(group.members) > 1 and size > 2 * _SPLIT_SAVING_PAIRS:
            parts = [(half, hits[self._near(half, hits)]) for half in halves(self.enc, group)]
            if sum(len(g.members) * len(h) for g, h in parts) + _SPLIT_SAVING_PAIRS < size:
                return [block for g, h in parts for block in self._refined(g, h)]
        return [(group.members, self.volunteers[hits])]

    def _query(self, groups: list[Group]) -> list[np.ndarray]:
        """Return, per group, sorted volunteer rows within its radius plus both reaches."""
        wide = [self.share[g.languages].max(initial=0) >= _COMMON_SHARE for g in groups]
        found: dict[int, list[np.ndarray]] = {id(g): [] for g in groups}
        narrow = [g for g, w in zip(groups, wide, strict=True) if not w]
        plans = [(-1, [g for g, w in zip(groups, wide, strict=True) if w])] + [
            (lang, [g for g in narrow if g.languages[lang]])
            for lang in range(self.usable.shape[1])]
        for (language, bucket), (tree, rows) in self.trees.items():
            asking = dict(plans).get(language, [])
            if tree is None or not asking:
                continue
            centres = np.array([g.centre for g in asking])
            radius = np.array([g.radius_km + min(g.reach_km, self.reach[bucket]) + _PAD_KM
                               for g in asking])
            # Without distances: BallTree then lists whole nodes inside the
            # radius without computing each distance, over ten times faster.
            for group, h in zip(asking, tree.query_radius(centres, radius / EARTH_RADIUS_KM),
                                strict=True):
                found[id(group)].append(rows[h])
        return [_sorted_union(found[id(g)]) for g in groups]


def _sorted_union(parts: list[np.ndarray]) -> np.ndarray:
    """Return the sorted union of index arrays."""
    rows = np.sort(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.intp)
    if len(rows) == 0:
        return rows
    return rows[np.r_[True, rows[1:] != rows[:-1]]]


def _half_unit(radians: np.ndarray) -> np.ndarray:
    """Return (latitude, longitude) radians rows as points on a sphere of radius 1/2, (3, n)."""
    lat, lon = radians[:, 0], radians[:, 1]
    return np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)]) / 2


def _haversine_km(points: np.ndarray, centre: np.ndarray) -> np.ndarray:
    """Return the distance in km from each (latitude, longitude) radians row to ``centre``."""
    half = (points - centre) / 2
    h = np.sin(half[:, 0]) ** 2 + np.cos(points[:, 0]) * np.cos(centre[0]) * np.sin(half[:, 1]) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0)))
