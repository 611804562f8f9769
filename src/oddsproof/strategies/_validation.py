"""Argument checks for the public strategies, in Hypothesis's house style.

Strategies validate every argument and refuse bad ones with
:class:`hypothesis.errors.InvalidArgument` (a ``TypeError``). The strategies are
``@st.composite`` functions that check their arguments first thing, so, as with Hypothesis's own
strategies, the error comes when the strategy is drawn from, not when it is built.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any, TypeVar

import attrs

from oddsproof.errors import InvalidArgument

T = TypeVar("T")
AttrsValidator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


def check_type(name: str, value: Any, types: type | tuple[type, ...]) -> None:
    """Refuse ``value`` unless it is an instance of ``types``."""
    if not isinstance(value, types):
        expected = (
            types.__name__ if isinstance(types, type) else " or ".join(t.__name__ for t in types)
        )
        raise InvalidArgument(f"{name}={value!r} must be a {expected}")


def check_int(
    name: str, value: Any, *, min_value: int | None = None, max_value: int | None = None
) -> int:
    """Refuse anything but an int (not a bool) within the given bounds."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgument(f"{name}={value!r} must be an integer")
    if min_value is not None and value < min_value:
        raise InvalidArgument(f"{name}={value!r} must be at least {min_value}")
    if max_value is not None and value > max_value:
        raise InvalidArgument(f"{name}={value!r} must be at most {max_value}")
    return value


def check_bounds(low_name: str, low: int, high_name: str, high: int) -> None:
    """Refuse a lower bound above the upper one."""
    if low > high:
        raise InvalidArgument(f"{low_name}={low!r} is greater than {high_name}={high!r}")


def check_bool(name: str, value: Any) -> bool:
    """Refuse anything but a bool."""
    if not isinstance(value, bool):
        raise InvalidArgument(f"{name}={value!r} must be True or False")
    return value


def check_optional_bool(name: str, value: Any) -> bool | None:
    """Refuse anything but a bool or ``None``."""
    if value is not None and not isinstance(value, bool):
        raise InvalidArgument(f"{name}={value!r} must be True, False or None")
    return value


def check_fraction(
    name: str, value: Any, *, low: Fraction, high: Fraction, open_low: bool = True
) -> Fraction:
    """An exact fraction in ``(low, high]`` (``[low, high]`` unless ``open_low``); floats are
    read by their shortest repr (``0.1`` is 1/10), as the spot checks read them."""
    if isinstance(value, bool) or not isinstance(value, int | float | Fraction):
        raise InvalidArgument(f"{name}={value!r} must be a number")
    exact = Fraction(repr(value)) if isinstance(value, float) else Fraction(value)
    if exact > high or exact < low or (open_low and exact == low):
        interval = f"({low}, {high}]" if open_low else f"[{low}, {high}]"
        raise InvalidArgument(f"{name}={value!r} must lie in {interval}")
    return exact


def check_choice(name: str, value: Any, choices: Sequence[T]) -> T:
    """Refuse a value that is not one of ``choices``."""
    if value not in choices:
        raise InvalidArgument(f"{name}={value!r} must be one of {', '.join(map(repr, choices))}")
    result: T = value
    return result


def check_sequence(
    name: str, value: Any, item: type | tuple[type, ...], *, min_size: int = 0
) -> tuple[Any, ...]:
    """A non-string sequence of ``item`` instances, as a tuple, with at least ``min_size``."""
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise InvalidArgument(f"{name}={value!r} must be a sequence")
    items = tuple(value)
    for x in items:
        check_type(f"an item of {name}", x, item)
    if len(items) < min_size:
        raise InvalidArgument(f"{name} must hold at least {min_size} item(s), got {len(items)}")
    return items


def attr_type(types: type | tuple[type, ...]) -> AttrsValidator:
    """An attrs validator: :func:`check_type`, named after the field."""

    def check(_inst: object, attr: attrs.Attribute[Any], value: Any) -> None:
        check_type(attr.name, value, types)

    return check


def attr_int(low: int, high: int = 2**62) -> AttrsValidator:
    """An attrs validator: :func:`check_int` within ``[low, high]``, named after the field."""

    def check(_inst: object, attr: attrs.Attribute[Any], value: Any) -> None:
        check_int(attr.name, value, min_value=low, max_value=high)

    return check
