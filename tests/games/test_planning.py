"""Spot-check planning: ``plan`` returns the least k with (1 - f)**k <= epsilon.

On float tolerance. The inputs are binary floats, hence exact rationals, so "the least k" has one
exact answer, and the tests decide it with exact arithmetic (``Fraction`` for small k, 80-digit
``Decimal`` logarithms otherwise). ``plan`` works with float logarithms, which cannot separate
``k * ln(1 - f)`` from ``ln(epsilon)`` when they agree to within a few ulps: the property allows
either answer only inside that band, whose width follows from the float error bounds (about
3 roundings of |ln epsilon|). Outside the band plan must be exact. Where no rounding happens at
all (epsilon an exact power of 1 - f, both dyadic) no tolerance is allowed: see the xfail.
"""

from __future__ import annotations

import math
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oddsproof.errors import InvalidArgument, OddsproofError
from oddsproof.games import pass_probability, plan

BAND = 8 * 2.0**-52
"""Relative width of the near-tie band: 4 ulps of |ln epsilon|, twice the float error bound."""


def exact_least_k(epsilon: float, f: float) -> int:
    """The least k with (1 - f)**k <= epsilon, decided by exact rational arithmetic.

    The float ratio only picks where to start looking; every comparison is exact.
    """
    survive, target = 1 - Fraction(f), Fraction(epsilon)
    k = max(1, math.ceil(math.log(epsilon) / math.log1p(-f)))
    while k > 1 and survive ** (k - 1) <= target:
        k -= 1
    while survive**k > target:
        k += 1
    return k


def log_margins(k: int, epsilon: float, f: float) -> tuple[Decimal, Decimal, Decimal]:
    """(k ln(1-f) - ln eps, (k-1) ln(1-f) - ln eps, band half-width), to ~60 exact digits."""
    digits = 60 + max(0, -Decimal(f).adjusted())  # 1 - f keeps every digit of a tiny f
    with localcontext() as ctx:
        ctx.prec = digits
        log_survive = (1 - Decimal(f)).ln()
        log_eps = Decimal(epsilon).ln()
        band = abs(log_eps) * Decimal(BAND)
        return k * log_survive - log_eps, (k - 1) * log_survive - log_eps, band


probabilities = st.floats(min_value=0, max_value=1, exclude_min=True, exclude_max=True)
fractions = st.floats(min_value=1e-12, max_value=1, exclude_max=True)  # k stays below ~1e15


def is_least_k_up_to_ties(k: int, epsilon: float, f: float) -> bool:
    """(1 - f)**k <= epsilon and (1 - f)**(k - 1) > epsilon, except inside the near-tie band."""
    if type(k) is not int or k < 1:
        return False
    at_k, below_k, band = log_margins(k, epsilon, f)
    return at_k <= band and (k == 1 or below_k > -band)


@given(probabilities, fractions)
def test_plan_is_the_least_k_up_to_float_ties(epsilon: float, f: float) -> None:
    assert is_least_k_up_to_ties(plan(epsilon, f), epsilon, f)


@pytest.mark.parametrize(("epsilon", "f", "k"), [(1e-9, 0.01, 2062), (0.3, 0.5, 2), (0.2, 0.9, 1)])
def test_the_property_can_fail(epsilon: float, f: float, k: int) -> None:
    """Negative control: an off-by-one answer is caught by the checker of the property."""
    assert is_least_k_up_to_ties(k, epsilon, f)
    assert not is_least_k_up_to_ties(k + 1, epsilon, f)
    assert not is_least_k_up_to_ties(k - 1, epsilon, f)
    assert not is_least_k_up_to_ties(float(k), epsilon, f)  # type: ignore[arg-type]


@given(
    st.floats(min_value=1e-30, max_value=1, exclude_max=True),
    st.floats(min_value=0.01, max_value=1, exclude_max=True),
)
def test_plan_is_exact_for_small_k(epsilon: float, f: float) -> None:
    expected = exact_least_k(epsilon, f)
    at_k, below, band = log_margins(expected, epsilon, f)
    allowed = {expected}
    if abs(at_k) <= band:  # (1-f)**k within float noise of epsilon: k + 1 is excusable
        allowed.add(expected + 1)
    if abs(below) <= band:  # likewise (1-f)**(k-1): k - 1 is excusable
        allowed.add(expected - 1)
    assert plan(epsilon, f) in allowed


@given(probabilities, probabilities, fractions)
def test_smaller_epsilon_needs_no_fewer_checks(a: float, b: float, f: float) -> None:
    low, high = sorted((a, b))
    assert plan(low, f) >= plan(high, f)


@given(probabilities, fractions, fractions)
def test_more_fraud_needs_no_more_checks(epsilon: float, a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert plan(epsilon, low) >= plan(epsilon, high)


@pytest.mark.parametrize(
    ("epsilon", "f", "k"),
    [
        (1e-9, 0.01, 2062),  # the example
        (1e-6, 0.05, 270),
        (0.1, 0.1, 22),
        (0.5, 0.5, 1),  # exact tie: (1/2)**1 <= 1/2
        (0.25, 0.5, 2),  # exact tie
        (0.2500001, 0.5, 2),
        (0.2499999, 0.5, 3),
        (2.0**-10, 0.5, 10),
        (0.999, 0.5, 1),
        (0.9, 0.1, 1),  # 1 - float(0.1) is just below float(0.9)
        (0.729, 0.1, 4),  # (1 - float(0.1))**3 is just above float(0.729)
        (1e-300, 0.5, 997),
        (5e-324, 0.5, 1074),  # the least subnormal is exactly 2**-1074
    ],
)
def test_known_values(epsilon: float, f: float, k: int) -> None:
    assert exact_least_k(epsilon, f) == k  # the table itself is right
    assert plan(epsilon, f) == k


@pytest.mark.parametrize(
    ("epsilon", "f", "k"),
    [(2.0**-33, 0.5, 33), (2.0**-51, 0.5, 51), (4.0**-33, 0.75, 33), (2.0**-1000, 0.5, 1000)],
    ids=["2^-33", "2^-51", "4^-33", "2^-1000"],
)
def test_plan_is_exact_at_representable_ties(epsilon: float, f: float, k: int) -> None:
    assert (1 - Fraction(f)) ** k == Fraction(epsilon)  # an exact tie, nothing rounded
    assert plan(epsilon, f) == k


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise TimeoutError in this (main) thread after ``seconds``."""

    def expire(_signum: int, _frame: Any) -> None:
        raise TimeoutError(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _answers_or_refuses(epsilon: float, f: float) -> None:
    """A correct k (to float precision), or a InvalidArgument saying k is too large."""
    try:
        with time_limit(0.25):
            k = plan(epsilon, f)
    except InvalidArgument:
        return
    ratio = math.log(epsilon) / math.log1p(-f)
    assert abs(k - ratio) <= 1 + ratio * 1e-12


def test_tiny_fraud_fractions_that_work() -> None:
    _answers_or_refuses(1e-3, 1e-16)
    _answers_or_refuses(0.5, 1e-12)


@pytest.mark.parametrize("f", [1e-25, 1e-100, 1e-300])
def test_tiny_fraud_fractions_do_not_hang(f: float) -> None:
    _answers_or_refuses(0.5, f)


@pytest.mark.parametrize(("epsilon", "f"), [(0.5, 5e-324), (5e-324, 5e-324)])
def test_k_beyond_float_range_is_a_parameter_error(epsilon: float, f: float) -> None:
    _answers_or_refuses(epsilon, f)


BAD = [0, 1, 0.0, 1.0, -0.5, 1.5, -1e-300, math.nan, math.inf, -math.inf, True, False, "0.5", None]


@pytest.mark.parametrize("bad", BAD, ids=repr)
def test_bad_epsilon(bad: Any) -> None:
    with pytest.raises(InvalidArgument, match="epsilon") as info:
        plan(bad, 0.01)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, OddsproofError)
    assert isinstance(info.value, OddsproofError)


@pytest.mark.parametrize("bad", BAD, ids=repr)
def test_bad_fraud_fraction(bad: Any) -> None:
    with pytest.raises(InvalidArgument, match="fraud_fraction"):
        plan(1e-9, bad)
    with pytest.raises(InvalidArgument, match="fraud_fraction"):
        pass_probability(10, bad)


def test_integer_like_floats_and_float_subclasses_are_numbers() -> None:
    class MyFloat(float):
        pass

    assert plan(MyFloat(1e-9), MyFloat(0.01)) == 2062


@given(st.integers(0, 10_000), fractions)
def test_pass_probability_is_the_power(k: int, f: float) -> None:
    p = pass_probability(k, f)
    assert 0.0 <= p <= 1.0
    expected = math.exp(k * math.log1p(-f))
    assert p == pytest.approx(expected, rel=1e-12, abs=1e-300)
    if k == 0:
        assert p == 1.0


@given(probabilities, st.floats(min_value=1e-6, max_value=1, exclude_max=True))
def test_the_planned_k_achieves_epsilon(epsilon: float, f: float) -> None:
    k = plan(epsilon, f)
    assert pass_probability(k, f) <= epsilon * (1 + 1e-9)
    if k > 1:
        assert pass_probability(k - 1, f) >= epsilon * (1 - 1e-9)


@pytest.mark.parametrize("k", [-1, True, 1.0, "3", None])
def test_pass_probability_refuses_bad_k(k: Any) -> None:
    with pytest.raises(InvalidArgument, match="k must"):
        pass_probability(k, 0.5)
