"""How many spot checks a verifier needs: ``k = ceil(ln(epsilon) / ln(1 - f))``.

A claimant who faked a fraction ``f`` of the pieces survives one uniformly drawn check with
probability ``1 - f`` and ``k`` independent checks with probability ``(1 - f)**k``; the smallest
``k`` with ``(1 - f)**k <= epsilon`` bounds that by ``epsilon``. The ceiling of the float ratio
can be off by one near exact powers, so the result is corrected against the defining inequality.
"""

from __future__ import annotations

import math

from ._errors import ParameterError


def _probability(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ParameterError(f"{name} must be a number in (0, 1), got {value!r}")
    number = float(value)
    if not 0.0 < number < 1.0:  # also refuses NaN
        raise ParameterError(f"{name} must lie strictly between 0 and 1, got {value!r}")
    return number


def plan(epsilon: float, fraud_fraction: float) -> int:
    """The least ``k`` with ``(1 - fraud_fraction)**k <= epsilon``.

    ``epsilon`` bounds the chance that a claimant faking at least ``fraud_fraction`` of the
    pieces passes every check. Both must lie in (0, 1); otherwise :class:`ParameterError`.
    """
    eps = _probability("epsilon", epsilon)
    f = _probability("fraud_fraction", fraud_fraction)
    survive = math.log1p(-f)  # ln(1 - f), exact for small f
    k = max(1, math.ceil(math.log(eps) / survive))
    while k > 1 and (k - 1) * survive <= math.log(eps):
        k -= 1
    while k * survive > math.log(eps):
        k += 1
    return k


def pass_probability(k: int, fraud_fraction: float) -> float:
    """``(1 - f)**k``: the chance a claimant faking fraction ``f`` passes ``k`` checks."""
    if isinstance(k, bool) or not isinstance(k, int) or k < 0:
        raise ParameterError(f"k must be a non-negative integer, got {k!r}")
    f = _probability("fraud_fraction", fraud_fraction)
    return math.exp(k * math.log1p(-f))
