"""The runtime: offers, evidence and time applied to a ledger, exactly once and atomically."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oddsproof.contracts import (
    CheckReason,
    Computation,
    Function,
    Ruling,
    Runtime,
    Shape,
    roles,
    when,
)
from oddsproof.errors import NotFound, OddsproofError, Refused
from oddsproof.ledger import (
    CoinMint,
    HoldingState,
    Ledger,
    MemoryLedger,
    Mint,
    ResolveCondition,
    SqliteLedger,
)
from oddsproof.wire import Digest, Domain, Identity, Signed, tagged_hash

DOMAIN = Domain("runtime-tests")
NOW = 1_000
HOUR = 3_600
alice, bob, judge = (
    Identity.from_seed(n, bytes([i]) * 32) for i, n in enumerate(["alice", "bob", "judge"], 1)
)
Alice, Bob, Judge = roles(alice, bob, judge)
F = Function(Computation("f", "1", tagged_hash("t/code", b"f"), Shape.PARALLEL, 16, 16))
X = tagged_hash("t/input", b"x")
Y = tagged_hash("t/output", b"y")


@pytest.fixture(params=["memory", "sqlite"])
def ledger(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Ledger]:
    store: Ledger = MemoryLedger() if request.param == "memory" else SqliteLedger(tmp_path / "l.db")
    yield store
    store.close()


def seed_offer(nonce: bytes = bytes(16)) -> Signed:  # type: ignore[type-arg]
    offer = Alice.offers(
        when(Bob.supplies(F(X)), by=NOW + HOUR).then(Alice.sends("coin3423", to=Bob)),
        created=NOW,
        nonce=nonce,
    )
    return Alice.sign(offer, DOMAIN)


def test_the_seed_contract_pays_the_coin_conditionally(ledger: Ledger) -> None:
    ledger.apply(CoinMint("coin3423", alice.key, 50, b"mint"))
    runtime = Runtime(ledger, DOMAIN)
    offer = seed_offer()
    runtime.open(offer, now=NOW)
    assert ledger.coin("coin3423").owner == alice.key  # type: ignore[union-attr]
    assert not ledger.coin("coin3423").plain  # type: ignore[union-attr]  # locked in escrow

    claim = Bob.sign(Bob.claims(F(X).equals(Y), offer=offer.body, now=NOW + 10), DOMAIN)
    paid = runtime.submit(offer.id, claim, now=NOW + 11)
    assert paid.accepted
    assert runtime.state(offer.id).closed
    holdings = ledger.holdings(claim=claim.id)
    assert [h.owner for h in holdings] == [bob.key]
    assert ledger.totals().conserved
    assert runtime.claims(offer.id) == (claim.id,)

    # The claim is upheld for good: Bob's holding becomes his plain coin.
    ledger.apply(ResolveCondition(claim.id, True, b"resolve"))
    assert ledger.holdings(claim=claim.id)[0].state is HoldingState.SETTLED


def test_an_offer_short_of_funds_is_refused_and_changes_nothing(ledger: Ledger) -> None:
    before = ledger.state()
    with pytest.raises(Refused) as refused:
        Runtime(ledger, DOMAIN).open(seed_offer(), now=NOW)  # Alice has no coin3423
    assert refused.value.reason is CheckReason.INSUFFICIENT_FUNDS
    assert ledger.state() == before


def test_opening_twice_locks_once(ledger: Ledger) -> None:
    ledger.apply(CoinMint("coin3423", alice.key, 50, b"mint"))
    runtime = Runtime(ledger, DOMAIN)
    offer = seed_offer()
    first = runtime.open(offer, now=NOW)
    after_first = ledger.state()
    again = runtime.open(offer, now=NOW + 5)
    assert again.state == first.state
    assert ledger.state() == after_first


def test_the_deadline_refunds_everything(ledger: Ledger) -> None:
    ledger.apply(CoinMint("coin3423", alice.key, 50, b"mint"))
    runtime = Runtime(ledger, DOMAIN)
    offer = seed_offer()
    runtime.open(offer, now=NOW)
    runtime.advance(offer.id, now=NOW + HOUR)
    assert runtime.state(offer.id).closed
    coin = ledger.coin("coin3423")
    assert coin is not None
    assert coin.owner == alice.key
    assert coin.plain
    assert all(v == 0 for v in ledger.escrows(offer.id).values())


@settings(max_examples=20)
@given(upheld=st.booleans(), stakes=st.tuples(st.integers(1, 500), st.integers(1, 500)))
def test_a_bet_pays_the_winner_and_conserves_value(upheld: bool, stakes: tuple[int, int]) -> None:
    backer_stake, layer_stake = stakes
    ledger = MemoryLedger()
    ledger.apply_all([Mint(alice.key, 1_000, b"a"), Mint(bob.key, 1_000, b"b")])
    runtime = Runtime(ledger, DOMAIN)
    statement = F(X).equals(Y)
    bet = Bob.offers(
        Bob.bets(backer_stake, to=layer_stake, against=Alice, that=statement, by=NOW + HOUR),
        arbiters=[Judge],
        created=NOW,
        nonce=bytes(16),
    )
    offer = Alice.cosign(Bob.sign(bet, DOMAIN))
    runtime.open(offer, now=NOW)
    assert ledger.balance(bob.key) == 1_000 - backer_stake
    assert ledger.balance(alice.key) == 1_000 - layer_stake
    ruling = Ruling(statement.id, upheld, None, bet.id, Digest(bytes(32)), 0, True, NOW + 5)
    runtime.submit(offer.id, Signed.create(ruling, DOMAIN, judge), now=NOW + 6)
    assert runtime.state(offer.id).closed
    winner, loser = (bob, alice) if upheld else (alice, bob)
    won = layer_stake if upheld else backer_stake
    assert ledger.balance(winner.key) == 1_000 + won
    assert ledger.balance(loser.key) == 1_000 - won
    assert ledger.totals().conserved


def test_unknown_contracts_and_non_evidence_are_refused() -> None:
    runtime = Runtime(MemoryLedger(), DOMAIN)
    with pytest.raises(NotFound):
        runtime.advance(Digest(bytes(32)), now=NOW)
    offer = seed_offer()
    with pytest.raises(OddsproofError, match="not evidence"):
        runtime.submit(offer.id, Signed.create(Alice.party, DOMAIN, alice), now=NOW)  # type: ignore[arg-type]


def test_a_step_and_its_state_commit_together(tmp_path: Path) -> None:
    """Reopening the store after a step sees the step's entries and its state, together."""
    path = tmp_path / "l.db"
    ledger = SqliteLedger(path)
    ledger.apply(CoinMint("coin3423", alice.key, 50, b"mint"))
    offer = seed_offer()
    Runtime(ledger, DOMAIN).open(offer, now=NOW)
    claim = Bob.sign(Bob.claims(F(X).equals(Y), offer=offer.body, now=NOW + 10), DOMAIN)
    Runtime(ledger, DOMAIN).submit(offer.id, claim, now=NOW + 11)
    ledger.close()
    reopened = SqliteLedger(path, create=False)
    try:
        runtime = Runtime(reopened, DOMAIN)
        assert runtime.state(offer.id).closed
        assert [h.owner for h in reopened.holdings(claim=claim.id)] == [bob.key]
        assert reopened.totals().conserved
    finally:
        reopened.close()
