"""Executable computations: F as independent pieces, or as a chain of steps.

``contracts.Computation`` names a function; the classes here run it. A
:class:`ParallelComputation` evaluates any subset of its N pieces (vectorised, one row of
output values per piece); a :class:`SerialComputation` maps state ``i`` to state ``i + 1``. Both
quantize outputs to the declared precision before anything is hashed, so honest solvers on
different machines produce the same bytes.

Inputs are bytes (their id is a tagged hash), and a computation's code id is a hash of its
source, so a claim names exactly what was run.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from oddsproof.contracts import Computation, Shape
from oddsproof.errors import InvalidArgument
from oddsproof.wire import Digest, tagged_hash

from ._quantize import quantized_bytes

INPUT_TAG: Final = "oddsproof/input/v1"
STATE_TAG: Final = "oddsproof/state/v1"
CODE_TAG: Final = "oddsproof/code/v1"

Array = npt.NDArray[Any]
PieceFunction = Callable[[bytes, npt.NDArray[np.int64]], Array]
"""``(input, piece indices) -> array`` with one row of output values per index."""
StepFunction = Callable[[Array, int], Array]
"""``(state i, i) -> state i + 1``."""


def input_id(data: bytes) -> Digest:
    """The id of an input: its tagged hash."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise InvalidArgument(f"an input is bytes, got {type(data).__name__}")
    return tagged_hash(INPUT_TAG, bytes(data))


def code_digest(*objects: object) -> Digest:
    """A content id for code: the tagged hash of the source text of ``objects``.

    Falls back to the qualified name for objects without retrievable source (builtins).
    """
    parts: list[bytes] = []
    for obj in objects:
        try:
            text = inspect.getsource(obj)  # type: ignore[arg-type]
        except (OSError, TypeError):
            text = f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', repr(obj))}"
        parts.append(len(text).to_bytes(8, "big") + text.encode("utf-8"))
    return tagged_hash(CODE_TAG, *parts)


def value_bytes(values: Array, precision: int) -> bytes:
    """The bytes that represent ``values`` in commitments.

    Precision 0 means the values are exact: integer and byte arrays are hashed as their
    little-endian bytes. Any other precision quantizes floating-point values to that many bits.
    """
    array = np.asarray(values)
    if precision == 0:
        if array.dtype.kind not in "biu":
            raise InvalidArgument("precision 0 (exact) needs integer or byte outputs")
        return array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
    return quantized_bytes(array, precision)


def state_digest(state: Array, precision: int) -> Digest:
    """The hash of a state at ``precision``, shape included: the one definition of a state id."""
    array = np.asarray(state)
    shape = b"".join(int(d).to_bytes(8, "big") for d in array.shape)
    return tagged_hash(STATE_TAG, shape, value_bytes(array, precision))


@attrs.frozen
class ParallelComputation:
    """F(X) as ``spec.size`` independent pieces, evaluated by ``pieces`` on any subset."""

    spec: Computation = attrs.field(validator=attrs.validators.instance_of(Computation))
    pieces: PieceFunction = attrs.field(validator=attrs.validators.is_callable())

    @spec.validator
    def _parallel(self, _attr: object, value: Computation) -> None:
        if value.shape is not Shape.PARALLEL:
            raise InvalidArgument("a ParallelComputation needs a parallel Computation")

    @property
    def size(self) -> int:
        """Number of pieces N."""
        return self.spec.size

    def evaluate(self, data: bytes, indices: npt.ArrayLike | None = None) -> Array:
        """Output rows of the given pieces (all N if ``indices`` is None)."""
        idx = (
            np.arange(self.size, dtype=np.int64)
            if indices is None
            else np.asarray(indices, dtype=np.int64)
        )
        if idx.ndim != 1 or (len(idx) and (idx.min() < 0 or idx.max() >= self.size)):
            raise InvalidArgument(f"piece indices must lie in [0, {self.size})")
        rows = np.asarray(self.pieces(bytes(data), idx))
        if rows.ndim == 1:
            rows = rows.reshape(len(idx), -1)
        if rows.shape[0] != len(idx):
            raise InvalidArgument("the piece function returned the wrong number of rows")
        return rows

    def piece_bytes(self, rows: Array) -> bytes:
        """The committed bytes of a block of output rows, at the declared precision."""
        return value_bytes(rows, self.spec.precision)


@attrs.frozen
class SerialComputation:
    """F(X) as ``spec.size`` steps: ``s[0] = initial(X)``, ``s[i + 1] = step(s[i], i)``."""

    spec: Computation = attrs.field(validator=attrs.validators.instance_of(Computation))
    initial: Callable[[bytes], Array] = attrs.field(validator=attrs.validators.is_callable())
    step: StepFunction = attrs.field(validator=attrs.validators.is_callable())

    @spec.validator
    def _serial(self, _attr: object, value: Computation) -> None:
        if value.shape is not Shape.SERIAL:
            raise InvalidArgument("a SerialComputation needs a serial Computation")

    @property
    def steps(self) -> int:
        """Number of steps T."""
        return self.spec.size

    def state_hash(self, state: Array) -> Digest:
        """The hash of a state at the declared precision (shape included)."""
        return state_digest(state, self.spec.precision)

    def run(self, state: Array, start: int, stop: int) -> Array:
        """The state after step ``stop - 1``, starting from ``state`` (the state at ``start``)."""
        if not 0 <= start <= stop <= self.steps:
            raise InvalidArgument(f"steps must satisfy 0 <= {start} <= {stop} <= {self.steps}")
        for i in range(start, stop):
            state = self.step(state, i)
        return state
