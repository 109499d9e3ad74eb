"""The stable step keeps its public contract: capacities, acceptability, stability,
newcomer-optimality, determinism, and the same answer from dense and sparse input."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher import blocking_pairs, deferred_acceptance
from matcher.bench.reference import reference_assignment

from .markets import (
    acceptable,
    as_csr,
    blocking,
    markets,
    newcomer_optimal_stable,
    seeded_markets,
    simple_deferred_acceptance,
)

NAN = np.nan


def _check_feasible(assignment: np.ndarray, p: np.ndarray, q: np.ndarray,
                    capacity: np.ndarray) -> None:
    n, m = p.shape
    assert assignment.shape == (n,) and assignment.dtype == np.int64
    matched = np.flatnonzero(assignment >= 0)
    assert np.all(assignment[matched] < m)
    assert np.all(acceptable(p, q)[matched, assignment[matched]])
    assert np.all(np.bincount(assignment[matched], minlength=m) <= capacity)


@settings(max_examples=300, deadline=None)
@given(markets())
def test_tiny_markets_get_the_newcomer_optimal_stable_assignment(market) -> None:
    p, q, capacity = market
    assignment = deferred_acceptance(p, q, capacity)
    _check_feasible(assignment, p, q, capacity)
    assert blocking(assignment, p, q, capacity) == []
    assert blocking_pairs(assignment, p, q, capacity).shape == (0, 2)
    assert np.array_equal(assignment, newcomer_optimal_stable(p, q, capacity))


@settings(max_examples=150, deadline=None)
@given(seeded_markets())
def test_dense_and_sparse_input_give_the_plain_algorithms_answer(market) -> None:
    p, q, capacity = market
    dense = deferred_acceptance(p, q, capacity)
    _check_feasible(dense, p, q, capacity)
    assert np.array_equal(dense, simple_deferred_acceptance(p, q, capacity))
    assert np.array_equal(deferred_acceptance(as_csr(p), as_csr(q), capacity), dense)
    assert np.array_equal(deferred_acceptance(p, q, capacity), dense)  # deterministic
    assert blocking_pairs(dense, as_csr(p), as_csr(q), capacity).shape == (0, 2)


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(20, 200))
def test_large_random_markets_match_the_reference_package(seed: int, n: int) -> None:
    rng = np.random.default_rng(seed)
    m = int(rng.integers(1, n))
    p = np.round(rng.random((n, m)), 2)  # two decimals: many ties
    q = np.round(rng.random((n, m)), 2)
    p[rng.random((n, m)) < 0.7] = NAN
    newcomer, volunteer = as_csr(p), as_csr(np.where(np.isfinite(p), q, NAN))
    capacity = rng.integers(1, 4, m)
    ours = deferred_acceptance(newcomer, volunteer, capacity)
    assert np.array_equal(ours, reference_assignment(newcomer, volunteer, capacity))
    assert len(blocking(ours, p, np.where(np.isfinite(p), q, NAN), capacity)) == 0


def test_hundred_thousand_proposers_with_fifty_candidates_each() -> None:
    rng = np.random.default_rng(7)
    n = m = 100_000
    cols = rng.integers(0, m, (n, 50))
    rows = np.repeat(np.arange(n), 50)
    p = sp.csr_array((rng.random(n * 50), (rows, cols.ravel())), shape=(n, m))
    p.sum_duplicates()
    q = sp.csr_array((rng.random(p.nnz), p.indices, p.indptr), shape=(n, m))
    capacity = rng.integers(1, 4, m)
    assignment = deferred_acceptance(p, q, capacity)
    assert blocking_pairs(assignment, p, q, capacity).shape == (0, 2)
    assert np.all(np.bincount(assignment[assignment >= 0], minlength=m) <= capacity)


@pytest.mark.parametrize(
    ("p", "q", "capacity", "expected"),
    [
        # Both newcomers want volunteer 0, who prefers newcomer 1: 0 goes to 1.
        ([[0.9, 0.5], [0.8, 0.1]], [[0.1, 0.7], [0.9, 0.7]], [1, 1], [1, 0]),
        # Capacity two: volunteer 0 takes both.
        ([[0.9, 0.5], [0.8, 0.1]], [[0.1, 0.7], [0.9, 0.7]], [2, 1], [0, 0]),
        # Equal scores: the lower volunteer index for the newcomer, and the
        # lower newcomer index for the volunteer.
        ([[0.5, 0.5], [0.5, 0.5]], [[0.3, 0.3], [0.3, 0.3]], [1, 1], [0, 1]),
        # Unacceptable to the volunteer (-inf) and to the newcomer (NaN).
        ([[0.9, NAN], [0.8, 0.7]], [[-np.inf, 0.5], [0.9, 0.7]], [1, 1], [-1, 0]),
        # Nobody left: a volunteer with no seat.
        ([[0.9], [0.8]], [[0.9], [0.8]], [0], [-1, -1]),
    ],
)
def test_small_cases_computed_by_hand(p, q, capacity, expected) -> None:
    p, q = np.array(p, dtype=float), np.array(q, dtype=float)
    assert deferred_acceptance(p, q, capacity).tolist() == expected
    assert deferred_acceptance(as_csr(p), as_csr(q), capacity).tolist() == expected


def test_a_stored_zero_is_an_acceptable_pair_and_the_structures_intersect() -> None:
    p = sp.csr_array((np.array([0.0, 0.4]), (np.array([0, 1]), np.array([0, 0]))),
                     shape=(2, 1))
    q = sp.csr_array((np.array([0.0]), (np.array([0]), np.array([0]))), shape=(2, 1))
    assert deferred_acceptance(p, q, [1]).tolist() == [0, -1]


def test_unsorted_csr_indices_are_read_without_changing_the_input() -> None:
    p = sp.csr_array((np.array([0.2, 0.9]), np.array([1, 0]), np.array([0, 2])), shape=(1, 2))
    q = sp.csr_array((np.array([0.5, 0.5]), np.array([1, 0]), np.array([0, 2])), shape=(1, 2))
    before = p.indices.copy()
    assert deferred_acceptance(p, q, [1, 1]).tolist() == [0]
    assert np.array_equal(p.indices, before)


def test_inputs_are_not_modified() -> None:
    rng = np.random.default_rng(1)
    p, q = rng.random((30, 20)), rng.random((30, 20))
    p[rng.random((30, 20)) < 0.5] = NAN
    capacity = rng.integers(0, 3, 20)
    copies = [x.copy() for x in (p, q, capacity)]
    deferred_acceptance(p, q, capacity)
    for x, y in zip((p, q, capacity), copies, strict=True):
        assert np.array_equal(x, y, equal_nan=True)


@pytest.mark.parametrize(
    ("p", "q", "capacity", "message"),
    [
        (np.zeros((2, 3)), np.zeros((3, 2)), [1, 1, 1], "same shape"),
        (np.zeros(3), np.zeros(3), [1, 1, 1], "2-d arrays"),
        (np.zeros((2, 3)), np.zeros((2, 3)), [1, 1], r"length 3 \(one per volunteer\)"),
        (np.zeros((2, 3)), np.zeros((2, 3)), [1, -1, 1], ">= 0"),
        (np.zeros((2, 3)), np.zeros((2, 3)), [1.5, 1, 1], "integers"),
        (np.zeros((2, 3)), as_csr(np.zeros((2, 3))), [1, 1, 1], "both be dense arrays or both CSR"),
        (sp.coo_array(np.ones((2, 3))), sp.coo_array(np.ones((2, 3))), [1, 1, 1], "got coo"),
        (as_csr(np.full((2, 3), NAN)) + sp.csr_array(([NAN], ([0], [0])), shape=(2, 3)),
         as_csr(np.ones((2, 3))), [1, 1, 1], "must not be NaN"),
        (np.array([["a", "b"]]), np.array([["a", "b"]]), [1, 1], "real numbers"),
    ],
)
def test_bad_input_fails_saying_what_was_expected(p, q, capacity, message) -> None:
    with pytest.raises(ValueError, match=message):
        deferred_acceptance(p, q, capacity)


def test_blocking_pairs_finds_the_pair_who_would_both_rather() -> None:
    p = np.array([[0.9, 0.1], [0.2, 0.8]])
    q = np.array([[0.9, 0.1], [0.2, 0.8]])
    crossed = np.array([1, 0])
    assert blocking_pairs(crossed, p, q, [1, 1]).tolist() == [[0, 0], [1, 1]]
    with pytest.raises(ValueError, match="above its capacity"):
        blocking_pairs(np.array([0, 0]), p, q, [1, 1])
    with pytest.raises(ValueError, match="not an acceptable pair"):
        blocking_pairs(np.array([0, 1]), np.array([[NAN, 1.0], [1.0, 1.0]]), q, [1, 1])
