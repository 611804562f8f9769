"""The noisy training chain, and the essay's attacks: memoization and input substitution
succeed without noise and are caught with it; the low-precision (zero-input) shortcut works
below a measured noise floor and fails above it."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from oddsproof.errors import InvalidArgument
from oddsproof.games import commit_trace, least_noise, noise, to_fixed, verify_step
from oddsproof.games.lowlevel import from_fixed, run_one_step
from oddsproof.testing import (
    MemoizingWorker,
    TrainingChain,
    TrainingWorker,
    ZeroShortcutWorker,
    zero_input_changes,
)
from oddsproof.wire import Digest
from tests.strategies import LOTTERY_SEED, small_chain


def _false_steps(chain: TrainingChain, worker: TrainingWorker, count: int) -> list[int]:
    steps = worker.commit(count)
    return [
        s.index
        for s in steps
        if not verify_step(chain.computation, s, worker.opening(s), seeds=chain.seeds)
    ]


def test_a_step_is_tanh_of_w_times_the_noised_state() -> None:
    chain = small_chain()
    state = chain.initial(b"data")
    assert state.dtype == np.int8
    assert state.shape == (16, 16)
    x = from_fixed(state, 7) + noise(chain.seeds.seed(3), (16, 16), chain.noise_magnitude)
    expected = to_fixed(np.tanh(chain.weights @ x), 7)
    assert np.array_equal(chain.step(state, 3), expected)
    assert np.array_equal(chain.computation.step(state, 3), expected)


def test_the_job_id_binds_every_parameter() -> None:
    base = small_chain()
    assert small_chain().job == base.job
    others = [
        small_chain(noise_magnitude=0.06),
        small_chain(steps=33),
        small_chain(size=17),
        TrainingChain(32, first_seed=Digest(b"\x01" * 32), noise_magnitude=0.05, size=16),
        TrainingChain(32, first_seed=LOTTERY_SEED, noise_magnitude=0.05, size=16, gain=2.0),
        TrainingChain(32, first_seed=LOTTERY_SEED, noise_magnitude=0.05, size=16, fraction_bits=9),
    ]
    assert len({c.job for c in others} | {base.job}) == len(others) + 1


def test_the_chain_runs_under_the_trace_and_the_judge() -> None:
    chain = small_chain(steps=8)
    trace = commit_trace(chain.computation, b"data", 4)
    assert run_one_step(chain.computation, trace.state(5), 5) == trace.hash(6)


def test_an_honest_worker_passes_every_check() -> None:
    chain = small_chain(steps=12)
    worker = TrainingWorker(chain, b"data", span=3)
    steps = worker.commit(10)
    assert [s.index for s in steps] == [0, 3, 6, 9]
    assert all(s.span == 3 for s in steps)
    assert all(a.output == b.input for a, b in itertools.pairwise(steps))
    for s in steps:
        assert verify_step(chain.computation, s, worker.opening(s), seeds=chain.seeds)
    worker.forget(6)
    with pytest.raises(InvalidArgument):
        worker.opening(steps[0])


def test_memoization_succeeds_without_noise_and_is_caught_with_it() -> None:
    quiet = small_chain(steps=40, noise_magnitude=0.0)
    cheater = MemoizingWorker(quiet, b"data", start=10, loop=5)
    # Without noise only the step closing each cycle of 6 transitions is false.
    assert _false_steps(quiet, cheater, 40) == [10, 16, 22, 28, 34]
    assert cheater.computed == 10
    noisy = small_chain(steps=40)
    cheater = MemoizingWorker(noisy, b"data", start=10, loop=5)
    assert _false_steps(noisy, cheater, 40) == list(range(10, 40))


def test_input_substitution_succeeds_without_noise_and_is_caught_with_it() -> None:
    quiet = small_chain(steps=30, noise_magnitude=0.0)
    cheater = ZeroShortcutWorker(quiet, b"data", start=10)
    assert _false_steps(quiet, cheater, 30) == [10]  # then 0 → 0 is true, and free
    assert cheater.computed == 10
    noisy = small_chain(steps=30)
    cheater = ZeroShortcutWorker(noisy, b"data", start=10)
    assert _false_steps(noisy, cheater, 30) == list(range(10, 30))


def test_the_low_precision_attack_has_a_noise_floor() -> None:
    """The zero shortcut reproduces the committed hash below the least noise that makes
    ``q(tanh(W·noise(a[i])))`` non-zero, and stops reproducing it above."""
    reference = small_chain(size=64, steps=12)  # seeds and W do not depend on the magnitude
    floors = [
        least_noise(zero_input_changes(reference, reference.seeds.seed(i)), low=1e-9, high=1.0)
        for i in (10, 11)
    ]
    quiet = small_chain(size=64, steps=12, noise_magnitude=min(floors) / 2)
    cheater = ZeroShortcutWorker(quiet, b"data", start=10)
    assert _false_steps(quiet, cheater, 12) == [10]  # the shortcut coasts through step 11
    loud = small_chain(size=64, steps=12, noise_magnitude=max(floors) * 2)
    cheater = ZeroShortcutWorker(loud, b"data", start=10)
    assert _false_steps(loud, cheater, 12) == [10, 11]
    # More committed bits lower the floor: 15 fraction bits need far less noise than 7.
    seed = reference.seeds.seed(10)
    fine = least_noise(zero_input_changes(reference, seed, fraction_bits=15), low=1e-12, high=1.0)
    assert fine < floors[0] / 100


def test_bad_arguments() -> None:
    with pytest.raises(InvalidArgument):
        small_chain(steps=0)
    with pytest.raises(InvalidArgument):
        TrainingChain(4, first_seed=b"\x00" * 32, noise_magnitude=0.1)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument):
        small_chain(noise_magnitude=-1.0)
    chain = small_chain()
    with pytest.raises(InvalidArgument):
        chain.step(np.zeros((3, 3), dtype=np.int8), 0)
    with pytest.raises(InvalidArgument):
        MemoizingWorker(chain, b"d", start=3, loop=3)
