"""The irreducible arithmetic of scoring: products of features and distances, nothing else."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from threadpoolctl import threadpool_limits

from ..components import Pairs, half_chord, pairs
from ..encode import Encoded
from ..harvest import slice_width


def arithmetic_floor(enc: Encoded, blocks: list[tuple[np.ndarray, np.ndarray]], *,
                     threads: int) -> float:
    """Return the wall seconds of the feature products and distances over the blocks' pairs.

    For every pair scored: the half chord between the homes (the distance),
    the product of the interest weights (one matrix product per slice) and
    the bitwise AND of each bit set (languages at each level, a beginner's
    mother tongues, weekly slots, goals and help), in the same slices and
    threads as the scoring. Everything else the scoring does (constraints,
    scores, utilities, the k best) is what the pipeline adds to this floor.

    Parameters
    ----------
    enc : Encoded
    blocks : list of (rows, cols)
        From `matcher.blocking.block_list`.
    threads : int
    """
    def work(share: list[tuple[np.ndarray, np.ndarray]]) -> None:
        for rows, cols in share:
            width = slice_width(len(rows))
            for start in range(0, len(cols), width):
                _products(pairs(enc, rows, cols[start:start + width]))

    start = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool, threadpool_limits(limits=1, user_api="blas"):
        list(pool.map(work, [blocks[w::threads] for w in range(threads)]))
    return time.perf_counter() - start


def _products(p: Pairs) -> None:
    """Compute the distances and every feature product of the pairs, and drop them."""
    nc, vol = p.enc.newcomers, p.enc.volunteers
    half_chord(p)
    _ = p.left @ p.right.T
    sets = [(nc.speaks[t], vol.speaks[t]) for t in range(len(nc.speaks))]
    sets += [(nc.tongue_bits, vol.speaks[0]), (nc.topic_bits, vol.topic_bits),
             (nc.slots[None, :], vol.slots[None, :])]
    for left, right in sets:
        for word in range(left.shape[0]):
            a, b = p.split(left[word][p.rows], right[word][p.cols])
            np.bitwise_and(a, b)
