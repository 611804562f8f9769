"""Disputes over serial work: the whole bisection game against re-running the chain.

``dispute_cost_fraction``: a SHA-256 hash chain of T = 2^20 steps (quick: 2^16) with one faked
step at a random position; the solver committed checkpoints every c = 2^10 steps. The time of
the whole game on both sides (the referee verifying every move, the solver regenerating a
segment, hashing, proving and signing, the honest challenger regenerating and comparing, the
judge replaying the transcript, re-running the one step and signing the ruling) over the time of
re-running the chain once. Goal: at most 0.05. Reported for the k that :func:`choose_arity`
picks from costs measured in this run; the detail has binary too.

``trace_commit_fraction``: what the honest solver pays for its commitment, hashing the T/c + 1
checkpoint states and building the Merkle tree, over the chain's own compute. Goal: at most 0.05.
"""

from __future__ import annotations

import random
import statistics

import numpy as np

from _harness import Result, side_by_side, timed
from oddsproof.games._bisection import BisectionGame, BisectionSetup, check_transcript, choose_arity
from oddsproof.games._judge import judge_bisection
from oddsproof.games._merkle import MerkleTree, leaf_hashes
from oddsproof.games._players import HonestChallenger, HonestSerialSolver, play_bisection
from oddsproof.games._trace import Checkpoints, commit_trace, serial_claim
from oddsproof.testing._chains import hash_chain
from oddsproof.testing._serial_cheats import FakeStepSolver
from oddsproof.wire import Digest, Domain, Identity

DOMAIN = Domain("bench-dispute")
SOLVER = Identity.from_seed("solver", b"\x51" * 32)
CHALLENGER = Identity.from_seed("challenger", b"\x52" * 32)
JUDGE = Identity.from_seed("judge", b"\x53" * 32)
DATA = b"oddsproof dispute benchmark"
INTERVAL = 1 << 10
OFFER = Digest(b"\x07" * 32)
WIDE = 64
"""A wide split whose points are all checkpoints (T/c >= 64), to price one posted hash."""


def _setup(trace: Checkpoints, arity: int) -> BisectionSetup:
    claim = serial_claim(trace, DATA, SOLVER, DOMAIN, offer=OFFER, now=0)
    return BisectionSetup(claim, CHALLENGER.party, arity, 10_000, 10_000, 60, 60, 0, 30_000)


def _game(setup: BisectionSetup, solver: Checkpoints, honest: Checkpoints) -> tuple[int, int]:
    """One whole game and the judge's ruling, caches cold; returns (rounds, transcript bytes)."""
    solver.forget_segments()
    honest.forget_segments()
    game = BisectionGame(setup, DOMAIN)
    transcript = play_bisection(
        game,
        HonestSerialSolver(SOLVER, trace=solver),
        HonestChallenger(CHALLENGER, trace=honest),
    )
    ruling = judge_bisection(
        transcript, DOMAIN, honest.computation, arbiter=JUDGE, now=20_000, data=DATA
    )
    assert not ruling.body.upheld, "the faked chain must lose"
    return game.round, len(transcript.encoded)


def _unit_costs(honest: Checkpoints) -> dict[str, float]:
    """Seconds per round (two signed moves) and per posted hash, measured side by side."""
    setups = {k: _setup(honest, k) for k in (2, WIDE)}
    solver = HonestSerialSolver(SOLVER, trace=honest)

    def fresh(k: int) -> BisectionGame:
        return BisectionGame(setups[k], DOMAIN)

    def challenged(k: int) -> BisectionGame:
        game = fresh(k)
        game.submit(game.challenge(CHALLENGER, now=0), now=0)
        return game

    def split(k: int) -> None:
        game = challenged(k)
        move = solver.act(game)
        assert move is not None
        game.submit(move, now=0)

    times = side_by_side(
        {
            "fresh": lambda: fresh(2),
            "challenge": lambda: challenged(2),
            "split2": lambda: split(2),
            "split_wide": lambda: split(WIDE),
        },
        rounds=11,
        target=0.04,
    )
    move = max(times["challenge"] - times["fresh"], 0.0)
    split2 = max(times["split2"] - times["challenge"], 0.0)
    split_wide = max(times["split_wide"] - times["challenge"], 0.0)
    per_hash = max((split_wide - split2) / (WIDE + 1 - 3), 1e-9)
    per_round = max(split2 - 3 * per_hash, 0.0) + move
    return {"round": per_round, "hash": per_hash}


def run(quick: bool) -> list[Result]:
    steps = 1 << (16 if quick else 20)
    chain = hash_chain(steps)
    fake_at = random.Random(20240601).randrange(steps)

    # Re-running the chain: the denominator of both fractions.
    start = chain.initial(DATA)
    chain_time = statistics.median(timed(lambda: chain.run(start, 0, steps)) for _ in range(3))

    # The commitment's extra work, on checkpoint states collected from one run.
    honest = commit_trace(chain, DATA, INTERVAL)
    states = [honest.state(j * INTERVAL) for j in range(steps // INTERVAL + 1)]

    def commit() -> None:
        hashes = [chain.state_hash(s) for s in states]
        MerkleTree(leaf_hashes(h.raw for h in hashes))

    commit_time = statistics.median(timed(commit) for _ in range(7))
    cheat = FakeStepSolver.create(SOLVER, chain, DATA, INTERVAL, fake_at).trace

    costs = _unit_costs(honest)
    step_cost = chain_time / steps
    chosen = choose_arity(
        steps, INTERVAL, round_cost=costs["round"], hash_cost=costs["hash"], step_cost=step_cost
    )
    games: dict[int, dict[str, float]] = {}
    for arity in sorted({2, chosen.arity}):
        setup = _setup(cheat, arity)
        samples = []
        for _ in range(3 if quick else 5):
            rounds, size = 0, 0

            def one(setup: BisectionSetup = setup) -> None:
                nonlocal rounds, size
                rounds, size = _game(setup, cheat, honest)

            samples.append(timed(one))
        games[arity] = {"time": statistics.median(samples), "rounds": rounds, "bytes": size}

    # A third party's check of the final transcript (no chain, no step): for the detail.
    game = BisectionGame(_setup(cheat, chosen.arity), DOMAIN)
    transcript = play_bisection(
        game, HonestSerialSolver(SOLVER, trace=cheat), HonestChallenger(CHALLENGER, trace=honest)
    )
    check_time = statistics.median(
        timed(lambda: check_transcript(transcript, DOMAIN)) for _ in range(5)
    )
    best = games[chosen.arity]
    detail = {
        "steps": steps,
        "interval": INTERVAL,
        "faked_step": fake_at,
        "k": chosen.arity,
        "rounds_k": int(best["rounds"]),
        "rounds_binary": int(games[2]["rounds"]),
        "game_s": round(best["time"], 5),
        "game_binary_s": round(games[2]["time"], 5),
        "binary_fraction": round(games[2]["time"] / chain_time, 5),
        "chain_s": round(chain_time, 4),
        "transcript_bytes_k": int(best["bytes"]),
        "transcript_bytes_binary": int(games[2]["bytes"]),
        "third_party_check_s": round(check_time, 5),
        "round_cost_us": round(costs["round"] * 1e6, 1),
        "hash_cost_us": round(costs["hash"] * 1e6, 2),
        "step_cost_us": round(step_cost * 1e6, 3),
    }
    commit_detail = {
        "steps": steps,
        "interval": INTERVAL,
        "checkpoints": len(states),
        "commit_s": round(commit_time, 5),
        "chain_s": round(chain_time, 4),
        "state_bytes": int(np.asarray(states[0]).nbytes),
    }
    return [
        Result(
            "dispute_cost_fraction", best["time"] / chain_time, "fraction", 0.05, "lower", detail
        ),
        Result(
            "trace_commit_fraction",
            commit_time / chain_time,
            "fraction",
            0.05,
            "lower",
            commit_detail,
        ),
    ]
