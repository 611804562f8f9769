"""Odds bets end to end: orders, authorisation, escrow, and every way a bet settles."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oddsproof.contracts import Bet, CheckReason, Contract, Ruling, Runtime, Statement
from oddsproof.errors import InvalidArgument, Refused
from oddsproof.games import (
    BisectionGame,
    BisectionSetup,
    HonestChallenger,
    HonestSerialSolver,
    certificate_ruling,
    commit_trace,
    judge_bisection,
    nonce_challenge,
    play_bisection,
    serial_claim,
    spot_check,
)
from oddsproof.ledger import Ledger, MemoryLedger, Mint, SqliteLedger
from oddsproof.markets import (
    BetMatch,
    BetOrder,
    BetOutcome,
    BetSide,
    BetTerms,
    OrderReason,
    authorises,
    countersign,
    mutual_settlement,
    odds_price,
    settle_bet,
    statement_ruling,
)
from oddsproof.testing import FakeStepSolver
from oddsproof.wire import Digest, Domain, Identity, Signed, tagged_hash
from tests.strategies import (
    BISECTION_DOMAIN,
    CHALLENGER_ID,
    IDENTITIES,
    JUDGE_ID,
    SOLVER_ID,
    SPOT_DOMAIN,
    VERIFIER,
    make_solver,
    serial_chain,
)

DOMAIN = Domain("bets-tests")
NOW = 1_000
alice, bob, judge = IDENTITIES[0], IDENTITIES[1], IDENTITIES[2]
STATEMENT = Statement(
    tagged_hash("t/code", b"f"), tagged_hash("t/in", b"x"), tagged_hash("t/out", b"y"), 16
)
TERMS = BetTerms(STATEMENT, (judge.party,), NOW + 500, 60, NOW + 3_600)


def order(
    who: Identity,
    side: BetSide,
    odds: tuple[int, int],
    stake: int,
    *,
    terms: BetTerms = TERMS,
    nonce: int = 0,
    created: int = NOW,
    expires: int = NOW + 400,
) -> Signed[BetOrder]:
    body = BetOrder(terms.id, who.party, side, odds, stake, created, expires, bytes([nonce]) * 16)
    return Signed.create(body, DOMAIN, who)


def match_of(
    back: Signed[BetOrder], lay: Signed[BetOrder], lots: int, at: int = NOW + 1
) -> BetMatch:
    """The match a book would make with the lay order resting (the maker's odds)."""
    return BetMatch(
        TERMS.id,
        back.id,
        lay.id,
        back.body.poster,
        lay.body.poster,
        lay.body.odds,
        lots,
        0,
        at,
    )


def funded(ledger: Ledger | None = None, amount: int = 1_000) -> Runtime:
    ledger = MemoryLedger() if ledger is None else ledger
    ledger.apply_all([Mint(p.key, amount, p.name.encode()) for p in (alice, bob)])
    return Runtime(ledger, DOMAIN)


def open_bet(runtime: Runtime, backer_stake: int = 100, layer_stake: int = 1) -> Contract:
    """Bob backs the statement at backer_stake : layer_stake against Alice; both sign; open."""
    odds = Fraction(backer_stake, layer_stake)
    pair = (odds.numerator, odds.denominator)
    back = order(bob, BetSide.BACK, pair, backer_stake)
    lay = order(alice, BetSide.LAY, pair, layer_stake, nonce=1)
    contract = match_of(back, lay, backer_stake // pair[0]).contract(TERMS)
    signed = countersign(countersign(contract, back, TERMS, bob, DOMAIN), lay, TERMS, alice, DOMAIN)
    runtime.open(signed, now=NOW + 1)
    return contract


def final_ruling(
    upheld: bool, *, by: Identity = judge, final: bool = True, tag: bytes = b""
) -> Any:
    ruling = Ruling(STATEMENT.id, upheld, None, None, tagged_hash("t/ev", tag), 0, final, NOW + 9)
    return Signed.create(ruling, DOMAIN, by)


# --- orders and their validation ---------------------------------------------------------


def test_odds_price_is_the_fair_probability_of_the_statement() -> None:
    assert odds_price((100, 1)) == Fraction(100, 101)
    assert order(bob, BetSide.BACK, (100, 1), 300).body.price == Fraction(100, 101)
    assert order(bob, BetSide.BACK, (100, 1), 300).body.lot == 100
    assert order(alice, BetSide.LAY, (100, 1), 3).body.lot == 1


@pytest.mark.parametrize(
    ("odds", "stake", "reason"),
    [
        ((0, 1), 10, OrderReason.BAD_ODDS),
        ((1, 0), 10, OrderReason.BAD_ODDS),
        ((-1, 2), 10, OrderReason.BAD_ODDS),
        ((200, 2), 400, OrderReason.BAD_ODDS),  # not in lowest terms
        ((1.5, 1), 10, OrderReason.BAD_ODDS),
        ((100, 1), -5, OrderReason.BAD_STAKE),
        ((100, 1), 0, OrderReason.BAD_STAKE),
        ((100, 1), 99, OrderReason.BAD_STAKE),  # less than one lot of 100
        ((100, 1), 2**63, OrderReason.BAD_STAKE),
    ],
)
def test_bad_orders_are_refused_with_a_reason(odds: Any, stake: Any, reason: OrderReason) -> None:
    with pytest.raises(Refused) as refused:
        BetOrder(TERMS.id, bob.party, BetSide.BACK, odds, stake, NOW, NOW + 9, bytes(16))
    assert refused.value.reason is reason
    assert isinstance(refused.value, ValueError)


def test_terms_must_leave_time_to_settle() -> None:
    with pytest.raises(InvalidArgument, match="expire after trading"):
        BetTerms(STATEMENT, (judge.party,), NOW, 60, NOW + 60)
    with pytest.raises(InvalidArgument, match="arbiter"):
        BetTerms(STATEMENT, (), NOW, 60, NOW + 600)
    with pytest.raises(InvalidArgument, match="twice"):
        BetTerms(STATEMENT, (judge.party, judge.party), NOW, 60, NOW + 600)


# --- authorisation ------------------------------------------------------------------------


def test_a_match_makes_the_bet_both_orders_authorise() -> None:
    back = order(bob, BetSide.BACK, (100, 1), 300)
    lay = order(alice, BetSide.LAY, (50, 1), 5, nonce=1)  # Alice asks only 50:1
    contract = match_of(back, lay, 5).contract(TERMS)
    bet = contract.terms
    assert isinstance(bet, Bet)
    assert (bet.backer, bet.layer) == (bob.party, alice.party)
    assert (bet.backer_stake, bet.layer_stake, bet.deadline) == (250, 5, TERMS.settle_by)
    assert contract.arbiters == TERMS.arbiters
    assert authorises(back.body, TERMS, contract) is bet  # 50:1 is better for the backer
    assert authorises(lay.body, TERMS, contract) is bet
    assert match_of(back, lay, 5).contract(TERMS).id == contract.id  # deterministic
    assert attrs.evolve(match_of(back, lay, 5), sequence=1).contract(TERMS).id != contract.id


def test_orders_do_not_authorise_worse_odds_larger_stakes_or_other_terms() -> None:
    back = order(bob, BetSide.BACK, (100, 1), 300)
    lay = order(alice, BetSide.LAY, (100, 1), 5, nonce=1)
    good = match_of(back, lay, 3).contract(TERMS)
    worse_for_backer = attrs.evolve(good, terms=attrs.evolve(good.terms, backer_stake=301))
    too_much = attrs.evolve(good, terms=attrs.evolve(good.terms, backer_stake=400, layer_stake=4))
    other_deadline = attrs.evolve(good, terms=attrs.evolve(good.terms, deadline=NOW + 9_999))
    other_arbiters = attrs.evolve(good, arbiters=(alice.party,))
    too_late = attrs.evolve(good, created=NOW + 400)
    swapped = match_of(order(alice, BetSide.BACK, (100, 1), 300, nonce=2), back, 1)
    for contract, who in [
        (worse_for_backer, back),
        (too_much, back),
        (other_deadline, back),
        (other_arbiters, lay),
        (too_late, lay),
    ]:
        with pytest.raises(InvalidArgument):
            authorises(who.body, TERMS, contract)
    worse_for_layer = attrs.evolve(good, terms=attrs.evolve(good.terms, backer_stake=299))
    with pytest.raises(InvalidArgument, match="odds"):
        authorises(lay.body, TERMS, worse_for_layer)
    with pytest.raises(InvalidArgument, match="not the bet's backer"):
        authorises(back.body, TERMS, swapped.contract(TERMS))


def test_only_the_poster_countersigns_and_only_what_its_order_allows() -> None:
    back = order(bob, BetSide.BACK, (100, 1), 300)
    lay = order(alice, BetSide.LAY, (100, 1), 5, nonce=1)
    contract = match_of(back, lay, 3).contract(TERMS)
    with pytest.raises(InvalidArgument, match="poster"):
        countersign(contract, back, TERMS, alice, DOMAIN)
    forged = Signed(back.body, DOMAIN, (attrs.evolve(back.signatures[0], sig=bytes(64)),))
    with pytest.raises(Refused) as refused:
        countersign(contract, forged, TERMS, bob, DOMAIN)
    assert refused.value.reason is OrderReason.UNSIGNED
    signed = countersign(countersign(contract, back, TERMS, bob, DOMAIN), lay, TERMS, alice, DOMAIN)
    assert signed.verify(DOMAIN, signers=[alice.party, bob.party]) == contract
    assert countersign(signed, back, TERMS, bob, DOMAIN) is signed  # signing again is a no-op


# --- settling on the runtime --------------------------------------------------------------


@pytest.fixture(params=["memory", "sqlite"])
def runtime(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    ledger: Ledger = MemoryLedger() if request.param == "memory" else SqliteLedger(tmp_path / "b")
    yield funded(ledger)
    ledger.close()


def test_both_stakes_escrow_and_a_final_ruling_pays_the_winner_once(runtime: Runtime) -> None:
    contract = open_bet(runtime)
    ledger = runtime.ledger
    assert (ledger.balance(bob.key), ledger.balance(alice.key)) == (900, 999)
    assert (
        runtime.escrowed(contract.id, bob.party),
        runtime.escrowed(contract.id, alice.party),
    ) == (100, 1)
    assert (
        settle_bet(runtime, contract.id, final_ruling(True, final=False), now=NOW + 10).outcome
        is BetOutcome.NONE
    )
    first = settle_bet(runtime, contract.id, final_ruling(True), now=NOW + 10)
    assert first.outcome is BetOutcome.UPHELD
    assert (ledger.balance(bob.key), ledger.balance(alice.key)) == (1_001, 999)
    for again in (final_ruling(True), final_ruling(False, tag=b"2"), None):
        repeat = settle_bet(runtime, contract.id, again, now=NOW + 11)
        assert repeat.outcome is BetOutcome.NONE
        assert repeat.transfers == ()
    assert (ledger.balance(bob.key), ledger.balance(alice.key)) == (1_001, 999)
    assert ledger.totals().conserved


def test_a_non_arbiter_or_non_final_ruling_settles_nothing() -> None:
    runtime = funded()
    contract = open_bet(runtime)
    refused = settle_bet(runtime, contract.id, final_ruling(False, by=alice), now=NOW + 10)
    assert (refused.outcome, refused.rejected) == (BetOutcome.NONE, CheckReason.NOT_AN_ARBITER)
    refused = settle_bet(runtime, contract.id, final_ruling(False, final=False), now=NOW + 10)
    assert refused.rejected is CheckReason.NOT_FINAL
    assert (
        settle_bet(runtime, contract.id, final_ruling(False), now=NOW + 11).outcome
        is BetOutcome.FAILED
    )
    assert runtime.ledger.balance(alice.key) == 1_100


@pytest.mark.parametrize("source", ["winning-ticket check", "arbitration court", "ladder appeal"])
@pytest.mark.parametrize("upheld", [True, False])
def test_rulings_of_the_other_games_settle_bets(source: str, upheld: bool) -> None:
    """Hand-signed final rulings stand in for the lottery's and the arbitration's."""
    runtime = funded()
    contract = open_bet(runtime, 30, 7)
    result = settle_bet(
        runtime, contract.id, final_ruling(upheld, tag=source.encode()), now=NOW + 20
    )
    assert result.outcome is (BetOutcome.UPHELD if upheld else BetOutcome.FAILED)
    won = 7 if upheld else -30
    assert runtime.ledger.balance(bob.key) == 1_000 + won
    assert runtime.ledger.totals().conserved


def test_no_final_ruling_by_the_deadline_refunds_both() -> None:
    runtime = funded()
    contract = open_bet(runtime)
    assert (
        settle_bet(runtime, contract.id, None, now=TERMS.settle_by - 1).outcome is BetOutcome.NONE
    )
    assert (
        settle_bet(runtime, contract.id, None, now=TERMS.settle_by).outcome is BetOutcome.REFUNDED
    )
    assert (runtime.ledger.balance(bob.key), runtime.ledger.balance(alice.key)) == (1_000, 1_000)


def test_mutual_agreement_ends_the_bet_and_a_late_ruling_pays_nothing() -> None:
    runtime = funded()
    contract = open_bet(runtime)
    deal = mutual_settlement(contract, backer_gets=60)
    signed = Signed.create(deal, DOMAIN, alice, bob)
    assert settle_bet(runtime, contract.id, signed, now=NOW + 5).outcome is BetOutcome.AGREED
    assert (runtime.ledger.balance(bob.key), runtime.ledger.balance(alice.key)) == (960, 1_040)
    assert (
        settle_bet(runtime, contract.id, final_ruling(True), now=NOW + 6).outcome is BetOutcome.NONE
    )
    assert runtime.ledger.totals().conserved
    with pytest.raises(InvalidArgument):
        mutual_settlement(contract, backer_gets=102)


def test_a_settlement_signed_by_one_party_is_refused() -> None:
    runtime = funded()
    contract = open_bet(runtime)
    one = Signed.create(mutual_settlement(contract, backer_gets=101), DOMAIN, bob)
    result = settle_bet(runtime, contract.id, one, now=NOW + 5)
    assert result.outcome is BetOutcome.NONE
    assert result.rejected is CheckReason.NOTHING_WAITING  # it ends nothing; no wait agrees
    assert not runtime.state(contract.id).closed


@settings(max_examples=40, deadline=None)
@given(
    stakes=st.tuples(st.integers(1, 400), st.integers(1, 400)),
    ending=st.sampled_from(["upheld", "failed", "agreed", "timeout"]),
    split=st.integers(0, 800),
    repeats=st.integers(1, 3),
)
def test_bets_conserve_value_and_pay_exactly_one_side(
    stakes: tuple[int, int], ending: str, split: int, repeats: int
) -> None:
    backer_stake, layer_stake = stakes
    runtime = funded()
    ledger = runtime.ledger
    contract = open_bet(runtime, backer_stake, layer_stake)
    bet = contract.terms
    assert isinstance(bet, Bet)
    before = ledger.balance(bob.key) + ledger.balance(alice.key)
    pot = bet.backer_stake + bet.layer_stake
    if ending == "agreed":
        evidence: Any = Signed.create(
            mutual_settlement(contract, backer_gets=split % (pot + 1)), DOMAIN, alice, bob
        )
    elif ending == "timeout":
        evidence = None
    else:
        evidence = final_ruling(ending == "upheld")
    at = TERMS.settle_by if ending == "timeout" else NOW + 50
    outcomes = [
        settle_bet(runtime, contract.id, evidence, now=at + i).outcome for i in range(repeats)
    ]
    assert outcomes[0] is not BetOutcome.NONE
    assert outcomes[1:] == [BetOutcome.NONE] * (repeats - 1)
    assert ledger.totals().conserved
    assert ledger.balance(bob.key) + ledger.balance(alice.key) == before + pot
    gain = ledger.balance(bob.key) - 1_000
    expected = {
        "upheld": bet.layer_stake,
        "failed": -bet.backer_stake,
        "agreed": split % (pot + 1) - bet.backer_stake,
        "timeout": 0,
    }[ending]
    assert gain == expected
    assert ledger.balance(alice.key) - 1_000 == -gain


# --- the verification games' rulings ---------------------------------------------------------


@pytest.mark.parametrize(("kind", "upheld"), [("honest", True), ("faking", False)])
def test_a_spot_check_certificate_settles_the_bet(kind: str, upheld: bool) -> None:
    solver = make_solver(kind, 64, fraction=0.5, seed=3)
    claim = solver.solve(offer=Digest(b"\x0f" * 32), now=NOW)
    terms = BetTerms(claim.body.statement, (VERIFIER.party,), NOW + 500, 60, NOW + 3_600)
    ledger = MemoryLedger()
    ledger.apply_all([Mint(p.key, 1_000, p.name.encode()) for p in (alice, bob)])
    runtime = Runtime(ledger, SPOT_DOMAIN)
    back = Signed.create(
        BetOrder(terms.id, bob.party, BetSide.BACK, (100, 1), 100, NOW, NOW + 9, bytes(16)),
        SPOT_DOMAIN,
        bob,
    )
    lay = Signed.create(
        BetOrder(terms.id, alice.party, BetSide.LAY, (100, 1), 1, NOW, NOW + 9, bytes(16)),
        SPOT_DOMAIN,
        alice,
    )
    match = BetMatch(terms.id, back.id, lay.id, bob.party, alice.party, (100, 1), 1, 0, NOW + 1)
    contract = match.contract(terms)
    signed = countersign(
        countersign(contract, back, terms, bob, SPOT_DOMAIN), lay, terms, alice, SPOT_DOMAIN
    )
    runtime.open(signed, now=NOW + 1)
    asked = nonce_challenge(claim, epsilon=Fraction(1, 10**6), fraud_fraction=Fraction(1, 2))
    result = spot_check(
        claim,
        solver.commitment,
        asked,
        solver.respond(asked),
        computation=solver.computation,
        data=solver.data,
        verifier=VERIFIER,
        domain=SPOT_DOMAIN,
        now=NOW + 5,
    )
    assert result.passed is upheld
    not_final = certificate_ruling(result.certificate, VERIFIER)
    assert (
        settle_bet(runtime, contract.id, not_final, now=NOW + 6).rejected is CheckReason.NOT_FINAL
    )
    ruling = certificate_ruling(result.certificate, VERIFIER, final=True)
    settled = settle_bet(runtime, contract.id, ruling, now=NOW + 6)
    assert settled.outcome is (BetOutcome.UPHELD if upheld else BetOutcome.FAILED)
    assert ledger.balance(bob.key) == (1_001 if upheld else 900)
    assert ledger.totals().conserved


@pytest.mark.parametrize("fake", [None, 40])
def test_a_bisection_ruling_settles_the_bet_its_claim_answers(fake: int | None) -> None:
    """Bob's claim answers the bet itself ("all payments are bets"), so the judge's ruling,
    which names the claim's offer, settles it; statement_ruling widens it to any bet."""
    comp = serial_chain("hash", 64)
    data = b"bets"
    honest = commit_trace(comp, data, 8)
    solver: Any = (
        HonestSerialSolver(SOLVER_ID, trace=honest)
        if fake is None
        else FakeStepSolver.create(SOLVER_ID, comp, data, 8, fake)
    )
    placeholder = serial_claim(
        solver.trace, data, SOLVER_ID, BISECTION_DOMAIN, offer=Digest(bytes(32)), now=NOW
    )
    statement = placeholder.body.statement
    terms = BetTerms(statement, (JUDGE_ID.party,), NOW + 500, 60, NOW + 9_000)
    backer, layer = SOLVER_ID, CHALLENGER_ID
    ledger = MemoryLedger()
    ledger.apply_all([Mint(p.key, 1_000, p.name.encode()) for p in (backer, layer)])
    runtime = Runtime(ledger, BISECTION_DOMAIN)
    match = BetMatch(
        terms.id,
        Digest(b"\x01" * 32),
        Digest(b"\x02" * 32),
        backer.party,
        layer.party,
        (100, 1),
        1,
        0,
        NOW,
    )
    contract = match.contract(terms)
    runtime.open(Signed.create(contract, BISECTION_DOMAIN, backer, layer), now=NOW)
    claim = serial_claim(
        solver.trace, data, SOLVER_ID, BISECTION_DOMAIN, offer=contract.id, now=NOW + 1
    )
    setup = BisectionSetup(claim, CHALLENGER_ID.party, 3, 3000, 3000, 60, 100, NOW + 1, NOW + 8_000)
    game = BisectionGame(setup, BISECTION_DOMAIN)
    transcript = play_bisection(game, solver, HonestChallenger(CHALLENGER_ID, trace=honest))
    ruling = judge_bisection(
        transcript,
        BISECTION_DOMAIN,
        comp,
        arbiter=JUDGE_ID,
        now=NOW + 8_000,
        data=data,
        final=True,
    )
    assert ruling.body.contract == contract.id
    # The same ruling cannot settle another bet on the statement; the arbiter's widened one can.
    other = attrs.evolve(match, sequence=1).contract(terms)
    runtime.open(Signed.create(other, BISECTION_DOMAIN, backer, layer), now=NOW)
    assert (
        settle_bet(runtime, other.id, ruling, now=NOW + 8_001).rejected
        is CheckReason.WRONG_CONTRACT
    )
    upheld = fake is None
    expected = BetOutcome.UPHELD if upheld else BetOutcome.FAILED
    assert settle_bet(runtime, contract.id, ruling, now=NOW + 8_001).outcome is expected
    widened = statement_ruling(ruling, JUDGE_ID, domain=BISECTION_DOMAIN)
    assert (widened.body.contract, widened.body.evidence, widened.body.final) == (
        None,
        ruling.id,
        True,
    )
    assert settle_bet(runtime, other.id, widened, now=NOW + 8_002).outcome is expected
    assert settle_bet(runtime, contract.id, widened, now=NOW + 8_002).outcome is BetOutcome.NONE
    assert ledger.balance(backer.key) == (1_002 if upheld else 800)
    assert ledger.totals().conserved


def test_statement_ruling_refuses_a_forged_lower_ruling() -> None:
    lower = final_ruling(True)
    forged = Signed(lower.body, DOMAIN, (attrs.evolve(lower.signatures[0], sig=bytes(64)),))
    with pytest.raises(InvalidArgument, match="does not verify"):
        statement_ruling(forged, judge, domain=DOMAIN)
    with pytest.raises(InvalidArgument):
        statement_ruling(lower, judge.party, domain=DOMAIN)  # type: ignore[arg-type]
