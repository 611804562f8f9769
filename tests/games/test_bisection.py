"""The bisection game: rules, clocks, bounds, cheaters, transcripts and the choice of k."""

from __future__ import annotations

import contextlib
import itertools
from functools import lru_cache
from typing import Any

import attrs
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from oddsproof.contracts import Claim
from oddsproof.errors import EncodingError, InvalidArgument, Refused, SignatureError, WrongType
from oddsproof.games import (
    BisectionChallenge,
    BisectionGame,
    BisectionMove,
    BisectionOutcome,
    BisectionPhase,
    BisectionReason,
    BisectionRole,
    BisectionSetup,
    BisectionTranscript,
    Checkpoints,
    HonestChallenger,
    HonestSerialSolver,
    MultiProof,
    PickMove,
    RevealMove,
    SerialComputation,
    SplitMove,
    check_transcript,
    choose_arity,
    commit_trace,
    max_rounds,
    play_bisection,
    serial_claim,
)
from oddsproof.games.lowlevel import game_cost, split_points
from oddsproof.testing import (
    AfterEndSolver,
    EquivocatingSolver,
    FakeStepSolver,
    LyingChallenger,
    NonShrinkingChallenger,
    NonShrinkingSolver,
    StallingChallenger,
    StallingSerialSolver,
)
from oddsproof.wire import Digest, Identity, Signed, decode
from tests.strategies import (
    BISECTION_DOMAIN as DOMAIN,
)
from tests.strategies import (
    CHALLENGER_ID,
    IDENTITIES,
    SOLVER_ID,
    arities,
    serial_chain,
    serial_workloads,
)

OFFER = Digest(b"\x0f" * 32)
MOVE_TIME = 50


@lru_cache(maxsize=256)
def honest_trace(kind: str, steps: int, data: bytes, interval: int) -> Checkpoints:
    return commit_trace(serial_chain(kind, steps), data, interval)


def _kind(comp: SerialComputation) -> str:
    return "hash" if "hash" in comp.spec.name else "logistic"


def new_game(
    trace: Checkpoints,
    data: bytes,
    arity: int,
    *,
    solver_clock: int | None = None,
    challenger_clock: int | None = None,
    claim: Signed[Claim] | None = None,
) -> BisectionGame:
    """A game whose solver clock is exactly enough for an honest solver moving within
    ``MOVE_TIME`` (one split per round and the reveal)."""
    rounds = max_rounds(trace.steps, arity)
    solver_clock = solver_clock or (rounds + 1) * MOVE_TIME
    challenger_clock = challenger_clock or (rounds + 1) * MOVE_TIME
    claim = claim or serial_claim(trace, data, SOLVER_ID, DOMAIN, offer=OFFER, now=0)
    setup = BisectionSetup(
        claim,
        CHALLENGER_ID.party,
        arity,
        solver_clock,
        challenger_clock,
        MOVE_TIME,
        7,
        100,
        100 + solver_clock + challenger_clock + 7,
    )
    return BisectionGame(setup, DOMAIN)


def finish(game: BisectionGame, comp: SerialComputation, data: bytes) -> BisectionOutcome:
    """The outcome a third party derives from the game's transcript once its time is up."""
    return check_transcript(
        game.transcript(), DOMAIN, now=game.setup.ends, computation=comp, data=data
    )


delays = st.lists(st.integers(0, MOVE_TIME - 1), min_size=1, max_size=4).map(tuple)


# --- split points and rounds -----------------------------------------------------------------


@given(st.integers(1, 10**12), st.integers(2, 5000))
def test_max_rounds_is_the_ceiling_of_the_logarithm(steps: int, arity: int) -> None:
    rounds = max_rounds(steps, arity)
    assert arity**rounds >= steps
    assert rounds == 0 or arity ** (rounds - 1) < steps


@given(
    st.integers(1, 64).flatmap(lambda c: st.tuples(st.just(c), st.integers(1, 4096 // c))),
    arities,
    st.lists(st.integers(0, 10**6), min_size=40, max_size=40),
)
def test_any_path_of_splits_ends_within_the_round_bound(
    sizes: tuple[int, int], arity: int, choices: list[int]
) -> None:
    interval, segments = sizes
    steps = interval * segments
    if steps < 2:
        return
    bound = max_rounds(steps, arity)
    lo, hi, played = 0, steps, 0
    while hi - lo > 1:
        points = split_points(lo, hi, arity, interval, bound - played)
        played += 1
        assert points[0] == lo
        assert points[-1] == hi
        assert len(points) <= arity + 1
        assert all(b > a for a, b in itertools.pairwise(points))
        cap = arity ** (bound - played)
        assert all(b - a <= cap for a, b in itertools.pairwise(points))
        j = choices[played] % (len(points) - 1)
        lo, hi = points[j], points[j + 1]
    assert played <= bound


def test_splits_stay_on_checkpoints_while_they_can() -> None:
    # T = 2^20, c = 2^10, binary: ten rounds on checkpoints, then ten inside one segment.
    lo, hi, bound = 0, 1 << 20, 20
    aligned = []
    for played in range(bound):
        points = split_points(lo, hi, 2, 1 << 10, bound - played)
        aligned.append(all(p % (1 << 10) == 0 for p in points))
        lo, hi = points[0], points[1]
    assert aligned == [True] * 10 + [False] * 10
    assert hi - lo == 1
    # k = 8 cannot stay aligned all the way without a 21st round: it leaves the grid early.
    assert split_points(0, 1 << 11, 8, 1 << 10, 4) == tuple(range(0, (1 << 11) + 1, 1 << 8))


@pytest.mark.parametrize(
    ("lo", "hi", "rounds"), [(0, 1, 3), (5, 5, 1), (0, 10, 0), (0, 100, 1), (-1, 4, 2)]
)
def test_split_points_refuses_impossible_intervals(lo: int, hi: int, rounds: int) -> None:
    with pytest.raises(InvalidArgument):
        split_points(lo, hi, 4, 2, rounds)


# --- choosing k --------------------------------------------------------------------------------


def test_game_cost_counts_rounds_hashes_and_segments() -> None:
    model = game_cost(1 << 20, 1 << 10, 2, round_cost=1.0, hash_cost=0.0, step_cost=0.0)
    assert model.rounds == 20
    assert model.hashes == 60
    assert model.segments == 1
    assert model.cost == 20.0
    model = game_cost(1 << 20, 1 << 10, 2, round_cost=0.0, hash_cost=0.0, step_cost=1.0)
    assert model.cost == 2 * (1 << 10)


@given(
    st.integers(1, 64).flatmap(lambda c: st.tuples(st.just(c), st.integers(2, 2048 // c))),
    st.floats(0, 1e-2),
    st.floats(0, 1e-3),
    st.floats(0, 1e-5),
)
@settings(max_examples=25)
def test_choose_arity_is_the_argmin_of_the_cost_model(
    sizes: tuple[int, int], round_cost: float, hash_cost: float, step_cost: float
) -> None:
    interval, segments = sizes
    steps = interval * segments
    costs = {"round_cost": round_cost, "hash_cost": hash_cost, "step_cost": step_cost}
    chosen = choose_arity(steps, interval, max_arity=64, **costs)
    every = [game_cost(steps, interval, k, **costs) for k in range(2, min(64, steps) + 1)]
    assert chosen.cost == min(m.cost for m in every)
    assert chosen.arity == min(m.arity for m in every if m.cost == chosen.cost)


def test_latency_favours_wide_splits_and_expensive_hashes_binary() -> None:
    assert choose_arity(1 << 20, 1 << 10, round_cost=1.0, hash_cost=1e-6).arity > 100
    # each round posts k + 1 hashes (the endpoints again), so pure hash cost favours k ≈ 4
    assert choose_arity(1 << 20, 1 << 10, round_cost=1e-6, hash_cost=1.0).arity <= 5
    with pytest.raises(InvalidArgument):
        choose_arity(1 << 20, 1 << 10, round_cost=-1.0)
    with pytest.raises(InvalidArgument):
        choose_arity(1 << 20, 1 << 10, max_arity=10**6)


# --- whole games: who wins -------------------------------------------------------------------


@given(
    serial_workloads(),
    arities,
    st.lists(st.integers(0, 1000), min_size=1, max_size=8).map(tuple),
    delays,
    st.lists(st.integers(0, 2 * MOVE_TIME), min_size=1, max_size=4).map(tuple),
    st.sampled_from(["lying", "stalling", "non-shrinking"]),
    st.integers(0, 6),
)
def test_the_honest_solver_wins_against_scripted_challengers(
    workload: Any,
    arity: int,
    choices: tuple[int, ...],
    solver_delays: tuple[int, ...],
    challenger_delays: tuple[int, ...],
    style: str,
    when: int,
) -> None:
    comp, data, interval = workload
    trace = honest_trace(_kind(comp), comp.steps, data, interval)
    game = new_game(trace, data, arity)
    solver = HonestSerialSolver(SOLVER_ID, delays=solver_delays, trace=trace)
    challenger: Any
    if style == "lying":
        challenger = LyingChallenger(CHALLENGER_ID, delays=challenger_delays, choices=choices)
    elif style == "stalling":
        challenger = StallingChallenger(CHALLENGER_ID, choices=choices, answers=when)
    else:
        challenger = NonShrinkingChallenger(CHALLENGER_ID, choices=choices, from_round=when)
    play_bisection(game, solver, challenger)
    outcome = finish(game, comp, data)
    assert outcome.winner is BisectionRole.SOLVER, outcome
    assert outcome.rounds <= game.setup.rounds


class Chaos:
    """A party that does anything at any time: valid moves, garbage, out of turn, late."""

    def __init__(self, identity: Identity, data: st.DataObject) -> None:
        self.identity = identity
        self.data = data

    def move(self, game: BisectionGame, latest: int) -> Signed[BisectionMove] | None:
        """Mostly the move the phase calls for, in time; sometimes anything, late or silent."""
        draw = self.data.draw
        if draw(st.integers(0, 19)) == 0:
            return None
        deadline = game.deadline if game.deadline is not None else game.time + 1
        late = draw(st.integers(0, 9)) == 0
        at = draw(st.integers(game.time, max(game.time, latest if late else deadline - 1)))
        previous = game.head if draw(st.integers(0, 19)) else Digest(b"\x01" * 32)
        proper = draw(st.integers(0, 9)) < 7
        expected = {
            BisectionPhase.OPEN: "challenge",
            BisectionPhase.SPLIT: "split",
            BisectionPhase.PICK: "pick",
        }
        if proper and game.phase in expected:
            kind = expected[game.phase]
            round_ = game.round + (kind == "split")
        else:
            kind = draw(st.sampled_from(["challenge", "split", "pick", "reveal"]))
            round_ = max(0, game.round + draw(st.sampled_from([0, 1, -1, 2])))
        lo, hi = game.interval
        body: BisectionMove
        if kind == "challenge":
            body = BisectionChallenge(game.id, previous, 0 if proper else round_, at)
        elif kind == "pick":
            points = game.points() or (lo, hi)
            pieces = list(itertools.pairwise(points))
            if not proper:
                pieces += [(lo, hi), (lo, lo + 1)]
            a, b = draw(st.sampled_from(pieces))
            body = PickMove(game.id, previous, round_, at, a, b)
        elif kind == "split":
            splittable = hi - lo > 1 and game.phase in (BisectionPhase.OPEN, BisectionPhase.SPLIT)
            points = game.points() if splittable else (lo, hi)
            hashes = tuple(Digest(bytes([draw(st.integers(0, 3))]) * 32) for _ in points)
            body = SplitMove(game.id, previous, round_, at, lo, hi, points, hashes, None)
        else:
            body = RevealMove(game.id, previous, round_, at, lo, "|u1", (32,), bytes(32))
        return Signed.create(body, DOMAIN, self.identity)


def _offer(game: BisectionGame, move: Signed[BisectionMove] | None) -> None:
    if move is None:
        return
    with contextlib.suppress(Refused, Refused, Refused):
        game.submit(move, now=move.body.at)


@given(serial_workloads(max_segments=12, max_interval=8), arities, delays, st.data())
def test_the_honest_solver_wins_whatever_the_challenger_does(
    workload: Any, arity: int, solver_delays: tuple[int, ...], data: st.DataObject
) -> None:
    comp, raw, interval = workload
    trace = honest_trace(_kind(comp), comp.steps, raw, interval)
    game = new_game(trace, raw, arity)
    solver = HonestSerialSolver(SOLVER_ID, delays=solver_delays, trace=trace)
    chaos = Chaos(CHALLENGER_ID, data)
    for _ in range(4 * game.setup.max_moves):
        if game.phase in (BisectionPhase.JUDGE, BisectionPhase.DECIDED):
            break
        deadline = game.deadline
        assert deadline is not None
        if game.turn is BisectionRole.SOLVER:
            move = solver.act(game)
            assert move is not None
            if data.draw(st.booleans(), label="interject"):  # the challenger speaks first
                _offer(game, chaos.move(game, move.body.at))
            if game.phase is not BisectionPhase.DECIDED and game.head == move.body.previous:
                game.submit(move, now=move.body.at)
        else:
            _offer(game, chaos.move(game, deadline + MOVE_TIME))
            if game.turn is BisectionRole.CHALLENGER and data.draw(st.booleans(), label="wait"):
                game.advance(now=data.draw(st.integers(game.time, game.time + MOVE_TIME + 5)))
    outcome = finish(game, comp, raw)
    event(outcome.reason.value)
    assert outcome.winner is BisectionRole.SOLVER, outcome


@given(serial_workloads(max_segments=12, max_interval=8), arities, st.data())
def test_every_game_ends_within_its_bounds_of_rounds_moves_and_time(
    workload: Any, arity: int, data: st.DataObject
) -> None:
    comp, raw, interval = workload
    trace = honest_trace(_kind(comp), comp.steps, raw, interval)
    clocks = data.draw(st.tuples(st.integers(1, 400), st.integers(1, 400)), label="clocks")
    game = new_game(trace, raw, arity, solver_clock=clocks[0], challenger_clock=clocks[1])
    solver = HonestSerialSolver(SOLVER_ID, trace=trace)
    parties = {"solver": Chaos(SOLVER_ID, data), "challenger": Chaos(CHALLENGER_ID, data)}
    for _ in range(200):
        if game.phase in (BisectionPhase.JUDGE, BisectionPhase.DECIDED):
            break
        who = data.draw(st.sampled_from(["solver", "honest-solver", "challenger", "wait"]))
        if who == "wait":
            game.advance(now=data.draw(st.integers(game.time, game.time + 120)))
        elif who == "honest-solver":
            _offer(game, solver.act(game) if game.turn is BisectionRole.SOLVER else None)
        else:
            _offer(game, parties[who].move(game, game.time + 120))
    setup = game.setup
    assert len(game.moves) <= setup.max_moves
    assert game.round <= setup.rounds
    assert all(m.body.at < setup.ends for m in game.moves)
    outcome = game.advance(now=max(game.time, setup.ends))
    event(outcome.reason.value)
    assert outcome.phase in (BisectionPhase.JUDGE, BisectionPhase.DECIDED)
    assert outcome.decided_at is None or outcome.decided_at <= setup.ends
    assert setup.ends + setup.delta <= setup.deadline
    # the third party reaches the same standing from the transcript
    assert check_transcript(game.transcript(), DOMAIN, now=setup.ends) == outcome


@given(serial_workloads(), arities, st.data())
def test_a_solver_that_fakes_any_step_loses_at_that_step(
    workload: Any, arity: int, data: st.DataObject
) -> None:
    comp, raw, interval = workload
    fake = data.draw(st.integers(0, comp.steps - 1), label="faked step")
    solver = FakeStepSolver.create(
        SOLVER_ID, comp, raw, interval, fake, delays=data.draw(delays, label="delays")
    )
    honest = honest_trace(_kind(comp), comp.steps, raw, interval)
    game = new_game(solver.trace, raw, arity)
    play_bisection(game, solver, HonestChallenger(CHALLENGER_ID, trace=honest))
    assert game.phase is BisectionPhase.JUDGE
    assert game.interval == (fake, fake + 1)
    assert game.round <= game.setup.rounds
    outcome = finish(game, comp, raw)
    assert outcome.winner is BisectionRole.CHALLENGER
    assert outcome.reason is BisectionReason.WRONG_STEP


@given(serial_workloads(), arities, st.data())
def test_an_equivocating_solver_loses(workload: Any, arity: int, data: st.DataObject) -> None:
    comp, raw, interval = workload
    fake = data.draw(st.integers(0, comp.steps - 1), label="faked step")
    cheat = FakeStepSolver.create(SOLVER_ID, comp, raw, interval, fake)
    solver = EquivocatingSolver(SOLVER_ID, trace=cheat.trace)
    honest = honest_trace(_kind(comp), comp.steps, raw, interval)
    game = new_game(cheat.trace, raw, arity)
    play_bisection(game, solver, HonestChallenger(CHALLENGER_ID, trace=honest))
    outcome = finish(game, comp, raw)
    assert outcome.winner is BisectionRole.CHALLENGER
    if outcome.reason is not BisectionReason.EQUIVOCATION:  # one round was enough: no repost
        assert outcome.reason is BisectionReason.WRONG_STEP
        assert (outcome.rounds, outcome.hi - outcome.lo) == (1, 1)


@given(serial_workloads(), arities, st.integers(0, 8), st.booleans())
def test_stalling_after_end_and_non_shrinking_solvers_lose(
    workload: Any, arity: int, answers: int, honest_run: bool
) -> None:
    comp, raw, interval = workload
    trace = honest_trace(_kind(comp), comp.steps, raw, interval)
    challenger = LyingChallenger(CHALLENGER_ID, choices=(0, 3, 1))
    expected = {
        StallingSerialSolver: BisectionReason.TIMEOUT,
        AfterEndSolver: BisectionReason.MOVE_AFTER_END,
        NonShrinkingSolver: BisectionReason.NOT_SHRINKING,
    }
    for cls, reason in expected.items():
        kwargs = {"answers": answers} if cls is StallingSerialSolver else {}
        solver = cls(SOLVER_ID, trace=trace, **kwargs)
        game = new_game(trace, raw, arity)
        play_bisection(game, solver, challenger)
        outcome = finish(game, comp, raw)
        if cls is StallingSerialSolver and outcome.reason is BisectionReason.STEP_HOLDS:
            continue  # it answered every move it had to before stalling
        assert outcome.winner is BisectionRole.CHALLENGER, (cls, outcome)
        assert outcome.reason is reason


@given(serial_workloads(), arities, st.lists(st.integers(0, 99), min_size=1).map(tuple))
def test_a_lying_challenger_loses_against_an_honest_trace(
    workload: Any, arity: int, choices: tuple[int, ...]
) -> None:
    comp, raw, interval = workload
    trace = honest_trace(_kind(comp), comp.steps, raw, interval)
    game = new_game(trace, raw, arity)
    play_bisection(
        game,
        HonestSerialSolver(SOLVER_ID, trace=trace),
        LyingChallenger(CHALLENGER_ID, choices=choices),
    )
    outcome = finish(game, comp, raw)
    assert outcome.winner is BisectionRole.SOLVER
    assert outcome.reason is BisectionReason.STEP_HOLDS


def test_an_honest_challenger_does_not_dispute_an_honest_claim() -> None:
    trace = honest_trace("hash", 64, b"", 8)
    game = new_game(trace, b"", 2)
    play_bisection(
        game,
        HonestSerialSolver(SOLVER_ID, trace=trace),
        HonestChallenger(CHALLENGER_ID, trace=trace),
    )
    outcome = game.outcome()
    assert outcome.winner is BisectionRole.SOLVER
    assert outcome.reason is BisectionReason.TIMEOUT
    assert outcome.moves == 0


# --- rules one by one --------------------------------------------------------------------------


@pytest.fixture
def opened() -> tuple[BisectionGame, Checkpoints]:
    trace = honest_trace("hash", 256, b"r", 16)
    game = new_game(trace, b"r", 4)
    game.submit(game.challenge(CHALLENGER_ID, now=100), now=100)
    return game, trace


def _honest_split(game: BisectionGame, trace: Checkpoints, at: int) -> Signed[BisectionMove]:
    points = game.points()
    fresh = game.unproven(points)
    return game.split(
        SOLVER_ID, trace.hashes(points), trace.prove(fresh) if fresh else None, now=at
    )


def _rebuild(move: Signed[BisectionMove], **changes: Any) -> Signed[BisectionMove]:
    return Signed.create(attrs.evolve(move.body, **changes), DOMAIN, SOLVER_ID)


def test_refused_moves_change_nothing(opened: tuple[BisectionGame, Checkpoints]) -> None:
    game, trace = opened
    move = _honest_split(game, trace, 110)
    before = (game.outcome(), game.head, game.time, game.clock(BisectionRole.SOLVER))
    stranger = IDENTITIES[4]
    refusals: list[tuple[Any, type[Exception]]] = [
        (Signed.create(move.body, DOMAIN, stranger), Refused),
        (Signed.create(move.body, DOMAIN, SOLVER_ID, CHALLENGER_ID), Refused),
        (Signed(move.body, DOMAIN, (attrs.evolve(move.signatures[0], sig=bytes(64)),)), Refused),
        (_rebuild(move, game=Digest(b"\x02" * 32)), Refused),
        (_rebuild(move, previous=game.setup.id), Refused),
        (_rebuild(move, at=99), Refused),
        (move.body, WrongType),
    ]
    for bad, error in refusals:
        with pytest.raises(error):
            game.submit(bad)
    with pytest.raises((Refused, InvalidArgument)):
        game.submit(move, now=111)
    assert (game.outcome(), game.head, game.time, game.clock(BisectionRole.SOLVER)) == before
    game.submit(move, now=110)
    assert game.phase is BisectionPhase.PICK


def _losing(game: BisectionGame, move: Signed[BisectionMove]) -> BisectionOutcome:
    outcome = game.submit(move, now=move.body.at)
    assert outcome.phase is BisectionPhase.DECIDED
    return outcome


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"round": 2}, BisectionReason.BAD_ROUND),
        ({"points": (0, 64, 128, 192, 255)}, BisectionReason.BAD_SPLIT),
        ({"lo": 1, "points": (1, 64, 128, 192, 256)}, BisectionReason.BAD_SPLIT),
        ({"points": (0, 256), "hashes": "two"}, BisectionReason.NOT_SHRINKING),
        ({"proof": None}, BisectionReason.BAD_PROOF),
        ({"hashes": "wrong-middle"}, BisectionReason.BAD_PROOF),
        ({"hashes": "wrong-last"}, BisectionReason.BAD_PROOF),
    ],
)
def test_bad_splits_lose(
    opened: tuple[BisectionGame, Checkpoints], change: dict[str, Any], reason: BisectionReason
) -> None:
    game, trace = opened
    move = _honest_split(game, trace, 120)
    body = move.body
    assert isinstance(body, SplitMove)
    if change.get("hashes") == "two":
        change["hashes"] = (body.hashes[0], body.hashes[-1])
    elif change.get("hashes") == "wrong-middle":
        change["hashes"] = (*body.hashes[:2], Digest(b"\x09" * 32), *body.hashes[3:])
    elif change.get("hashes") == "wrong-last":
        change["hashes"] = (*body.hashes[:-1], Digest(b"\x09" * 32))
    outcome = _losing(game, _rebuild(move, **change))
    assert outcome.winner is BisectionRole.CHALLENGER
    assert outcome.reason is reason


def test_a_proof_where_none_is_due_loses(opened: tuple[BisectionGame, Checkpoints]) -> None:
    game, trace = opened
    game.submit(_honest_split(game, trace, 101), now=101)
    game.submit(game.pick(CHALLENGER_ID, 0, 64, now=102), now=102)
    move = _honest_split(game, trace, 103)  # [0, 64] in 4: 0, 16, 32, 48, 64 are checkpoints
    assert isinstance(move.body, SplitMove)
    assert move.body.proof is not None
    game.submit(move, now=103)
    game.submit(game.pick(CHALLENGER_ID, 16, 32, now=104), now=104)
    move = _honest_split(game, trace, 105)  # inside one segment: nothing to prove
    assert isinstance(move.body, SplitMove)
    assert move.body.proof is None
    proof = trace.prove([0])
    outcome = _losing(game, _rebuild(move, proof=proof))
    assert outcome.reason is BisectionReason.BAD_PROOF


def test_a_claim_whose_output_is_not_its_last_checkpoint_loses() -> None:
    trace = honest_trace("hash", 64, b"o", 8)
    claim = serial_claim(trace, b"o", SOLVER_ID, DOMAIN, offer=OFFER, now=0).body
    wrong = Signed.create(attrs.evolve(claim, output=Digest(b"\x03" * 32)), DOMAIN, SOLVER_ID)
    game = new_game(trace, b"o", 2, claim=wrong)
    play_bisection(game, HonestSerialSolver(SOLVER_ID, trace=trace), LyingChallenger(CHALLENGER_ID))
    assert game.outcome().reason is BisectionReason.BAD_OUTPUT
    assert game.outcome().winner is BisectionRole.CHALLENGER


def test_out_of_turn_wrong_kind_and_after_end_moves_lose() -> None:
    trace = honest_trace("hash", 16, b"t", 4)
    # the solver speaks before being challenged
    game = new_game(trace, b"t", 2)
    outcome = _losing(game, _honest_split(game, trace, 100))
    assert (outcome.winner, outcome.reason) == (
        BisectionRole.CHALLENGER,
        BisectionReason.OUT_OF_TURN,
    )
    # the challenger opens with a pick
    game = new_game(trace, b"t", 2)
    outcome = _losing(game, game.pick(CHALLENGER_ID, 0, 8, now=100))
    assert (outcome.winner, outcome.reason) == (BisectionRole.SOLVER, BisectionReason.WRONG_MOVE)
    # the challenger moves twice
    game = new_game(trace, b"t", 2)
    game.submit(game.challenge(CHALLENGER_ID, now=100), now=100)
    outcome = _losing(game, game.challenge(CHALLENGER_ID, now=101))
    assert (outcome.winner, outcome.reason) == (BisectionRole.SOLVER, BisectionReason.OUT_OF_TURN)
    # after the reveal anything loses, the challenger's move too
    game = new_game(trace, b"t", 2)
    play_bisection(game, HonestSerialSolver(SOLVER_ID, trace=trace), LyingChallenger(CHALLENGER_ID))
    assert game.phase is BisectionPhase.JUDGE
    outcome = _losing(game, game.pick(CHALLENGER_ID, 0, 1, now=game.time))
    assert (outcome.winner, outcome.reason) == (
        BisectionRole.SOLVER,
        BisectionReason.MOVE_AFTER_END,
    )
    with pytest.raises(Refused, match=r"^game-decided"):
        game.submit(game.challenge(CHALLENGER_ID, now=game.time), now=game.time)


def test_a_reveal_that_does_not_match_loses() -> None:
    trace = honest_trace("hash", 16, b"v", 4)
    game = new_game(trace, b"v", 2)
    play_bisection(
        game,
        StallingSerialSolver(SOLVER_ID, trace=trace, answers=4),
        LyingChallenger(CHALLENGER_ID, choices=(1,)),
    )
    assert game.phase is BisectionPhase.DECIDED
    game = new_game(trace, b"v", 2)
    solver = HonestSerialSolver(SOLVER_ID, trace=trace)
    challenger = LyingChallenger(CHALLENGER_ID, choices=(1,))
    while game.phase is not BisectionPhase.REVEAL:
        mover = solver if game.turn is BisectionRole.SOLVER else challenger
        move = mover.act(game)
        assert move is not None
        game.submit(move, now=move.body.at)
    lo, _ = game.interval
    outcome = _losing(game, game.reveal(SOLVER_ID, trace.state(lo + 1), now=game.time))
    assert (outcome.winner, outcome.reason) == (BisectionRole.CHALLENGER, BisectionReason.BAD_STATE)


def test_chess_clocks_and_per_move_deadlines() -> None:
    trace = honest_trace("hash", 64, b"c", 8)
    game = new_game(trace, b"c", 2, solver_clock=70, challenger_clock=500)
    assert game.deadline == 100 + MOVE_TIME  # the challenger's first move
    game.submit(game.challenge(CHALLENGER_ID, now=130), now=130)
    assert game.clock(BisectionRole.CHALLENGER) == 470
    assert game.deadline == 130 + MOVE_TIME
    game.submit(_honest_split(game, trace, 170), now=170)
    assert game.clock(BisectionRole.SOLVER) == 30
    game.submit(game.pick(CHALLENGER_ID, 0, 32, now=171), now=171)
    assert game.deadline == 171 + 30  # the solver's clock, not the move time, binds now
    outcome = game.advance(now=200)
    assert outcome.phase is BisectionPhase.SPLIT
    outcome = game.advance(now=201)
    assert (outcome.winner, outcome.reason) == (BisectionRole.CHALLENGER, BisectionReason.TIMEOUT)
    assert outcome.decided_at == 201
    assert game.clock(BisectionRole.SOLVER) == 0
    with pytest.raises((Refused, InvalidArgument)):
        game.advance(now=150)


def test_setups_that_cannot_make_a_fair_game_are_refused() -> None:
    trace = honest_trace("hash", 64, b"s", 8)
    claim = serial_claim(trace, b"s", SOLVER_ID, DOMAIN, offer=OFFER, now=0)
    base = {
        "claim": claim,
        "challenger": CHALLENGER_ID.party,
        "arity": 2,
        "solver_clock": 10,
        "challenger_clock": 10,
        "move_time": 5,
        "delta": 3,
        "start": 0,
        "deadline": 23,
    }
    BisectionSetup(**base)
    for change in (
        {"deadline": 22},
        {"challenger": SOLVER_ID.party},
        {"arity": 1},
        {"arity": 5000},
        {"solver_clock": 0},
        {"claim": Signed.create(attrs.evolve(claim.body, trace=None), DOMAIN, SOLVER_ID)},
    ):
        with pytest.raises(InvalidArgument):
            BisectionSetup(**{**base, **change})
    forged = Signed.create(claim.body, DOMAIN, CHALLENGER_ID)
    with pytest.raises(InvalidArgument):
        BisectionGame(BisectionSetup(**{**base, "claim": forged}), DOMAIN)


# --- transcripts -------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _finished(arity: int, fake: int | None) -> BisectionTranscript:
    comp = serial_chain("hash", 96)
    honest = honest_trace("hash", 96, b"tx", 8)
    if fake is None:
        solver: Any = HonestSerialSolver(SOLVER_ID, delays=(3, 1), trace=honest)
        challenger: Any = LyingChallenger(CHALLENGER_ID, delays=(2,), choices=(1, 2, 0))
    else:
        solver = FakeStepSolver.create(SOLVER_ID, comp, b"tx", 8, fake, delays=(3, 1))
        challenger = HonestChallenger(CHALLENGER_ID, delays=(2,), trace=honest)
    game = new_game(solver.trace, b"tx", arity)
    return play_bisection(game, solver, challenger)


def _alterations(value: Any) -> list[Any]:
    """Different values of the same type (most pass the field's validator)."""
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, int):
        return [value + 1, max(0, value - 1)] if value else [1]
    if isinstance(value, Digest):
        return [Digest(bytes([value.raw[0] ^ 1]) + value.raw[1:])]
    if isinstance(value, bytes):
        return [bytes([value[0] ^ 1]) + value[1:]] if value else [b"\x00"]
    if isinstance(value, str):
        return ["|i1" if value != "|i1" else "|u1"]
    if isinstance(value, MultiProof):
        return [None, attrs.evolve(value, hashes=value.hashes[:-1])] if value.hashes else [None]
    if value is None:
        return [MultiProof((0,), 2, (Digest(b"\x04" * 32),))]
    if isinstance(value, tuple) and value and isinstance(value[0], Digest):
        return [(*value[:-1], _alterations(value[-1])[0])]
    if isinstance(value, tuple) and value and isinstance(value[0], int):
        return [(*value[:-1], value[-1] + 1)]
    return []


@pytest.mark.parametrize(("arity", "fake"), [(2, None), (3, 40), (8, 0)])
def test_a_transcript_with_any_one_altered_move_is_rejected(arity: int, fake: int | None) -> None:
    transcript = _finished(arity, fake)
    check_transcript(transcript, DOMAIN)
    tried = 0
    for index, move in enumerate(transcript.moves):
        body = move.body
        for field in attrs.fields(type(body)):
            for value in _alterations(getattr(body, field.name)):
                try:
                    altered_body = attrs.evolve(body, **{field.name: value})
                except (ValueError, TypeError):
                    continue  # the object cannot even be built with this value
                altered = Signed(altered_body, move.domain, move.signatures)
                moves = (*transcript.moves[:index], altered, *transcript.moves[index + 1 :])
                with pytest.raises((Refused, InvalidArgument)):
                    check_transcript(attrs.evolve(transcript, moves=moves), DOMAIN)
                tried += 1
        for flipped in (0, 31, 63):
            sig = move.signatures[0]
            bad = attrs.evolve(
                sig, sig=sig.sig[:flipped] + bytes([sig.sig[flipped] ^ 1]) + sig.sig[flipped + 1 :]
            )
            altered = Signed(body, move.domain, (bad,))
            moves = (*transcript.moves[:index], altered, *transcript.moves[index + 1 :])
            with pytest.raises((Refused, InvalidArgument)):
                check_transcript(attrs.evolve(transcript, moves=moves), DOMAIN)
            tried += 1
    assert tried > 10 * len(transcript.moves)


def test_reordered_dropped_or_foreign_moves_are_rejected() -> None:
    transcript = _finished(2, None)
    moves = transcript.moves
    for broken in (
        (moves[1], moves[0], *moves[2:]),
        (*moves[:2], *moves[3:]),
        (*moves, moves[-1]),
    ):
        with pytest.raises((Refused, InvalidArgument)):
            check_transcript(attrs.evolve(transcript, moves=broken), DOMAIN)
    other = _finished(3, 40)
    with pytest.raises((Refused, InvalidArgument)):
        check_transcript(attrs.evolve(transcript, moves=(*moves[:2], other.moves[2])), DOMAIN)
    with pytest.raises((Refused, InvalidArgument)):
        check_transcript(transcript, attrs.evolve(DOMAIN, network="elsewhere"))
    with pytest.raises((Refused, InvalidArgument)):
        check_transcript(transcript, DOMAIN, now=0)


@given(st.integers(0, 10**6))
@settings(max_examples=30)
def test_one_flipped_bit_in_a_transcript_never_passes(position: int) -> None:
    transcript = _finished(3, 40)
    data = bytearray(transcript.encoded)
    bit = position % (8 * len(data))
    data[bit // 8] ^= 1 << (bit % 8)
    try:
        again = decode(bytes(data), BisectionTranscript)
    except (EncodingError, SignatureError, InvalidArgument, Refused):
        return
    if again.game.id == transcript.game.id and again.moves == transcript.moves:
        return  # the flip hit nothing that matters (cannot happen in canonical bytes)
    with pytest.raises((Refused, InvalidArgument)):
        check_transcript(again, DOMAIN)


def test_same_inputs_give_the_same_transcript_bytes() -> None:
    _finished.cache_clear()
    first = _finished(3, 40).encoded
    _finished.cache_clear()
    assert _finished(3, 40).encoded == first
    assert check_transcript(_finished(3, 40), DOMAIN) == check_transcript(_finished(3, 40), DOMAIN)
