"""Paying for a serial training run step by step, with lottery tickets that sample the checks.

Alice wants ``Y[i+1] = q(tanh(W·(Y[i] + noise(a[i]))))`` run for 2,048 steps on 128 × 128 int8
states. She hands out the chained noise seeds (one first seed ``a[0]``), and for every step a
worker commits to (input hash, seed, output hash) she issues a lottery ticket worth 500 that
wins with probability 1/50: 10 per step in expectation. Tickets come in batches of 128 under one
signature; a future beacon round decides the winners, and only a winning step is ever re-run.

Two workers take the job, each with a bond of 5,000. Bob computes every step. Mallory computes
500 steps honestly, then claims the all-zero state and coasts on it (``tanh(W·0) = 0``): without
noise every coasting step would be a true transition, and she would be paid for free work after
one false step. With noise each coasting step is false, so her first winning ticket after step
500 is voided and her bond slashed; Alice stops paying her.

Run: ``.venv/bin/python examples/noisy_training.py``
"""

from __future__ import annotations

import time
from fractions import Fraction

from oddsproof.errors import Refused
from oddsproof.games import (
    LocalBeacon,
    LotteryAccount,
    RedemptionOutcome,
    TicketIssuer,
    TicketReason,
    TicketReceiver,
    analytic_noise,
    fund_account,
    post_worker_bond,
    redeem,
    verify_step,
)
from oddsproof.games.lowlevel import account_state
from oddsproof.ledger import MemoryLedger, Mint
from oddsproof.testing import TrainingChain, TrainingWorker, ZeroShortcutWorker
from oddsproof.wire import Digest, Domain, Identity

DOMAIN = Domain("example-ledger")
ALICE = Identity.from_seed("alice", b"\x0a" * 32)
BOB = Identity.from_seed("bob", b"\x0b" * 32)
MALLORY = Identity.from_seed("mallory", b"\x0d" * 32)
BEACON = Identity.from_seed("beacon", b"\xbe" * 32)
STEPS, SIZE, BATCH, CHEAT_FROM = 2_048, 128, 128, 500
FACE_VALUE, PROBABILITY, BOND = 500, Fraction(1, 50), 5_000
FIRST_SEED = Digest(b"\xa0" * 32)  # Alice's a[0]; in a real job, fresh_seed()
# Noise calibrated to 8-bit outputs: 4 quanta of spread through a layer of gain 1.5, which is
# 6 % of the state's RMS (0.6).
NOISE = analytic_noise(quantum=2**-7, gain=1.5, signal=0.6, fraction=0.1)


def main() -> None:
    ledger = MemoryLedger()
    beacon = LocalBeacon(BEACON, genesis=0, period=30)
    chain = TrainingChain(STEPS, first_seed=FIRST_SEED, noise_magnitude=NOISE, size=SIZE, gain=1.5)
    account = LotteryAccount(
        ALICE.party, beacon.spec, margin=2, unlock_period=86_400, nonce=b"\x01" * 16
    )
    ledger.apply(Mint(ALICE.key, 2_000_000, b"alice"))
    fund_account(ledger, account, deposit=1_000_000, penalty=100_000, ref=b"job-1")
    issuer = TicketIssuer(
        ALICE,
        account,
        DOMAIN,
        face_value=FACE_VALUE,
        probability=PROBABILITY,
        window=3_600,
        job=chain.job,
        seeds=chain.seeds,
    )
    workers = {
        "Bob": (BOB, TrainingWorker(chain, b"dataset")),
        "Mallory": (MALLORY, ZeroShortcutWorker(chain, b"dataset", start=CHEAT_FROM)),
    }
    print(f"job {chain.job.hex()[:16]}…: {STEPS} steps of a {SIZE}×{SIZE} int8 state")
    print(f"noise magnitude {NOISE:.4f}; ticket {FACE_VALUE} at p = {PROBABILITY}")
    for name, (identity, worker) in workers.items():
        ledger.apply(Mint(identity.key, BOND, name.encode()))
        post_worker_bond(ledger, identity, chain.job, BOND, ref=name.encode())
        receiver = TicketReceiver(
            identity, account, DOMAIN, face_value=FACE_VALUE, probability=PROBABILITY
        )
        now, issued, won, paid, slashed, again = 1, 0, 0, 0, 0, 0
        caught_at: int | None = None
        start = time.perf_counter()
        while worker.index < STEPS and caught_at is None:
            steps = worker.commit(BATCH)
            backing = account_state(ledger, account)
            bundle = issuer.issue(identity.party, steps, now=now)
            receiver.accept(bundle, now=now, deposit=backing.deposit, unlocking=backing.unlocking)
            issued += len(steps)
            now = beacon.time_of(bundle.tickets[0].round)  # the round is out
            for winner in receiver.winners(beacon, now=now):
                won += 1
                result = redeem(
                    ledger,
                    winner,
                    account=account,
                    beacon=beacon,
                    domain=DOMAIN,
                    now=now,
                    computation=chain.computation,
                    state=worker.opening(winner.ticket.step),
                    seeds=chain.seeds,
                )
                paid += result.paid
                slashed += result.slashed
                if result.outcome is RedemptionOutcome.VOIDED:
                    caught_at = winner.ticket.step.index
                    break
                try:  # a redeemed ticket redeemed again pays nothing
                    redeem(
                        ledger,
                        winner,
                        account=account,
                        beacon=beacon,
                        domain=DOMAIN,
                        now=now,
                        computation=chain.computation,
                        state=worker.opening(winner.ticket.step),
                    )
                except Refused as exc:
                    again += exc.reason is TicketReason.ALREADY_REDEEMED
            worker.forget(worker.index)
            now += 1
        elapsed = time.perf_counter() - start
        print(
            f"{name:8} computed {worker.computed:5} steps, {issued:5} tickets"
            f" (expected value {float(issued * FACE_VALUE * PROBABILITY):7.0f}),"
            f" {won:3} winners, paid {paid:6}, slashed {slashed}  [{elapsed:.1f} s]"
        )
        print(f"         {again} winners presented twice were refused as already redeemed")
        if caught_at is not None:
            print(f"         caught: the winning ticket of step {caught_at} was a false step")
    # Without noise the coasting steps would have passed: check one on a noise-free chain.
    quiet = TrainingChain(STEPS, first_seed=FIRST_SEED, noise_magnitude=0.0, size=SIZE, gain=1.5)
    cheat = ZeroShortcutWorker(quiet, b"dataset", start=CHEAT_FROM)
    coasting = cheat.commit(CHEAT_FROM + 2)[-1]
    holds = verify_step(quiet.computation, coasting, cheat.opening(coasting), seeds=quiet.seeds)
    print(f"without noise, Mallory's coasting step {coasting.index} would verify: {holds}")
    totals = ledger.totals()
    print(
        f"ledger: Bob {ledger.balance(BOB.key)}, Mallory {ledger.balance(MALLORY.key)},"
        f" Alice {ledger.balance(ALICE.key)} + deposit {account_state(ledger, account).deposit},"
        f" burned {totals.burned}, conserved {totals.conserved}"
    )


if __name__ == "__main__":
    main()
