"""Quantizing outputs to a declared precision, against an exact reference built on Fraction."""

from __future__ import annotations

import math
import struct
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from oddsproof.errors import InvalidArgument
from oddsproof.games import quantize, quantized_bytes

finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300)
bits = st.integers(1, 51)


def reference(x: float, b: int) -> float:
    """Round |x| to b + 1 significant bits (implicit one plus b mantissa bits), ties away from
    zero, exactly, for normal numbers."""
    if x == 0.0:
        return 0.0
    mantissa, exponent = math.frexp(abs(x))  # |x| = m * 2**e, 0.5 <= m < 1
    scaled = Fraction(mantissa) * 2 ** (b + 1)
    rounded = math.floor(scaled + Fraction(1, 2))
    value = float(Fraction(rounded) * Fraction(2) ** (exponent - b - 1))
    return math.copysign(value, x)


@given(finite.filter(lambda v: v == 0 or abs(v) > 1e-290), bits)
def test_matches_the_exact_reference(x: float, b: int) -> None:
    assert quantize(x, b) == reference(x, b)


@given(finite, bits)
def test_idempotent_symmetric_and_close(x: float, b: int) -> None:
    q = float(quantize(x, b))
    assert float(quantize(q, b)) == q
    assert float(quantize(-x, b)) == -q or q == 0.0
    if abs(x) > 1e-300:
        assert abs(q - x) <= abs(x) * 2.0**-b


@given(st.lists(finite, min_size=2, max_size=30), bits)
def test_monotonic(values: list[float], b: int) -> None:
    ordered = sorted(values)
    q = quantize(ordered, b)
    assert np.all(np.diff(q) >= 0)


def test_known_values_and_ties() -> None:
    assert quantize(1.0, 16) == 1.0
    assert quantize(1 + 2**-16, 16) == 1 + 2**-16
    assert quantize(1 + 2**-17, 16) == 1 + 2**-16  # a tie rounds away from zero
    assert quantize(-(1 + 2**-17), 16) == -(1 + 2**-16)
    assert quantize(1 + 2**-17 - 2**-40, 16) == 1.0
    assert quantize(2 - 2**-30, 16) == 2.0  # the carry bumps the exponent


def test_zeros_are_positive() -> None:
    for b in (0, 8, 16, 52):
        out = quantize([-0.0, 0.0], b)
        assert struct.pack("<2d", *out) == bytes(16)
    tiny = -5e-324  # a negative subnormal that rounds to zero
    assert struct.pack("<d", float(quantize(tiny, 8))) == bytes(8)


def test_wide_precisions_leave_values_unchanged() -> None:
    values = np.array([math.pi, -1e-310, 1e300])
    for b in (0, 52, 64):
        assert np.array_equal(quantize(values, b), values)


def test_refusals() -> None:
    for bad in ([math.nan], [math.inf], [-math.inf]):
        with pytest.raises(InvalidArgument):
            quantize(bad, 16)
    with pytest.raises(InvalidArgument, match="overflows"):
        quantize([np.finfo(np.float64).max], 4)
    for bad_bits in (-1, True, 1.5, "16"):
        with pytest.raises(InvalidArgument):
            quantize([1.0], bad_bits)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument):
        quantize(["not a number"], 16)


def test_input_is_not_modified_and_shape_kept() -> None:
    values = np.array([[math.pi, -0.0], [math.e, 1.0]])
    copy = values.copy()
    out = quantize(values, 8)
    assert out.shape == (2, 2)
    assert np.array_equal(values, copy, equal_nan=False)
    assert struct.pack("<d", values[0, 1]) == struct.pack("<d", -0.0)


def test_quantized_bytes_are_little_endian_rows() -> None:
    rows = np.array([[1.5, -2.0], [0.25, 3.0]], dtype=">f8")  # big-endian input
    assert quantized_bytes(rows, 16) == struct.pack("<4d", 1.5, -2.0, 0.25, 3.0)
