"""The benchmark runs end to end on small pools and prints every table."""

from __future__ import annotations

import pytest

from matcher.bench.__main__ import main
from matcher.bench.synthetic import synthetic_pools


def test_the_benchmark_prints_its_tables(capsys: pytest.CaptureFixture[str]) -> None:
    main(["--sizes", "300", "2100", "--reference", "200", "--coverage", "2100",
          "--threads", "2"])
    out = capsys.readouterr().out
    for heading in ("Time and peak memory per stage", "Stability against coverage",
                    "Blocking loses (almost) nobody", "Against the arithmetic floor",
                    "The stable step against the reference"):
        assert f"## {heading}" in out
    assert "| 300 | dense |" in out and "| 2,100 | blocked |" in out
    assert "| yes |" in out and "| NO |" not in out


def test_synthetic_pools_are_seeded_and_swedish() -> None:
    first, again = synthetic_pools(500, 400, seed=3), synthetic_pools(500, 400, seed=3)
    assert all((a.latitude == b.latitude).all() for a, b in zip(first, again, strict=True))
    newcomers, volunteers = first
    assert len(newcomers) == 500 and len(volunteers) == 400
    assert set(volunteers.capacity.tolist()) <= {1, 2, 3}
    assert (55 < newcomers.latitude.min()) and (newcomers.latitude.max() < 69)
    near_stockholm = abs(newcomers.latitude - 59.33) + abs(newcomers.longitude - 18.07) < 1
    assert 0.2 < near_stockholm.mean() < 0.5
