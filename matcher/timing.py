"""Wall seconds per stage of a matching run."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager


class Clock:
    """Seconds per named stage, summed when a stage runs again.

    `matcher.match` and the preference builders time their stages
    (``encode``, ``candidates``, ``scoring``, ``selection``, ``stable``,
    ``optimal``, ``explain``, ``totals``) on the clock they are given. Override `enter`
    and `leave` to observe more per stage; the benchmark records peak memory.
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time the body as stage ``name``."""
        self.enter(name)
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start
            self.leave(name)

    def enter(self, name: str) -> None:
        """Run when stage ``name`` starts (nothing here)."""

    def leave(self, name: str) -> None:
        """Run when stage ``name`` ends (nothing here)."""
