"""Shared measuring tools for ``benchmarks/bench_*.py``.

Machines here are noisy, so nothing is measured alone: :func:`side_by_side` interleaves the
candidates round by round and reports each one's median time per call, and benchmarks report
ratios between candidates measured in the same run.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(frozen=True)
class Result:
    """One named figure for ``results.json``; names given in the issues stay stable."""

    name: str
    value: float
    unit: str
    goal: float
    better: Literal["higher", "lower"]
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def met(self) -> bool:
        """Whether the value reaches its goal."""
        return self.value >= self.goal if self.better == "higher" else self.value <= self.goal

    def as_json(self) -> dict[str, Any]:
        """The object stored under this result's name in ``results.json``."""
        return {
            "value": self.value,
            "unit": self.unit,
            "goal": self.goal,
            "better": self.better,
            "met": self.met,
            "detail": self.detail,
        }


def per_call(fn: Callable[[], object], *, calls: int) -> float:
    """Seconds per call of ``fn`` over ``calls`` back-to-back calls."""
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls


def calibrate(fn: Callable[[], object], *, target: float = 0.05) -> int:
    """How many calls of ``fn`` take about ``target`` seconds (at least one)."""
    calls = 1
    while True:
        elapsed = per_call(fn, calls=calls) * calls
        if elapsed >= target / 4 or calls >= 1 << 24:
            return max(1, int(calls * target / max(elapsed, 1e-9)))
        calls *= 4


def side_by_side(
    candidates: dict[str, Callable[[], object]], *, rounds: int = 15, target: float = 0.05
) -> dict[str, float]:
    """Median seconds per call of each candidate, interleaved round by round."""
    counts = {name: calibrate(fn, target=target) for name, fn in candidates.items()}
    samples: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(rounds):
        for name, fn in candidates.items():
            samples[name].append(per_call(fn, calls=counts[name]))
    return {name: statistics.median(values) for name, values in samples.items()}


def timed(fn: Callable[[], object]) -> float:
    """Wall-clock seconds of one call (for long single runs such as a whole game)."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start
