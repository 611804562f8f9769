"""Mutual settlement: every party signs, and whatever is pending (window, game, appeal at any
level) ends at once, bonds released, conditional value made plain; replays are refused."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oddsproof.arbitration import Phase, Stage, last_settlement, settle
from oddsproof.contracts import Allocation, Settlement
from oddsproof.errors import Refused
from oddsproof.ledger import BondState, HoldingState
from oddsproof.wire import Domain, Signed
from tests.strategies import (
    ARBITRATION_DOMAIN,
    COURT_FUNDS,
    IDENTITIES,
    LADDER_IDENTITIES,
    CourtWorld,
)

ALICE, BOB, CHARLIE = IDENTITIES[:3]


def signed(world: CourtWorld, version: int, allocation: tuple[Allocation, ...] = (),
           *signers: object) -> Signed[Settlement]:  # fmt: skip
    body = Settlement(world.contract.id, version, allocation)
    who = signers or (ALICE, BOB)
    return Signed.create(body, ARBITRATION_DOMAIN, *who)  # type: ignore[arg-type]


def body(world: CourtWorld, version: int) -> Settlement:
    return Settlement(world.contract.id, version, ())


def split(alice: int, bob: int) -> tuple[Allocation, ...]:
    shares = [Allocation(ALICE.party, alice), Allocation(BOB.party, bob)]
    return tuple(sorted(shares, key=lambda a: a.party.key.raw))


@settings(max_examples=25)
@given(
    cheat=st.booleans(),
    corrupt=st.sampled_from([frozenset(), frozenset({0}), frozenset({1})]),
    steps=st.integers(0, 12),
)
def test_a_settlement_ends_the_dispute_wherever_it_stands(
    cheat: bool, corrupt: frozenset[int], steps: int
) -> None:
    world = CourtWorld(corrupt=corrupt)
    claim = world.claim(cheat=cheat)
    script = world.script(cheat=cheat)
    for _ in range(steps):
        if world.court.step(claim.body.id, script) is None:
            break
    case = world.court.case(claim.body.id)
    state = None if case.dispute is None else world.court.appeals.state(case.dispute)
    if case.stage.over or (state is not None and state.phase is Phase.FINAL):
        # The final ruling came first: too late to settle.
        before = world.ledger.state()
        with pytest.raises(Refused, match="decided"):
            world.court.settle(signed(world, 1), now=case.time)
        assert world.ledger.state() == before
        return
    now = world.court.case(claim.body.id).time
    if case.dispute is not None:
        now = max(now, world.court.appeals.state(case.dispute).time)
    report = world.court.settle(signed(world, 1), now=now)
    case = world.court.case(claim.body.id)
    assert case.stage is Stage.SETTLED
    assert not world.ledger.bonds(state=BondState.OPEN)  # every bond released ...
    assert not world.ledger.bonds(state=BondState.FORFEITED)  # ... and none forfeited
    assert world.ledger.resolution(claim.body.id) is True
    assert not world.ledger.holdings(state=HoldingState.LIVE)  # conditional value is plain
    if case.dispute is not None:
        assert world.court.appeals.state(case.dispute).phase is Phase.SETTLED
        assert len(report.ended) == 1
    assert world.court.step(claim.body.id, script) is None  # nothing more happens
    assert world.ledger.totals().conserved
    # Bob keeps the payment; nothing burned: all that left the two went to arbiters as fees.
    fees = sum(world.ledger.balance(j.key) for j in LADDER_IDENTITIES[:3])
    alice, bob = world.ledger.balance(ALICE.key), world.ledger.balance(BOB.key)
    assert alice + bob + fees == 2 * COURT_FUNDS
    assert bob >= COURT_FUNDS + 300 - fees
    assert alice <= COURT_FUNDS - 300


def test_a_replayed_or_older_version_is_refused_and_changes_nothing() -> None:
    world = CourtWorld(bonus=50)
    claim = world.claim(cheat=False)
    world.court.challenge(claim.body.id, ALICE.party, now=20)
    world.court.settle(signed(world, 3, split(20, 30)), now=30)
    assert last_settlement(world.court.runtime, world.contract.id) == 3
    before = world.ledger.state()
    for version in (3, 2, 1):
        with pytest.raises(Refused, match=r"^(stale-settlement)"):
            world.court.settle(signed(world, version), now=40)
    assert world.ledger.state() == before


def test_a_running_contract_divides_its_escrow_as_the_allocation_says() -> None:
    world = CourtWorld(bonus=50)
    claim = world.claim(cheat=False)
    report = world.court.settle(signed(world, 1, split(20, 30)), now=30)
    assert report.step is not None
    assert report.step.accepted
    assert world.court.runtime.state(world.contract.id).closed
    assert world.ledger.balance(BOB.key) == COURT_FUNDS + 300 + 30
    assert world.ledger.balance(ALICE.key) == COURT_FUNDS - 300 - 30
    assert world.court.case(claim.body.id).stage is Stage.SETTLED


@pytest.mark.parametrize(
    ("build", "reason"),
    [
        (lambda w: signed(w, 1, (), ALICE), "not-signed-by-all"),
        (lambda w: signed(w, 1, (), ALICE, CHARLIE), "not-signed-by-all"),
        (lambda w: signed(w, 1, split(1, 0)), "allocation-mismatch"),
        (lambda w: Signed.create(body(w, 1), Domain("elsewhere"), ALICE, BOB), "wrong-domain"),
    ],
)
def test_settlements_that_cannot_apply_are_refused(build: object, reason: str) -> None:
    world = CourtWorld()  # the contract closes at the claim: nothing is escrowed
    claim = world.claim(cheat=True)
    world.court.challenge(claim.body.id, ALICE.party, now=20)
    before = world.ledger.state()
    with pytest.raises(Refused) as caught:
        world.court.settle(build(world), now=30)  # type: ignore[operator]
    assert caught.value.reason.value == reason
    assert world.ledger.state() == before


def test_the_function_needs_one_ledger() -> None:
    one, two = CourtWorld(), CourtWorld(nonce=b"\x03" * 16)
    with pytest.raises(Exception, match="one ledger"):
        settle(one.court.runtime, two.court.appeals, signed(one, 1), now=0)
