"""Lottery tickets for serial work: what paying per step costs next to the steps themselves.

``serial_overhead``: the noisy training chain ``Y[i+1] = q(tanh(W·(Y[i] + noise(a[i]))))``
with a 256 × 256 state (int8 fixed point, 7 fraction bits), one dense 256 × 256 by 256 × 256
product per step, T = 4096 steps (quick: 1024), win probability 1/1000 per ticket, batches of
256 tickets under one signature. One pass of the chain is paid for in two ways, measured side
by side on the same steps: one ticket per 8 steps (the headline: a state is hashed only at the
end of each span) and one ticket per step (in the detail). Timed separately:

- compute: the honest step, ``F(Y[i] + noise(a[i]))`` (the noise generation is part of F:
  its share is reported);
- commitment: hashing the committed output states (a 64 KB SHA-256 each, every step or every
  8th) and building the step commitments;
- tickets: the sender issuing each batch (tickets, ids, Merkle root, one signature), the
  recipient validating it (every rule, fresh ids, the root, one signature check, one
  co-signature) and drawing every ticket once its round is out;
- verifier: redeeming each winner on a SQLite ledger file (both signatures, the inclusion
  proof, the beacon round, re-running its span, the payout transaction). A run has few winners
  (0.5 expected for 512 tickets), so the figure uses the larger of the measured cost and the
  expected one (``p × tickets`` redemptions, each its span of steps plus the mean extra cost of
  the redemptions observed in the run).

``serial_overhead`` = (commitment + tickets + verifier) / compute, goal ≤ 0.02.

``ticket_rate_ratio``: tickets issued, validated and drawn per second (batches of 256), over
raw Ed25519 verifications per second (libsodium through PyNaCl), side by side. Goal ≥ 1: a
Livepeer-style ticket costs at least one signature and one verification, so its ratio is
below 1 (reported as ``per_ticket_signatures_ratio``); batching must make a whole ticket cheaper
than one verification.

``zero_input_min_noise``: for the same dense 256 × 256 step, the least noise magnitude at which
the zero-input shortcut (claiming ``q(tanh(W·0)) = 0`` without computing) no longer reproduces
the committed hash, median over five seeds, at 7 fraction bits (8-bit outputs); the detail
gives 15 bits and the magnitude at which half the outputs become non-zero (a sparse shortcut
must then compute half the products). Goal: below the noise magnitude the chain uses.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

import nacl.bindings
import numpy as np
import numpy.typing as npt

from _harness import Result, side_by_side
from oddsproof.games import (
    LocalBeacon,
    LotteryAccount,
    StepCommitment,
    TicketIssuer,
    TicketReceiver,
    analytic_noise,
    fund_account,
    least_noise,
    noise,
    post_worker_bond,
    redeem,
    to_fixed,
)
from oddsproof.games.lowlevel import account_state
from oddsproof.ledger import Mint, SqliteLedger
from oddsproof.testing import TrainingChain, zero_input_changes
from oddsproof.wire import Digest, Domain, Identity, tagged_hash

SIZE = 256
FRACTION_BITS = 7
GAIN = 1.5
SIGNAL = 0.6
"""RMS of the chain's state at gain 1.5 (measured: the state settles near 0.6)."""
NOISE = analytic_noise(quantum=2.0**-FRACTION_BITS, gain=GAIN, signal=SIGNAL, fraction=0.1)
PROBABILITY = Fraction(1, 1000)
"""Checked fraction of steps: a ticket covering ``span`` steps wins with ``span/1000``."""
SPAN = 8
"""Steps per ticket in the headline figure (one 64 KB state hash per span instead of per step)."""
BATCH = 256
FACE_VALUE = 1_000
GENESIS, PERIOD = 1_000_000, 5

ALICE = Identity.from_seed("alice", b"\x01" * 32)
BOB = Identity.from_seed("bob", b"\x02" * 32)
BEACON = Identity.from_seed("beacon", b"\xbe" * 32)
DOMAIN = Domain("bench-lottery")
FIRST_SEED = tagged_hash("bench/lottery/first-seed", b"")
Array = npt.NDArray[Any]


def _chain(steps: int) -> TrainingChain:
    return TrainingChain(
        steps,
        first_seed=FIRST_SEED,
        noise_magnitude=NOISE,
        size=SIZE,
        fraction_bits=FRACTION_BITS,
        gain=GAIN,
    )


def _parties(
    chain: TrainingChain, beacon: LocalBeacon, *, probability: Fraction = PROBABILITY, tag: int = 0
) -> tuple[LotteryAccount, TicketIssuer, TicketReceiver]:
    account = LotteryAccount(ALICE.party, beacon.spec, 2, 86_400, (), 0, bytes([tag]) * 16)
    issuer = TicketIssuer(
        ALICE,
        account,
        DOMAIN,
        face_value=FACE_VALUE,
        probability=probability,
        window=3_600,
        job=chain.job,
        seeds=chain.seeds,
    )
    receiver = TicketReceiver(
        BOB, account, DOMAIN, face_value=FACE_VALUE, probability=probability, window=600
    )
    return account, issuer, receiver


class _Scheme:
    """One way of paying for the run: a ticket per ``span`` steps, each winning with
    probability 1/1000, so one step in a thousand is re-run either way."""

    def __init__(
        self, chain: TrainingChain, beacon: LocalBeacon, ledger: SqliteLedger, span: int
    ) -> None:
        self.chain, self.beacon, self.ledger, self.span = chain, beacon, ledger, span
        self.probability = PROBABILITY
        self.redemptions: list[float] = []
        self.account, self.issuer, self.receiver = _parties(
            chain, beacon, probability=self.probability, tag=span
        )
        fund_account(ledger, self.account, deposit=10**8, penalty=10**7, ref=bytes([span]))
        self.commit = self.tickets = self.verify = 0.0
        self.winners = self.issued = 0
        self.pending: list[StepCommitment] = []
        self.kept: dict[int, Array] = {}
        self.now = GENESIS + 1
        self.start = 0
        self.start_state: Array | None = None
        self.start_digest: Digest | None = None

    def begin(self, state: Array, digest: Digest) -> None:
        self.start_state, self.start_digest = state, digest

    def stepped(self, index: int, state: Array, digest: Digest, hashing: float) -> None:
        """Step ``index`` produced ``state`` (hashed to ``digest`` in ``hashing`` seconds)."""
        stop = index + 1
        if stop - self.start < self.span and stop < self.chain.steps:
            return  # inside a span: this state is never hashed by this scheme
        perf = time.perf_counter
        t0 = perf()
        assert self.start_digest is not None
        commitment = StepCommitment(
            self.chain.job,
            self.start,
            stop - self.start,
            self.start_digest,
            self.chain.seeds.seed(self.start),
            digest,
        )
        self.commit += hashing + perf() - t0
        assert self.start_state is not None
        self.kept[self.start] = self.start_state
        self.pending.append(commitment)
        self.start, self.start_state, self.start_digest = stop, state, digest
        if len(self.pending) == BATCH or stop == self.chain.steps:
            self.flush()

    def flush(self) -> None:
        perf = time.perf_counter
        t0 = perf()
        bundle = self.issuer.issue(BOB.party, self.pending, now=self.now)
        backing = account_state(self.ledger, self.account)
        self.receiver.accept(
            bundle, now=self.now, deposit=backing.deposit, unlocking=backing.unlocking
        )
        self.now = self.beacon.time_of(bundle.tickets[0].round)  # wait for the round
        winners = self.receiver.winners(self.beacon, now=self.now)
        t1 = perf()
        for winner in winners:
            t2 = perf()
            paid = redeem(
                self.ledger,
                winner,
                account=self.account,
                beacon=self.beacon,
                domain=DOMAIN,
                now=self.now,
                computation=self.chain.computation,
                state=self.kept[winner.ticket.step.index],
                seeds=self.chain.seeds,
            )
            assert paid.paid == FACE_VALUE
            self.redemptions.append(perf() - t2)
        self.verify += perf() - t1
        self.tickets += t1 - t0
        self.winners += len(winners)
        self.issued += len(bundle.tickets)
        self.pending, self.kept = [], {}
        self.now += 1

    def expected_verify(self, step: float, extra: float) -> float:
        """What the winners cost on average: ``p × tickets`` redemptions, each re-running its
        span of steps plus ``extra`` (signatures, proof, beacon, ledger)."""
        return self.issued * float(self.probability) * (self.span * step + extra)

    def overhead(self, compute: float, step: float, extra: float) -> float:
        """(commitment + tickets + verifier) / compute, the verifier's cost being the larger of
        the measured and the expected one (a run has few winners)."""
        verify = max(self.verify, self.expected_verify(step, extra))
        return (self.commit + self.tickets + verify) / compute

    def detail(self, compute: float, step: float, extra: float) -> dict[str, object]:
        return {
            "tickets": self.issued,
            "winners": self.winners,
            "expected_winners": round(self.issued * float(self.probability), 2),
            "commitment_fraction": round(self.commit / compute, 5),
            "tickets_fraction": round(self.tickets / compute, 5),
            "verifier_fraction_measured": round(self.verify / compute, 5),
            "verifier_fraction_expected": round(self.expected_verify(step, extra) / compute, 5),
        }


def _serial_overhead(quick: bool) -> Result:
    steps = 1024 if quick else 4096
    chain = _chain(steps)
    beacon = LocalBeacon(BEACON, genesis=GENESIS, period=PERIOD)
    compute = 0.0
    with tempfile.TemporaryDirectory() as tmp, SqliteLedger(Path(tmp) / "bench.db") as ledger:
        ledger.apply(Mint(ALICE.key, 10**9, b"alice"))
        ledger.apply(Mint(BOB.key, 10**6, b"bob"))
        post_worker_bond(ledger, BOB, chain.job, 10**5, ref=b"job")
        schemes = [_Scheme(chain, beacon, ledger, span) for span in (SPAN, 1)]
        state = chain.initial(b"bench")
        digest = chain.state_hash(state)
        for scheme in schemes:
            scheme.begin(state, digest)
        chain.step(state, 0)  # load every code path before timing
        perf = time.perf_counter
        for i in range(steps):
            t0 = perf()
            state = chain.step(state, i)
            t1 = perf()
            digest = chain.state_hash(state)
            t2 = perf()
            compute += t1 - t0
            for scheme in schemes:
                scheme.stepped(i, state, digest, t2 - t1)
        assert ledger.totals().conserved
    # The noise's share of a step, measured apart on the same shapes.
    probe = [chain.seeds.seed(i) for i in range(32)]
    t0 = time.perf_counter()
    for s in probe:
        noise(s, (SIZE, SIZE), NOISE)
    noise_time = (time.perf_counter() - t0) / len(probe)
    spanned, per_step = schemes
    step = compute / steps
    # A redemption's cost beyond re-running its span, averaged over every winner of the run.
    extras = [t - s.span * step for s in schemes for t in s.redemptions]
    extra = statistics.mean(extras) if extras else 0.0
    return Result(
        "serial_overhead",
        spanned.overhead(compute, step, extra),
        "fraction",
        0.02,
        "lower",
        {
            "steps": steps,
            "state": f"{SIZE}x{SIZE} int8 (7 fraction bits)",
            "steps_per_ticket": SPAN,
            "win_probability": str(PROBABILITY),
            "batch": BATCH,
            **spanned.detail(compute, step, extra),
            "compute_s": round(compute, 3),
            "step_ms": round(1e3 * compute / steps, 3),
            "noise_share_of_step": round(noise_time * steps / compute, 4),
            "noise_magnitude": round(NOISE, 5),
            "redemption_extra_ms": round(extra * 1e3, 2),
            "one_ticket_per_step_overhead": round(per_step.overhead(compute, step, extra), 5),
            "one_ticket_per_step": per_step.detail(compute, step, extra),
        },
    )


def _ticket_rate(quick: bool) -> list[Result]:
    chain = _chain(1 << 20)
    beacon = LocalBeacon(BEACON, genesis=GENESIS, period=PERIOD)
    account, _, _ = _parties(chain, beacon)
    hashes = [tagged_hash("bench/state", i.to_bytes(8, "big")) for i in range(BATCH + 1)]
    steps = [
        StepCommitment(chain.job, i, 1, hashes[i], chain.seeds.seed(i), hashes[i + 1])
        for i in range(BATCH)
    ]
    now = GENESIS + 1

    def lottery(batch: list[StepCommitment]) -> int:
        # Fresh parties each time: the issuer pays each step once and nonces only increase.
        issuer = TicketIssuer(
            ALICE, account, DOMAIN, face_value=FACE_VALUE, probability=PROBABILITY, window=3_600
        )
        receiver = TicketReceiver(
            BOB, account, DOMAIN, face_value=FACE_VALUE, probability=PROBABILITY, window=600
        )
        drawn = 0
        for i in range(0, len(steps), len(batch)):
            bundle = issuer.issue(BOB.party, steps[i : i + len(batch)], now=now)
            receiver.accept(bundle, now=now, deposit=10**8, unlocking=False)
            drawn += len(bundle.tickets)
        later = beacon.time_of(receiver.pending_rounds[0])
        receiver.winners(beacon, now=later)  # draws every ticket
        return drawn

    key = ALICE.key.raw
    signed = nacl.bindings.crypto_sign(b"\x42" * 32, ALICE._signing_key._signing_key)

    def raw_verify() -> bytes:
        return bytes(nacl.bindings.crypto_sign_open(signed, key))

    one_by_one = [steps[0]]
    times = side_by_side(
        {
            "batched": lambda: lottery(steps),
            "verify": raw_verify,
            "per_ticket": lambda: lottery(one_by_one),
        },
        rounds=5 if quick else 15,
        target=0.1,
    )
    per_ticket = times["batched"] / len(steps)
    per_ticket_signed = times["per_ticket"] / len(steps)
    return [
        Result(
            "ticket_rate_ratio",
            times["verify"] / per_ticket,
            "ratio",
            1.0,
            "higher",
            {
                "tickets_per_s": round(1 / per_ticket),
                "ed25519_verifies_per_s": round(1 / times["verify"]),
                "ticket_us": round(per_ticket * 1e6, 2),
                "verify_us": round(times["verify"] * 1e6, 2),
                "batch": len(steps),
                "per_ticket_signatures_ratio": round(times["verify"] / per_ticket_signed, 3),
                "per_ticket_signatures_us": round(per_ticket_signed * 1e6, 2),
            },
        )
    ]


def _zero_input(quick: bool) -> Result:
    chain = _chain(8)
    seeds = [chain.seeds.seed(i) for i in range(3 if quick else 5)]

    def floor(bits: int) -> float:
        found = [
            least_noise(zero_input_changes(chain, s, fraction_bits=bits), low=1e-12, high=1.0)
            for s in seeds
        ]
        return statistics.median(found)

    def half_floor(bits: int) -> float:
        def half(seed: Digest) -> float:
            unit = noise(seed, (SIZE, SIZE), 1.0)

            def changes(m: float) -> bool:
                out = to_fixed(np.tanh(chain.weights @ (m * unit)), bits)
                return bool(np.count_nonzero(out) * 2 >= out.size)

            return least_noise(changes, low=1e-12, high=1.0)

        return statistics.median(half(s) for s in seeds)

    least_8 = floor(FRACTION_BITS)
    return Result(
        "zero_input_min_noise",
        least_8,
        "magnitude",
        NOISE,
        "lower",
        {
            "output_bits": FRACTION_BITS + 1,
            "least_noise_16_bit_outputs": floor(15),
            "half_outputs_nonzero_8_bit": half_floor(FRACTION_BITS),
            "half_outputs_nonzero_16_bit": half_floor(15),
            "chain_noise": round(NOISE, 5),
            "chain_noise_over_floor": round(NOISE / least_8, 1),
            "signal_rms": SIGNAL,
            "seeds": len(seeds),
            "relative_precision": "never: q(tanh(W·n)) keeps its significant bits for any n > 0",
        },
    )


def run(quick: bool) -> list[Result]:
    return [_serial_overhead(quick), *_ticket_rate(quick), _zero_input(quick)]
