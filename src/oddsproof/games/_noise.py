"""Noise seeds, a deterministic noise generator, fixed-point outputs and noise calibration.

The essay's defence against memoization and input substitution: each step of a serial job is
``Y[i+1] = F(Y[i] + noise(a[i]))``, where the seeds ``a[i]`` come from the payer. Seeds are
chained, ``a[i+1] = tagged_hash("oddsproof/noise-seed/v1", a[i])``, so a whole schedule
compresses to its first seed (:class:`SeedSchedule`).

**The generator** (:func:`noise`) must give the same floats on every machine and every numpy
version. numpy's ``Generator`` methods (``uniform``, ``normal``) may change between versions;
the raw output of a bit generator may not. So the seed is hashed into a 128-bit PCG64 state and
increment (set directly, bypassing ``SeedSequence``), ``random_raw`` supplies 64-bit words, each
word is split into four little-endian 16-bit integers ``u``, and each value is
``(2u − 65535) / 65536`` (exact in binary64) times the magnitude (one correctly rounded IEEE
multiplication). Values are uniform on 65,536 symmetric points in (−m, m), with mean 0 and
standard deviation about ``m/√3``.

**Fixed-point outputs** (:func:`to_fixed`): the library's quantization is relative (``bits``
significant bits, and zero stays zero), under which the essay's low-precision attack cannot
happen: ``F(0 + noise)`` keeps all its significant bits however small the noise. The attack
lives where outputs are committed with an *absolute* precision (8-bit integer activations, say):
values below half a quantum round to zero. A state of fixed-point integers is committed as exact
bytes (precision 0), which keeps commitments consistent with the rest of the library.

**Calibration**: the noise must change the committed output even for the worst fake inputs a
worker could pick (all zeros, a sparse matrix, an earlier state), yet stay a small fraction of
the signal. :func:`least_noise` finds, by bisection on a log scale, the least magnitude at which
a predicate ("the committed output depends on the noise") holds; :func:`calibrate_noise` takes
the worst such magnitude over a set of fake inputs, multiplies it by a safety margin and checks
it against the allowed fraction of the signal; :func:`analytic_noise` gives the closed form for a
dense linear layer.
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Callable, Sequence
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from oddsproof.errors import InvalidArgument
from oddsproof.wire import Digest, tagged_hash

NOISE_SEED_TAG: Final = "oddsproof/noise-seed/v1"
NOISE_STREAM_TAG: Final = "oddsproof/noise-stream/v1"
SCHEDULE_CHECKPOINT: Final = 1024
"""A :class:`SeedSchedule` keeps every 1024th seed, so any seed is at most 1023 hashes away."""
SCHEDULE_WINDOW: Final = 512
"""Recent seeds a :class:`SeedSchedule` keeps (the last span's starts are among them)."""
MAX_NOISE_VALUES: Final = 1 << 28
MAX_FRACTION_BITS: Final = 15
_HALF_RANGE: Final = 65535.0
_SCALE: Final = 1.0 / 65536.0

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.signedinteger[Any]]


def _check_seed(seed: object) -> Digest:
    if not isinstance(seed, Digest):
        raise InvalidArgument(f"a noise seed is a Digest, got {type(seed).__name__}")
    return seed


def _check_index(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 1 << 62:
        raise InvalidArgument(f"{name} must be a non-negative integer, got {value!r}")
    return value


def fresh_seed() -> Digest:
    """A new first seed ``a[0]`` from the operating system's randomness (the payer's)."""
    return Digest(os.urandom(32))


def next_seed(seed: Digest) -> Digest:
    """``a[i+1] = tagged_hash("oddsproof/noise-seed/v1", a[i])``."""
    return tagged_hash(NOISE_SEED_TAG, _check_seed(seed).raw)


class SeedSchedule:
    """The chained seeds ``a[0], a[1], …`` from one first seed, computed on demand.

    Keeps every :data:`SCHEDULE_CHECKPOINT`-th seed and a window of the last
    :data:`SCHEDULE_WINDOW` seeds walked, so memory is O(T / 1024), a sequential walk costs one
    hash per step, and looking back a few steps (the start of a span) costs nothing.
    """

    __slots__ = ("_base", "_checkpoints", "_window", "first")

    def __init__(self, first: Digest) -> None:
        self.first = _check_seed(first)
        self._checkpoints: list[Digest] = [first]
        self._base = 0
        self._window: list[Digest] = [first]

    def _advance(self, position: int, seed: Digest) -> Digest:
        seed = tagged_hash(NOISE_SEED_TAG, seed.raw)
        position += 1
        if position % SCHEDULE_CHECKPOINT == 0 and position // SCHEDULE_CHECKPOINT == len(
            self._checkpoints
        ):
            self._checkpoints.append(seed)
        return seed

    def seed(self, index: int) -> Digest:
        """``a[index]``."""
        _check_index("a seed index", index)
        base, window = self._base, self._window
        end = base + len(window)
        if base <= index < end:
            return window[index - base]
        if end <= index < end + SCHEDULE_CHECKPOINT:
            seed = window[-1]
            for position in range(end - 1, index):
                seed = self._advance(position, seed)
                window.append(seed)
            if len(window) > SCHEDULE_WINDOW:
                drop = len(window) - SCHEDULE_WINDOW // 2
                del window[:drop]
                self._base += drop
            return seed
        slot = min(index // SCHEDULE_CHECKPOINT, len(self._checkpoints) - 1)
        position, seed = slot * SCHEDULE_CHECKPOINT, self._checkpoints[slot]
        while position < index:
            seed = self._advance(position, seed)
            position += 1
        self._base, self._window = index, [seed]
        return seed

    def seeds(self, start: int, stop: int) -> tuple[Digest, ...]:
        """``a[start], …, a[stop − 1]``."""
        _check_index("start", start)
        _check_index("stop", stop)
        if stop < start:
            raise InvalidArgument(f"stop {stop} is before start {start}")
        return tuple(self.seed(i) for i in range(start, stop))


def _bit_generator(seed: Digest) -> np.random.PCG64:
    stream = tagged_hash(NOISE_STREAM_TAG, seed.raw).raw
    generator = np.random.PCG64(0)
    state = generator.state
    state["state"] = {
        "state": int.from_bytes(stream[:16], "little"),
        "inc": int.from_bytes(stream[16:], "little") | 1,  # PCG increments are odd
    }
    state["has_uint32"] = 0
    state["uinteger"] = 0
    generator.state = state
    return generator


def unit_noise(seed: Digest, count: int) -> FloatArray:
    """``count`` values uniform on the 65,536 points ``(2u − 65535)/65536``, from ``seed``.

    Deterministic across machines, byte orders and numpy versions: only PCG64's raw stream,
    integer arithmetic and exact conversions are involved.
    """
    _check_seed(seed)
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_NOISE_VALUES:
        raise InvalidArgument(f"count must be an integer in [0, {MAX_NOISE_VALUES}], got {count!r}")
    words = _bit_generator(seed).random_raw(-(-count // 4))
    halves = np.ascontiguousarray(words, dtype="<u8").view("<u2")[:count]
    values = halves.astype(np.float64)
    values *= 2.0
    values -= _HALF_RANGE
    values *= _SCALE
    return values


def noise(seed: Digest, shape: int | tuple[int, ...], magnitude: float) -> FloatArray:
    """Noise of the given shape, uniform in (−magnitude, magnitude), determined by ``seed``."""
    dims = (shape,) if isinstance(shape, int) else tuple(shape)
    if not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in dims):
        raise InvalidArgument(f"a shape is a tuple of non-negative integers, got {shape!r}")
    m = _check_magnitude(magnitude)
    values = unit_noise(seed, math.prod(dims))
    if m != 1.0:
        values *= m
    return values.reshape(dims)


def _check_magnitude(magnitude: object) -> float:
    if isinstance(magnitude, bool) or not isinstance(magnitude, int | float):
        raise InvalidArgument(f"a noise magnitude is a number, got {magnitude!r}")
    m = float(magnitude)
    if not math.isfinite(m) or m < 0:
        raise InvalidArgument(f"a noise magnitude is finite and non-negative, got {magnitude!r}")
    return m


# ---------------------------------------------------------------------------------------------
# Fixed-point outputs


def fixed_dtype(fraction_bits: int) -> np.dtype[Any]:
    """The integer type of a fixed-point value in (−1, 1) with ``fraction_bits`` bits:
    ``int8`` up to 7 bits, ``int16`` up to 15."""
    if (
        isinstance(fraction_bits, bool)
        or not isinstance(fraction_bits, int)
        or not 1 <= fraction_bits <= MAX_FRACTION_BITS
    ):
        raise InvalidArgument(
            f"fraction_bits must be an integer in [1, {MAX_FRACTION_BITS}], got {fraction_bits!r}"
        )
    return np.dtype(np.int8) if fraction_bits <= 7 else np.dtype(np.int16)


def to_fixed(values: npt.ArrayLike, fraction_bits: int) -> IntArray:
    """``values`` in [−1, 1] as integers ``round(v·2**fraction_bits)`` (ties to even), clipped
    to ±(2**fraction_bits − 1): an absolute precision of one quantum ``2**-fraction_bits``.

    Values below half a quantum become 0, which is what makes the low-precision attack possible.
    """
    dtype = fixed_dtype(fraction_bits)
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidArgument(f"cannot read values as float64: {exc}") from exc
    if not np.isfinite(array).all():
        raise InvalidArgument("fixed-point values must be finite")
    limit = float((1 << fraction_bits) - 1)
    scaled = array * float(1 << fraction_bits)
    np.rint(scaled, out=scaled)
    np.clip(scaled, -limit, limit, out=scaled)
    return scaled.astype(dtype)


def from_fixed(values: npt.ArrayLike, fraction_bits: int) -> FloatArray:
    """The float64 values of fixed-point integers (exact)."""
    fixed_dtype(fraction_bits)
    array = np.asarray(values)
    if array.dtype.kind != "i":
        raise InvalidArgument("fixed-point values are signed integers")
    out = array.astype(np.float64)
    out *= 1.0 / float(1 << fraction_bits)
    return out


# ---------------------------------------------------------------------------------------------
# Calibration


def least_noise(
    changes: Callable[[float], bool],
    *,
    low: float,
    high: float,
    ratio: float = 1.05,
) -> float:
    """The least magnitude in ``[low, high]`` at which ``changes(magnitude)`` holds, to within a
    factor ``ratio``, by bisection on a log scale.

    ``changes`` must be (close to) monotone: false for small magnitudes, true for large ones.
    Returns ``low`` if it already holds there; raises :class:`InvalidArgument` if it fails at
    ``high``.
    """
    lo, hi = _check_magnitude(low), _check_magnitude(high)
    if not 0 < lo < hi or not ratio > 1:
        raise InvalidArgument("need 0 < low < high and ratio > 1")
    if changes(lo):
        return lo
    if not changes(hi):
        raise InvalidArgument(f"even noise of magnitude {hi:g} does not change the output")
    while hi / lo > ratio:
        mid = math.sqrt(lo * hi)
        if changes(mid):
            hi = mid
        else:
            lo = mid
    return hi


@attrs.frozen
class NoiseCalibration:
    """A calibrated noise magnitude and how it was found.

    ``least`` is the least magnitude at which every fake input's committed output depended on
    the noise; ``magnitude`` is ``margin × least``; ``ceiling`` is the most the signal allows
    (``fraction × signal``); ``worst`` is the index of the fake input that needed the most.
    """

    magnitude: float = attrs.field(validator=attrs.validators.instance_of(float))
    least: float = attrs.field(validator=attrs.validators.instance_of(float))
    ceiling: float = attrs.field(validator=attrs.validators.instance_of(float))
    worst: int = attrs.field(validator=attrs.validators.instance_of(int))
    per_input: tuple[float, ...] = attrs.field(validator=attrs.validators.instance_of(tuple))


def calibrate_noise(
    commit: Callable[[FloatArray], bytes],
    fake_inputs: Sequence[npt.ArrayLike],
    *,
    signal: float,
    fraction: float,
    seeds: Sequence[Digest],
    margin: float = 4.0,
    low: float = 1e-12,
) -> NoiseCalibration:
    """The noise magnitude that makes every fake input's committed output depend on the noise.

    ``commit(x)`` maps a (noised) input to the bytes the worker would commit for ``F(x)``.
    For each fake input ``x`` (the worst a cheater could pick: zeros, a sparse matrix, an
    earlier state), the least magnitude ``σ`` is found at which, for every seed ``s`` given,
    ``commit(x + noise(s, σ))`` differs both from ``commit(x)`` (the shortcut that skips the
    noise) and from the same with the next seed (a memoized output of another step). The
    result is ``margin`` times the worst ``σ``; :class:`InvalidArgument` if that exceeds
    ``fraction × signal``, the most noise the job tolerates.
    """
    for name, value in (("signal", signal), ("fraction", fraction), ("margin", margin)):
        if _check_magnitude(value) <= 0:
            raise InvalidArgument(f"{name} must be positive")
    if margin < 1:
        raise InvalidArgument("the margin is at least 1")
    seed_list = [_check_seed(s) for s in seeds]
    if len(seed_list) < 2:
        raise InvalidArgument("calibration needs at least two seeds")
    inputs = [np.asarray(x, dtype=np.float64) for x in fake_inputs]
    if not inputs:
        raise InvalidArgument("calibration needs at least one fake input")
    ceiling = float(fraction) * float(signal)
    found: list[float] = []
    for x in inputs:
        plain = commit(x)
        units = [noise(s, x.shape, 1.0) for s in seed_list]

        def changes(
            sigma: float, x: FloatArray = x, plain: bytes = plain, units: list[FloatArray] = units
        ) -> bool:
            outputs = [commit(x + sigma * u) for u in units]
            return all(out != plain for out in outputs) and all(
                a != b for a, b in itertools.pairwise(outputs)
            )

        found.append(least_noise(changes, low=low, high=max(ceiling, low * 2) * 1e3))
    least = max(found)
    magnitude = float(margin) * least
    if magnitude > ceiling:
        raise InvalidArgument(
            f"the output precision needs noise of at least {magnitude:.3g} ({margin}× {least:.3g}),"
            f" above the {ceiling:.3g} the signal allows: commit more output bits or allow more"
            " noise"
        )
    return NoiseCalibration(magnitude, least, ceiling, found.index(least), tuple(found))


def analytic_noise(
    *, quantum: float, gain: float, signal: float, fraction: float, margin: float = 4.0
) -> float:
    """Closed-form magnitude for a dense layer ``tanh(W·(x + n))`` committed to an absolute
    ``quantum``.

    Uniform noise of magnitude ``m`` has standard deviation ``m/√3``; through a row of ``W``
    with Euclidean norm ``gain`` it moves each pre-activation by about ``m·gain/√3``, and near
    zero (the all-zero fake input) ``tanh`` passes that on unchanged. Asking for ``margin``
    quanta gives ``m = margin·quantum·√3/gain``. Raises :class:`InvalidArgument` if ``m`` exceeds
    ``fraction × signal``.
    """
    values = {"quantum": quantum, "gain": gain, "signal": signal, "fraction": fraction}
    for name, value in values.items():
        if _check_magnitude(value) <= 0:
            raise InvalidArgument(f"{name} must be positive")
    if _check_magnitude(margin) < 1:
        raise InvalidArgument("the margin is at least 1")
    magnitude = float(margin) * float(quantum) * math.sqrt(3.0) / float(gain)
    if magnitude > float(fraction) * float(signal):
        raise InvalidArgument(
            f"noise of {magnitude:.3g} is needed, above {fraction} of the signal {signal:.3g}"
        )
    return magnitude
