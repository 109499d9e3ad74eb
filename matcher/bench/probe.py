"""Measuring a run: wall time and peak memory per stage, and the machine it ran on."""

from __future__ import annotations

import os
import platform
import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import scipy
import sklearn

from ..timing import Clock

_PROC = Path("/proc/self")


def reset_peak() -> None:
    """Start a new peak of resident memory (Linux: VmHWM), where the system allows it."""
    try:
        (_PROC / "clear_refs").write_text("5")
    except OSError:
        pass  # elsewhere the peak is the process's peak so far


def peak_mb() -> float:
    """Return the peak resident memory in MB since the last `reset_peak` (or since start)."""
    try:
        for line in (_PROC / "status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class MemoryClock(Clock):
    """A `Clock` that also records the peak resident memory of every stage, in MB."""

    def __init__(self) -> None:
        super().__init__()
        self.peak: dict[str, float] = {}

    def enter(self, name: str) -> None:
        """Start a new memory peak for stage ``name``."""
        reset_peak()

    def leave(self, name: str) -> None:
        """Record the stage's memory peak."""
        self.peak[name] = max(self.peak.get(name, 0.0), peak_mb())


@contextmanager
def measured(into: dict[str, float]) -> Iterator[None]:
    """Measure the body: ``into["seconds"]`` wall time, ``into["peak_mb"]`` peak memory."""
    reset_peak()
    start = time.perf_counter()
    yield
    into["seconds"] = time.perf_counter() - start
    into["peak_mb"] = peak_mb()


def machine() -> str:
    """Describe the processor, cores, memory, load and library versions, in one line."""
    model = platform.processor() or platform.machine()
    memory = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f", {int(line.split()[1]) / 2**20:.0f} GB RAM"
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"{model}, {os.cpu_count()} cores{memory}; load average {load}; "
            f"Python {platform.python_version()}, numpy {np.__version__}, "
            f"scipy {scipy.__version__}, scikit-learn {sklearn.__version__}")
