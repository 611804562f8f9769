"""The argument checks every package uses, raising the error family's caller-mistake errors.

Two forms of each check: ``check_*`` functions for arguments of calls (they return the value,
typed), and attrs field validators (``amount``, ``positive``, ``time``, ``integer(...)``,
``instance(...)``, ``text(...)``, ``tuple_of(...)``) for the fields of values. A wrong type
raises :class:`WrongType`, a value out of range :class:`InvalidArgument`; the decoder turns
either into an ``EncodingError`` when the value came from bytes. One definition each, so the
same mistake raises the same error with the same words everywhere.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from fractions import Fraction
from typing import Any, Final, TypeVar

import attrs

from ._errors import InvalidArgument, WrongType

INT_LIMIT: Final = 1 << 63
"""Every protocol integer (amount, time, count, index) lies in ``0 <= i < INT_LIMIT``: the range
of a SQLite integer and of CBOR's shortest unsigned forms we accept."""

T = TypeVar("T")
Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


def check_int(name: str, value: object, *, low: int = 0, high: int = INT_LIMIT) -> int:
    """``value`` as an ``int`` in ``[low, high)`` (booleans are not integers here)."""
    if type(value) is not int:
        raise WrongType(f"{name} must be an integer, got {type(value).__name__} {value!r:.40}")
    if not low <= value < high:
        raise InvalidArgument(f"{name} must be an integer in [{low}, {high}), got {value!r:.40}")
    return value


def check_now(value: object, name: str = "now") -> int:
    """A time in integer seconds, ``0 <= now < 2**63``."""
    return check_int(name, value)


def check_type(name: str, value: object, tp: type[T] | tuple[type[T], ...]) -> T:
    """``value`` if it is an instance of ``tp``; :class:`WrongType` otherwise."""
    if not isinstance(value, tp):
        expected = tp.__name__ if isinstance(tp, type) else " or ".join(t.__name__ for t in tp)
        raise WrongType(f"{name} must be a {expected}, got {type(value).__name__}")
    return value


def check_text(name: str, value: object, limit: int) -> str:
    """1 to ``limit`` printable characters."""
    if not isinstance(value, str):
        raise WrongType(f"{name} must be text, got {type(value).__name__}")
    if not 1 <= len(value) <= limit or not value.isprintable():
        raise InvalidArgument(f"{name} must be 1 to {limit} printable characters")
    return value


def check_fraction(
    name: str, value: object, *, low: Fraction | None = None, high: Fraction | None = None
) -> Fraction:
    """An exact number (``int`` or ``Fraction``; floats are refused) in ``[low, high]``."""
    if isinstance(value, bool) or not isinstance(value, int | Fraction):
        raise WrongType(f"{name} must be an int or a Fraction, got {type(value).__name__}")
    number = Fraction(value)
    if (low is not None and number < low) or (high is not None and number > high):
        raise InvalidArgument(f"{name} must lie in [{low}, {high}], got {number}")
    return number


def check_probability(name: str, value: object) -> float:
    """A real number strictly between 0 and 1 (numpy floats accepted; NaN refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise WrongType(f"{name} must be a number in (0, 1), got {value!r:.40}")
    number = float(value)
    if not 0.0 < number < 1.0:  # also refuses NaN
        raise InvalidArgument(f"{name} must be a number in (0, 1), got {value!r:.40}")
    return number


# -- attrs field validators ---------------------------------------------------------------------


def integer(low: int = 0, high: int = INT_LIMIT) -> Validator:
    """A field holding an ``int`` in ``[low, high)``."""

    def check(_inst: object, attr: attrs.Attribute[Any], value: Any) -> None:
        check_int(attr.name, value, low=low, high=high)

    return check


amount: Final = integer(0)
"""A field holding an amount, a count or an index: ``0 <= a < 2**63``."""
positive: Final = integer(1)
"""A field holding a positive integer below 2**63."""
time: Final = integer(0)
"""A field holding a time in integer seconds."""


def instance(tp: type | tuple[type, ...]) -> Validator:
    """A field holding an instance of ``tp``."""

    def check(_inst: object, attr: attrs.Attribute[Any], value: Any) -> None:
        check_type(attr.name, value, tp)

    return check


def text(limit: int) -> Validator:
    """A field holding 1 to ``limit`` printable characters."""

    def check(_inst: object, attr: attrs.Attribute[Any], value: Any) -> None:
        check_text(attr.name, value, limit)

    return check


def tuple_of(tp: type | tuple[type, ...], *, limit: int | None = None) -> Validator:
    """A field holding a tuple (of at most ``limit`` items) of instances of ``tp``."""

    def check(_inst: object, attr: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, tuple):
            raise WrongType(f"{attr.name} must be a tuple, got {type(value).__name__}")
        if limit is not None and len(value) > limit:
            raise InvalidArgument(f"{attr.name} holds at most {limit} items, got {len(value)}")
        for item in value:
            check_type(f"an item of {attr.name}", item, tp)

    return check


def optional(validator: Validator) -> Validator:
    """``validator``, or ``None``."""

    def check(inst: object, attr: attrs.Attribute[Any], value: Any) -> None:
        if value is not None:
            validator(inst, attr, value)

    return check
