"""The ledger's semantics, on both storages: conservation, no negative balance, exactly once,
escrow before promise, conditional chains, bonds, corrections, atomic groups.

Every example runs on :class:`MemoryLedger` and on an in-memory :class:`SqliteLedger`; the
SQLite-only behaviour (files, pragmas, errors) is in ``test_store.py``, and the two storages are
compared step by step in ``test_ledger_differential.py``.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oddsproof.contracts import Statement
from oddsproof.errors import InvalidArgument, Refused, WrongType
from oddsproof.ledger import (
    BondForfeit,
    BondPost,
    BondRelease,
    BondState,
    Burn,
    CoinMint,
    CoinMove,
    Correction,
    EscrowLock,
    HoldingPass,
    HoldingState,
    Ledger,
    MemoryLedger,
    Mint,
    Move,
    Payout,
    Refund,
    ResolveCondition,
    SqliteLedger,
    Stake,
    Transfer,
)
from oddsproof.wire import INT_LIMIT, Digest, Party
from tests.strategies import (
    IDENTITIES,
    LEDGER_OP_KINDS,
    LedgerOp,
    entry_for,
    ledger_entries,
    ledger_ops,
)

ALICE, BOB, CHARLIE, DAVE = (i.party for i in IDENTITIES[:4])
K1 = Digest(b"\x01" * 32)  # contract ids
K2 = Digest(b"\x02" * 32)
C1 = Digest(b"\xa1" * 32)  # claim ids
C2 = Digest(b"\xa2" * 32)

BACKENDS: dict[str, Callable[[], Ledger]] = {
    "memory": MemoryLedger,
    "sqlite": lambda: SqliteLedger(":memory:"),
}


@pytest.fixture(params=sorted(BACKENDS))
def ledger(request: pytest.FixtureRequest) -> Iterator[Ledger]:
    with BACKENDS[request.param]() as made:
        yield made


def funded(ledger: Ledger, *pairs: tuple[Party, int]) -> None:
    for i, (party, amount) in enumerate(pairs):
        ledger.apply(Mint(party.key, amount, b"fund-%d" % i))


def lock(ledger: Ledger, contract: Digest, *stakes: Stake, ref: bytes = b"lock") -> None:
    ordered = tuple(sorted(stakes, key=lambda s: s.party.raw))
    ledger.apply(EscrowLock(contract, ordered, ref))


def pay(contract: Digest, payer: Party, payee: Party, amount: int, **kw: object) -> Payout:
    ref = kw.pop("ref", b"pay")
    assert isinstance(ref, bytes)
    return Payout(contract, Transfer(payer, payee, amount, **kw), ref)  # type: ignore[arg-type]


def check_invariants(ledger: Ledger) -> None:
    totals = ledger.totals()
    assert totals.conserved, totals
    state = ledger.state()
    assert all(v > 0 for _, v in state.balances)
    assert all(a > 0 for _, _, a in state.escrow)
    assert all(r.amount >= 0 for r in state.holdings)
    for record in state.holdings:
        if record.state is not HoldingState.LIVE:
            assert record.amount == 0
    assert totals.conditional == sum(r.amount for r in state.holdings)


# ---------------------------------------------------------------------------------------------
# Plain value


def test_mint_move_burn_and_totals(ledger: Ledger) -> None:
    funded(ledger, (ALICE, 100))
    ledger.apply(Move(ALICE.key, BOB.key, 30, b"m"))
    ledger.apply(Burn(BOB.key, 10, b"b"))
    assert ledger.balance(ALICE.key) == 70
    assert ledger.balance(BOB.key) == 20
    assert ledger.balance(CHARLIE.key) == 0
    assert ledger.balances() == {ALICE.key: 70, BOB.key: 20}
    totals = ledger.totals()
    assert (totals.minted, totals.balances, totals.burned) == (100, 90, 10)
    assert totals.conserved


def test_a_failing_entry_changes_nothing(ledger: Ledger) -> None:
    funded(ledger, (ALICE, 10))
    before = ledger.state()
    with pytest.raises(Refused, match="has 10, needs 11"):
        ledger.apply(Move(ALICE.key, BOB.key, 11, b"m"))
    with pytest.raises(Refused, match=r"^insufficient-funds"):
        ledger.apply(Burn(BOB.key, 1, b"b"))
    assert ledger.state() == before
    assert not ledger.has_entry(Move(ALICE.key, BOB.key, 11, b"m").id)


def test_minting_stops_below_two_to_the_63(ledger: Ledger) -> None:
    ledger.apply(Mint(ALICE.key, INT_LIMIT - 2, b"a"))
    before = ledger.state()
    with pytest.raises(Refused, match="2\\*\\*63"):
        ledger.apply(Mint(BOB.key, 2, b"b"))
    with pytest.raises(Refused):
        ledger.apply(CoinMint("big", BOB.key, 5, b"c"))
    assert ledger.state() == before
    ledger.apply(Mint(BOB.key, 1, b"b"))
    assert ledger.totals().minted == INT_LIMIT - 1


@pytest.mark.parametrize("amount", [INT_LIMIT, 2**64, 2**200, -1, 0])
def test_out_of_range_integers_are_refused_with_typed_errors(amount: int) -> None:
    with pytest.raises(InvalidArgument):
        Mint(ALICE.key, amount, b"x")
    with pytest.raises(InvalidArgument):
        BondPost(ALICE.key, amount, C1, b"x")
    with pytest.raises(InvalidArgument):
        Payout(K1, Transfer(ALICE, BOB, amount), b"x")


def test_entries_refuse_bad_refs_and_bad_shapes() -> None:
    for ref in (b"", b"x" * 65, "text"):
        with pytest.raises(InvalidArgument):
            Mint(ALICE.key, 1, ref)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="sorted"):
        EscrowLock(
            K1,
            tuple(
                sorted(
                    (Stake(ALICE.key, 1), Stake(BOB.key, 1)),
                    key=lambda s: s.party.raw,
                    reverse=True,
                )
            ),
            b"x",
        )
    a, b = sorted((ALICE.key, BOB.key), key=lambda k: k.raw)
    with pytest.raises(InvalidArgument, match="two stakes"):
        EscrowLock(K1, (Stake(a, 0, ("c",)), Stake(b, 0, ("c",))), b"x")
    with pytest.raises(InvalidArgument, match="positive amount or"):
        Stake(ALICE.key, 0)
    with pytest.raises(InvalidArgument, match="recipient"):
        BondForfeit(C1, 1, 5, None, b"x")
    with pytest.raises(InvalidArgument, match="recipient"):
        BondForfeit(C1, 1, 0, BOB.key, b"x")
    with pytest.raises(InvalidArgument):
        BondForfeit(C1, 0, 5, BOB.key, b"x")  # nothing burned: never all to the other side


# ---------------------------------------------------------------------------------------------
# Exactly once


def test_applying_an_entry_twice_applies_it_once(ledger: Ledger) -> None:
    entry = Mint(ALICE.key, 5, b"once")
    first = ledger.apply(entry)
    state = ledger.state()
    again = ledger.apply(entry)
    assert not first.duplicate
    assert again.duplicate
    assert (again.entry, again.seq, again.derived) == (first.entry, first.seq, first.derived)
    assert ledger.state() == state
    assert ledger.balance(ALICE.key) == 5
    # The same operation with a new ref is a new entry.
    ledger.apply(Mint(ALICE.key, 5, b"twice"))
    assert ledger.balance(ALICE.key) == 10


def test_a_duplicate_returns_the_derived_entries_too(ledger: Ledger) -> None:
    funded(ledger, (ALICE, 10))
    lock(ledger, K1, Stake(ALICE.key, 10))
    ledger.apply(pay(K1, ALICE, BOB, 4, condition=C1))
    resolve = ResolveCondition(C1, False, b"r")
    first = ledger.apply(resolve)
    assert len(first.derived) == 1
    assert ledger.apply(resolve) == attrs.evolve(first, duplicate=True)


def test_a_duplicate_inside_a_group_is_a_no_op(ledger: Ledger) -> None:
    entry = Mint(ALICE.key, 5, b"once")
    receipts = ledger.apply_all([entry, entry, Move(ALICE.key, BOB.key, 5, b"m")])
    assert [r.duplicate for r in receipts] == [False, True, False]
    assert ledger.balances() == {BOB.key: 5}


# ---------------------------------------------------------------------------------------------
# Escrow before promise


def test_escrow_lock_is_all_or_nothing(ledger: Ledger) -> None:
    funded(ledger, (ALICE, 100), (BOB, 5))
    ledger.apply(CoinMint("gold", BOB.key, 9, b"g"))
    before = ledger.state()
    with pytest.raises(Refused, match=BOB.key.hex()[:16]):
        lock(ledger, K1, Stake(ALICE.key, 60), Stake(BOB.key, 6))
    with pytest.raises(Refused, match="gold"):
        lock(ledger, K1, Stake(ALICE.key, 60), Stake(CHARLIE.key, 0, ("gold",)))
    with pytest.raises(Refused, match="no coin"):
        lock(ledger, K1, Stake(ALICE.key, 60, ("silver",)))
    assert ledger.state() == before
    lock(ledger, K1, Stake(ALICE.key, 60), Stake(BOB.key, 5, ("gold",)))
    assert ledger.escrow(K1) == 65
    assert ledger.escrow(K1, ALICE.key) == 60
    assert ledger.escrows() == {(K1, ALICE.key): 60, (K1, BOB.key): 5}
    assert ledger.balance(ALICE.key) == 40
    assert ledger.balance(BOB.key) == 0
    gold = ledger.coin("gold")
    assert gold is not None
    assert gold.contract == K1
    assert ledger.coins(contract=K1) == (gold,)
    assert ledger.totals().escrow == 65 + 9
    check_invariants(ledger)


def test_payouts_and_refund(ledger: Ledger) -> None:
    funded(ledger, (ALICE, 100))
    ledger.apply(CoinMint("gold", ALICE.key, 9, b"g"))
    lock(ledger, K1, Stake(ALICE.key, 50, ("gold",)))
    ledger.apply(pay(K1, ALICE, BOB, 20, ref=b"p1"))
    with pytest.raises(Refused, match=r"^insufficient-funds"):
        ledger.apply(pay(K1, ALICE, BOB, 31, ref=b"p2"))
    with pytest.raises(Refused, match=r"^insufficient-funds"):
        ledger.apply(pay(K2, ALICE, BOB, 1, ref=b"p3"))  # nothing escrowed in K2
    with pytest.raises(Refused, match="worth 9"):
        ledger.apply(pay(K1, ALICE, BOB, 3, coin="gold", ref=b"p4"))
    with pytest.raises(Refused, match="not in this contract"):
        ledger.apply(pay(K1, BOB, CHARLIE, 0, coin="gold", ref=b"p5"))
    ledger.apply(pay(K1, ALICE, CHARLIE, 9, coin="gold", ref=b"p6"))
    gold = ledger.coin("gold")
    assert gold is not None
    assert gold.plain
    assert gold.owner == CHARLIE.key
    ledger.apply(Refund(K1, b"close"))
    assert ledger.escrow(K1) == 0
    assert ledger.balances() == {ALICE.key: 80, BOB.key: 20}
    check_invariants(ledger)


def test_refund_returns_escrowed_coins(ledger: Ledger) -> None:
    ledger.apply(CoinMint("gold", ALICE.key, 9, b"g"))
    lock(ledger, K1, Stake(ALICE.key, 0, ("gold",)))
    ledger.apply(Refund(K1, b"close"))
    gold = ledger.coin("gold")
    assert gold is not None
    assert gold.plain
    assert gold.owner == ALICE.key
    assert ledger.apply(CoinMove("gold", ALICE.key, BOB.key, b"mv")).seq == 4
    with pytest.raises(Refused, match=r"^insufficient-funds"):
        ledger.apply(CoinMove("gold", ALICE.key, BOB.key, b"mv2"))
    with pytest.raises(Refused, match="already exists"):
        ledger.apply(CoinMint("gold", ALICE.key, 1, b"g2"))


# ---------------------------------------------------------------------------------------------
# Conditional ownership


def chain_setup(ledger: Ledger) -> tuple[Digest, Digest]:
    """Alice pays Bob 10 under claim C1; Bob passes 6 to Charlie under C2. Returns the two
    holding ids."""
    funded(ledger, (ALICE, 100))
    lock(ledger, K1, Stake(ALICE.key, 10))
    payout = pay(K1, ALICE, BOB, 10, condition=C1)
    ledger.apply(payout)
    bob = ledger.holding_of(payout.id)
    assert bob is not None
    passed = HoldingPass(bob.id, BOB.key, CHARLIE.key, 6, C2, b"pass")
    ledger.apply(passed)
    charlie = ledger.holding_of(passed.id)
    assert charlie is not None
    return bob.id, charlie.id


def test_a_conditional_payout_is_a_holding_not_a_balance(ledger: Ledger) -> None:
    bob_id, charlie_id = chain_setup(ledger)
    assert ledger.balance(BOB.key) == 0
    assert ledger.balance(CHARLIE.key) == 0
    bob, charlie = ledger.holding(bob_id), ledger.holding(charlie_id)
    assert bob is not None
    assert charlie is not None
    assert (bob.amount, bob.state, bob.conditions) == (4, HoldingState.LIVE, (C1,))
    assert bob.holding.contract == K1
    assert bob.holding.payer == ALICE.key
    assert charlie.conditions == tuple(sorted((C1, C2), key=lambda d: d.raw))
    assert charlie.holding.parent == bob_id
    assert charlie.holding.depth == 1
    assert ledger.chain(charlie_id) == (bob, charlie)
    assert ledger.descendants(bob_id) == (charlie,)
    assert ledger.holdings(claim=C1) == tuple(sorted((bob, charlie), key=lambda r: r.id.raw))
    assert ledger.holdings(claim=C2) == (charlie,)
    assert ledger.holdings(owner=CHARLIE.key) == (charlie,)
    assert ledger.totals().conditional == 10
    check_invariants(ledger)


def test_an_upheld_claim_makes_holdings_plain_once_all_their_claims_are(ledger: Ledger) -> None:
    bob_id, _ = chain_setup(ledger)
    ledger.apply(ResolveCondition(C1, True, b"r1"))
    assert ledger.balance(BOB.key) == 4
    assert ledger.balance(CHARLIE.key) == 0  # still depends on C2
    bob = ledger.holding(bob_id)
    assert bob is not None
    assert bob.state is HoldingState.SETTLED
    ledger.apply(ResolveCondition(C2, True, b"r2"))
    assert ledger.balance(CHARLIE.key) == 6
    assert ledger.totals().conditional == 0
    check_invariants(ledger)


def test_a_failed_claim_unwinds_the_whole_chain_by_corrections(ledger: Ledger) -> None:
    bob_id, charlie_id = chain_setup(ledger)
    journal_before = [r.id for r in ledger.journal()]
    receipt = ledger.apply(ResolveCondition(C1, False, b"r1"))
    # Charlie's holding (deeper) is unwound first, into Bob's, then Bob's into the escrow.
    charlie_entry = ledger.holding(charlie_id)
    bob_entry = ledger.holding(bob_id)
    assert charlie_entry is not None
    assert bob_entry is not None
    assert len(receipt.derived) == 2
    corrections = [ledger.entry(d) for d in receipt.derived]
    targets = [r.entry.corrects for r in corrections if r is not None]  # type: ignore[union-attr]
    assert targets == [charlie_entry.holding.entry, bob_entry.holding.entry]
    assert all(r is not None and r.cause == receipt.entry for r in corrections)
    assert ledger.corrected_by(bob_entry.holding.entry) == receipt.derived[1]
    assert (charlie_entry.state, bob_entry.state) == (HoldingState.UNWOUND,) * 2
    assert ledger.escrow(K1, ALICE.key) == 10
    assert ledger.totals().conditional == 0
    # Nothing was deleted: the journal only grew.
    assert [r.id for r in ledger.journal()][: len(journal_before)] == journal_before
    ledger.apply(Refund(K1, b"close"))
    assert ledger.balance(ALICE.key) == 100
    check_invariants(ledger)


def test_a_failed_later_claim_returns_value_to_the_holding_it_came_from(ledger: Ledger) -> None:
    bob_id, _ = chain_setup(ledger)
    ledger.apply(ResolveCondition(C2, False, b"r2"))
    bob = ledger.holding(bob_id)
    assert bob is not None
    assert (bob.amount, bob.state) == (10, HoldingState.LIVE)
    ledger.apply(ResolveCondition(C1, True, b"r1"))
    assert ledger.balance(BOB.key) == 10
    check_invariants(ledger)


def test_unwinding_into_a_settled_holding_pays_its_owner(ledger: Ledger) -> None:
    chain_setup(ledger)
    ledger.apply(ResolveCondition(C1, True, b"r1"))
    ledger.apply(ResolveCondition(C2, False, b"r2"))
    assert ledger.balance(BOB.key) == 10
    assert ledger.balance(CHARLIE.key) == 0
    check_invariants(ledger)


def test_coins_travel_conditionally_and_unwind(ledger: Ledger) -> None:
    ledger.apply(CoinMint("gold", ALICE.key, 9, b"g"))
    lock(ledger, K1, Stake(ALICE.key, 0, ("gold",)))
    payout = pay(K1, ALICE, BOB, 0, coin="gold", condition=C1)
    ledger.apply(payout)
    bob = ledger.holding_of(payout.id)
    assert bob is not None
    gold = ledger.coin("gold")
    assert gold is not None
    assert (gold.holding, gold.owner) == (bob.id, BOB.key)
    with pytest.raises(Refused, match="passes whole"):
        ledger.apply(HoldingPass(bob.id, BOB.key, CHARLIE.key, 1, None, b"p"))
    ledger.apply(HoldingPass(bob.id, BOB.key, CHARLIE.key, 9, None, b"p"))
    assert ledger.totals().conditional == 9
    ledger.apply(ResolveCondition(C1, False, b"r"))
    gold = ledger.coin("gold")
    assert gold is not None
    assert (gold.contract, gold.owner, gold.holding) == (K1, ALICE.key, None)
    check_invariants(ledger)


def test_conditions_that_are_already_resolved(ledger: Ledger) -> None:
    funded(ledger, (ALICE, 100))
    lock(ledger, K1, Stake(ALICE.key, 50))
    ledger.apply(ResolveCondition(C1, True, b"r1"))
    ledger.apply(ResolveCondition(C2, False, b"r2"))
    with pytest.raises(Refused, match="already resolved"):
        ledger.apply(ResolveCondition(C1, False, b"again"))
    with pytest.raises(Refused, match="has failed"):
        ledger.apply(pay(K1, ALICE, BOB, 5, condition=C2, ref=b"p0"))
    payout = pay(K1, ALICE, BOB, 5, condition=C1, ref=b"p1")
    ledger.apply(payout)  # already upheld: the holding is settled at once
    assert ledger.balance(BOB.key) == 5
    held = ledger.holding_of(payout.id)
    assert held is not None
    assert held.state is HoldingState.SETTLED
    check_invariants(ledger)


def test_passing_a_holding_is_checked(ledger: Ledger) -> None:
    bob_id, _ = chain_setup(ledger)
    with pytest.raises(Refused, match="not"):
        ledger.apply(HoldingPass(bob_id, CHARLIE.key, DAVE.key, 1, None, b"x"))
    with pytest.raises(Refused, match="holds 4"):
        ledger.apply(HoldingPass(bob_id, BOB.key, DAVE.key, 5, None, b"x"))
    with pytest.raises(Refused, match="positive"):
        ledger.apply(HoldingPass(bob_id, BOB.key, DAVE.key, 0, None, b"x"))
    with pytest.raises(Refused, match="no holding"):
        ledger.apply(HoldingPass(K2, BOB.key, DAVE.key, 1, None, b"x"))
    ledger.apply(ResolveCondition(C2, False, b"r2"))
    with pytest.raises(Refused, match="has failed"):
        ledger.apply(HoldingPass(bob_id, BOB.key, DAVE.key, 1, C2, b"x"))
    ledger.apply(HoldingPass(bob_id, BOB.key, DAVE.key, 10, None, b"all"))
    bob = ledger.holding(bob_id)
    assert bob is not None
    assert (bob.amount, bob.state) == (0, HoldingState.SPENT)
    with pytest.raises(Refused, match="spent"):
        ledger.apply(HoldingPass(bob_id, BOB.key, DAVE.key, 1, None, b"more"))


# ---------------------------------------------------------------------------------------------
# Bonds


def test_bonds_post_release_and_forfeit(ledger: Ledger) -> None:
    funded(ledger, (BOB, 100))
    post = BondPost(BOB.key, 40, C1, b"b1")
    ledger.apply(post)
    other = BondPost(BOB.key, 50, C2, b"b2")
    ledger.apply(other)
    assert ledger.balance(BOB.key) == 10
    assert ledger.totals().bonds == 90
    bond = ledger.bond(post.id)
    assert bond is not None
    assert (bond.owner, bond.amount, bond.state) == (BOB.key, 40, BondState.OPEN)
    assert ledger.bonds(subject=C1) == (bond,)
    ledger.apply(BondRelease(post.id, b"rel"))
    assert ledger.balance(BOB.key) == 50
    with pytest.raises(Refused, match="already released"):
        ledger.apply(BondRelease(post.id, b"rel2"))
    with pytest.raises(Refused, match="must equal"):
        ledger.apply(BondForfeit(other.id, 10, 10, ALICE.key, b"f"))
    with pytest.raises(Refused, match="own owner"):
        ledger.apply(BondForfeit(other.id, 10, 40, BOB.key, b"f"))
    ledger.apply(BondForfeit(other.id, 30, 20, ALICE.key, b"f"))
    assert ledger.balance(ALICE.key) == 20
    totals = ledger.totals()
    assert (totals.bonds, totals.burned) == (0, 30)
    assert ledger.bonds(state=BondState.FORFEITED)[0].closed_by is not None
    with pytest.raises(Refused, match="no bond"):
        ledger.apply(BondRelease(C1, b"x"))
    check_invariants(ledger)


# ---------------------------------------------------------------------------------------------
# Corrections


def test_corrections_reverse_entries_once_and_delete_nothing(ledger: Ledger) -> None:
    funded(ledger, (ALICE, 100))
    move = Move(ALICE.key, BOB.key, 30, b"m")
    ledger.apply(move)
    fix = Correction(move.id, "wrong payee", b"fix")
    ledger.apply(fix)
    assert ledger.balances() == {ALICE.key: 100}
    assert ledger.corrected_by(move.id) == fix.id
    assert ledger.has_entry(move.id)
    assert [r.id for r in ledger.journal()][-2:] == [move.id, fix.id]
    with pytest.raises(Refused, match="already corrected"):
        ledger.apply(Correction(move.id, "again", b"fix2"))
    with pytest.raises(Refused, match="cannot be corrected"):
        ledger.apply(Correction(fix.id, "undo the undo", b"fix3"))
    with pytest.raises(Refused, match="no entry"):
        ledger.apply(Correction(K1, "nothing", b"fix4"))
    check_invariants(ledger)


def test_corrections_of_each_reversible_kind(ledger: Ledger) -> None:
    funded(ledger, (ALICE, 100))
    ledger.apply(CoinMint("gold", ALICE.key, 9, b"g"))
    entries = [
        Mint(BOB.key, 7, b"mint"),
        Burn(ALICE.key, 3, b"burn"),
        CoinMove("gold", ALICE.key, BOB.key, b"cm"),
    ]
    for entry in entries:
        before = ledger.state()
        ledger.apply(entry)
        ledger.apply(Correction(entry.id, "test", b"c" + entry.ref))
        after = ledger.state()
        assert (after.balances, after.coins, after.totals) == (
            before.balances,
            before.coins,
            before.totals,
        )
    before = ledger.state()
    lock_entry = EscrowLock(K1, (Stake(ALICE.key, 10, ("gold",)),), b"l")
    ledger.apply(lock_entry)
    payout = pay(K1, ALICE, BOB, 4, ref=b"p")
    ledger.apply(payout)
    with pytest.raises(
        Refused, match=r"^insufficient-funds"
    ):  # the lock's escrow is partly paid out
        ledger.apply(Correction(lock_entry.id, "test", b"cl"))
    ledger.apply(Correction(payout.id, "test", b"cp"))
    ledger.apply(Correction(lock_entry.id, "test", b"cl"))
    after = ledger.state()
    assert (after.balances, after.coins, after.escrow) == (
        before.balances,
        before.coins,
        before.escrow,
    )
    check_invariants(ledger)


def test_correcting_a_conditional_payout_needs_its_passes_unwound_first(ledger: Ledger) -> None:
    bob_id, charlie_id = chain_setup(ledger)
    bob, charlie = ledger.holding(bob_id), ledger.holding(charlie_id)
    assert bob is not None
    assert charlie is not None
    with pytest.raises(Refused, match="unwind what was passed on"):
        ledger.apply(Correction(bob.holding.entry, "test", b"c1"))
    ledger.apply(Correction(charlie.holding.entry, "test", b"c2"))
    ledger.apply(Correction(bob.holding.entry, "test", b"c1"))
    assert ledger.escrow(K1, ALICE.key) == 10
    # A failed claim later finds nothing left to unwind.
    assert ledger.apply(ResolveCondition(C1, False, b"r")).derived == ()
    check_invariants(ledger)


# ---------------------------------------------------------------------------------------------
# Atomic groups, objects and heads


def test_apply_all_is_all_or_nothing(ledger: Ledger) -> None:
    funded(ledger, (ALICE, 10))
    before = ledger.state()
    with pytest.raises(Refused, match=r"^insufficient-funds"):
        ledger.apply_all([Move(ALICE.key, BOB.key, 5, b"1"), Move(ALICE.key, BOB.key, 6, b"2")])
    assert ledger.state() == before
    receipts = ledger.apply_all(
        [Move(ALICE.key, BOB.key, 5, b"1"), Move(ALICE.key, BOB.key, 5, b"2")]
    )
    assert [r.seq for r in receipts] == [2, 3]
    assert ledger.apply_all([]) == ()


def test_a_transaction_groups_entries_objects_and_heads(ledger: Ledger) -> None:
    funded(ledger, (ALICE, 10))
    statement = Statement(K1, K2, C1, 0)
    before = ledger.state()

    def failing_step() -> None:
        with ledger.transaction():
            ledger.apply(Move(ALICE.key, BOB.key, 5, b"1"))
            ledger.put(statement)
            ledger.set_head("contract/1", statement.id)
            raise RuntimeError("the step failed after its transfers")

    with pytest.raises(RuntimeError):
        failing_step()
    assert ledger.state() == before
    with ledger.transaction():
        ledger.apply(Move(ALICE.key, BOB.key, 5, b"1"))
        with pytest.raises(Refused, match=r"^insufficient-funds"):
            ledger.apply(Move(ALICE.key, BOB.key, 6, b"2"))  # rolled back alone
        assert ledger.put(statement) == statement.id
        ledger.set_head("contract/1", statement.id)
    assert ledger.balances() == {ALICE.key: 5, BOB.key: 5}
    assert ledger.head("contract/1") == statement.id
    assert ledger.heads() == {"contract/1": statement.id}
    assert ledger.get(statement.id) == statement
    assert ledger.get(statement.id, Statement) == statement
    assert ledger.get_bytes(statement.id) == statement.encoded
    assert ledger.get(K1) is None
    assert ledger.head("nothing") is None
    with pytest.raises(WrongType, match="not a Transfer"):
        ledger.get(statement.id, Transfer)


def test_nested_transactions(ledger: Ledger) -> None:
    funded(ledger, (ALICE, 10))

    def failing_inner() -> None:
        with ledger.transaction():
            ledger.apply(Move(ALICE.key, BOB.key, 2, b"2"))
            raise KeyError("inner")

    with ledger.transaction():
        ledger.apply(Move(ALICE.key, BOB.key, 1, b"1"))
        with pytest.raises(KeyError):
            failing_inner()
        with ledger.transaction():
            ledger.apply(Move(ALICE.key, BOB.key, 3, b"3"))
    assert ledger.balances() == {ALICE.key: 6, BOB.key: 4}
    assert len(list(ledger.journal())) == 3


@pytest.mark.parametrize(
    "call",
    [
        lambda ledger: ledger.apply("mint"),
        lambda ledger: ledger.apply_all([Mint(ALICE.key, 1, b"1"), 5]),
        lambda ledger: ledger.balance(ALICE),
        lambda ledger: ledger.escrow(b"\x00" * 32),
        lambda ledger: ledger.journal(0).__next__(),
        lambda ledger: ledger.journal(INT_LIMIT).__next__(),
        lambda ledger: ledger.put(b"bytes"),
        lambda ledger: ledger.set_head("", K1),
        lambda ledger: ledger.set_head("x", b"\x00" * 32),
        lambda ledger: ledger.coin(5),
        lambda ledger: ledger.has_entry("id"),
    ],
)
def test_bad_arguments_raise_typed_errors(ledger: Ledger, call: Callable[[Ledger], object]) -> None:
    with pytest.raises(WrongType):
        call(ledger)
    assert ledger.state().journal == ()


# ---------------------------------------------------------------------------------------------
# Properties over random workloads


def run_and_check(ledger: Ledger, ops: list[LedgerOp]) -> int:
    """Apply each op's entry; after each: conservation, no negative amount, a failing entry
    changed nothing, a duplicate changed nothing, the journal only grew. Returns how many
    entries applied."""
    applied = 0
    for i, op in enumerate(ops):
        entry = entry_for(op, ledger, i.to_bytes(4, "big"))
        if entry is None:
            continue
        before = ledger.state()
        known = ledger.has_entry(entry.id)
        try:
            receipt = ledger.apply(entry)
        except Refused:
            assert ledger.state() == before
            continue
        after = ledger.state()
        if known:
            assert receipt.duplicate
            assert after == before
        else:
            applied += 1
            assert not receipt.duplicate
            assert after.journal[: len(before.journal)] == before.journal
            assert after.journal[len(before.journal)][1] == entry.id
            assert [j[1] for j in after.journal[len(before.journal) + 1 :]] == list(receipt.derived)
        check_invariants(ledger)
    for corrected, correction in ledger.state().corrections:
        record = ledger.entry(correction)
        assert record is not None
        assert isinstance(record.entry, Correction)
        assert record.entry.corrects == corrected
        assert ledger.has_entry(corrected)
    return applied


@pytest.mark.parametrize("backend", sorted(BACKENDS))
@settings(max_examples=60)
@given(ops=st.lists(ledger_ops, max_size=40))
def test_random_workloads_keep_every_invariant(backend: str, ops: list[LedgerOp]) -> None:
    with BACKENDS[backend]() as ledger:
        run_and_check(ledger, ops)


@settings(max_examples=40)
@given(ops=st.lists(ledger_ops, min_size=5, max_size=40))
def test_reapplying_the_whole_journal_changes_nothing(ops: list[LedgerOp]) -> None:
    with MemoryLedger() as ledger:
        run_and_check(ledger, ops)
        state = ledger.state()
        entries = [r.entry for r in ledger.journal()]
        assert all(r.duplicate for r in ledger.apply_all(entries))
        assert ledger.state() == state


def test_the_workload_generator_reaches_every_entry_kind() -> None:
    """Control for the properties above: random workloads do apply every kind of entry."""
    rng = random.Random(7)
    kinds: set[str] = set()
    states: set[HoldingState] = set()
    for _ in range(30):
        with MemoryLedger() as ledger:
            ops = [
                LedgerOp(
                    rng.choice(LEDGER_OP_KINDS),
                    rng.randrange(12),
                    rng.randrange(12),
                    rng.randrange(12),
                    rng.choice([1, 5, 20, 60]),
                    rng.random() < 0.5,
                )
                for _ in range(60)
            ]
            run_and_check(ledger, ops)
            kinds |= {r.entry.KIND for r in ledger.journal()}
            states |= {r.state for r in ledger.holdings()}
    assert kinds >= {
        "mint", "burn", "move", "coin-mint", "coin-move", "escrow-lock", "payout", "refund",
        "bond-post", "bond-release", "bond-forfeit", "holding-pass", "resolve-condition",
        "correction",
    }  # fmt: skip
    assert states == set(HoldingState)


@given(ledger_entries)
def test_every_entry_round_trips_and_applies_or_is_refused(entry: object) -> None:
    """Arbitrary entries against an empty ledger: applied, or refused with a typed error and
    no change; never another exception."""
    with MemoryLedger() as ledger:
        try:
            ledger.apply(entry)  # type: ignore[arg-type]
        except Refused:
            assert ledger.state().journal == ()
        check_invariants(ledger)
