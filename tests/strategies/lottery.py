"""Lottery accounts, beacons, bundles and winning tickets."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st

import oddsproof.strategies as public

# --- lottery ---
from oddsproof.games import (
    BeaconSpec,
    ExternalRound,
    LocalBeacon,
    LotteryAccount,
    StepCommitment,
    Ticket,
    TicketBatch,
    TicketBundle,
    TicketIssuer,
    TicketReceiver,
    UnlockRequest,
    WinningTicket,
)
from oddsproof.games.lowlevel import batch_tree
from oddsproof.testing import TrainingChain, TrainingWorker
from oddsproof.wire import INT_LIMIT, Digest, Domain, Party, Signed

from .values import BEACON, IDENTITIES, digests, objects_by_kind, parties, times

LOTTERY_DOMAIN = Domain("oddsproof-lottery-test")
SENDER, WORKER, JUDGE = IDENTITIES[0], IDENTITIES[1], IDENTITIES[2]  # alice pays, bob works
LOTTERY_GENESIS, LOTTERY_PERIOD = 1_000, 10
LOTTERY_SEED = Digest(b"\xa0" * 32)
"""Alice's first noise seed a[0] in the lottery tests."""


def lottery_beacon() -> LocalBeacon:
    """The tests' local beacon: round r is published at 1000 + 10·r."""
    return LocalBeacon(BEACON, genesis=LOTTERY_GENESIS, period=LOTTERY_PERIOD)


def lottery_account(
    *, margin: int = 2, unlock_period: int = 10_000, judges: tuple[Party, ...] = ()
) -> LotteryAccount:
    """Alice's account with the tests' beacon (fixed nonce, so its id is stable)."""
    return LotteryAccount(
        SENDER.party,
        lottery_beacon().spec,
        margin,
        unlock_period,
        judges,
        0,
        b"\x5a" * 16,
    )


def small_chain(steps: int = 32, *, noise_magnitude: float = 0.05, size: int = 16) -> TrainingChain:
    """A cheap training chain (16 × 16 states) for lottery tests."""
    return TrainingChain(steps, first_seed=LOTTERY_SEED, noise_magnitude=noise_magnitude, size=size)


def lottery_parties(
    chain: TrainingChain,
    account: LotteryAccount,
    *,
    probability: Fraction = Fraction(1, 4),
    face_value: int = 100,
    window: int = 1_000,
) -> tuple[TicketIssuer, TicketReceiver]:
    """Alice's issuer (checking Bob's chain and seeds) and Bob's receiver, agreed on terms."""
    issuer = TicketIssuer(
        SENDER,
        account,
        LOTTERY_DOMAIN,
        face_value=face_value,
        probability=probability,
        window=window,
        job=chain.job,
        seeds=chain.seeds,
    )
    receiver = TicketReceiver(
        WORKER,
        account,
        LOTTERY_DOMAIN,
        face_value=face_value,
        probability=probability,
        window=window // 2,
    )
    return issuer, receiver


def one_bundle(count: int = 4, *, now: int = 1_005) -> tuple[TicketBundle, TrainingWorker]:
    """A bundle of ``count`` honest tickets from a fresh issuer, and the worker behind it."""
    chain = small_chain()
    worker = TrainingWorker(chain, b"lottery")
    issuer, _ = lottery_parties(chain, lottery_account())
    return issuer.issue(WORKER.party, worker.commit(count), now=now), worker


beacon_specs = public.beacon_specs()
external_rounds = st.builds(
    ExternalRound, digests, st.integers(0, INT_LIMIT - 1), st.binary(min_size=32, max_size=32)
)
win_probabilities = public.win_probabilities()
lottery_accounts = public.lottery_accounts()
step_commitments = public.step_commitments()
tickets = public.tickets()
ticket_batches = st.builds(
    TicketBatch, account=digests, recipient=parties, root=digests, size=st.integers(1, 1 << 16)
)


@st.composite
def winning_tickets(draw: st.DrawFn) -> WinningTicket:
    """A ticket with its batch signed by the sender and co-signed by the recipient, and its
    genuine audit path (whether it wins depends on the round)."""
    batch_tickets = draw(st.lists(tickets, min_size=1, max_size=6))
    tree = batch_tree(batch_tickets)
    index = draw(st.integers(0, len(batch_tickets) - 1))
    body = TicketBatch(draw(digests), WORKER.party, tree.root, len(batch_tickets))
    signed = Signed.create(body, LOTTERY_DOMAIN, SENDER, WORKER)
    return WinningTicket(batch_tickets[index], signed, tree.prove(index))


unlock_requests = st.builds(UnlockRequest, account=digests, requested=times)

objects_by_kind.update(
    {
        BeaconSpec: beacon_specs,
        ExternalRound: external_rounds,
        LotteryAccount: lottery_accounts,
        StepCommitment: step_commitments,
        Ticket: tickets,
        TicketBatch: ticket_batches,
        WinningTicket: winning_tickets(),
        UnlockRequest: unlock_requests,
    }
)
