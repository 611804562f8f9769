"""The attrs field validators the arbitration records share, raising :class:`OddsproofError`."""

from __future__ import annotations

from typing import Any

import attrs

from oddsproof.errors import InvalidArgument


def _instance(tp: type | tuple[type, ...]) -> Any:
    return attrs.validators.instance_of(tp)


def _non_negative(_inst: object, attr: attrs.Attribute[Any], value: Any) -> None:
    if type(value) is not int or not 0 <= value < 1 << 63:
        raise InvalidArgument(f"{attr.name} is an integer in [0, 2**63), got {value!r}")


def _positive(_inst: object, attr: attrs.Attribute[Any], value: Any) -> None:
    if type(value) is not int or not 0 < value < 1 << 63:
        raise InvalidArgument(f"{attr.name} is an integer in [1, 2**63), got {value!r}")
