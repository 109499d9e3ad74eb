"""The coordinator's pages: one blueprint, its views in a module per part of the week."""

from . import (  # noqa: F401 - each attaches its views to bp
    care,
    edit,
    erasure,
    exports,
    pair_life,
    pairs,
    protect,
    reports,
    routes,
    runs,
    signin,
    weights,
    wording,
)
from .access import bp

__all__ = ["bp"]
