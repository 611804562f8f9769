"""Redemption on the ledger: exactly once (and persisted), the step check with its slash,
overdrafts against the penalty escrow, unlocking, judges, and the bound on what any sequence of
sender actions can pay out."""

from __future__ import annotations

import contextlib
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from oddsproof.errors import InvalidArgument, Refused
from oddsproof.games import (
    LocalBeacon,
    LotteryAccount,
    RedemptionOutcome,
    Ticket,
    TicketBatch,
    TicketReason,
    WinningTicket,
    fund_account,
    judge_step,
    post_worker_bond,
    redeem,
    request_unlock,
    void_unopened,
    withdraw,
)
from oddsproof.games.lowlevel import account_state, batch_tree, penalty_bonds, win_threshold
from oddsproof.ledger import BondState, Ledger, MemoryLedger, Mint, SqliteLedger
from oddsproof.testing import TrainingChain, TrainingWorker, ZeroShortcutWorker
from oddsproof.wire import Digest, Signed
from tests.strategies import (
    BEACON,
    IDENTITIES,
    JUDGE,
    LOTTERY_DOMAIN,
    SENDER,
    WORKER,
    lottery_account,
    lottery_beacon,
    lottery_parties,
    small_chain,
)

NOW = 1_055  # round 5 is out; tickets target round 7 (public at 1070)
DRAWN = 1_070


@attrs.define
class World:
    """Alice's funded account, Bob's bonded worker, both parties' ticket machinery."""

    ledger: Ledger
    account: LotteryAccount
    beacon: LocalBeacon
    chain: TrainingChain
    worker: TrainingWorker
    issuer: Any
    receiver: Any

    def winners(self, count: int, *, now: int = NOW) -> tuple[WinningTicket, ...]:
        """Issue and accept ``count`` tickets, then draw them once their round is out."""
        state = account_state(self.ledger, self.account)
        bundle = self.issuer.issue(WORKER.party, self.worker.commit(count), now=now)
        self.receiver.accept(bundle, now=now, deposit=state.deposit, unlocking=state.unlocking)
        round_time = self.beacon.time_of(bundle.tickets[0].round)
        return self.receiver.winners(self.beacon, now=round_time)  # type: ignore[no-any-return]

    def redeem(self, winner: WinningTicket, **kwargs: Any) -> Any:
        arguments: dict[str, Any] = {
            "account": self.account,
            "beacon": self.beacon,
            "domain": LOTTERY_DOMAIN,
            "now": DRAWN,
            "computation": self.chain.computation,
            "state": self.worker.opening(winner.ticket.step),
            "seeds": self.chain.seeds,
        }
        arguments.update(kwargs)
        return redeem(self.ledger, winner, **arguments)


def make_world(
    ledger: Ledger | None = None,
    *,
    probability: Fraction = Fraction(1),
    deposit: int = 5_000,
    penalty: int = 1_000,
    bond: int = 500,
    worker: type[TrainingWorker] = TrainingWorker,
    judges: tuple[Any, ...] = (),
    **worker_args: Any,
) -> World:
    ledger = MemoryLedger() if ledger is None else ledger
    account = lottery_account(judges=judges)
    chain = small_chain(steps=64)
    ledger.apply(Mint(SENDER.key, 10_000, b"alice"))
    ledger.apply(Mint(WORKER.key, 1_000, b"bob"))
    fund_account(ledger, account, deposit=deposit, penalty=penalty, ref=b"open")
    post_worker_bond(ledger, WORKER, chain.job, bond, ref=b"job")
    issuer, receiver = lottery_parties(chain, account, probability=probability)
    return World(
        ledger,
        account,
        lottery_beacon(),
        chain,
        worker(chain, b"lottery", **worker_args),
        issuer,
        receiver,
    )


def _reason(fn: Any) -> TicketReason:
    with pytest.raises(Refused) as caught:
        fn()
    return caught.value.reason


def test_a_winner_is_paid_exactly_once() -> None:
    world = make_world()
    winners = world.winners(3)
    assert len(winners) == 3  # p = 1
    before = world.ledger.balance(WORKER.key)
    result = world.redeem(winners[0])
    assert result.outcome is RedemptionOutcome.PAID
    assert result.paid == 100
    assert world.ledger.balance(WORKER.key) == before + 100
    assert world.ledger.resolution(winners[0].ticket.id) is True
    state = world.ledger.state()
    assert _reason(lambda: world.redeem(winners[0])) is TicketReason.ALREADY_REDEEMED
    # Applying the very same ledger entries again is a duplicate: nothing moves.
    for receipt in result.receipts:
        entry = world.ledger.entry(receipt.entry)
        assert entry is not None
        assert world.ledger.apply(entry.entry).duplicate
    assert world.ledger.state() == state
    assert world.ledger.totals().conserved
    assert account_state(world.ledger, world.account).deposit == 4_900


def test_redemption_is_persisted_in_the_sqlite_store(tmp_path: Path) -> None:
    path = tmp_path / "lottery.db"
    with SqliteLedger(path) as ledger:
        world = make_world(ledger)
        winner = world.winners(1)[0]
        world.redeem(winner)
        opening = world.worker.opening(winner.ticket.step)
    with SqliteLedger(path) as ledger:
        world.ledger = ledger
        reason = _reason(lambda: world.redeem(winner, state=opening))
        assert reason is TicketReason.ALREADY_REDEEMED
        assert ledger.balance(WORKER.key) == 1_000 - 500 + 100
        assert ledger.get(winner.id, WinningTicket) == winner
        assert ledger.totals().conserved


def test_a_losing_ticket_pays_nothing() -> None:
    world = make_world(probability=Fraction(1, 4))
    state = account_state(world.ledger, world.account)
    bundle = world.issuer.issue(WORKER.party, world.worker.commit(12), now=NOW)
    cosigned = world.receiver.accept(bundle, now=NOW, deposit=state.deposit, unlocking=False)
    randomness = world.beacon.randomness(world.beacon.value(7, now=DRAWN))
    tree = batch_tree(bundle.tickets)
    losers = [i for i, t in enumerate(bundle.tickets) if not t.wins(randomness)]
    assert losers
    loser = WinningTicket(bundle.tickets[losers[0]], cosigned, tree.prove(losers[0]))
    assert _reason(lambda: world.redeem(loser)) is TicketReason.NOT_A_WINNER
    early = WinningTicket(bundle.tickets[0], cosigned, tree.prove(0))
    reason = _reason(lambda: world.redeem(early, now=DRAWN - 1))  # round 7 is not out yet
    assert reason is TicketReason.NOT_A_WINNER


def test_a_false_step_voids_the_ticket_and_slashes_the_bond() -> None:
    world = make_world(worker=ZeroShortcutWorker, start=1)
    winners = world.winners(3)
    honest, false = winners[0], winners[1]
    assert world.redeem(honest).outcome is RedemptionOutcome.PAID
    alice = world.ledger.balance(SENDER.key)
    result = world.redeem(false)
    assert result.outcome is RedemptionOutcome.VOIDED
    assert (result.paid, result.slashed, result.burned) == (0, 500, 250)
    assert world.ledger.balance(SENDER.key) == alice + 250
    assert world.ledger.resolution(false.ticket.id) is False
    bonds = world.ledger.bonds(owner=WORKER.key, subject=world.chain.job)
    assert [b.state for b in bonds] == [BondState.FORFEITED]
    assert _reason(lambda: world.redeem(false)) is TicketReason.ALREADY_REDEEMED
    assert world.ledger.totals().conserved


def test_a_wrong_opening_changes_nothing() -> None:
    world = make_world()
    first, second = world.winners(2)
    state = world.ledger.state()
    wrong = world.worker.opening(second.ticket.step)
    reason = _reason(lambda: world.redeem(first, state=wrong))
    assert reason is TicketReason.BAD_OPENING
    assert world.ledger.state() == state
    assert world.redeem(first).outcome is RedemptionOutcome.PAID


def test_an_unopened_winner_expires_and_is_voided() -> None:
    world = make_world()
    winner = world.winners(1)[0]
    expiry = winner.ticket.expiry
    assert _reason(lambda: world.redeem(winner, now=expiry)) is TicketReason.EXPIRED
    arguments = {"account": world.account, "beacon": world.beacon, "domain": LOTTERY_DOMAIN}
    with pytest.raises(InvalidArgument, match="may open"):
        void_unopened(world.ledger, winner, now=expiry - 1, **arguments)
    result = void_unopened(world.ledger, winner, now=expiry, **arguments)
    assert result.outcome is RedemptionOutcome.VOIDED
    assert result.slashed == 500


def test_an_overdraft_forfeits_the_penalty_escrow() -> None:
    world = make_world(deposit=150, penalty=80)
    winners = world.winners(3)  # three tickets of 100 against a deposit of 150
    first = world.redeem(winners[0])
    assert (first.paid, first.from_penalty) == (100, 0)
    second = world.redeem(winners[1])
    # 50 left in the deposit, and at most half of the 80 penalty reimburses Bob.
    assert (second.paid, second.from_penalty, second.burned) == (90, 40, 40)
    assert penalty_bonds(world.ledger, world.account) == ()
    reason = _reason(lambda: world.redeem(winners[2]))
    assert reason is TicketReason.FACE_VALUE_UNCOVERED
    assert world.ledger.balance(WORKER.key) == 1_000 - 500 + 190 <= 1_000 - 500 + 150 + 80
    assert world.ledger.totals().conserved


def test_unlocking_stops_new_tickets_and_delays_the_withdrawal() -> None:
    world = make_world()
    accepted = world.winners(1)[0]
    until = request_unlock(world.ledger, world.account, now=2_000)
    assert until == 2_000 + world.account.unlock_period
    state = account_state(world.ledger, world.account)
    assert state.unlocking
    assert state.withdrawable == until
    with pytest.raises(InvalidArgument, match="already"):
        request_unlock(world.ledger, world.account, now=2_001)
    reason = _reason(lambda: world.winners(1, now=2_005))
    assert reason is TicketReason.SENDER_UNLOCKING
    # A ticket accepted before the request stays redeemable.
    assert world.redeem(accepted).outcome is RedemptionOutcome.PAID
    with pytest.raises(InvalidArgument, match="locked until"):
        withdraw(world.ledger, world.account, now=until - 1)
    alice = world.ledger.balance(SENDER.key)
    withdraw(world.ledger, world.account, now=until)
    assert world.ledger.balance(SENDER.key) == alice + 4_900 + 1_000
    assert account_state(world.ledger, world.account).deposit == 0
    assert world.ledger.totals().conserved


def test_a_judge_can_rule_on_the_step() -> None:
    world = make_world(judges=(JUDGE.party,), worker=ZeroShortcutWorker, start=1)
    honest, false = world.winners(2)

    def ruling(winner: WinningTicket, judge: Any = JUDGE) -> Signed[Any]:
        state = world.worker.opening(winner.ticket.step)
        return judge_step(
            winner,
            world.chain.computation,
            state,
            judge=judge,
            domain=LOTTERY_DOMAIN,
            now=DRAWN,
            seeds=world.chain.seeds,
        )

    no_state = {"computation": None, "state": None}
    stranger = ruling(honest, IDENTITIES[4])
    reason = _reason(lambda: world.redeem(honest, ruling=stranger, **no_state))
    assert reason is TicketReason.NOT_A_JUDGE
    reason = _reason(lambda: world.redeem(honest, ruling=ruling(false), **no_state))
    assert reason is TicketReason.UNKNOWN_STEP
    paid = world.redeem(honest, ruling=ruling(honest), **no_state)
    assert paid.outcome is RedemptionOutcome.PAID
    assert ruling(false).body.upheld is False
    voided = world.redeem(false, ruling=ruling(false), **no_state)
    assert voided.outcome is RedemptionOutcome.VOIDED


def _cosigned(tickets: list[Ticket], index: int) -> WinningTicket:
    tree = batch_tree(tickets)
    body = TicketBatch(tickets[0].account, WORKER.party, tree.root, len(tickets))
    signed = Signed.create(body, LOTTERY_DOMAIN, SENDER, WORKER)
    return WinningTicket(tickets[index], signed, tree.prove(index))


def test_redemption_checks_nonce_rounds_signatures_and_beacon() -> None:
    world = make_world()
    winner = world.winners(2)[0]
    ticket = winner.ticket
    twin = attrs.evolve(world.winners(1)[0].ticket, nonce=ticket.nonce)
    close = attrs.evolve(ticket, seen_round=ticket.round - 1)
    assert world.redeem(winner).outcome is RedemptionOutcome.PAID
    twin_winner = _cosigned([twin], 0)
    twin_state = world.worker.opening(twin.step)
    assert _reason(lambda: world.redeem(twin_winner, state=twin_state)) is (
        TicketReason.NONCE_REUSED
    )
    close_winner = _cosigned([close], 0)
    state = world.worker.opening(ticket.step)
    reason = _reason(lambda: world.redeem(close_winner, state=state))
    assert reason is TicketReason.ROUND_TOO_CLOSE
    alone = attrs.evolve(
        close_winner,
        ticket=attrs.evolve(ticket, nonce=99),
        batch=Signed.create(
            attrs.evolve(
                close_winner.batch.body, root=batch_tree([attrs.evolve(ticket, nonce=99)]).root
            ),
            LOTTERY_DOMAIN,
            SENDER,
        ),
    )
    assert _reason(lambda: world.redeem(alone, state=state)) is TicketReason.BAD_SIGNATURE
    other = LocalBeacon(IDENTITIES[5], genesis=1_000, period=10)
    other_winner = world.winners(1)[0]
    other_state = world.worker.opening(other_winner.ticket.step)
    reason = _reason(lambda: world.redeem(other_winner, beacon=other, state=other_state))
    assert reason is TicketReason.WRONG_BEACON
    assert BEACON.key == world.beacon.key


# ---------------------------------------------------------------------------------------------
# The payout bound


_ISSUE = st.tuples(st.just("issue"), st.integers(1, 400), st.integers(1, 3))
_REDEEM = st.tuples(st.just("redeem"), st.integers(0, 50))
SENDER_ACTIONS = st.tuples(
    _ISSUE,
    st.lists(
        st.one_of(
            _ISSUE,
            _REDEEM,
            _REDEEM,
            _REDEEM,
            st.tuples(st.just("fund"), st.integers(1, 300), st.integers(0, 100)),
            st.tuples(st.just("unlock"), st.integers(0, 50)),
            st.tuples(st.just("withdraw"), st.integers(0, 50)),
        ),
        min_size=3,
        max_size=14,
    ),
).map(lambda first_and_rest: [first_and_rest[0], *first_and_rest[1]])


@settings(max_examples=100)
@given(st.integers(0, 500), st.integers(1, 200), SENDER_ACTIONS)
def test_no_sender_actions_pay_out_more_than_deposit_plus_escrow(
    deposit: int, penalty: int, actions: list[tuple[Any, ...]]
) -> None:
    """Whatever the sender issues (any face value, tickets that always win, the same nonce
    line) and however it funds, unlocks and withdraws, the recipient never receives more than
    everything the sender locked, and value is conserved."""
    ledger = MemoryLedger()
    account = lottery_account(unlock_period=20)
    chain = TrainingChain(64, first_seed=Digest(b"\x01" * 32), noise_magnitude=0.05, size=4)
    worker = TrainingWorker(chain, b"bound")
    beacon = lottery_beacon()
    ledger.apply(Mint(SENDER.key, 100_000, b"alice"))
    locked = deposit + penalty
    fund_account(ledger, account, deposit=deposit, penalty=penalty, ref=b"open")
    winners: list[WinningTicket] = []
    nonce, now = 0, DRAWN
    for n, action in enumerate(actions):
        kind = action[0]
        if kind == "issue":
            steps = worker.commit(action[2])
            tickets = []
            for step in steps:
                nonce += 1
                tickets.append(
                    Ticket(
                        account.id,
                        SENDER.key,
                        WORKER.key,
                        action[1],
                        win_threshold(1),
                        7,
                        5,
                        nonce,
                        10**6,
                        step,
                    )
                )
            winners += [_cosigned(tickets, i) for i in range(len(tickets))]
        elif kind == "fund":
            fund_account(ledger, account, deposit=action[1], penalty=action[2], ref=bytes([n]))
            locked += action[1] + action[2]
        elif kind == "unlock":
            now += action[1]
            with contextlib.suppress(InvalidArgument):
                request_unlock(ledger, account, now=now)
        elif kind == "withdraw":
            now += action[1]
            with contextlib.suppress(InvalidArgument):
                withdraw(ledger, account, now=now)
        elif winners:
            winner = winners[action[1] % len(winners)]
            try:
                result = redeem(
                    ledger,
                    winner,
                    account=account,
                    beacon=beacon,
                    domain=LOTTERY_DOMAIN,
                    now=now,
                    computation=chain.computation,
                    state=worker.opening(winner.ticket.step),
                    seeds=chain.seeds,
                )
                event("overdraft" if result.from_penalty else "paid")
            except Refused as exc:
                event(exc.reason.value)
        received = ledger.balance(WORKER.key)
        assert received <= locked
        assert ledger.totals().conserved
        assert all(amount >= 0 for amount in ledger.balances().values())
