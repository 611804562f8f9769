"""Executable computations: ids of inputs and code, committed bytes, parallel and serial runs."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from oddsproof.contracts import Computation, Shape
from oddsproof.errors import InvalidArgument
from oddsproof.games import ParallelComputation, SerialComputation, input_id
from oddsproof.games.lowlevel import code_digest, value_bytes
from oddsproof.wire import tagged_hash
from tests.strategies import toy_computation


def test_input_id_is_the_tagged_hash() -> None:
    assert input_id(b"scene") == tagged_hash("oddsproof/input/v1", b"scene")
    assert input_id(bytearray(b"scene")) == input_id(b"scene")
    with pytest.raises(InvalidArgument):
        input_id("scene")  # type: ignore[arg-type]


def _f(x: int) -> int:
    return x + 1


def _g(x: int) -> int:
    return x + 2


def test_code_digest_names_source() -> None:
    assert code_digest(_f) == code_digest(_f)
    assert code_digest(_f) != code_digest(_g)
    assert code_digest(_f, _g) != code_digest(_g, _f)
    assert code_digest(len) == code_digest(len)  # builtins fall back to their name


def test_value_bytes() -> None:
    assert value_bytes(np.array([1, 2], dtype=">u2"), 0) == b"\x01\x00\x02\x00"
    assert value_bytes(np.array([0.5]), 16) == struct.pack("<d", 0.5)
    with pytest.raises(InvalidArgument):
        value_bytes(np.array([0.5]), 0)


def test_parallel_evaluate() -> None:
    comp = toy_computation(10)
    everything = comp.evaluate(b"x")
    assert everything.shape == (10, 2)
    assert np.array_equal(comp.evaluate(b"x", [3, 1]), everything[[3, 1]])
    assert comp.evaluate(b"x", []).shape[0] == 0
    for bad in ([10], [-1], [[1, 2]]):
        with pytest.raises(InvalidArgument):
            comp.evaluate(b"x", bad)
    assert comp.piece_bytes(everything[:1]) == value_bytes(everything[:1], 16)
    assert comp.size == 10


def test_parallel_checks_the_piece_function() -> None:
    spec = Computation("v", "1", code_digest(_f), Shape.PARALLEL, 4, 0)
    flat = ParallelComputation(spec, lambda _d, idx: idx * 2)
    assert flat.evaluate(b"", [1, 2]).shape == (2, 1)
    wrong = ParallelComputation(spec, lambda _d, idx: np.zeros((len(idx) + 1, 2)))
    with pytest.raises(InvalidArgument):
        wrong.evaluate(b"", [1])
    serial = Computation("v", "1", code_digest(_f), Shape.SERIAL, 4, 0)
    with pytest.raises(InvalidArgument):
        ParallelComputation(serial, lambda _d, idx: idx)


def test_serial_run_and_state_hash() -> None:
    spec = Computation("s", "1", code_digest(_f), Shape.SERIAL, 5, 16)
    comp = SerialComputation(spec, lambda data: np.array([float(len(data))]), lambda s, i: s + i)
    start = comp.initial(b"abc")
    assert comp.run(start, 0, 5)[0] == 3 + 0 + 1 + 2 + 3 + 4
    assert comp.run(start, 2, 2)[0] == 3
    with pytest.raises(InvalidArgument):
        comp.run(start, 3, 2)
    with pytest.raises(InvalidArgument):
        comp.run(start, 0, 6)
    assert comp.state_hash(np.zeros((2, 1))) != comp.state_hash(np.zeros((1, 2)))
    assert comp.steps == 5
    with pytest.raises(InvalidArgument):
        SerialComputation(
            Computation("p", "1", code_digest(_f), Shape.PARALLEL, 5, 16), lambda d: d, _g
        )
