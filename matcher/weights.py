"""Component names, organisation weights and each person's own weights."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

COMPONENTS: tuple[str, ...] = ("language", "interests", "location", "availability", "goals", "age")
"""The parts of a match score, in the column order used everywhere in the matcher."""

AGE = COMPONENTS.index("age")

DEFAULT_WEIGHTS: Mapping[str, float] = {
    "language": 3.0,
    "interests": 2.0,
    "location": 2.0,
    "availability": 2.0,
    "goals": 2.0,
    "age": 1.0,
}
"""An organisation's weights when it has not chosen its own (the data model's default)."""


def weight_vector(weights: Mapping[str, float]) -> np.ndarray:
    """Check an organisation's weights and return them in `COMPONENTS` order.

    Parameters
    ----------
    weights : mapping of str to float
        One non-negative weight per component name; at least one component
        other than ``age`` must weigh more than zero.

    Returns
    -------
    ndarray of shape (6,)
        The weights, float64.
    """
    unknown = sorted(set(weights) - set(COMPONENTS))
    missing = [name for name in COMPONENTS if name not in weights]
    if unknown or missing:
        raise ValueError(
            f"weights must give one weight for each of {', '.join(COMPONENTS)}; "
            f"missing: {missing or 'none'}, unknown: {unknown or 'none'}"
        )
    vector = np.array([float(weights[name]) for name in COMPONENTS])
    if not np.all(np.isfinite(vector)) or np.any(vector < 0):
        raise ValueError(f"weights must be finite and >= 0, got {dict(weights)}")
    if not np.any(np.delete(vector, AGE) > 0):
        raise ValueError(f"weights must give some component other than age a weight > 0, got "
                         f"{dict(weights)}")
    return vector


def personal_weights(
    priorities: np.ndarray, organisation: np.ndarray, *, priority_factor: float
) -> np.ndarray:
    """Return each person's component weights, normalised to sum to one.

    A person's weight for a component is the organisation's weight, multiplied
    by ``priority_factor`` when the person picked that component as "what
    matters most to me". Age is the exception: it weighs zero unless the person
    picked it, since most people never asked to be matched by age.

    Parameters
    ----------
    priorities : ndarray of shape (n_people, 6), bool
        Which components each person picked, in `COMPONENTS` order.
    organisation : ndarray of shape (6,)
        The organisation's weights from `weight_vector`.
    priority_factor : float
        How much more a picked component weighs; at least 1.

    Returns
    -------
    ndarray of shape (n_people, 6), float64
        Rows summing to one, so every utility lies in [0, 1].
    """
    if not priority_factor >= 1:
        raise ValueError(f"priority_factor must be >= 1, got {priority_factor}")
    raw = np.where(priorities, organisation * priority_factor, organisation)
    raw[:, AGE] = np.where(priorities[:, AGE], raw[:, AGE], 0.0)
    return raw / raw.sum(axis=1, keepdims=True)
