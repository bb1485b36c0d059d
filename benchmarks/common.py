"""Shared pieces for benchmark modules: the result record and two small timers.

Why: every ``bench_*.py`` reports the same shape of result, so ``run.py`` can print a
table or JSON lines for all of them, and each figure carries the baseline it was measured
against in the same run (machines here are noisy; a ratio travels better than seconds).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
"""The checkout's root: build paths from it, as the working directory can be anywhere."""
SAMPLE_PDF = REPO_ROOT / "resources" / "sample.pdf"
"""The project's two-page CC0 layout sample, a handy fixed input."""
OUT_DIR = REPO_ROOT / "benchmarks" / "out"
"""Where a benchmark may leave files (ignored by git)."""


@dataclass(frozen=True)
class BenchResult:
    """One measure: ``value`` of the thing under test and ``baseline``, in the same ``unit``.

    ``name`` should equal the key under which the benchmark is listed in ``BENCHMARKS``.
    """

    name: str
    value: float
    baseline: float
    unit: str
    note: str = ""

    @property
    def ratio(self) -> float:
        """``value / baseline``: below 1 means less than the baseline (faster, for times)."""
        if self.baseline == 0:
            return math.nan if self.value == 0 else math.copysign(math.inf, self.value)
        return self.value / self.baseline

    def as_dict(self) -> dict[str, Any]:
        """The JSON line's content; non-finite numbers become ``null`` to stay valid JSON."""

        def finite(x: float) -> float | None:
            return x if math.isfinite(x) else None

        return {
            "name": self.name,
            "value": finite(float(self.value)),
            "baseline": finite(float(self.baseline)),
            "ratio": finite(self.ratio),
            "unit": self.unit,
            "note": self.note,
        }


Benchmark = Callable[[bool], BenchResult]
"""What a ``BENCHMARKS`` entry is: called with ``quick`` and returns one result."""


def _timings(fn: Callable[[], object], repeat: int) -> list[float]:
    """Call ``fn`` once to warm caches and imports, then time ``repeat`` calls."""
    if repeat < 1:
        raise ValueError("repeat must be at least 1")
    fn()
    times: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def timeit_best(fn: Callable[[], object], repeat: int = 5) -> float:
    """Best of ``repeat`` timed calls, in seconds, after one warm-up call.

    The minimum is the least disturbed by other load on the machine.
    """
    return min(_timings(fn, repeat))


def timeit_mean(fn: Callable[[], object], repeat: int = 5) -> float:
    """Mean of ``repeat`` timed calls, in seconds, after one warm-up call.

    Use it where the spread matters (e.g. work that allocates or hits the disk).
    """
    times = _timings(fn, repeat)
    return sum(times) / len(times)
