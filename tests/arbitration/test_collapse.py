"""Collapse: final ownership from outcomes, unwinding with recourse, idempotence, fan-out.

The central property compares :func:`collapse` on random graphs of conditional holdings with a
deliberately simple model: each live amount walks up its chain to the first holding whose
claims none failed (plain if they are all upheld, still conditional otherwise), or back to the
escrow it came from.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oddsproof.arbitration import (
    RECOURSE_POOL,
    FanoutPolicy,
    RecoursePolicy,
    Resolution,
    collapse,
    ownership,
    pass_on,
    sweep,
)
from oddsproof.errors import Refused
from oddsproof.ledger import (
    BondPost,
    BondState,
    CoinMint,
    EscrowLock,
    HoldingPass,
    HoldingRecord,
    HoldingState,
    Ledger,
    MemoryLedger,
    Mint,
    Payout,
    SqliteLedger,
    Stake,
    Transfer,
)
from oddsproof.wire import Digest, Party, PublicKey, tagged_hash
from tests.strategies import IDENTITIES

ALICE, BOB, CHARLIE, DAVE, ERIN, FRANK = IDENTITIES
PEOPLE = IDENTITIES[:5]
CONTRACTS = tuple(tagged_hash("test/contract", bytes([i])) for i in range(2))
CLAIMS = tuple(tagged_hash("test/claim", bytes([i])) for i in range(4))


def fund(ledger: Ledger, amount: int = 10_000) -> None:
    for who in IDENTITIES:
        ledger.apply(Mint(who.key, amount, b"mint-" + who.name.encode()))


def lock(ledger: Ledger, contract: Digest, payer: Party, amount: int) -> None:
    ledger.apply(EscrowLock(contract, (Stake(payer.key, amount),), b"lock-" + payer.key.raw[:8]))


def pay(ledger: Ledger, contract: Digest, payer: Party, payee: Party, amount: int,
        claim: Digest, ref: bytes) -> HoldingRecord:  # fmt: skip
    entry = Payout(contract, Transfer(payer, payee, amount, condition=claim), ref)
    ledger.apply(entry)
    record = ledger.holding_of(entry.id)
    assert record is not None
    return record


def hand_on(ledger: Ledger, holding: HoldingRecord, to: PublicKey, amount: int,
            ref: bytes, condition: Digest | None = None) -> HoldingRecord:  # fmt: skip
    entry = HoldingPass(holding.id, holding.owner, to, amount, condition, ref)
    ledger.apply(entry)
    record = ledger.holding_of(entry.id)
    assert record is not None
    return record


def chain(ledger: Ledger, length: int, *, amount: int = 90) -> list[HoldingRecord]:
    """Alice pays Bob under claim 0; the holding is passed on ``length - 1`` times."""
    lock(ledger, CONTRACTS[0], ALICE.party, amount)
    links = [pay(ledger, CONTRACTS[0], ALICE.party, BOB.party, amount, CLAIMS[0], b"pay")]
    for i in range(1, length):
        owner = links[-1]
        to = PEOPLE[(i + 1) % len(PEOPLE)].key
        if to == owner.owner:
            to = PEOPLE[(i + 2) % len(PEOPLE)].key
        links.append(hand_on(ledger, owner, to, amount, b"pass-%d" % i))
    return links


def test_a_failure_at_the_root_unwinds_the_chain_and_reimburses_the_last_holder() -> None:
    ledger = MemoryLedger()
    fund(ledger)
    links = chain(ledger, 4)
    bond = BondPost(BOB.key, 100, CLAIMS[0], b"claim-bond")
    ledger.apply(bond)
    holder = links[-1].owner
    before = ledger.balance(holder)
    report = collapse(ledger, [Resolution(CLAIMS[0], False, BOB.key, ALICE.key)])
    assert report.unwound == 4
    assert all(ledger.holding(h.id).state is HoldingState.UNWOUND for h in links)  # type: ignore[union-attr]
    assert ledger.escrow(CONTRACTS[0], ALICE.key) == 90  # back where it came from
    assert [(loss.victim, loss.amount, loss.reimbursed) for loss in report.losses] == [
        (holder, 90, 50)
    ]
    assert ledger.balance(holder) == before + 50  # half the bond; the other half burned
    assert report.burned == 50
    assert ledger.bond(bond.id).state is BondState.FORFEITED  # type: ignore[union-attr]
    assert ledger.balance(RECOURSE_POOL) == 0
    assert ledger.totals().conserved


def test_an_upheld_claim_makes_the_chain_plain_and_releases_its_bonds() -> None:
    ledger = MemoryLedger()
    fund(ledger)
    links = chain(ledger, 3)
    ledger.apply(BondPost(BOB.key, 100, CLAIMS[0], b"claim-bond"))
    holder = links[-1].owner
    before = ledger.balance(holder)
    report = collapse(ledger, [Resolution(CLAIMS[0], True, BOB.key)])
    assert report.settled == 1  # the live leaf; the others were spent
    assert ledger.balance(holder) == before + 90
    assert ledger.balance(BOB.key) == 10_000
    assert len(report.released) == 1


def test_collapse_is_idempotent() -> None:
    ledger = MemoryLedger()
    fund(ledger)
    chain(ledger, 5)
    ledger.apply(BondPost(BOB.key, 100, CLAIMS[0], b"claim-bond"))
    outcome = [Resolution(CLAIMS[0], False, BOB.key, ALICE.key)]
    first = collapse(ledger, outcome, closed=lambda _c: True)
    after = ledger.state()
    second = collapse(ledger, outcome, closed=lambda _c: True)
    assert first.changed
    assert not second.changed
    assert second.entries == 0
    assert ledger.state() == after


def test_the_work_is_one_entry_per_holding_plus_a_constant() -> None:
    counts = []
    for length in (3, 30, 300):
        ledger = MemoryLedger()
        fund(ledger)
        chain(ledger, length)
        ledger.apply(BondPost(BOB.key, 100, CLAIMS[0], b"claim-bond"))
        report = collapse(ledger, [Resolution(CLAIMS[0], False, BOB.key)])
        counts.append(report.entries - length)
    assert len(set(counts)) == 1, counts


def test_unwound_value_in_a_closed_contract_is_swept_back_to_the_payer() -> None:
    ledger = MemoryLedger()
    fund(ledger)
    chain(ledger, 2)
    kept = collapse(ledger, [Resolution(CLAIMS[0], False)], closed=lambda _c: False)
    assert kept.swept == ()
    assert ledger.escrow(CONTRACTS[0], ALICE.key) == 90
    assert sweep(ledger, CONTRACTS[0], ref=b"later") is not None
    assert ledger.balance(ALICE.key) == 10_000
    assert sweep(ledger, CONTRACTS[0], ref=b"again") is None  # nothing left


def test_contradictory_or_reversed_outcomes_are_refused() -> None:
    ledger = MemoryLedger()
    fund(ledger)
    chain(ledger, 2)
    with pytest.raises(Refused, match="both"):
        collapse(ledger, [Resolution(CLAIMS[0], False), Resolution(CLAIMS[0], True)])
    collapse(ledger, [Resolution(CLAIMS[0], True)])
    with pytest.raises(Refused, match="other way"):
        collapse(ledger, [Resolution(CLAIMS[0], False)])


def test_final_ownership_of_a_coin_follows_the_outcome() -> None:
    ledger = MemoryLedger()
    fund(ledger)
    ledger.apply(CoinMint("coin-7", ALICE.key, 500, b"coin"))
    ledger.apply(EscrowLock(CONTRACTS[1], (Stake(ALICE.key, 0, ("coin-7",)),), b"lock-coin"))
    entry = Payout(CONTRACTS[1], Transfer(ALICE.party, BOB.party, 0, "coin-7", CLAIMS[1]), b"p")
    ledger.apply(entry)
    held = ledger.holding_of(entry.id)
    assert held is not None
    hand_on(ledger, held, CHARLIE.key, 500, b"coin-pass")
    assert ownership(ledger).owner("coin-7") == CHARLIE.key
    collapse(ledger, [Resolution(CLAIMS[1], False, BOB.key)], closed=lambda _c: True)
    view = ownership(ledger)
    assert view.owner("coin-7") == ALICE.key
    assert ("coin-7", ALICE.key, "plain") in view.coins


# --- recourse ------------------------------------------------------------------------------------


@settings(max_examples=60)
@given(
    bonds=st.lists(st.integers(1, 400), min_size=0, max_size=3),
    splits=st.lists(st.integers(1, 30), min_size=1, max_size=4),
    burn=st.sampled_from([(1, 2), (1, 10), (1, 1), (2, 3)]),
    prover=st.booleans(),
)
def test_recourse_never_pays_a_victim_more_than_it_lost_and_accounts_for_every_unit(
    bonds: list[int], splits: list[int], burn: tuple[int, int], prover: bool
) -> None:
    ledger = MemoryLedger()
    fund(ledger)
    total = sum(splits)
    lock(ledger, CONTRACTS[0], ALICE.party, total)
    root = pay(ledger, CONTRACTS[0], ALICE.party, BOB.party, total, CLAIMS[0], b"pay")
    for i, amount in enumerate(splits):  # Bob hands parts to several people (fan-out)
        hand_on(ledger, root, PEOPLE[2 + i % 3].key, amount, b"part-%d" % i)
    for i, amount in enumerate(bonds):
        ledger.apply(BondPost(BOB.key, amount, CLAIMS[0], b"bond-%d" % i))
    ledger.apply(BondPost(DAVE.key, 7, CLAIMS[0], b"someone-else"))
    balances = {who.key: ledger.balance(who.key) for who in IDENTITIES}
    policy = RecoursePolicy(burn=burn)
    report = collapse(
        ledger,
        [Resolution(CLAIMS[0], False, BOB.key, ALICE.key if prover else None)],
        policy=policy,
    )
    lost = Counter[PublicKey]()
    for i, amount in enumerate(splits):
        lost[PEOPLE[2 + i % 3].key] += amount
    assert {loss.victim: loss.amount for loss in report.losses} == dict(lost)
    paid = {loss.victim: loss.reimbursed for loss in report.losses}
    for victim, amount in lost.items():
        assert 0 <= paid[victim] <= amount
    available = sum(b - policy.burned(b) for b in bonds)
    assert sum(paid.values()) == min(available, total)
    assert report.burned + sum(paid.values()) + report.to_prover == sum(bonds)
    assert report.burned >= len(bonds)  # every forfeited bond burns at least one unit
    assert report.to_prover == (available - sum(paid.values()) if prover else 0)
    assert ledger.balance(RECOURSE_POOL) == 0
    for who in IDENTITIES:
        expected = balances[who.key] + paid.get(who.key, 0)
        if who is ALICE:
            expected += report.to_prover
        if who is DAVE:
            expected += 7  # a bond the claimant did not post is released
        assert ledger.balance(who.key) == expected
    assert all(ledger.bond(b).state is BondState.FORFEITED for b in report.forfeited)  # type: ignore[union-attr]
    assert ledger.totals().conserved


# --- fan-out -------------------------------------------------------------------------------------


def test_fan_out_past_the_limit_needs_a_bond_per_dependant() -> None:
    ledger = MemoryLedger()
    fund(ledger, 1_000)
    lock(ledger, CONTRACTS[0], ALICE.party, 50)
    root = pay(ledger, CONTRACTS[0], ALICE.party, BOB.party, 50, CLAIMS[0], b"pay")
    policy = FanoutPolicy(limit=3, bond=100)
    posted = []
    for i in range(4):
        to = PEOPLE[2 + i % 3].key
        entry = HoldingPass(root.id, BOB.key, to, 5, None, b"fan-%d" % i)
        receipts = pass_on(ledger, entry, policy=policy)
        posted.append(len(receipts) - 1)
        root = ledger.holding(root.id)  # type: ignore[assignment]
    assert posted == [0, 0, 1, 1]  # the root and two passes are free; then a bond each
    assert pass_on(ledger, entry, policy=policy)[0].duplicate  # a repeat posts nothing more
    poor = HoldingPass(root.id, BOB.key, DAVE.key, 5, None, b"fan-poor")
    ledger.apply(BondPost(BOB.key, ledger.balance(BOB.key) - 50, Digest(b"\x00" * 32), b"sink"))
    before = ledger.state()
    with pytest.raises(Refused, match=r"^(fanout-exceeded)"):
        pass_on(ledger, poor, policy=policy)
    assert ledger.state() == before
    report = collapse(ledger, [Resolution(CLAIMS[0], False, BOB.key)])
    assert len(report.forfeited) == 2  # the claimant's own fan-out bonds answer for the failure


# --- the model -----------------------------------------------------------------------------------


def model_positions(
    ledger: Ledger, decided: dict[Digest, bool]
) -> tuple[Counter[Any], Counter[Any], Counter[Any]]:
    """Where every live conditional amount ends up once ``decided`` claims are resolved too,
    walking up each chain by hand: (plain per owner, conditional per owner, escrow per
    (contract, payer))."""

    def resolution(claim: Digest) -> bool | None:
        known = ledger.resolution(claim)
        return decided.get(claim) if known is None else known

    plain: Counter[Any] = Counter()
    conditional: Counter[Any] = Counter()
    escrow: Counter[Any] = Counter()
    for record in ledger.holdings(state=HoldingState.LIVE):
        amount = record.amount
        at: HoldingRecord | None = record
        while at is not None:
            resolved = [resolution(c) for c in at.conditions]
            if False in resolved:
                parent = at.holding.parent
                if parent is None:
                    escrow[(at.holding.contract, at.holding.payer)] += amount
                    break
                at = ledger.holding(parent)
                continue
            if all(r is True for r in resolved):
                plain[at.owner] += amount
            else:
                conditional[at.owner] += amount
            break
    return plain, conditional, escrow


Op = tuple[str, int, int, int, int | None]


@st.composite
def holding_graphs(draw: st.DrawFn) -> list[Op]:
    """Operations building a random forest: payouts from two contracts under random claims,
    and passes (part or all, sometimes adding a claim) of random live holdings."""
    return draw(
        st.lists(
            st.tuples(
                st.sampled_from(["pay", "pass", "pass", "pass"]),
                st.integers(0, 1_000),
                st.integers(0, len(PEOPLE) - 1),
                st.integers(1, 40),
                st.none() | st.integers(0, len(CLAIMS) - 1),
            ),
            min_size=1,
            max_size=25,
        )
    )


def build(ledger: Ledger, ops: list[Op]) -> None:
    for n, (kind, pick, who, amount, claim) in enumerate(ops):
        ref = b"op-%d" % n
        live = ledger.holdings(state=HoldingState.LIVE)
        if kind == "pay" or not live:
            contract = CONTRACTS[pick % 2]
            payer = PEOPLE[pick % len(PEOPLE)].party
            payee = PEOPLE[who].party
            if payer == payee:
                continue
            ledger.apply(EscrowLock(contract, (Stake(payer.key, amount),), b"lock-" + ref))
            pay(ledger, contract, payer, payee, amount, CLAIMS[claim or 0], ref)
            continue
        source = live[pick % len(live)]
        extra = None if claim is None else CLAIMS[claim]
        hand_on(ledger, source, PEOPLE[who].key, min(amount, source.amount), ref, extra)


@settings(max_examples=80)
@given(
    ops=holding_graphs(),
    rounds=st.lists(
        st.lists(st.tuples(st.integers(0, len(CLAIMS) - 1), st.booleans()), max_size=3),
        min_size=1,
        max_size=3,
    ),
)
def test_collapse_agrees_with_the_simple_model_on_random_graphs(
    ops: list[Op], rounds: list[list[tuple[int, bool]]]
) -> None:
    ledger = MemoryLedger()
    fund(ledger)
    build(ledger, ops)
    for outcomes in rounds:
        fresh: dict[Digest, bool] = {}
        for claim, upheld in outcomes:
            if ledger.resolution(CLAIMS[claim]) is None:
                fresh.setdefault(CLAIMS[claim], upheld)
        plain, conditional, escrow = model_positions(ledger, fresh)
        balances = ledger.balances()
        escrows = ledger.escrows()
        collapse(ledger, [Resolution(c, u) for c, u in fresh.items()])
        for who in IDENTITIES:
            assert ledger.balance(who.key) == balances.get(who.key, 0) + plain[who.key]
        held: Counter[Any] = Counter()
        for record in ledger.holdings(state=HoldingState.LIVE):
            held[record.owner] += record.amount
        assert held == conditional
        for (contract, payer), amount in ledger.escrows().items():
            assert amount == escrows.get((contract, payer), 0) + escrow[(contract, payer)]
        assert ledger.totals().conserved
        again = ledger.state()
        assert not collapse(ledger, [Resolution(c, u) for c, u in fresh.items()]).changed
        assert ledger.state() == again


def test_the_store_and_memory_collapse_identically(tmp_path: Any) -> None:
    states = []
    for ledger in (MemoryLedger(), SqliteLedger(tmp_path / "collapse.db")):
        with ledger:
            fund(ledger)
            chain(ledger, 6)
            ledger.apply(BondPost(BOB.key, 100, CLAIMS[0], b"claim-bond"))
            collapse(
                ledger, [Resolution(CLAIMS[0], False, BOB.key, ALICE.key)], closed=lambda _c: True
            )
            states.append(ledger.state())
    assert states[0] == states[1]
