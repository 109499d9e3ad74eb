"""The maximum-total mode: the largest total score within the same constraints."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings

from matcher import blocking_pairs, deferred_acceptance, max_total_assignment

from .markets import as_csr, markets, max_total, seeded_markets


def _total(pair_score: np.ndarray, assignment: np.ndarray) -> float:
    matched = np.flatnonzero(assignment >= 0)
    return float(pair_score[matched, assignment[matched]].sum())


def _check_feasible(assignment: np.ndarray, pair_score: np.ndarray, capacity: np.ndarray
                    ) -> None:
    matched = np.flatnonzero(assignment >= 0)
    assert np.all(np.isfinite(pair_score[matched, assignment[matched]]))
    assert np.all(np.bincount(assignment[matched], minlength=len(capacity)) <= capacity)


@settings(max_examples=200, deadline=None)
@given(markets())
def test_tiny_markets_reach_the_largest_total(market) -> None:
    p, q, capacity = market
    score = (p + q) / 2  # NaN and -inf stay unacceptable
    score[~np.isfinite(score)] = np.nan
    for given_as in (score, as_csr(score)):
        assignment = max_total_assignment(given_as, capacity)
        _check_feasible(assignment, score, capacity)
        assert _total(score, assignment) == pytest.approx(max_total(score, capacity))


@settings(max_examples=60, deadline=None)
@given(seeded_markets(max_n=40, max_m=30))
def test_dense_and_sparse_agree_and_never_lose_to_the_stable_assignment(market) -> None:
    p, q, capacity = market
    score = np.where(np.isfinite(p) & np.isfinite(q), (p + q) / 2, np.nan)
    dense = max_total_assignment(score, capacity)
    sparse = max_total_assignment(as_csr(score), capacity)
    _check_feasible(dense, score, capacity)
    _check_feasible(sparse, score, capacity)
    assert _total(score, dense) == pytest.approx(_total(score, sparse))
    stable = deferred_acceptance(p, q, capacity)
    assert _total(score, dense) >= _total(score, stable) - 1e-9


def test_it_trades_stability_for_total_score() -> None:
    # Newcomer 0 prefers volunteer 0, who prefers newcomer 0: the stable pair.
    # Pairing 0 with 1 and 1 with 0 scores more in total but leaves them blocking.
    p = np.array([[1.0, 0.8], [0.9, np.nan]])
    q = np.array([[1.0, 0.8], [0.5, np.nan]])
    score = (p + q) / 2
    stable = deferred_acceptance(p, q, [1, 1])
    best = max_total_assignment(score, [1, 1])
    assert stable.tolist() == [0, -1]
    assert best.tolist() == [1, 0]
    assert blocking_pairs(best, p, q, [1, 1]).tolist() == [[0, 0]]


def test_a_newcomer_is_left_out_when_that_scores_more() -> None:
    score = np.array([[0.9, 0.1], [0.5, np.nan]])
    assert max_total_assignment(score, [1, 1]).tolist() == [0, -1]


def test_separate_towns_are_solved_apart_with_the_same_result() -> None:
    rng = np.random.default_rng(3)
    block = rng.random((20, 15))
    score = sp.block_diag([sp.csr_array(block), sp.csr_array(block[::-1])], format="csr")
    capacity = rng.integers(1, 3, 30)
    together = max_total_assignment(score, capacity)
    alone = max_total_assignment(sp.csr_array(block), capacity[:15])
    assert np.array_equal(together[:20], alone)


def test_bad_input_fails_saying_what_was_expected() -> None:
    with pytest.raises(ValueError, match="finite"):
        max_total_assignment(np.array([[np.inf]]), [1])
    with pytest.raises(ValueError, match=r"length 2 \(one per volunteer\)"):
        max_total_assignment(np.zeros((1, 2)), [1])
