"""Serial workloads, bisection setups, moves and transcripts; Merkle helpers."""

from __future__ import annotations

# --- bisection ---
from functools import lru_cache

from hypothesis import strategies as st

import oddsproof.strategies as public
from oddsproof.contracts import (
    Claim,
)
from oddsproof.games import (
    BisectionChallenge,
    BisectionMove,
    BisectionSetup,
    BisectionTranscript,
    MultiProof,
    PickMove,
    RevealMove,
    SerialComputation,
    SplitMove,
)
from oddsproof.strategies import trace_commitments
from oddsproof.testing import hash_chain, logistic_chain
from oddsproof.wire import Domain, Signed

from .values import IDENTITIES, digests, domains, identities, objects_by_kind, times

BISECTION_DOMAIN = Domain("oddsproof-bisection-test")
SOLVER_ID, CHALLENGER_ID, JUDGE_ID = IDENTITIES[1], IDENTITIES[0], IDENTITIES[2]


@lru_cache(maxsize=64)
def serial_chain(kind: str, steps: int) -> SerialComputation:
    """A small chain of ``kind`` ("hash" or "logistic"), cached: building one hashes source."""
    return hash_chain(steps) if kind == "hash" else logistic_chain(steps, width=3, precision=30)


@st.composite
def serial_workloads(
    draw: st.DrawFn, *, max_segments: int = 40, max_interval: int = 24
) -> tuple[SerialComputation, bytes, int]:
    """A small chain, its input and a checkpoint interval dividing its steps (T ≥ 2)."""
    interval = draw(st.integers(1, max_interval))
    segments = draw(st.integers(1 if interval > 1 else 2, max_segments))
    kind = draw(st.sampled_from(["hash", "hash", "logistic"]))
    data = draw(st.binary(min_size=0, max_size=8))
    return serial_chain(kind, interval * segments), data, interval


arities = st.integers(2, 9) | st.sampled_from([16, 64, 1000])


@st.composite
def bisection_setups(draw: st.DrawFn) -> BisectionSetup:
    """Game setups over arbitrary (signed) serial claims; not tied to a real run."""
    solver, challenger = draw(
        st.lists(identities, min_size=2, max_size=2, unique_by=lambda i: i.name)
    )
    trace = draw(trace_commitments().filter(lambda t: t.steps >= 2))
    claim = Claim(
        draw(digests),
        solver.party,
        draw(digests),
        draw(digests),
        draw(digests),
        draw(st.integers(0, 64)),
        trace,
        draw(times),
    )
    clocks = draw(st.tuples(st.integers(1, 10**6), st.integers(1, 10**6)))
    delta, start = draw(st.integers(0, 3600)), draw(times)
    deadline = start + sum(clocks) + delta + draw(st.integers(0, 10**6))
    return BisectionSetup(
        Signed.create(claim, draw(domains), solver),
        challenger.party,
        draw(st.integers(2, 4096)),
        clocks[0],
        clocks[1],
        draw(st.integers(1, 10**6)),
        delta,
        start,
        deadline,
    )


_move_heads = st.tuples(digests, digests, st.integers(0, 64), times)


@st.composite
def _intervals(draw: st.DrawFn) -> tuple[int, int]:
    lo = draw(st.integers(0, 2**40))
    return lo, lo + draw(st.integers(1, 2**20))


@st.composite
def split_moves(draw: st.DrawFn) -> SplitMove:
    """Splits with arbitrary (well-formed, not necessarily valid) points, hashes and proofs."""
    game, previous, round_, at = draw(_move_heads)
    points = tuple(sorted(draw(st.sets(st.integers(0, 2**40), min_size=2, max_size=6))))
    hashes = tuple(draw(digests) for _ in points)
    proof = None
    if draw(st.booleans()):
        indices = tuple(sorted(draw(st.sets(st.integers(0, 99), min_size=1, max_size=4))))
        siblings = tuple(draw(st.lists(digests, max_size=4)))
        proof = MultiProof(indices, indices[-1] + draw(st.integers(1, 50)), siblings)
    return SplitMove(game, previous, round_, at, points[0], points[-1], points, hashes, proof)


@st.composite
def pick_moves(draw: st.DrawFn) -> PickMove:
    """Picks of arbitrary intervals."""
    game, previous, round_, at = draw(_move_heads)
    lo, hi = draw(_intervals())
    return PickMove(game, previous, round_, at, lo, hi)


@st.composite
def reveal_moves(draw: st.DrawFn) -> RevealMove:
    """Reveals of small arbitrary byte states."""
    game, previous, round_, at = draw(_move_heads)
    data = draw(st.binary(min_size=1, max_size=64))
    return RevealMove(game, previous, round_, at, draw(times), "|u1", (len(data),), data)


challenge_moves = _move_heads.map(lambda h: BisectionChallenge(*h))
bisection_moves: st.SearchStrategy[BisectionMove] = st.one_of(
    challenge_moves, split_moves(), pick_moves(), reveal_moves()
)


@st.composite
def bisection_transcripts(draw: st.DrawFn) -> BisectionTranscript:
    """A setup and a few signed moves (encodable, not a valid game)."""
    moves = draw(st.lists(bisection_moves, max_size=3))
    signed = tuple(Signed.create(m, draw(domains), draw(identities)) for m in moves)
    return BisectionTranscript(draw(bisection_setups()), signed)


objects_by_kind.update(
    {
        BisectionSetup: bisection_setups(),
        BisectionChallenge: challenge_moves,
        SplitMove: split_moves(),
        PickMove: pick_moves(),
        RevealMove: reveal_moves(),
        BisectionTranscript: bisection_transcripts(),
    }
)


# --- merkle ---

from oddsproof.games import InclusionProof  # noqa: E402

inclusion_proofs = public.inclusion_proofs
multi_proofs = public.multi_proofs

objects_by_kind.update({InclusionProof: inclusion_proofs(), MultiProof: multi_proofs()})
