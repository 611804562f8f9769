"""Reputation: slow to earn, fast to lose, never below the floor, and an explicit achieved ε."""

from __future__ import annotations

from fractions import Fraction

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oddsproof.errors import InvalidArgument
from oddsproof.games import check_certificate, plan, spot_check
from oddsproof.markets import (
    CheckPolicy,
    PlanReason,
    Reputation,
    ReputationRecord,
    achieved_epsilon,
)
from oddsproof.wire import Digest
from tests.strategies import IDENTITIES, OFFER, SPOT_DOMAIN, VERIFIER, make_solver

KEY = IDENTITIES[1].key
COMPUTATION = Digest(b"\xcc" * 32)
POLICY = CheckPolicy(Fraction(1, 10**9), Fraction(1, 100))


def history(outcomes: list[bool], *, start: int = 0) -> ReputationRecord:
    record = ReputationRecord(KEY, COMPUTATION)
    for i, passed in enumerate(outcomes):
        record = record.observe(passed=passed, now=start + i)
    return record


def test_records_count_checks_failures_and_the_clean_streak() -> None:
    record = history([True, True, False, True])
    assert (record.checked, record.failed, record.clean, record.last_failure) == (4, 1, 1, 2)
    assert record.fraud_probability() == Fraction(2, 14)
    with pytest.raises(InvalidArgument):
        ReputationRecord(KEY, COMPUTATION, checked=1, failed=2, last_failure=0)
    with pytest.raises(InvalidArgument):
        ReputationRecord(KEY, COMPUTATION, checked=3, failed=1, clean=3, last_failure=0)
    with pytest.raises(InvalidArgument):
        ReputationRecord(KEY, COMPUTATION, checked=3, clean=2)
    book = Reputation()
    book.observe(IDENTITIES[1].party, COMPUTATION, passed=False, now=5)
    assert book.record(KEY, COMPUTATION).failed == 1
    assert book.record(IDENTITIES[0].key, COMPUTATION).checked == 0
    assert len(book) == 1


def test_the_policy_by_hand() -> None:
    """ε = 1e-9, f = 1/100: full = 2062, floor = 207; probation 20, cool-off 50, trust rate
    1/10: each clean check beyond the wait multiplies the allowed ε by 10/9, about 10.5 checks."""
    assert (POLICY.full, POLICY.floor) == (2062, 207)
    assert POLICY.checks(history([]), now=0).reason is PlanReason.PROBATION
    assert POLICY.checks(history([True] * 20), now=0).k == 2062
    one = POLICY.checks(history([True] * 21), now=0)
    assert one.reason is PlanReason.EARNED
    assert one.k == plan(1e-9 * 10 / 9, 0.01) == 2052
    ten = POLICY.checks(history([True] * 30), now=0)
    assert ten.k == plan(1e-9 * (10 / 9) ** 10, 0.01)
    floor = POLICY.checks(history([True] * 400), now=0)
    assert (floor.k, floor.reason) == (207, PlanReason.FLOOR)


def test_after_a_failure_full_checking_returns_for_a_while() -> None:
    trusted = [True] * 300
    assert POLICY.checks(history(trusted), now=0).k == 207
    failed = history([*trusted, False])
    assert POLICY.checks(failed, now=301).k == 2062  # fast to lose
    assert POLICY.checks(history([*trusted, False] + [True] * 70), now=400).k == 2062  # 20 + 50
    assert POLICY.checks(history([*trusted, False] + [True] * 71), now=400).k < 2062
    twice = [*trusted, False, *[True] * 71, False, *[True] * 100]
    assert POLICY.checks(history(twice), now=500).reason is PlanReason.COOLOFF  # 20 + 2 × 50
    timed = attrs.evolve(POLICY, cooloff_seconds=1_000)
    record = history([*trusted, False] + [True] * 200)
    assert timed.checks(record, now=record.last_failure + 999).k == 2062  # type: ignore[operator]
    assert timed.checks(record, now=record.last_failure + 1_000).k < 2062  # type: ignore[operator]


@settings(max_examples=200, deadline=None)
@given(
    outcomes=st.lists(st.booleans(), max_size=300),
    clean_after=st.integers(0, 200),
    elapsed=st.integers(0, 5_000),
    probation=st.integers(0, 40),
    cooloff=st.integers(0, 80),
    cooloff_seconds=st.integers(0, 3_000),
)
def test_a_recent_failure_never_skips_checks(
    outcomes: list[bool],
    clean_after: int,
    elapsed: int,
    probation: int,
    cooloff: int,
    cooloff_seconds: int,
) -> None:
    policy = attrs.evolve(
        POLICY, probation=probation, cooloff=cooloff, cooloff_seconds=cooloff_seconds
    )
    record = history([*outcomes, False, *[True] * clean_after])
    assert record.last_failure is not None
    now = record.last_failure + elapsed
    recent = clean_after < probation + cooloff * record.failed or elapsed < cooloff_seconds
    checks = policy.checks(record, now=now)
    assert policy.floor <= checks.k <= policy.full
    if recent:
        assert checks.k == policy.full
        assert checks.reason is PlanReason.COOLOFF


@settings(max_examples=100, deadline=None)
@given(outcomes=st.lists(st.booleans(), max_size=200), more=st.integers(1, 50))
def test_trust_is_slow_to_earn_and_monotone_in_clean_checks(
    outcomes: list[bool], more: int
) -> None:
    record = history(outcomes)
    later = history([*outcomes, *[True] * more])
    assert POLICY.checks(later, now=10**6).k <= POLICY.checks(record, now=10**6).k
    # At most ~10.5 checks shed per clean check (the trust rate against f).
    shed = POLICY.checks(record, now=10**6).k - POLICY.checks(later, now=10**6).k
    assert shed <= 11 * more


@settings(max_examples=100, deadline=None)
@given(
    k=st.integers(1, 3000),
    f=st.fractions(
        min_value=Fraction(1, 1000), max_value=Fraction(999, 1000), max_denominator=10**4
    ),
)
def test_the_achieved_epsilon_bounds_the_pass_probability_and_makes_a_valid_challenge(
    k: int, f: Fraction
) -> None:
    try:
        eps = achieved_epsilon(k, f)
    except InvalidArgument:
        assert (1 - f) ** k * 2**62 > 2**62 - 2  # only when ε would round up to 1
        return
    assert (1 - f) ** k <= eps < 1
    assert eps - (1 - f) ** k <= Fraction(1, 2**38) * max(eps, Fraction(1, 2**22))  # tight
    assert plan(float(eps), float(f)) <= k


def test_a_reduced_check_states_its_epsilon_in_the_certificate() -> None:
    solver = make_solver("honest", 400, chunk=8)
    claim = solver.solve(offer=OFFER, now=100)
    policy = CheckPolicy(Fraction(1, 10**6), Fraction(1, 20), floor=5)
    record = history([True] * 60)
    plan_ = policy.checks(record, now=100)
    assert plan_.reduced
    assert plan_.epsilon > policy.epsilon
    challenge = plan_.challenge(claim, nonce=bytes(32))
    result = spot_check(
        claim,
        solver.commitment,
        challenge,
        solver.respond(challenge),
        computation=solver.computation,
        data=solver.data,
        verifier=VERIFIER,
        domain=SPOT_DOMAIN,
        now=200,
    )
    cert = check_certificate(result.certificate, SPOT_DOMAIN)
    assert cert.challenge.k == plan_.k
    assert cert.challenge.epsilon_value == plan_.epsilon
    assert cert.challenge.fraud_fraction_value == Fraction(1, 20)
    book = Reputation()
    after = book.observe_certificate(result.certificate, claim, domain=SPOT_DOMAIN)
    assert (after.checked, after.failed, after.party) == (1, 0, claim.body.claimant.key)


def test_a_failed_certificate_counts_against_the_claimant() -> None:
    solver = make_solver("faking", 200, fraction=0.5, seed=1, chunk=4)
    claim = solver.solve(offer=OFFER, now=100)
    plan_ = POLICY.checks(history([]), now=0)
    challenge = plan_.challenge(claim, nonce=bytes(32))
    result = spot_check(
        claim,
        solver.commitment,
        challenge,
        solver.respond(challenge),
        computation=solver.computation,
        data=solver.data,
        verifier=VERIFIER,
        domain=SPOT_DOMAIN,
        now=200,
    )
    book = Reputation()
    record = book.observe_certificate(result.certificate, claim, domain=SPOT_DOMAIN)
    assert (record.failed, record.last_failure) == (1, 200)
    assert POLICY.checks(record, now=200).k == POLICY.full
    other = make_solver("honest", 200, chunk=4).solve(offer=OFFER, now=101)
    with pytest.raises(InvalidArgument, match="another claim"):
        book.observe_certificate(result.certificate, other, domain=SPOT_DOMAIN)


def test_policy_arguments_are_checked() -> None:
    with pytest.raises(InvalidArgument, match="floor"):
        CheckPolicy(Fraction(1, 10**9), Fraction(1, 100), floor=0)
    with pytest.raises(InvalidArgument, match="floor"):
        CheckPolicy(Fraction(1, 10**9), Fraction(1, 100), floor=3000)
    with pytest.raises(InvalidArgument):
        CheckPolicy(Fraction(1, 10**9), 0.01)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument):
        CheckPolicy(Fraction(1, 10**9), Fraction(1, 100), trust_rate=Fraction(1))
