"""The `matching` package's hospital-resident solver, run on our preference lists.

Only the benchmark uses it, as the reference our stable step must agree with;
it is a development dependency and imported only when called.
"""

from __future__ import annotations

import sys
import threading
import warnings
from typing import Any

import numpy as np
import scipy.sparse as sp

# Its deep copy of the players recurses once per player reached: a big stack.
_STACK_BYTES = 1 << 30
_RECURSION = 10**6


def reference_assignment(newcomer: sp.csr_array, volunteer: sp.csr_array,
                         capacity: np.ndarray) -> np.ndarray:
    """Return the resident-optimal stable matching found by ``matching.games.HospitalResident``.

    Newcomers are residents, volunteers hospitals; preference lists are built
    here from the same scores (higher first, ties by lower index), which is
    part of what the reference is timed on.

    Parameters
    ----------
    newcomer, volunteer : csr_array of shape (n, m)
        Both sides' utilities with the same stored structure (the acceptable pairs).
    capacity : ndarray of shape (m,), int

    Returns
    -------
    ndarray of shape (n,), int64
        The volunteer of each newcomer, -1 for none.
    """
    from matching.games import HospitalResident

    residents, hospitals = _lists(newcomer, 0), _lists(volunteer.tocsc(), 1)
    seats = {j: int(capacity[j]) for j in hospitals}
    out: dict[str, Any] = {}

    def solve() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # it warns about players without lists
            game = HospitalResident.create_from_dictionaries(residents, hospitals, seats)
            out["matching"] = game.solve(optimal="resident")

    old_stack, old_limit = threading.stack_size(_STACK_BYTES), sys.getrecursionlimit()
    sys.setrecursionlimit(_RECURSION)
    try:
        worker = threading.Thread(target=solve)
        worker.start()
        worker.join()
    finally:
        threading.stack_size(old_stack)
        sys.setrecursionlimit(old_limit)
    assignment = np.full(newcomer.shape[0], -1, dtype=np.int64)
    for hospital, matched in out["matching"].items():
        for resident in matched:
            assignment[resident.name] = hospital.name
    return assignment


def _lists(matrix: sp.csr_array | sp.csc_array, axis: int) -> dict[int, list[int]]:
    """Return each row's (axis 0, CSR) or column's (axis 1, CSC) stored partners, best first."""
    lists = {}
    for owner in range(matrix.shape[axis]):
        start, end = matrix.indptr[owner], matrix.indptr[owner + 1]
        if end > start:
            ranked = sorted(zip((-matrix.data[start:end]).tolist(),
                                matrix.indices[start:end].tolist(), strict=True))
            lists[owner] = [other for _, other in ranked]
    return lists
