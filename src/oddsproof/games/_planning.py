"""How many spot checks a verifier needs: ``k = ceil(ln(epsilon) / ln(1 - f))``.

A claimant who faked a fraction ``f`` of the pieces survives one uniformly drawn check with
probability ``1 - f`` and ``k`` independent checks with probability ``(1 - f)**k``; the smallest
``k`` with ``(1 - f)**k <= epsilon`` bounds that by ``epsilon``. A float ratio of logarithms can
be off by one near exact powers, so the ratio is taken to 80 digits and ties are decided exactly.
"""

from __future__ import annotations

import decimal
import math
from fractions import Fraction

from oddsproof.errors import InvalidArgument
from oddsproof.errors import _validators as v
from oddsproof.wire import INT_LIMIT


def _probability(name: str, value: object) -> float:
    return v.check_probability(name, value)


def plan(epsilon: float, fraud_fraction: float) -> int:
    """The least ``k`` with ``(1 - fraud_fraction)**k <= epsilon``, exactly.

    ``epsilon`` bounds the chance that a claimant faking at least ``fraud_fraction`` of the
    pieces passes every check. Both must lie in (0, 1); otherwise :class:`InvalidArgument`. The
    ratio of logarithms is computed to 80 digits; when it lies within rounding of an integer
    (an exact tie, such as epsilon = 2**-33 with f = 1/2), the defining inequality is decided
    in exact rational arithmetic instead.
    """
    eps = _probability("epsilon", epsilon)
    f = _probability("fraud_fraction", fraud_fraction)
    with decimal.localcontext() as ctx:
        # Enough digits that 1 - f is not rounded to 1 however small f is (f >= 2**-1074).
        ctx.prec = 80 + max(0, -math.floor(math.log10(f)))
        survive = (decimal.Decimal(1) - decimal.Decimal(f)).ln()  # exact 1 - f, then ln
        ratio = decimal.Decimal(eps).ln() / survive
        k = int(ratio.to_integral_value(rounding=decimal.ROUND_CEILING))
        nearest = int(ratio.to_integral_value(rounding=decimal.ROUND_HALF_EVEN))
        tie = abs(ratio - nearest) < decimal.Decimal(10) ** -60
    if tie and nearest.bit_length() <= 12:
        # Only here can the answer hinge on the last digit: settle it exactly.
        q, bound = 1 - Fraction(f), Fraction(eps)
        k = nearest if q**nearest <= bound else nearest + 1
    k = max(k, 1)
    if k >= INT_LIMIT:
        raise InvalidArgument(
            f"{k} checks exceed what a certificate can state; raise epsilon or fraud_fraction"
        )
    return k


def pass_probability(k: int, fraud_fraction: float) -> float:
    """``(1 - f)**k``: the chance a claimant faking fraction ``f`` passes ``k`` checks."""
    if isinstance(k, bool) or not isinstance(k, int) or k < 0:
        raise InvalidArgument(f"k must be a non-negative integer, got {k!r}")
    f = _probability("fraud_fraction", fraud_fraction)
    return math.exp(k * math.log1p(-f))
