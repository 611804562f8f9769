"""Cheap serial workloads for bisection tests, examples and the dispute benchmark.

Two chains, both with states whose committed bytes *are* the state (so a state hash binds the
whole state, which the one-step judge relies on):

- :func:`hash_chain`: the state is 32 bytes and each step is one SHA-256,
  ``s[i + 1] = SHA256(s[i] || i as 8 little-endian bytes)``. About a microsecond per step: the
  cheapest honest work there is, which makes the dispute's fixed costs (signatures, proofs) as
  large as they can be relative to the chain. The benchmark uses it.
- :func:`logistic_chain`: a small float64 vector under the logistic map ``x ↦ r·x·(1 − x)``
  with a per-step rotation, each result quantized to ``precision`` bits *inside* the step, so
  states are exact at the declared precision and two honest machines agree bit for bit. It
  shows that floating-point chains can be disputed too, provided the step quantizes.
"""

from __future__ import annotations

import hashlib
from typing import Final

import cbor2
import numpy as np

from oddsproof.contracts import Computation, Shape
from oddsproof.errors import InvalidArgument
from oddsproof.games import SerialComputation, quantize
from oddsproof.games._computation import Array
from oddsproof.games.lowlevel import code_digest
from oddsproof.wire import tagged_hash

HASH_CHAIN_NAME: Final = "oddsproof/hash-chain"
LOGISTIC_CHAIN_NAME: Final = "oddsproof/logistic-chain"
CHAIN_VERSION: Final = "1"
SEED_TAG: Final = "oddsproof/chain-seed/v1"
LOGISTIC_R: Final = 3.9
"""The logistic map's parameter: deep in the chaotic regime, so states never settle."""
MAX_WIDTH: Final = 1 << 16


def _hash_initial(data: bytes) -> Array:
    return np.frombuffer(tagged_hash(SEED_TAG, bytes(data)).raw, dtype=np.uint8)


def _hash_step(state: Array, index: int) -> Array:
    message = np.asarray(state, dtype=np.uint8).tobytes() + index.to_bytes(8, "little")
    return np.frombuffer(hashlib.sha256(message).digest(), dtype=np.uint8)


def _check_steps(steps: object) -> int:
    if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps < 1 << 62:
        raise InvalidArgument(f"a chain has a positive number of steps, got {steps!r}")
    return steps


def hash_chain(steps: int) -> SerialComputation:
    """A SHA-256 chain of ``steps`` steps; state 0 is a tagged hash of the input bytes."""
    spec = Computation(
        HASH_CHAIN_NAME,
        CHAIN_VERSION,
        code_digest(_hash_initial, _hash_step),
        Shape.SERIAL,
        _check_steps(steps),
        0,
    )
    return SerialComputation(spec, _hash_initial, _hash_step)


def logistic_chain(steps: int, *, width: int = 4, precision: int = 40) -> SerialComputation:
    """A quantized logistic-map chain over ``width`` float64 values.

    State 0 maps the input's tagged hash to values in (0.05, 0.95); each step applies
    ``r·x·(1 − x)`` to the vector rolled by one place, adds ``i·2**-20`` modulo the interval to
    keep distinct indices distinct, and quantizes to ``precision`` bits (1 to 52).
    """
    if isinstance(width, bool) or not isinstance(width, int) or not 1 <= width <= MAX_WIDTH:
        raise InvalidArgument(f"width must be 1 to {MAX_WIDTH}, got {width!r}")
    if isinstance(precision, bool) or not isinstance(precision, int) or not 1 <= precision <= 52:
        raise InvalidArgument(f"precision must be 1 to 52 bits, got {precision!r}")

    def initial(data: bytes) -> Array:
        seed = tagged_hash(SEED_TAG, bytes(data)).raw
        words = np.frombuffer((seed * (1 + (8 * width) // 32))[: 8 * width], dtype="<u8")
        values = 0.05 + 0.9 * (words >> np.uint64(11)).astype(np.float64) / float(1 << 53)
        return quantize(values, precision)

    def step(state: Array, index: int) -> Array:
        x = np.roll(np.asarray(state, dtype=np.float64), 1)
        y = LOGISTIC_R * x * (1.0 - x) + (index % (1 << 20)) * 2.0**-20
        y = 0.05 + np.mod(y - 0.05, 0.9)
        return quantize(y, precision)

    params = cbor2.dumps({"width": width}, canonical=True)
    spec = Computation(
        LOGISTIC_CHAIN_NAME,
        CHAIN_VERSION,
        code_digest(logistic_chain),
        Shape.SERIAL,
        _check_steps(steps),
        precision,
        params,
    )
    return SerialComputation(spec, initial, step)
