"""Reasons for proposed pairs, as structured data the web layer translates."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .encode import Encoded
from .records import AVAILABILITY_SLOTS, DAY_PARTS, DAYS
from .result import Reason, ReasonKind
from .weights import COMPONENTS

_WEEKDAYS, _WEEKEND = range(5), range(5, 7)
_GROUP_NAMES = tuple(f"{group}_{part}" for part in DAY_PARTS for group in ("weekday", "weekend"))
_SLOT_NAMES = tuple(f"{day}_{part}" for day in DAYS for part in DAY_PARTS)
_MAX_INTERESTS = 3
# Below these scores a component is no reason to propose a pair.
_WORTH_MENTIONING = {"language": 0.0, "interests": 0.05, "location": 0.0, "availability": 0.05,
                     "goals": 0.05, "age": 0.3}


def slot_names(mask: int) -> tuple[str, ...]:
    """Name the weekly slots of ``mask``, whole weekdays and weekends grouped.

    Every weekday evening becomes ``"weekday_evening"``, Saturday and Sunday
    morning ``"weekend_morning"``; other slots are named one by one
    (``"tue_evening"``). Groups come first (mornings, afternoons, evenings),
    then single slots in week order.

    Examples
    --------
    >>> from matcher.records import availability_mask
    >>> slot_names(availability_mask([(d, 2) for d in range(5)] + [(5, 0)]))
    ('weekday_evening', 'sat_morning')
    """
    return _slot_names(np.array([mask], dtype=np.int64))[0]


def _slot_names(masks: np.ndarray) -> list[tuple[str, ...]]:
    """Return `slot_names` of every mask in ``masks``, shape (p,)."""
    bits = (masks[:, None] >> np.arange(AVAILABILITY_SLOTS)) & 1 == 1
    groups, singles = [], bits.copy()
    for part in range(len(DAY_PARTS)):
        for days in (_WEEKDAYS, _WEEKEND):
            slots = [day * len(DAY_PARTS) + part for day in days]
            whole = bits[:, slots].all(axis=1)
            singles[np.ix_(whole, slots)] = False
            groups.append(whole)
    grouped = _codes(np.column_stack(groups), _GROUP_NAMES)
    single = _codes(singles, _SLOT_NAMES)
    return [g + s for g, s in zip(grouped, single, strict=True)]


def reasons(enc: Encoded, rows: np.ndarray, cols: np.ndarray, components: np.ndarray,
            km: np.ndarray, *, max_reasons: int) -> list[tuple[Reason, ...]]:
    """Return the top reasons of each pair ``(rows[p], cols[p])``.

    Components are ranked by what they add to the pair score (mean of both
    sides' weights times the score); those with nothing to show (no shared
    interest, no shared slot, ...) are skipped.

    Parameters
    ----------
    enc : Encoded
    rows, cols : ndarray of shape (p,)
        Newcomer and volunteer indices of the pairs.
    components : ndarray of shape (6, p)
        The pairs' component scores (`matcher.scoring.Evaluation` in paired shape).
    km : ndarray of shape (p,)
    max_reasons : int
        Components explained per pair, at most (language may give two reasons:
        the mother tongue and the other shared languages).

    Returns
    -------
    list of tuple of Reason, length p
    """
    weight = (enc.newcomers.weights[:, rows] + enc.volunteers.weights[:, cols]) / 2
    contribution = components * weight
    order = np.argsort(-contribution, axis=0, kind="stable").T.tolist()
    worth = np.array([_WORTH_MENTIONING[name] for name in COMPONENTS])[:, None]
    adds, mention = (contribution > 0).T.tolist(), (components > worth).T.tolist()
    makers = _reason_makers(enc, rows, cols, km)
    out = []
    for p in range(len(rows)):
        chosen: list[Reason] = []
        explained = 0
        for c in order[p]:
            if explained >= max_reasons or not adds[p][c]:
                break
            found = makers[c](p) if mention[p][c] else []
            chosen.extend(found)
            explained += bool(found)
        out.append(tuple(chosen))
    return out


def _reason_makers(enc: Encoded, rows: np.ndarray, cols: np.ndarray, km: np.ndarray
                   ) -> list[Callable[[int], list[Reason]]]:
    """Return, per component in `COMPONENTS` order, a function of the pair giving its reasons.

    What the pairs share is gathered for all of them at once.
    """
    nc, vol = enc.newcomers, enc.volunteers
    usable = vol.levels[cols] >= enc.scoring.min_language_level
    tongues = nc.tongues[rows] & usable
    tongue = _codes(tongues, enc.language_codes, limit=1)
    shared = np.where((nc.levels[rows] >= enc.scoring.min_language_level) & usable,
                      np.minimum(nc.levels[rows], vol.levels[cols]), 0).astype(np.int16)
    said = np.flatnonzero(tongues.any(axis=1))
    if len(said):
        shared[said, tongues[said].argmax(axis=1)] = 0  # said already, as the mother tongue
    spoken = _codes(shared > 0, enc.language_codes, order=np.argsort(-shared, axis=1,
                                                                      kind="stable"))
    interests = _codes(nc.interests[rows] & vol.interests[cols], enc.interest_codes,
                       order=np.argsort(-enc.interest_rarity, kind="stable"),
                       limit=_MAX_INTERESTS)
    topics = _codes(nc.topics[rows] & vol.topics[cols], enc.topic_codes)
    slots = _slot_names(nc.pool.availability[rows] & vol.pool.availability[cols])
    years = np.abs(nc.pool.birth_year[rows] - vol.pool.birth_year[cols]).tolist()
    whole_km = km.astype(np.int64).tolist()

    def language(p: int) -> list[Reason]:
        out = [Reason(ReasonKind.MOTHER_TONGUE, "language", tongue[p])] if tongue[p] else []
        return out + ([Reason(ReasonKind.SHARED_LANGUAGE, "language", spoken[p])]
                      if spoken[p] else [])

    def availability(p: int) -> list[Reason]:
        found = slots[p]
        return [Reason(ReasonKind.SHARED_AVAILABILITY, "availability", found)] if found else []

    return [
        language,
        lambda p: ([Reason(ReasonKind.SHARED_INTERESTS, "interests", interests[p])]
                   if interests[p] else []),
        lambda p: [Reason(ReasonKind.DISTANCE, "location", km=whole_km[p])],
        availability,
        lambda p: [Reason(ReasonKind.GOALS_COVERED, "goals", topics[p])] if topics[p] else [],
        lambda p: [Reason(ReasonKind.CLOSE_IN_AGE, "age", years=years[p])],
    ]


def _codes(flags: np.ndarray, codes: tuple[str, ...], *, order: np.ndarray | None = None,
           limit: int | None = None) -> list[tuple[str, ...]]:
    """Return, per row of ``flags`` (p, V), the codes of its set columns.

    Columns come in vocabulary order, or in ``order``: the same for every row,
    shape (V,), or one per row, shape (p, V); at most ``limit`` per row.
    """
    p, v = flags.shape
    column = np.broadcast_to(np.arange(v) if order is None else order, (p, v))
    row, at = np.nonzero(np.take_along_axis(flags, column, axis=1))
    names = np.array(codes, dtype=object)[column[row, at]].tolist() if len(row) else []
    bounds = np.searchsorted(row, np.arange(p + 1)).tolist()
    return [tuple(names[start:min(end, start + limit) if limit else end])
            for start, end in zip(bounds[:-1], bounds[1:], strict=True)]
