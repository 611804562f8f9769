"""What a claim is about: computations, statements, trace commitments and claims.

A :class:`Computation` is the content id of F (name, version, code hash, parameters), its shape
and size, and the precision its outputs are quantized to before hashing. A :class:`Statement`
says "F(X) = Y at this precision"; a :class:`Claim` is a party's signed assertion of a statement
in answer to one offer, with a trace commitment when the work is serial. The games layer runs
computations; this layer only names them, so that contracts and claims can be checked without
running anything.
"""

from __future__ import annotations

import enum
from typing import Any

import attrs

from oddsproof.errors import InvalidArgument
from oddsproof.errors import _validators as v
from oddsproof.wire import Canonical, Digest, Party, canonical, decode_primitive

MAX_PRECISION = 64
"""Outputs are quantized to at most 64 bits per value; 0 means "exact bytes"."""


def _precision(_inst: object, attr: attrs.Attribute[int], value: Any) -> None:
    if type(value) is not int or not 0 <= value <= MAX_PRECISION:
        raise InvalidArgument(f"{attr.name} must be 0 to {MAX_PRECISION} bits, got {value!r}")


def _canonical_params(_inst: object, attr: attrs.Attribute[bytes], value: Any) -> None:
    if not isinstance(value, bytes):
        raise InvalidArgument("params must be canonical CBOR bytes")
    decode_primitive(value)  # raises EncodingError unless canonical


_digest = attrs.validators.instance_of(Digest)
_party = attrs.validators.instance_of(Party)


class Shape(enum.Enum):
    """How a computation decomposes: independent pieces, or a chain of steps."""

    PARALLEL = "parallel"
    SERIAL = "serial"


@canonical("computation")
@attrs.frozen
class Computation(Canonical):
    """The content id of a function F: what it is, how it decomposes, how outputs are hashed.

    ``size`` is the number of pieces (parallel) or steps (serial). ``precision`` is the number of
    bits each floating-point output value keeps before hashing (0: outputs are exact bytes), so
    honest solvers on different machines produce the same output id. ``params`` is canonical
    CBOR of the function's parameters (``b"\\xa0"``, the empty map, when there are none).
    """

    name: str = attrs.field(validator=v.text(128))
    version: str = attrs.field(validator=v.text(32))
    code: Digest = attrs.field(validator=_digest)
    shape: Shape = attrs.field(validator=attrs.validators.instance_of(Shape))
    size: int = attrs.field(validator=v.positive)
    precision: int = attrs.field(validator=_precision)
    params: bytes = attrs.field(default=b"\xa0", validator=_canonical_params)


@canonical("statement")
@attrs.frozen
class Statement(Canonical):
    """The proposition "F(X) = Y": computation id, input id, output id, at a precision."""

    computation: Digest = attrs.field(validator=_digest)
    input: Digest = attrs.field(validator=_digest)
    output: Digest = attrs.field(validator=_digest)
    precision: int = attrs.field(validator=_precision)


@canonical("trace-commitment")
@attrs.frozen
class TraceCommitment(Canonical):
    """A Merkle root over the state hashes of a serial run, every ``interval`` steps.

    Leaf ``j`` is the hash of the state after step ``j * interval``; there are
    ``steps // interval + 1`` leaves (state 0 included), the last state always being covered.
    """

    root: Digest = attrs.field(validator=_digest)
    steps: int = attrs.field(validator=v.positive)
    interval: int = attrs.field(validator=v.positive)

    @interval.validator
    def _check_interval(self, _attr: object, value: int) -> None:
        if type(value) is int and type(self.steps) is int and self.steps % value:
            raise InvalidArgument("the checkpoint interval must divide the number of steps")

    @property
    def leaves(self) -> int:
        """Number of committed checkpoints, state 0 included."""
        return self.steps // self.interval + 1


@canonical("claim")
@attrs.frozen
class Claim(Canonical):
    """A claimant's assertion that F(X) = Y, answering one offer; sign it with ``Signed``.

    ``offer`` is the id of the contract offered; ``output`` the output id at ``precision``;
    ``trace`` the trace commitment for serial work (``None`` for parallel work).
    """

    offer: Digest = attrs.field(validator=_digest)
    claimant: Party = attrs.field(validator=_party)
    computation: Digest = attrs.field(validator=_digest)
    input: Digest = attrs.field(validator=_digest)
    output: Digest = attrs.field(validator=_digest)
    precision: int = attrs.field(validator=_precision)
    trace: TraceCommitment | None = attrs.field(
        validator=attrs.validators.optional(attrs.validators.instance_of(TraceCommitment))
    )
    issued: int = attrs.field(validator=v.amount)

    @property
    def statement(self) -> Statement:
        """The proposition this claim asserts."""
        return Statement(self.computation, self.input, self.output, self.precision)
