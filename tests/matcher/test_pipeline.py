"""Dense and blocked preference lists agree, and the blocked top-k rule is exact."""

from __future__ import annotations

import dataclasses
import importlib

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import matcher.blocking
import matcher.harvest
from matcher import match
from matcher.bench.synthetic import synthetic_pools
from matcher.encode import Scoring, encode
from matcher.preferences import blocked_preferences, dense_preferences
from matcher.scoring import exclusion_matrix
from matcher.weights import DEFAULT_WEIGHTS


def _pools(seed: int, n: int, m: int):
    """Return synthetic pools with some people inactive and some pairs excluded."""
    newcomers, volunteers = synthetic_pools(n, m, seed=seed)
    rng = np.random.default_rng(seed)
    newcomers = dataclasses.replace(newcomers, active=rng.random(n) > 0.05)
    volunteers = dataclasses.replace(volunteers, active=rng.random(m) > 0.05)
    excluded = list(zip(rng.choice(newcomers.ids, 30).tolist(),
                        rng.choice(volunteers.ids, 30).tolist(), strict=True))
    return newcomers, volunteers, excluded


@pytest.fixture
def small_slices(monkeypatch: pytest.MonkeyPatch) -> None:
    """Score in small slices, split blocks eagerly and prune often: every path runs."""
    monkeypatch.setattr(matcher.harvest, "_CHUNK_PAIRS", 2048)
    monkeypatch.setattr(matcher.harvest, "_MIN_WIDTH", 16)
    monkeypatch.setattr(matcher.harvest, "_PRUNE_PAIRS", 500)
    monkeypatch.setattr(matcher.blocking, "_SPLIT_SAVING_PAIRS", 64)


def _both(seed: int, n: int, m: int, k: int | None, threads: int):
    newcomers, volunteers, excluded = _pools(seed, n, m)
    enc = encode(newcomers, volunteers, weights=DEFAULT_WEIGHTS, scoring=Scoring())
    forbidden = exclusion_matrix(newcomers, volunteers, excluded)
    dense = dense_preferences(enc, excluded=forbidden, rows_per_chunk=64)
    blocked = blocked_preferences(enc, excluded=forbidden, k=k, leaf_size=4, threads=threads)
    return dense, blocked


# The fixture only sets constants, the same for every example.
FIXED = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@settings(FIXED, max_examples=8)
@given(st.integers(0, 2**32 - 1), st.integers(50, 400), st.integers(50, 400),
       st.sampled_from([1, 2]))
def test_blocked_full_lists_equal_dense_bit_for_bit(small_slices, seed, n, m, threads) -> None:
    dense, blocked = _both(seed, n, m, None, threads)
    acceptable = np.isfinite(dense.newcomer)
    assert np.array_equal(sp.csr_array(acceptable.astype(bool)).indices,
                          blocked.newcomer.indices)
    assert np.array_equal(blocked.newcomer.toarray()[acceptable], dense.newcomer[acceptable])
    assert np.array_equal(blocked.volunteer.toarray()[acceptable], dense.volunteer[acceptable])
    assert np.array_equal(blocked.acceptable, dense.acceptable)


def _top_k(utility: np.ndarray, k: int) -> np.ndarray:
    """Each row's k best columns by (utility desc, column asc), as a bool mask."""
    keep = np.zeros(utility.shape, dtype=bool)
    for i, row in enumerate(utility):
        finite = np.flatnonzero(np.isfinite(row))
        best = finite[np.lexsort((finite, -row[finite]))][:k]
        keep[i, best] = True
    return keep


@settings(FIXED, max_examples=8)
@given(st.integers(0, 2**32 - 1), st.integers(50, 300), st.integers(50, 300),
       st.integers(1, 12), st.sampled_from([1, 2]))
def test_blocked_candidates_are_exactly_both_sides_k_best(small_slices, seed, n, m, k,
                                                          threads) -> None:
    dense, blocked = _both(seed, n, m, k, threads)
    expected = _top_k(dense.newcomer, k) | _top_k(dense.volunteer.T, k).T
    kept = np.zeros(expected.shape, dtype=bool)
    kept[np.repeat(np.arange(n), np.diff(blocked.newcomer.indptr)), blocked.newcomer.indices] = 1
    assert np.array_equal(kept, expected)
    assert np.array_equal(blocked.newcomer.toarray()[kept], dense.newcomer[kept])


@settings(max_examples=4, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_dense_and_blocked_runs_propose_the_same_pairs(seed) -> None:
    newcomers, volunteers, excluded = _pools(seed, 300, 250)
    results = [match(newcomers, volunteers, excluded=excluded, method=method, k=None,
                     compare=True) for method in ("dense", "blocked")]
    assert results[0].method == "dense" and results[1].method == "blocked"
    assert results[0].proposals == results[1].proposals
    assert results[0].unmatched == results[1].unmatched
    assert results[0].stable == results[1].stable
    assert results[0].optimal is not None and results[1].optimal is not None
    assert results[0].optimal.total_score == pytest.approx(results[1].optimal.total_score)


def test_auto_picks_dense_for_small_pools_and_blocked_for_big_ones(monkeypatch) -> None:
    newcomers, volunteers = synthetic_pools(60, 50, seed=1)
    assert match(newcomers, volunteers).method == "dense"
    # matcher.match is also the name of the function: fetch the module itself.
    monkeypatch.setattr(importlib.import_module("matcher.match"), "DENSE_MAX_PAIRS", 60 * 50 - 1)
    assert match(newcomers, volunteers).method == "blocked"
