"""Quantizing floating-point outputs to a declared precision before hashing.

Two honest machines rarely agree on the last bits of a floating-point result (fused
multiply-adds, summation order, libm). A claim therefore commits to each value rounded to
``bits`` significant bits: the IEEE-754 binary64 value is rounded to nearest (ties away from
zero in magnitude) at that mantissa width, and its low bits are cleared. The quantized value is
still a float64, so it can be hashed as its 8 little-endian bytes and compared exactly.

Values whose exact results sit within one machine error of a rounding boundary can still round
differently on two machines; the chance is about ``machine error / 2**-bits`` per value, which is
why the precision is declared in the computation and the claim, and why a dispute re-runs the
step rather than trusting either side's bits.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt

from oddsproof.errors import InvalidArgument

MANTISSA_BITS: Final = 52
_SIGN_MASK: Final = np.uint64(1 << 63)


def quantize(values: npt.ArrayLike, bits: int) -> npt.NDArray[np.float64]:
    """``values`` as float64 rounded to ``bits`` significant bits (1–52; 0 or > 52: unchanged).

    Negative zero becomes positive zero. NaN and infinities are refused with
    :class:`InvalidArgument`: no honest output contains them and they have many encodings.
    """
    if isinstance(bits, bool) or not isinstance(bits, int) or bits < 0:
        raise InvalidArgument(f"precision must be a non-negative number of bits, got {bits!r}")
    try:
        array = np.array(values, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as exc:
        raise InvalidArgument(f"cannot read values as float64: {exc}") from exc
    if not np.isfinite(array).all():
        raise InvalidArgument("outputs contain NaN or infinity")
    if bits == 0 or bits >= MANTISSA_BITS:
        np.add(array, 0.0, out=array)  # -0.0 + 0.0 is +0.0; every other value is unchanged
        return array
    drop = MANTISSA_BITS - bits
    raw = array.reshape(-1).view(np.uint64)
    sign = raw & _SIGN_MASK
    # Adding half a quantum to the magnitude and clearing the dropped bits rounds to nearest;
    # a carry out of the mantissa correctly bumps the exponent (the encoding is monotonic).
    # Done in place: this runs over every output value of a commitment.
    np.bitwise_and(raw, ~_SIGN_MASK, out=raw)
    np.add(raw, np.uint64(1 << (drop - 1)), out=raw)
    np.bitwise_and(raw, ~np.uint64((1 << drop) - 1), out=raw)
    np.bitwise_or(raw, sign, out=raw)
    # Zero is normalised after rounding: a tiny negative value can round to -0.0.
    np.add(array, 0.0, out=array)
    if not np.isfinite(array).all():
        raise InvalidArgument("a value overflows to infinity when rounded")
    return array


def quantized_bytes(values: npt.ArrayLike, bits: int) -> bytes:
    """The bytes a commitment hashes: quantized float64 values, little-endian, row-major."""
    return quantize(values, bits).astype("<f8", copy=False).tobytes()
