"""Pools fail fast on data the matcher cannot use, saying what was expected."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from matcher import NewcomerPool, VolunteerPool, availability_mask

from .people import newcomer, pools, volunteer


def test_records_become_read_only_arrays_on_shared_vocabularies() -> None:
    newcomers, volunteers = pools([newcomer(1, interests={"chess"}), newcomer(2)],
                                  [volunteer(3, capacity=2)])
    assert newcomers.ids.tolist() == [1, 2]
    assert newcomers.interest_codes == ("chess",)
    assert volunteers.capacity.tolist() == [2]
    with pytest.raises(ValueError, match="read-only"):
        newcomers.ids[0] = 5


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ids": [1, 1]}, "ids must be unique"),
        ({"max_distance_km": [10.0, 0.0]}, "max_distance_km must be > 0"),
        ({"latitude": [59.0, 95.0]}, "latitude within ±90"),
        ({"availability": [1 << 21, 0]}, "21-bit masks"),
        ({"birth_year": [1990]}, r"shape \(2,\) \(one row per id\)"),
        ({"language_levels": [[5, 0, 0], [0, 0, 0]]}, "levels must lie in 0-4"),
    ],
)
def test_bad_columns_fail_saying_what_was_expected(change, message) -> None:
    newcomers, _ = pools([newcomer(1, languages={"ar": 4, "sv": 2, "en": 1}), newcomer(2)],
                         [volunteer()])
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(newcomers, **change)


def test_unknown_codes_and_bad_capacities_are_refused() -> None:
    with pytest.raises(ValueError, match="expected one of"):
        NewcomerPool.from_records([newcomer(priorities={"money"})])
    with pytest.raises(ValueError, match="capacity must be >= 0"):
        VolunteerPool.from_records([volunteer(capacity=-1)])
    with pytest.raises(ValueError, match="a slot must be"):
        availability_mask([(7, 0)])


def test_the_callers_arrays_are_copied() -> None:
    newcomers, _ = pools([newcomer(1), newcomer(2)], [volunteer()])
    latitude = np.array([59.0, 60.0])
    pool = dataclasses.replace(newcomers, latitude=latitude)
    latitude[0] = 0.0
    assert pool.latitude[0] == 59.0
