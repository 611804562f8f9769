"""Trace commitments, checkpoint regeneration, state wire forms and the cheap chains."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from oddsproof.errors import InvalidArgument
from oddsproof.games import (
    MerkleTree,
    SerialComputation,
    commit_trace,
    input_id,
    quantize,
    serial_claim,
)
from oddsproof.games._trace import leaf_of, state_fields, state_from_fields, state_hash
from oddsproof.games.lowlevel import leaf_hashes, run_one_step, verify_many
from oddsproof.testing import hash_chain, logistic_chain
from oddsproof.wire import Digest, Signed
from tests.strategies import BISECTION_DOMAIN, SOLVER_ID, serial_workloads


def _straight(comp: SerialComputation, data: bytes, step: int) -> np.ndarray:
    return comp.run(comp.initial(data), 0, step)


@given(serial_workloads(), st.data())
def test_regenerated_states_equal_the_straight_run(workload, data) -> None:
    comp, raw, interval = workload
    trace = commit_trace(comp, raw, interval)
    step = data.draw(st.integers(0, comp.steps))
    expected = _straight(comp, raw, step)
    assert np.array_equal(trace.state(step), expected)
    assert trace.hash(step) == comp.state_hash(expected)


@given(serial_workloads())
def test_the_commitment_is_the_tree_of_checkpoint_hashes(workload) -> None:
    comp, raw, interval = workload
    trace = commit_trace(comp, raw, interval)
    hashes = [
        comp.state_hash(_straight(comp, raw, j * interval))
        for j in range(comp.steps // interval + 1)
    ]
    tree = MerkleTree(leaf_hashes(h.raw for h in hashes))
    assert trace.commitment.root == tree.root
    assert (trace.commitment.steps, trace.commitment.interval) == (comp.steps, interval)
    assert trace.commitment.leaves == len(hashes) == trace.stored
    assert trace.output == hashes[-1]


@given(serial_workloads(), st.data())
def test_checkpoint_proofs_verify_against_the_root(workload, data) -> None:
    comp, raw, interval = workload
    trace = commit_trace(comp, raw, interval)
    leaves = data.draw(
        st.sets(st.integers(0, comp.steps // interval), min_size=1, max_size=5), label="leaves"
    )
    steps = sorted(j * interval for j in leaves)
    proof = trace.prove(steps)
    given_leaves = {s // interval: leaf_of(trace.hash(s)) for s in steps}
    verify_many(trace.commitment.root, trace.commitment.leaves, given_leaves, proof)


def test_memory_is_one_state_per_checkpoint_and_a_segment_costs_at_most_c_steps() -> None:
    comp = hash_chain(1 << 12)
    trace = commit_trace(comp, b"x", 64)
    assert trace.stored == (1 << 12) // 64 + 1
    assert trace.regenerated == 0
    trace.hash(64 * 7 + 5)
    assert trace.regenerated <= 63
    before = trace.regenerated
    trace.hashes(range(64 * 7, 64 * 8))  # the same segment: nothing re-run
    trace.state(64 * 7 + 40)
    assert trace.regenerated == before
    trace.forget_segments()
    trace.hash(64 * 7 + 5)
    assert trace.regenerated == 2 * before


def test_regeneration_failure_of_user_code_is_a_trace_error() -> None:
    honest = hash_chain(8)
    calls = {"n": 0}

    def flaky(state: np.ndarray, index: int) -> np.ndarray:
        calls["n"] += 1
        if calls["n"] > 8:
            raise RuntimeError("disk on fire")
        return honest.step(state, index)

    trace = commit_trace(SerialComputation(honest.spec, honest.initial, flaky), b"", 4)
    with pytest.raises(InvalidArgument, match="disk on fire"):
        trace.hash(3)
    with pytest.raises(InvalidArgument):
        commit_trace(SerialComputation(honest.spec, honest.initial, flaky), b"", 4)


@pytest.mark.parametrize("interval", [0, 3, -1, True])
def test_commit_refuses_an_interval_that_does_not_divide(interval: object) -> None:
    with pytest.raises(InvalidArgument):
        commit_trace(hash_chain(8), b"", interval)  # type: ignore[arg-type]


def test_prove_refuses_points_between_checkpoints_and_outside() -> None:
    trace = commit_trace(hash_chain(8), b"", 4)
    with pytest.raises(InvalidArgument):
        trace.prove([3])
    with pytest.raises(InvalidArgument):
        trace.hash(9)


@given(serial_workloads(), st.data())
def test_state_hash_without_a_computation_equals_the_computations(workload, data) -> None:
    comp, raw, _ = workload
    state = _straight(comp, raw, data.draw(st.integers(0, comp.steps)))
    assert state_hash(state, comp.spec.precision) == comp.state_hash(state)


@given(serial_workloads(), st.data())
def test_a_state_survives_its_wire_form(workload, data) -> None:
    comp, raw, _ = workload
    state = _straight(comp, raw, data.draw(st.integers(0, comp.steps)))
    again = state_from_fields(*state_fields(state), comp.spec.precision)
    assert np.array_equal(again, state)
    assert again.dtype == np.asarray(state).dtype


def test_unquantized_or_malformed_states_are_refused() -> None:
    values = np.array([0.1, 0.2, 0.3])
    dtype, shape, data = state_fields(values)
    with pytest.raises(InvalidArgument, match="quantized"):
        state_from_fields(dtype, shape, data, 20)
    state_from_fields(*state_fields(quantize(values, 20)), 20)
    with pytest.raises(InvalidArgument):
        state_from_fields(dtype, (4,), data, 0)
    with pytest.raises(InvalidArgument):
        state_from_fields("<c16", shape, data, 0)
    with pytest.raises(InvalidArgument):
        state_fields(np.zeros(3, dtype=np.complex128))


def test_one_step_is_the_chains_step_and_user_failures_are_trace_errors() -> None:
    comp = hash_chain(16)
    s3 = _straight(comp, b"a", 3)
    assert run_one_step(comp, s3, 3) == comp.state_hash(_straight(comp, b"a", 4))
    broken = SerialComputation(comp.spec, comp.initial, lambda s, i: 1 / 0)
    with pytest.raises(InvalidArgument, match="ZeroDivisionError"):
        run_one_step(broken, s3, 3)
    with pytest.raises(InvalidArgument):
        run_one_step(comp, s3, 16)


def test_chains_are_deterministic_and_logistic_states_are_exact() -> None:
    assert hash_chain(100).spec == hash_chain(100).spec
    a, b = hash_chain(100), hash_chain(100)
    assert np.array_equal(_straight(a, b"q", 100), _straight(b, b"q", 100))
    comp = logistic_chain(50, width=5, precision=24)
    state = _straight(comp, b"seed", 50)
    assert np.array_equal(quantize(state, 24), state)
    assert np.all((state >= 0.05) & (state < 0.95))
    for bad in (
        lambda: logistic_chain(10, width=0),
        lambda: logistic_chain(10, precision=53),
        lambda: hash_chain(0),
    ):
        with pytest.raises(InvalidArgument):
            bad()


def test_a_serial_claim_commits_to_the_trace_and_its_final_state() -> None:
    comp = hash_chain(32)
    trace = commit_trace(comp, b"in", 8)
    offer = Digest(b"\x05" * 32)
    signed = serial_claim(trace, b"in", SOLVER_ID, BISECTION_DOMAIN, offer=offer, now=3)
    assert isinstance(signed, Signed)
    claim = signed.verify(BISECTION_DOMAIN, signers=[SOLVER_ID.party])
    assert claim.trace == trace.commitment
    assert claim.output == trace.output == comp.state_hash(_straight(comp, b"in", 32))
    assert claim.input == input_id(b"in")
    assert claim.computation == comp.spec.id
