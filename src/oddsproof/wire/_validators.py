"""Field validators shared by the canonical classes of this package (one definition each)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import attrs

from oddsproof.errors import EncodingError

from ._encoding import INT_LIMIT

COIN_ID_LIMIT: Final = 64


def _text(limit: int) -> Callable[[Any, Any, Any], None]:
    def check(_inst: object, attr: attrs.Attribute[str], value: Any) -> None:
        if not isinstance(value, str) or not 1 <= len(value) <= limit or not value.isprintable():
            raise EncodingError(f"{attr.name} must be 1 to {limit} printable characters")

    return check


def _positive(_inst: object, attr: attrs.Attribute[int], value: Any) -> None:
    if type(value) is not int or not 1 <= value < INT_LIMIT:
        raise EncodingError(f"{attr.name} must be an integer in 1 .. 2**63 - 1, got {value!r}")


def _non_negative(_inst: object, attr: attrs.Attribute[int], value: Any) -> None:
    if type(value) is not int or not 0 <= value < INT_LIMIT:
        raise EncodingError(f"{attr.name} must be an integer in 0 .. 2**63 - 1, got {value!r}")


def _coin_id(_inst: object, _attr: object, value: Any) -> None:
    if (
        not isinstance(value, str)
        or not 1 <= len(value) <= COIN_ID_LIMIT
        or not value.isascii()
        or not value.isprintable()
    ):
        raise EncodingError(f"a coin id is 1 to {COIN_ID_LIMIT} printable ASCII characters")


def _coin_ids(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, tuple):
        raise EncodingError("coins are a tuple of coin ids")
    for coin in value:
        _coin_id(_inst, _attr, coin)
    if len(set(value)) != len(value):
        raise EncodingError("a coin is named twice")


def _tuple_of(cls: type) -> Any:
    return attrs.validators.deep_iterable(
        attrs.validators.instance_of(cls), attrs.validators.instance_of(tuple)
    )
