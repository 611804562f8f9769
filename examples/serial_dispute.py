"""A disputed serial computation: bisection down to one step, which a judge re-runs.

Bob runs a 65,536-step SHA-256 chain for Alice and commits to every 256th state. In the first
game he has faked one step; Alice, who ran the chain herself, disagrees with his output, and
the two bisect (k chosen by the cost model) until one step remains. The judge re-runs that one
step and rules against Bob. In the second game Bob is honest and Alice disputes anyway: she
loses. Each ruling names its transcript, which anyone can re-check without the chain.

Run: ``.venv/bin/python examples/serial_dispute.py``
"""

from __future__ import annotations

import time

from oddsproof.games import (
    BisectionGame,
    BisectionPlayer,
    BisectionSetup,
    Checkpoints,
    HonestChallenger,
    HonestSerialSolver,
    check_ruling,
    choose_arity,
    commit_trace,
    judge_bisection,
    max_rounds,
    play_bisection,
    serial_claim,
)
from oddsproof.testing import FakeStepSolver, LyingChallenger, hash_chain
from oddsproof.wire import Digest, Domain, Identity

DOMAIN = Domain("example-ledger")
BOB = Identity.from_seed("bob", b"\x0b" * 32)
ALICE = Identity.from_seed("alice", b"\x0a" * 32)
JUDGE = Identity.from_seed("judge", b"\x0c" * 32)
STEPS, INTERVAL, FAKED = 1 << 16, 1 << 8, 40_961
DATA = b"alice's seed"
OFFER = Digest(b"\x01" * 32)  # the id of Alice's signed offer, in a real flow


def dispute(
    title: str,
    solver_trace: Checkpoints,
    solver: BisectionPlayer,
    challenger: BisectionPlayer,
    arity: int,
) -> None:
    """Play one game, have the judge rule, check the ruling as a third party, print it."""
    chain = hash_chain(STEPS)
    claim = serial_claim(solver_trace, DATA, BOB, DOMAIN, offer=OFFER, now=0)
    # Each party gets a 10-minute chess clock and 60 s per move; the judge has Δ = 1 h after.
    setup = BisectionSetup(claim, ALICE.party, arity, 600, 600, 60, 3600, 0, 600 + 600 + 3600)
    game = BisectionGame(setup, DOMAIN)
    start = time.perf_counter()
    transcript = play_bisection(game, solver, challenger)
    ruling = judge_bisection(
        transcript, DOMAIN, chain, arbiter=JUDGE, now=setup.ends, data=DATA, final=True
    )
    elapsed = time.perf_counter() - start
    outcome = check_ruling(ruling, transcript, DOMAIN, chain, data=DATA)  # a third party's check
    print(f"{title}")
    print(f"  k = {arity}: {outcome.rounds} rounds (bound ⌈log_k T⌉ = {setup.rounds})")
    print(f"  disputed step [{outcome.lo}, {outcome.hi}], {outcome.reason.value}")
    print(
        f"  ruling: upheld = {ruling.body.upheld}, evidence = transcript {transcript.id.hex()[:16]}"
    )
    print(f"  transcript: {len(transcript.moves)} signed moves, {len(transcript.encoded)} bytes")
    print(f"  game and ruling took {elapsed * 1000:.1f} ms")


def main() -> None:
    chain = hash_chain(STEPS)
    honest = commit_trace(chain, DATA, INTERVAL)  # Alice's own run (Bob's, when he is honest)
    arity = choose_arity(STEPS, INTERVAL).arity
    print(
        f"T = {STEPS} steps, checkpoints every {INTERVAL}; binary needs {max_rounds(STEPS, 2)}"
        f" rounds, the chosen k = {arity} needs {max_rounds(STEPS, arity)}"
    )
    cheat = FakeStepSolver.create(BOB, chain, DATA, INTERVAL, FAKED)
    dispute(
        f"Bob faked step {FAKED}; Alice bisects:",
        cheat.trace,
        cheat,
        HonestChallenger(ALICE, trace=honest),
        arity,
    )
    dispute(
        "Bob is honest; Alice disputes anyway (binary):",
        honest,
        HonestSerialSolver(BOB, trace=honest),
        LyingChallenger(ALICE, choices=(1, 0, 1)),
        2,
    )


if __name__ == "__main__":
    main()
