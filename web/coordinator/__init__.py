"""The coordinator's pages: one blueprint, its views in a module per part of the week."""

from . import care, edit, erasure, pair_life, pairs, reports, routes, runs, signin, weights, wording  # noqa: F401 - each attaches its views to bp
from .access import bp

__all__ = ["bp"]
