"""The dispute-economics model: its numbers come from the library, its means match the closed
form, and the ladder's paths follow the rules of ``docs/arbitration.md``."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oddsproof.economics import (
    CheckRule,
    SimLevel,
    SimulationParams,
    VerificationMode,
    dispute_table,
    expected_values,
    simulate,
)
from oddsproof.economics._model import compile_point
from oddsproof.errors import InvalidArgument
from oddsproof.games import plan
from oddsproof.games.lowlevel import threshold_probability, win_threshold
from oddsproof.markets import (
    CheckPolicy,
    ReputationRecord,
    best_check,
    detection_probability,
    fraud_probability,
)
from oddsproof.wire import Digest

ONE_LEVEL = (SimLevel(fee=10, bond=100, window=10_000),)
TWO_LEVELS = (
    SimLevel(fee=10, bond=100, window=10_000, accuracy=Fraction(9, 10)),
    SimLevel(fee=40, bond=150, window=20_000),
)


def within(mc: float, se: float, exact: float, *, sigmas: float = 4.0) -> bool:
    return abs(mc - exact) <= sigmas * se + 1e-9 * max(1.0, abs(exact))


# --- the ladder's paths --------------------------------------------------------------------------


def test_one_level_cheater_defends_and_forfeits_its_stake() -> None:
    params = SimulationParams(levels=ONE_LEVEL, delta=60)
    ladder = params.ladder()
    table = dispute_table(ladder, [Fraction(1)], claimant_honest=False, funds_until=1)
    burned = ladder.burned(100)
    assert table.probability.tolist() == [0.0, 1.0]  # pattern 1: level 0 rules rightly
    assert table.honest_wins[1]
    assert table.adversary_cost[1] == 100  # its defence stake
    assert table.honest_cost[1] == 10 - (100 - burned)  # the fee, less what it receives
    assert table.burned[1] == burned
    assert table.reached[1] == 1
    assert table.seconds[1] == ladder.times(0, 0).rule_by


def test_a_cheater_that_does_not_defend_loses_by_default_at_no_cost() -> None:
    ladder = SimulationParams(levels=ONE_LEVEL, delta=60).ladder()
    table = dispute_table(ladder, [Fraction(1)], claimant_honest=False, funds_until=0)
    assert table.honest_wins.all()
    assert table.adversary_cost.tolist() == [0, 0]
    assert table.honest_cost.tolist() == [0, 0]  # stake released, the fee never paid
    assert table.burned.tolist() == [0, 0]
    assert table.seconds[0] == ladder.delta


def test_a_wrong_first_ruling_is_appealed_and_an_unmatched_appeal_wins() -> None:
    ladder = SimulationParams(levels=TWO_LEVELS, delta=60).ladder()
    accuracy = [Fraction(9, 10), Fraction(1)]
    table = dispute_table(ladder, accuracy, claimant_honest=False, funds_until=1)
    wrong_first = 0b10  # level 0 rules for the cheater, level 1 would not
    assert table.probability[wrong_first] == pytest.approx(0.1)
    assert table.honest_wins[wrong_first]
    assert table.reached[wrong_first] == 1  # level 1 never starts: the appeal is not matched
    assert table.adversary_cost[wrong_first] == 100
    assert table.honest_cost[wrong_first] == 10 - (100 - ladder.burned(100))
    assert table.seconds[wrong_first] == ladder.times(0, 0).match_by


def test_an_appeal_that_is_matched_climbs_with_the_ladders_stakes() -> None:
    ladder = SimulationParams(levels=TWO_LEVELS, delta=60).ladder()
    accuracy = [Fraction(9, 10), Fraction(1)]
    table = dispute_table(ladder, accuracy, claimant_honest=False, funds_until=2)
    right_first = 0b11  # the cheater loses at level 0, appeals, loses at level 1 (final)
    base1 = ladder.next_base(1, 100)
    appeal = ladder.appeal_stake(base1)
    forfeited = [100, appeal]
    burned = sum(ladder.burned(b) for b in forfeited)
    assert table.reached[right_first] == 2
    assert table.adversary_cost[right_first] == 40 + sum(forfeited)
    assert table.honest_cost[right_first] == 10 - (sum(forfeited) - burned)
    assert table.burned[right_first] == burned
    assert table.fees[right_first] == 50


@settings(max_examples=40, deadline=None)
@given(
    fees=st.lists(st.integers(0, 40), min_size=1, max_size=4),
    accuracy=st.lists(st.fractions(0, 1, max_denominator=20), min_size=4, max_size=4),
    funds=st.integers(0, 5),
    claimant_honest=st.booleans(),
)
def test_an_honest_party_never_loses_when_the_last_level_is_right(
    fees: list[int], accuracy: list[Fraction], funds: int, claimant_honest: bool
) -> None:
    """Invariant 4 on every path: the honest side always funds, so with an accurate last level
    it wins, and a winner's cost never exceeds the fees it paid."""
    levels = tuple(SimLevel(fee=f, bond=100, window=10_000) for f in fees)
    ladder = SimulationParams(levels=levels, delta=60).ladder()
    acc = [*accuracy[: len(levels) - 1], Fraction(1)]
    table = dispute_table(ladder, acc, claimant_honest=claimant_honest, funds_until=funds)
    possible = table.probability > 0
    assert table.honest_wins[possible].all()
    assert (table.honest_cost[possible] <= sum(fees)).all()
    assert table.probability.sum() == pytest.approx(1.0)


def test_a_wrong_last_level_makes_the_honest_side_lose_negative_control() -> None:
    ladder = SimulationParams(levels=ONE_LEVEL, delta=60).ladder()
    table = dispute_table(ladder, [Fraction(0)], claimant_honest=True, funds_until=1)
    assert not table.honest_wins[table.probability > 0].any()


# --- no second copy of the rules -----------------------------------------------------------------


def test_k_comes_from_the_librarys_rules() -> None:
    f = Fraction(1, 20)
    fixed = compile_point(SimulationParams(fraud_fraction=f, checks=7), steps=5)
    assert fixed.k.tolist() == [7]
    assert fixed.detection[0] == float(detection_probability(7, f))
    planned = compile_point(
        SimulationParams(fraud_fraction=f, rule=CheckRule.PLAN, epsilon=Fraction(1, 1000)), steps=5
    )
    assert planned.k.tolist() == [plan(1e-3, 0.05)]
    reasoned = compile_point(SimulationParams(fraud_fraction=f, rule="reasoner"), steps=5)
    expected = best_check(
        value=1000,
        fraud_probability=fraud_probability(None, prior=(1, 9)),
        fraud_fraction=f,
        cost_per_check=8,
        overhead=20,
    )
    assert reasoned.k.tolist() == [expected.k]
    assert reasoned.check_cost[0] == float(expected.cost)


def test_the_reputation_table_is_the_check_policys() -> None:
    params = SimulationParams(rule=CheckRule.REPUTATION, epsilon=Fraction(1, 10**6))
    model = compile_point(params, steps=500)
    policy = CheckPolicy(Fraction(1, 10**6), Fraction(1, 10))
    assert model.k[0] == policy.full
    assert model.k[-1] == policy.floor
    for earned in (1, 5, len(model.k) - 1):
        clean = params.probation + earned
        record = ReputationRecord(
            params.ladder().arbiters[0].key, model_digest(), checked=clean, clean=clean
        )
        assert model.k[earned] == policy.checks(record, now=0).k


def model_digest() -> Digest:
    return Digest(bytes(32))


def test_lottery_detection_is_the_tickets_win_probability() -> None:
    p = Fraction(1, 37)
    model = compile_point(
        SimulationParams(verification=VerificationMode.LOTTERY, win_probability=p), steps=3
    )
    assert model.audit_rate == float(threshold_probability(win_threshold(p)))
    assert model.detection.tolist() == [1.0]


# --- closed form and Monte Carlo -----------------------------------------------------------------


def test_the_simple_closed_form() -> None:
    """gain − P(caught)·(payment + bond + the defence stake), with the library's detection."""
    params = SimulationParams(
        levels=ONE_LEVEL,
        delta=60,
        adversary_funds_until=1,
        lots=0,
        bettor_insight=0,
        false_challenge_rate=0,
        claim_bond=300,
        audit_rate=Fraction(1, 4),
        checks=6,
    )
    caught = float(Fraction(1, 4) * detection_probability(6, Fraction(1, 10)))
    expected = 80 - caught * (1000 + 300 + 100)
    assert expected_values(params).cheat_gain == pytest.approx(expected, rel=1e-12)


RICH = SimulationParams(
    honest=20,
    cheaters=8,
    adaptive=4,
    levels=TWO_LEVELS,
    delta=60,
    adversary_funds_until=2,
    claim_bond=200,
    audit_rate=Fraction(3, 10),
    checks=5,
    bettor_insight=Fraction(1, 20),
    false_challenge_rate=Fraction(1, 50),
    budget=40,
    lots=3,
)


def test_monte_carlo_means_match_the_closed_form() -> None:
    steps = 10
    result = simulate(RICH, runs=400, steps=steps, seed=11)
    exact = expected_values(RICH, steps=steps)
    gain, gain_se = result.estimate(0, "cheat_gain")
    assert within(gain, gain_se, exact.cheat_gain)
    through, through_se = result.estimate(0, "fraud_through")
    assert within(through, through_se, exact.fraud_through)
    overhead, overhead_se = result.estimate(0, "honest_overhead")
    assert within(overhead, overhead_se, exact.honest_overhead)
    burned, burned_se = result.estimate(0, "burned")
    assert within(burned, burned_se, exact.burned)
    for (mean, se), level_exact in zip(result.disputes(0), exact.disputes, strict=True):
        assert within(mean, se, level_exact)
    assert exact.disputes[1] > 0  # the test reaches the second level


def test_a_wrong_closed_form_is_rejected_negative_control() -> None:
    result = simulate(RICH, runs=400, steps=10, seed=11)
    exact = expected_values(RICH.replace(checks=2), steps=10)  # fewer checks than simulated
    gain, gain_se = result.estimate(0, "cheat_gain")
    assert not within(gain, gain_se, exact.cheat_gain)


@pytest.mark.parametrize(("bond", "cheats"), [(0, True), (20_000, False)])
def test_adaptive_cheaters_cheat_exactly_when_it_pays(bond: int, cheats: bool) -> None:
    params = SimulationParams(
        honest=0, cheaters=0, adaptive=5, claim_bond=bond, audit_rate=Fraction(1, 100)
    )
    assert (expected_values(params).cheat_gain > 0) is cheats
    share, _ = simulate(params, runs=4, steps=3).estimate(0, "cheat_share")
    assert share == (1.0 if cheats else 0.0)


def test_reputation_lets_honest_solvers_earn_fewer_checks() -> None:
    base = SimulationParams(
        honest=10, cheaters=0, adaptive=0, audit_rate=1, probation=2, trust_rate=Fraction(1, 2)
    )
    full = simulate(base.replace(rule="plan"), runs=4, steps=60)
    earned = simulate(base.replace(rule="reputation"), runs=4, steps=60)
    cost_full = full.totals["verification_cost"].sum()
    cost_earned = earned.totals["verification_cost"].sum()
    assert cost_earned < 0.6 * cost_full


def test_the_budget_caps_the_audit_rate() -> None:
    params = SimulationParams(honest=10, cheaters=0, adaptive=0, audit_rate=1, checks=10, budget=20)
    checks = simulate(params, runs=50, steps=20, seed=3).totals["verification_cost"]
    per_claim = float(checks.mean()) / (10 * 20)
    assert per_claim == pytest.approx(0.2 * (20 + 10 * 8), rel=0.1)  # audits 20/(10·10)


# --- parameters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"payment": 0}, "payment"),
        ({"audit_rate": 2}, "audit_rate"),
        ({"fraud_fraction": "abc"}, "number"),
        ({"rule": "guess"}, "fixed"),
        ({"honest": 0, "cheaters": 0, "adaptive": 0}, "solvers"),
        ({"levels": (SimLevel(fee=90, bond=100, window=10_000),), "delta": 60}, "fee"),
        ({"odds": (0, 1)}, "odds"),
        ({"nonsense": 1}, "unknown"),
    ],
)
def test_bad_parameters_are_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidArgument, match=message) as info:
        SimulationParams().replace(**changes)
    assert isinstance(info.value, ValueError)


def test_floats_are_taken_by_their_decimal_form() -> None:
    params = SimulationParams(audit_rate=0.1, epsilon=1e-9, fraud_fraction="1/20")
    assert params.audit_rate == Fraction(1, 10)
    assert params.epsilon == Fraction(1, 10**9)
    assert params.fraud_fraction == Fraction(1, 20)
    assert params.as_dict()["audit_rate"] == 0.1


def test_the_reputation_rule_has_no_closed_form() -> None:
    with pytest.raises(InvalidArgument, match="closed form"):
        expected_values(SimulationParams(rule="reputation"))


def test_results_are_finite_and_claims_counted() -> None:
    result = simulate(SimulationParams(), runs=3, steps=4, seed=1)
    assert (result.totals["claims"] == 100 * 4).all()
    assert all(np.isfinite(v).all() for v in result.totals.values())
