"""Test configuration: Hypothesis profiles and shared fixtures."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# No per-example deadline: the machines are noisy and timing is for benchmarks, not tests.
settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.register_profile("thorough", parent=settings.get_profile("default"), max_examples=1000)
# CI runs a fixed seed, so that a run on a clean clone is the same run every time; locally the
# seed is random, so every ``make test`` explores new examples.
settings.register_profile("ci", parent=settings.get_profile("default"), derandomize=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
