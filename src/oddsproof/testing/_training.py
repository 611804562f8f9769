"""A training-like serial workload with noise seeds, and workers honest and not.

:class:`TrainingChain` is ``Y[i+1] = q(tanh(W·(Y[i] + noise(a[i]))))``: the state is an
``n × n`` matrix of fixed-point integers (``fraction_bits`` bits below the point, so an
absolute output precision of ``2**-fraction_bits``), each step one dense ``n × n`` by ``n × n``
product, ``q`` the fixed-point rounding (:func:`~oddsproof.games.to_fixed`), and ``a[i]`` the
payer's chained noise seeds. States are committed as exact bytes (precision 0): the rounding is
part of F, so two honest machines whose float results agree to within a quantum agree on every
committed byte (a value within one machine error of a rounding boundary can still differ; with
8-bit outputs that is about one value in 2**45).

``W`` is derived from a weights seed by the same deterministic generator as the noise (uniform
entries of standard deviation ``gain/√n``, so each row has Euclidean norm about ``gain``), and
the computation's parameters bind the size, the precision, the noise magnitude, the gain and
both seeds, so the job's id names exactly what every step computes.

Workers: :class:`TrainingWorker` computes honestly and commits each span of steps;
:class:`MemoizingWorker` (after an honest prefix, replays a cycle of transitions it already
computed) and :class:`ZeroShortcutWorker` (after an honest prefix, claims the all-zero state
and coasts on it without computing) are the essay's two attacks. Without noise every replayed or
coasting step is a true transition, so only the one step that closes the cycle or leaves the
honest chain is false; with enough noise every one of them is false.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable
from typing import Any, Final

import cbor2
import numpy as np

from oddsproof.contracts import Computation, Shape
from oddsproof.errors import InvalidArgument
from oddsproof.games import SeedSchedule, SerialComputation, StepCommitment, noise, to_fixed
from oddsproof.games._computation import Array
from oddsproof.games.lowlevel import code_digest, fixed_dtype, from_fixed
from oddsproof.wire import Digest, tagged_hash

TRAINING_NAME: Final = "oddsproof/noisy-training"
TRAINING_VERSION: Final = "1"
WEIGHTS_TAG: Final = "oddsproof/training-weights/v1"
INITIAL_TAG: Final = "oddsproof/training-initial/v1"
MAX_SIZE: Final = 1024
INITIAL_SCALE: Final = 0.9


def _float_bits(value: float) -> int:
    """A non-negative float64 as its IEEE-754 bit pattern (an integer below 2**63): exact,
    and an integer, as canonical parameters must be."""
    bits: int = struct.unpack("<Q", struct.pack("<d", value))[0]
    return bits


def _positive_float(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidArgument(f"{name} is a number, got {value!r}")
    out = float(value)
    if not math.isfinite(out) or out < 0:
        raise InvalidArgument(f"{name} must be finite and non-negative, got {value!r}")
    return out


def _step_fn(weights: Array, state: Array, seed: Digest, magnitude: float, bits: int) -> Array:
    """One step: dequantize, add the seed's noise, one dense product, tanh, requantize."""
    x = from_fixed(state, bits)
    if magnitude:
        x += noise(seed, x.shape, magnitude)
    return to_fixed(np.tanh(weights @ x), bits)


def _initial_fn(data: bytes, size: int, bits: int) -> Array:
    """State 0: the input's tagged hash seeds uniform values in (−0.9, 0.9), fixed-point."""
    seed = tagged_hash(INITIAL_TAG, bytes(data))
    return to_fixed(noise(seed, (size, size), INITIAL_SCALE), bits)


class TrainingChain:
    """``Y[i+1] = to_fixed(tanh(W·(Y[i] + noise(a[i], noise_magnitude))))`` for ``steps`` steps.

    ``first_seed`` is ``a[0]`` (the payer's); ``weights_seed`` determines ``W``. The
    :attr:`computation` is a :class:`SerialComputation` of precision 0 whose step derives
    ``a[i]`` from the schedule, so judges and bisection games can re-run any step.
    """

    def __init__(
        self,
        steps: int,
        *,
        first_seed: Digest,
        noise_magnitude: float,
        size: int = 256,
        fraction_bits: int = 7,
        gain: float = 1.0,
        weights_seed: Digest | None = None,
    ) -> None:
        if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps < 1 << 62:
            raise InvalidArgument(f"a chain has a positive number of steps, got {steps!r}")
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_SIZE:
            raise InvalidArgument(f"size must be 1 to {MAX_SIZE}, got {size!r}")
        if not isinstance(first_seed, Digest):
            raise InvalidArgument("first_seed is a Digest (the payer's a[0])")
        if weights_seed is None:
            weights_seed = tagged_hash(WEIGHTS_TAG, b"default")
        elif not isinstance(weights_seed, Digest):
            raise InvalidArgument("weights_seed is a Digest")
        self.dtype = fixed_dtype(fraction_bits)
        self.size = size
        self.fraction_bits = fraction_bits
        self.noise_magnitude = _positive_float("noise_magnitude", noise_magnitude)
        self.gain = _positive_float("gain", gain)
        self.seeds = SeedSchedule(first_seed)
        self.weights_seed = weights_seed
        self.weights = noise(weights_seed, (size, size), self.gain * math.sqrt(3.0 / size))
        params = cbor2.dumps(
            {
                "size": size,
                "fraction_bits": fraction_bits,
                "noise": _float_bits(self.noise_magnitude),
                "gain": _float_bits(self.gain),
                "first_seed": first_seed.raw,
                "weights_seed": weights_seed.raw,
            },
            canonical=True,
        )
        spec = Computation(
            TRAINING_NAME,
            TRAINING_VERSION,
            code_digest(_step_fn, _initial_fn),
            Shape.SERIAL,
            steps,
            0,
            params,
        )
        self.computation = SerialComputation(spec, self.initial, self.step)

    @property
    def job(self) -> Digest:
        """The computation's id: what step commitments and tickets name."""
        return self.computation.spec.id

    @property
    def steps(self) -> int:
        """Number of steps T."""
        return self.computation.steps

    @property
    def quantum(self) -> float:
        """The absolute output precision, ``2**-fraction_bits``."""
        return 1.0 / float(1 << self.fraction_bits)

    def initial(self, data: bytes) -> Array:
        """State 0 for the input ``data``."""
        return _initial_fn(data, self.size, self.fraction_bits)

    def step(self, state: Array, index: int) -> Array:
        """State ``index + 1`` from state ``index`` (with seed ``a[index]``)."""
        return self.step_with(state, self.seeds.seed(index))

    def step_with(self, state: Array, seed: Digest, magnitude: float | None = None) -> Array:
        """One step with an explicit seed (and, for experiments, another noise magnitude)."""
        array = np.asarray(state)
        if array.shape != (self.size, self.size) or array.dtype != self.dtype:
            raise InvalidArgument(f"a state is a {self.size}×{self.size} {self.dtype} matrix")
        m = self.noise_magnitude if magnitude is None else _positive_float("magnitude", magnitude)
        return _step_fn(self.weights, array, seed, m, self.fraction_bits)

    def apply(self, x: Array) -> Array:
        """``to_fixed(tanh(W·x))`` for a float input already noised: F without its noise."""
        return to_fixed(np.tanh(self.weights @ np.asarray(x, dtype=np.float64)), self.fraction_bits)

    def state_hash(self, state: Array) -> Digest:
        """The committed hash of a state (the computation's, at precision 0)."""
        return self.computation.state_hash(state)

    def run_span(self, state: Array, index: int, span: int) -> Array:
        """The state after steps ``index … index + span − 1`` from ``state``."""
        for i in range(index, index + span):
            state = self.step(state, i)
        return state


class TrainingWorker:
    """An honest worker: computes every step, commits spans of ``span`` steps, and keeps the
    input state of every span until told to forget it (to open the winners)."""

    def __init__(self, chain: TrainingChain, data: bytes, *, span: int = 1) -> None:
        if not isinstance(chain, TrainingChain):
            raise InvalidArgument("a worker works on a TrainingChain")
        if isinstance(span, bool) or not isinstance(span, int) or span < 1:
            raise InvalidArgument(f"span is a positive integer, got {span!r}")
        self.chain = chain
        self.span = span
        self.index = 0
        self.state = chain.initial(bytes(data))
        self.state_digest = chain.state_hash(self.state)
        self.computed = 0
        self._kept: dict[int, Array] = {}

    def advance(self, state: Array, index: int) -> Array:
        """The state this worker claims after step ``index`` (honest: the real one)."""
        self.computed += 1
        return self.chain.step(state, index)

    def commit(self, count: int) -> tuple[StepCommitment, ...]:
        """Commit the next ``count`` spans (fewer at the end of the chain)."""
        chain, out = self.chain, []
        for _ in range(count):
            if self.index >= chain.steps:
                break
            start, state = self.index, self.state
            stop = min(start + self.span, chain.steps)
            self._kept[start] = state
            for i in range(start, stop):
                state = self.advance(state, i)
            digest = chain.state_hash(state)
            out.append(
                StepCommitment(
                    chain.job,
                    start,
                    stop - start,
                    self.state_digest,
                    chain.seeds.seed(start),
                    digest,
                )
            )
            self.index, self.state, self.state_digest = stop, state, digest
        return tuple(out)

    def opening(self, step: StepCommitment) -> Array:
        """The input state of a committed span (to redeem its winning ticket)."""
        found = self._kept.get(step.index)
        if found is None:
            raise InvalidArgument(f"no state kept for step {step.index}")
        return np.array(found, copy=True)

    def forget(self, before: int) -> None:
        """Drop the kept states of spans starting before step ``before``."""
        for index in [i for i in self._kept if i < before]:
            del self._kept[index]


class MemoizingWorker(TrainingWorker):
    """The memoization attack: honest up to step ``start``, then replays a cycle of already
    computed transitions ``Y[loop] → Y[loop+1] → … → Y[start]``, closing it with the false
    step ``Y[start] → Y[loop]``. Computes nothing after ``start``."""

    def __init__(
        self, chain: TrainingChain, data: bytes, *, start: int, loop: int, span: int = 1
    ) -> None:
        super().__init__(chain, data, span=span)
        if not 0 <= loop < start:
            raise InvalidArgument("need 0 <= loop < start")
        self.start, self.loop = start, loop
        self._honest: list[Array] = []

    def advance(self, state: Array, index: int) -> Array:
        """The honest state before ``start``, then the cycle."""
        if index < self.start:
            if index >= self.loop:
                self._honest.append(state)
            nxt = super().advance(state, index)
            if index == self.start - 1:
                self._honest.append(nxt)
            return nxt
        cycle = self._honest  # Y[loop] … Y[start]
        return cycle[(index - self.start) % len(cycle)]


class ZeroShortcutWorker(TrainingWorker):
    """Input substitution with the zero shortcut: honest up to step ``start``, then claims the
    all-zero state and keeps claiming it, because ``tanh(W·0) = 0``. Without noise (or with
    noise too small for the output precision) every step after the first false one is true."""

    def __init__(self, chain: TrainingChain, data: bytes, *, start: int, span: int = 1) -> None:
        super().__init__(chain, data, span=span)
        if start < 0:
            raise InvalidArgument("start is a step index")
        self.start = start

    def advance(self, state: Array, index: int) -> Array:
        """The honest state before ``start``, then zeros, computed by nobody."""
        if index < self.start:
            return super().advance(state, index)
        return np.zeros((self.chain.size, self.chain.size), dtype=self.chain.dtype)


def zero_input_changes(
    chain: TrainingChain, seed: Digest, *, fraction_bits: int | None = None
) -> Callable[[float], bool]:
    """The predicate of the low-precision attack for :func:`~oddsproof.games.least_noise`:
    at noise magnitude ``m``, does ``q(tanh(W·(0 + noise)))`` differ from the all-zero state the
    zero shortcut claims (at ``fraction_bits`` bits, by default the chain's)?"""
    bits = chain.fraction_bits if fraction_bits is None else fraction_bits
    unit = noise(seed, (chain.size, chain.size), 1.0)
    weights = chain.weights

    def changes(magnitude: float) -> bool:
        out: Any = to_fixed(np.tanh(weights @ (magnitude * unit)), bits)
        return bool(np.any(out))

    return changes
