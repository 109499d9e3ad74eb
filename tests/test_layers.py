"""What the packages must agree on, since `matcher` and `models` may not import each other."""

from __future__ import annotations

import matcher
import models


def test_the_organisation_default_weights_are_the_matchers() -> None:
    assert dict(models.DEFAULT_WEIGHTS) == dict(matcher.DEFAULT_WEIGHTS)


def test_both_name_the_same_score_components() -> None:
    assert tuple(models.MATCH_COMPONENTS) == tuple(matcher.COMPONENTS)
