"""Jobs: a computation a marketplace pays for, with its input.

A contract pays for a job through a :class:`~oddsproof.contracts.Supplies` case naming the
computation's id and the input's id. A :class:`~oddsproof.strategies.Marketplace` knows its jobs
(the computation itself and the input bytes), so it can play every side of a job honestly and
knows the true output of each: that is how it tells a true claim from a false one.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import attrs
from hypothesis import strategies as st

from oddsproof.contracts import Statement, Supplies
from oddsproof.errors import InvalidArgument
from oddsproof.games import (
    Checkpoints,
    CommittedOutput,
    ParallelComputation,
    SerialComputation,
    commit_output,
    commit_trace,
    input_id,
)
from oddsproof.testing import demo_scene, hash_chain, ray_tracer
from oddsproof.wire import Digest, Party

from ._validation import attr_type, check_int


def _interval(inst: Job, _attr: object, value: Any) -> None:
    check_int("interval", value, min_value=1)
    computation = inst.computation
    if isinstance(computation, SerialComputation) and computation.steps % value:
        raise InvalidArgument(f"interval={value} must divide the {computation.steps} steps")


@attrs.frozen
class Job:
    """A computation a marketplace pays for and its input; ``interval`` is the checkpoint
    interval a solver of serial work commits to (it must divide the steps)."""

    computation: ParallelComputation | SerialComputation = attrs.field(
        validator=attr_type((ParallelComputation, SerialComputation))
    )
    data: bytes = attrs.field(validator=attr_type(bytes))
    interval: int = attrs.field(default=1, validator=_interval, kw_only=True)
    name: str = attrs.field(default="", validator=attr_type(str), kw_only=True)

    @property
    def serial(self) -> bool:
        """Whether the job is serial work (bisected) rather than parallel (spot-checked)."""
        return isinstance(self.computation, SerialComputation)

    @property
    def computation_id(self) -> Digest:
        """The id a :class:`~oddsproof.contracts.Supplies` names."""
        return self.computation.spec.id

    @property
    def input_id(self) -> Digest:
        """The id of the input bytes."""
        return input_id(self.data)

    @property
    def label(self) -> str:
        """A short readable name."""
        return self.name or self.computation.spec.name

    def supplies(self, party: Party) -> Supplies:
        """The condition "``party`` supplies this job's output"."""
        return Supplies(party, self.computation_id, self.input_id)

    @property
    def true_output(self) -> Digest:
        """The output id an honest solver claims (the final state hash for serial work, the
        id of the honest output commitment for parallel work)."""
        if isinstance(self.computation, SerialComputation):
            return honest_trace(self).output
        return honest_commitment(self).commitment.id

    def statement(self, output: Digest | None = None) -> Statement:
        """The statement "F(X) = output" (by default the true output)."""
        out = self.true_output if output is None else output
        return Statement(self.computation_id, self.input_id, out, self.computation.spec.precision)


@lru_cache(maxsize=32)
def honest_trace(job: Job) -> Checkpoints:
    """The honest committed run of a serial job (cached: every honest solver shares it)."""
    assert isinstance(job.computation, SerialComputation)
    return commit_trace(job.computation, job.data, job.interval)


@lru_cache(maxsize=32)
def honest_commitment(job: Job) -> CommittedOutput:
    """The honest output commitment of a parallel job (default chunking)."""
    assert isinstance(job.computation, ParallelComputation)
    return commit_output(job.computation, job.computation.evaluate(job.data))


@lru_cache(maxsize=1)
def default_jobs() -> tuple[Job, ...]:
    """Two small jobs, one of each kind, cheap enough for thousands of examples: an 8 × 8
    render of the demo scene (64 pieces, one sample per pixel) and a 32-step SHA-256 chain
    committed every 4 steps."""
    scene = demo_scene(8, 8, samples=1, bounces=1)
    return (
        Job(ray_tracer(scene), scene.to_bytes(), name="raytrace-8x8"),
        Job(hash_chain(32), b"oddsproof job input", interval=4, name="hash-chain-32"),
    )


@st.composite
def jobs(draw: st.DrawFn) -> Job:
    """One of :func:`default_jobs`."""
    return draw(st.sampled_from(default_jobs()))
