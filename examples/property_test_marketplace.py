"""Property-test your marketplace: throw every cheater oddsproof knows at your own rules.

Your marketplace is your rules (how many pieces a spot check recomputes, the arbitration
ladder, bonds, challenge window, ticket terms) and your contracts. ``oddsproof.strategies``
gives Hypothesis strategies for both and for *adversaries*: cheaters that attack through the
library's real API and report what the honest parties lost. Four properties, each a few lines:

1. no adversary costs an honest party anything, on any well-formed contract;
2. the same for your own offer template, on any ladder you might choose;
3. a caught cheater never profits;
4. a deliberately weak rule (few spot checks) is found out: the toolkit has teeth.

Run: ``.venv/bin/python examples/property_test_marketplace.py`` (or ``pytest`` on this file).
See ``docs/property-testing.md``.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import find, given, settings
from hypothesis import strategies as st

from oddsproof.contracts import Contract, Function, roles, seq, upheld, when
from oddsproof.strategies import (
    IDENTITIES,
    Adversary,
    ArbiterColluder,
    Job,
    Marketplace,
    PieceFaker,
    ProofForger,
    Staller,
    StepFaker,
    adversaries,
    contracts,
    default_jobs,
    ladders,
)

# -- 1. your rules, and the ten-line test ------------------------------------------------------

MY_MARKET = Marketplace(
    epsilon=Fraction(1, 10**6),  # a cheater passes a spot check with probability ≤ 1e-6
    claim_bond=500,  # what a claimant risks on each claim
    challenge_window=600,  # seconds to challenge a claim
)


@settings(max_examples=40, deadline=None)
@given(adversary=adversaries(), contract=contracts())
def test_no_cheater_costs_an_honest_party_anything(
    adversary: Adversary, contract: Contract
) -> None:
    outcome = adversary.attack(MY_MARKET, contract)
    assert outcome.honest_parties_lost == 0, outcome
    assert outcome.conserved, outcome


# -- 2. your own offer template, on any ladder ---------------------------------------------------

ALICE, BOB = IDENTITIES[0], IDENTITIES[1]  # parties whose keys the marketplace holds
T0 = 1_000


def my_offer(job: Job, price: int, bonus: int, nonce: bytes) -> Contract:
    """Alice pays Bob ``price`` for the job's output, and ``bonus`` more if a final ruling
    upholds his claim."""
    Alice, Bob = roles(ALICE, BOB)
    F = Function(job.computation.spec)
    then = Alice.pays(price, to=Bob)
    if bonus:
        then = seq(then, when(upheld(), by=T0 + 250_000).then(Alice.pays(bonus, to=Bob)))
    paid = when(Bob.supplies(F(job.input_id)), by=T0 + 300_000).then(then)
    return Alice.offers(paid, created=T0, nonce=nonce)


offers = st.builds(
    my_offer,
    job=st.sampled_from(default_jobs()),
    price=st.integers(1, 1_000),
    bonus=st.integers(0, 100),
    nonce=st.binary(min_size=16, max_size=16),
)


@settings(max_examples=30, deadline=None)
@given(adversary=adversaries(), offer=offers, ladder=ladders(max_levels=3, min_window=1_000))
def test_my_offer_on_any_ladder(adversary: Adversary, offer: Contract, ladder: object) -> None:
    market = Marketplace(ladder=ladder, claim_bond=500, challenge_window=600)
    outcome = adversary.attack(market, offer)
    assert outcome.honest_parties_lost == 0, outcome


# -- 3. a caught cheater never profits -----------------------------------------------------------

CHEATS = [PieceFaker, ProofForger, StepFaker, Staller, ArbiterColluder]
"""Cheats that stake a false claim (refused moves, like a second claim, cost nothing)."""


@settings(max_examples=30, deadline=None)
@given(adversary=adversaries(kinds=CHEATS), offer=offers)
def test_a_caught_cheater_never_profits(adversary: Adversary, offer: Contract) -> None:
    outcome = adversary.attack(MY_MARKET, offer)
    if outcome.applicable and outcome.caught:
        assert outcome.adversary_change < 0, outcome


# -- 4. the toolkit has teeth: too few spot checks are found out ---------------------------------


def test_too_few_spot_checks_let_a_cheater_through() -> None:
    """With f = 1/2 (k = 20 checks) a solver faking a single pixel of 64 passes most checks:
    Hypothesis finds a cheater who costs the buyer its payment."""
    weak = Marketplace(fraud_fraction=Fraction(1, 2))
    found = find(
        st.builds(PieceFaker, fraction=st.just(Fraction(1, 64)), seed=st.integers(0, 99)),
        lambda cheater: cheater.attack(weak, RENDER).honest_parties_lost > 0,
        settings=settings(database=None, max_examples=50, deadline=None),
    )
    print(found.attack(weak, RENDER))


RENDER, CHAIN = (my_offer(job, price=300, bonus=0, nonce=b"\x01" * 16) for job in default_jobs())


if __name__ == "__main__":
    print(StepFaker(step=5).attack(MY_MARKET, CHAIN))  # what one attack looks like
    print()
    for test in (
        test_no_cheater_costs_an_honest_party_anything,
        test_my_offer_on_any_ladder,
        test_a_caught_cheater_never_profits,
        test_too_few_spot_checks_let_a_cheater_through,
    ):
        test()
        print(f"passed: {test.__name__}")
