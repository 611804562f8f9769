"""The reasoner: hand-computed decisions, exactness, and monotonicity in the stakes."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oddsproof.errors import InvalidArgument
from oddsproof.markets import (
    ClaimAction,
    ReputationRecord,
    best_check,
    check_value,
    decide,
    detection_probability,
    dispute_value,
    fraud_probability,
    implied_fraud,
    market_value,
)
from oddsproof.wire import Digest, PublicKey
from tests.strategies import IDENTITIES

KEY: PublicKey = IDENTITIES[1].key
COMPUTATION = Digest(b"\xcc" * 32)
F = Fraction


def test_detection_probability_is_one_minus_the_pass_probability() -> None:
    assert detection_probability(0, F(1, 10)) == 0
    assert detection_probability(1, F(1, 10)) == F(1, 10)
    assert detection_probability(2, F(1, 2)) == F(3, 4)
    assert detection_probability(7, F(1, 10)) == 1 - F(9, 10) ** 7


def test_case_a_a_small_check_pays_for_itself() -> None:
    """V = 1000, p = 1/100, f = 1/10, c = 1/2 per check, a dispute costs 50.

    The (j+1)-th check adds p·V·f·0.9^j = 0.9^j, worth it while 0.9^j > 1/2: j = 0..6, so
    k = 7; detection 1 - 0.9^7 = 0.5217031, value 10 × that = 5.217031, cost 3.5, net
    1.717031. A dispute is worth 10 for 50: net -40.
    """
    decision = decide(
        value=1000,
        fraud_probability=F(1, 100),
        fraud_fraction=F(1, 10),
        cost_per_check=F(1, 2),
        dispute_cost=50,
    )
    assert decision.action is ClaimAction.VERIFY
    assert decision.k == 7
    assert decision.check.detection == F(5_217_031, 10_000_000)
    assert decision.check.value == F(5_217_031, 1_000_000)
    assert decision.check.cost == F(7, 2)
    assert decision.check.net == F(1_717_031, 1_000_000)
    assert (decision.dispute.value, decision.dispute.net) == (10, -40)
    assert (decision.expected_value, decision.expected_loss) == (990, 10)
    assert decision.discounted_value == 990
    assert "verify" in decision.explain()


def test_case_b_high_suspicion_and_a_cheap_dispute() -> None:
    """V = 1000, p = 1/10, f = 1/10, c = 1/2: checks while 100·0.1·0.9^j = 10·0.9^j > 1/2, i.e.
    0.9^j > 1/20: j = 0..28, k = 29, net = 100(1 - 0.9^29) - 14.5 ≈ 80.79. A dispute for 10
    nets 90 and wins; for 25 it nets 75 and checking wins."""
    common: dict[str, Any] = {
        "value": 1000,
        "fraud_probability": F(1, 10),
        "fraud_fraction": F(1, 10),
        "cost_per_check": F(1, 2),
    }
    expected_net = 100 * (1 - F(9, 10) ** 29) - F(29, 2)
    cheap = decide(dispute_cost=10, **common)
    assert cheap.action is ClaimAction.DISPUTE
    assert cheap.check.k == 29
    assert cheap.check.net == expected_net
    assert cheap.dispute.net == 90
    assert cheap.k == 0  # only a verify decision asks for checks
    dear = decide(dispute_cost=25, **common)
    assert dear.action is ClaimAction.VERIFY
    assert dear.k == 29


def test_case_c_the_market_takes_the_risk_when_checking_is_dear() -> None:
    """V = 1000, p = 1/10; a backer offers 19:1. Laying for 1000/19 so that a failure pays 1000
    costs (9/10)·1000/19 = 900/19 when the claim holds: net 100 - 900/19 = 1000/19. At 9:1 the
    market agrees with p exactly: net 0."""
    common: dict[str, Any] = {
        "value": 1000,
        "fraud_probability": F(1, 10),
        "fraud_fraction": F(1, 10),
        "cost_per_check": 10,
        "dispute_cost": 100,
    }
    hedge = decide(market_odds=(19, 1), **common)
    assert hedge.action is ClaimAction.ASK_MARKET
    assert hedge.market is not None
    assert hedge.market.net == F(1000, 19)
    assert hedge.market.cost == F(900, 19)
    fair = market_value(value=1000, fraud_probability=F(1, 10), odds=(9, 1))
    assert fair.net == 0
    assert decide(market_odds=(9, 1), **common).action is ClaimAction.DISCOUNT
    assert market_value(value=1000, fraud_probability=F(1, 10), odds=(19, 1), fee=60).net < 0


def test_case_d_accept_or_discount_when_nothing_pays() -> None:
    """V = 100, p = 1/1000: the expected loss is 1/10, so a check worth at most 1/100 never
    pays for 1; within a tolerance of 1 unit the coin is taken as is, else discounted to 99."""
    common: dict[str, Any] = {
        "value": 100,
        "fraud_probability": F(1, 1000),
        "fraud_fraction": F(1, 10),
        "cost_per_check": 1,
        "dispute_cost": 30,
    }
    assert decide(tolerance=1, **common).action is ClaimAction.ACCEPT
    strict = decide(**common)
    assert strict.action is ClaimAction.DISCOUNT
    assert (strict.expected_value, strict.discounted_value) == (F(999, 10), 99)
    assert strict.check.k == 0
    assert strict.check.net == 0


def test_recovery_lowers_the_loss_at_stake() -> None:
    """A claimant's bet stake that a failed claim forfeits is recovered: only V - R is lost."""
    plain = dispute_value(value=1000, fraud_probability=F(1, 10), dispute_cost=0)
    backed = dispute_value(value=1000, fraud_probability=F(1, 10), dispute_cost=0, recovery=600)
    assert (plain.value, backed.value) == (100, 40)
    decision = decide(
        value=1000,
        fraud_probability=F(1, 10),
        fraud_fraction=F(1, 10),
        cost_per_check=F(1, 2),
        dispute_cost=500,
        recovery=600,
    )
    assert decision.expected_value == 960
    with pytest.raises(InvalidArgument):
        dispute_value(value=10, fraud_probability=F(1, 2), dispute_cost=0, recovery=11)


def test_fraud_probability_from_reputation_and_the_market() -> None:
    record = ReputationRecord(KEY, COMPUTATION, checked=18, failed=1, clean=5, last_failure=7)
    assert fraud_probability() == F(1, 10)  # a newcomer, prior Beta(1, 9)
    assert fraud_probability(record) == F(2, 28)
    assert fraud_probability(record, prior=(1, 1)) == F(2, 20)
    quote = implied_fraud(F(9, 10), F(19, 20))  # fraud in [1/20, 1/10], midpoint 3/40
    assert fraud_probability(record, market=quote) == (F(1, 14) + F(3, 40)) / 2
    assert fraud_probability(record, market=quote, market_weight=1) == F(3, 40)
    assert fraud_probability(record, market=implied_fraud(F(9, 10), None)) == F(1, 14)
    with pytest.raises(InvalidArgument):
        fraud_probability(prior=(0, 1))


@pytest.mark.parametrize(
    "bad",
    [
        {"value": 10.0},
        {"value": -1},
        {"fraud_probability": F(3, 2)},
        {"fraud_probability": 0.5},
        {"fraud_fraction": 0},
        {"fraud_fraction": 1},
        {"cost_per_check": -1},
        {"dispute_cost": F(-1, 2)},
        {"tolerance": -1},
        {"max_checks": 0},
        {"market_odds": (0, 1)},
    ],
)
def test_bad_arguments_are_parameter_errors(bad: dict[str, Any]) -> None:
    arguments: dict[str, Any] = {
        "value": 10,
        "fraud_probability": F(1, 2),
        "fraud_fraction": F(1, 2),
        "cost_per_check": 1,
        "dispute_cost": 1,
        **bad,
    }
    with pytest.raises(ValueError):  # noqa: PT011 - InvalidArgument or Refused, both ValueErrors
        decide(**arguments)


# --- exactness and monotonicity -----------------------------------------------------------

values = st.integers(0, 10**6)
probabilities = st.fractions(min_value=0, max_value=1, max_denominator=1000)
fractions_f = st.fractions(min_value=F(1, 100), max_value=F(99, 100), max_denominator=100)
costs = st.fractions(min_value=0, max_value=50, max_denominator=100)


@settings(max_examples=60, deadline=None)
@given(value=st.integers(0, 5000), p=probabilities, f=fractions_f, c=costs)
def test_best_check_is_the_exact_argmax(value: int, p: Fraction, f: Fraction, c: Fraction) -> None:
    """Against a brute force over k in [0, 300] (the cap), the fewest checks among the best."""
    best = best_check(
        value=value, fraud_probability=p, fraud_fraction=f, cost_per_check=c, max_checks=300
    )
    nets = [
        check_value(k, value=value, fraud_probability=p, fraud_fraction=f, cost_per_check=c).net
        for k in range(301)
    ]
    top = max(nets)
    assert best.net == top
    assert best.k == nets.index(top)


@settings(max_examples=80, deadline=None)
@given(
    low=values,
    extra=values,
    p=probabilities,
    f=fractions_f,
    c=costs,
    k=st.integers(0, 400),
    overhead=costs,
)
def test_higher_stakes_never_lower_the_value_of_checking(
    low: int, extra: int, p: Fraction, f: Fraction, c: Fraction, k: int, overhead: Fraction
) -> None:
    high = low + extra
    common: dict[str, Any] = {
        "fraud_probability": p,
        "fraud_fraction": f,
        "cost_per_check": c,
        "overhead": overhead,
    }
    small, large = check_value(k, value=low, **common), check_value(k, value=high, **common)
    assert small.value <= large.value
    assert small.net <= large.net
    best_small = best_check(value=low, max_checks=2000, **common)
    best_large = best_check(value=high, max_checks=2000, **common)
    assert best_small.net <= best_large.net
    assert best_small.k <= best_large.k
    d_small = dispute_value(value=low, fraud_probability=p, dispute_cost=c)
    d_large = dispute_value(value=high, fraud_probability=p, dispute_cost=c)
    assert d_small.net <= d_large.net


@settings(max_examples=60, deadline=None)
@given(value=values, p=probabilities, q=probabilities, f=fractions_f, c=costs, dearer=costs)
def test_more_suspicion_or_cheaper_checks_never_lower_the_value_of_checking(
    value: int, p: Fraction, q: Fraction, f: Fraction, c: Fraction, dearer: Fraction
) -> None:
    lo, hi = sorted((p, q))
    common: dict[str, Any] = {"value": value, "fraud_fraction": f, "max_checks": 2000}
    assert (
        best_check(fraud_probability=lo, cost_per_check=c, **common).net
        <= best_check(fraud_probability=hi, cost_per_check=c, **common).net
    )
    assert (
        best_check(fraud_probability=p, cost_per_check=c + dearer, **common).net
        <= best_check(fraud_probability=p, cost_per_check=c, **common).net
    )
    assert detection_probability(5, f) < detection_probability(6, f)


@settings(max_examples=60, deadline=None)
@given(
    value=st.integers(1, 10**5),
    factor=st.integers(2, 50),
    p=probabilities,
    f=fractions_f,
    c=costs,
    dispute=st.integers(0, 10**4),
)
def test_once_verification_pays_higher_stakes_never_go_back_to_blind_acceptance(
    value: int, factor: int, p: Fraction, f: Fraction, c: Fraction, dispute: int
) -> None:
    common: dict[str, Any] = {
        "fraud_probability": p,
        "fraud_fraction": f,
        "cost_per_check": c,
        "dispute_cost": dispute,
        "max_checks": 2000,
    }
    blind = {ClaimAction.ACCEPT, ClaimAction.DISCOUNT}
    small, large = decide(value=value, **common), decide(value=value * factor, **common)
    if small.action not in blind:
        assert large.action not in blind
    if small.action is ClaimAction.VERIFY and large.action is ClaimAction.VERIFY:
        assert small.k <= large.k
