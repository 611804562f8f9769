"""The bisection (k-ary dissection) game over a committed serial trace, with chess clocks.

A solver has signed a claim carrying ``TraceCommitment(root, T, c)``; a challenger says the run
is wrong. The game narrows the disputed interval ``[lo, hi]`` (the solver's hash at ``lo`` is
agreed, at ``hi`` disputed) from ``[0, T]`` down to one step, which a judge re-runs:

1. the challenger opens with a :class:`BisectionChallenge` (round 0);
2. each round ``r`` the solver posts a :class:`SplitMove`: its state hashes at the points
   :func:`split_points` fixes for the interval (the endpoints again, and up to ``k − 1`` new
   points), with a Merkle multi-proof for every checkpoint (multiple of ``c``) not posted before;
   the challenger answers with a :class:`PickMove`, one of the pieces, which becomes the interval;
3. once ``hi − lo = 1`` the game has reached its end: the solver must reveal its state at ``lo``
   (:class:`RevealMove`), which must hash to its posted hash there; the judge re-runs step
   ``lo`` and the solver wins iff the result hashes to its posted hash at ``hi``.

Every move is signed by its mover, names the game, chains to the previous move's id, and carries
its round and the mover's clock reading. Each party has a chess clock (``solver_clock``,
``challenger_clock`` seconds) and each move a deadline ``move_time`` after the turn began,
whichever comes first. A party loses when it runs out of time, moves out of turn, moves after the
end, posts a hash that differs from one it posted before (equivocation) or from its commitment
(bad proof), splits other than :func:`split_points` says, picks something that is not one of the
pieces (does not shrink the interval), or reveals a state that does not match. Moves that cannot
be attributed or ordered (bad signature, wrong game, not chained to the last move, clock going
backwards, the game already decided) are refused with an error and change nothing.

Bounds: at most :func:`max_rounds` ``= ⌈log_k T⌉`` rounds, so at most ``2·⌈log_k T⌉ + 3`` moves,
and every move lies before ``start + solver_clock + challenger_clock``, which itself lies at
least Δ before the game's parent ``deadline`` (the judge's window).
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Sequence
from typing import Any, Final

import attrs
import numpy as np

from oddsproof.contracts import Claim
from oddsproof.errors import (
    InvalidArgument,
    OddsproofError,
    Reason,
    Refused,
    SignatureError,
    WrongType,
)
from oddsproof.errors import _validators as v
from oddsproof.wire import INT_LIMIT, Canonical, Digest, Domain, Identity, Party, Signed, canonical

from ._computation import Array, SerialComputation, input_id
from ._merkle import MultiProof, verify_many
from ._trace import (
    MAX_STATE_BYTES,
    MAX_STATE_DIMENSIONS,
    leaf_of,
    run_one_step,
    state_fields,
    state_from_fields,
    state_hash,
)

MAX_ARITY: Final = 4096
"""The widest split a game allows: 4097 hashes (about 130 KB) in one move."""
MIN_STEPS: Final = 2
"""A one-step run needs no game: the judge re-runs it directly."""


# ---------------------------------------------------------------------------------------------
# Rounds, split points and the choice of k


def _int_arg(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidArgument(f"{name} must be an integer >= {minimum}, got {value!r}")
    return value


def max_rounds(steps: int, arity: int) -> int:
    """``⌈log_k T⌉``, exactly: the least ``r`` with ``arity**r >= steps``."""
    _int_arg("steps", steps, 1)
    _int_arg("arity", arity, 2)
    rounds, reach = 0, 1
    while reach < steps:
        reach *= arity
        rounds += 1
    return rounds


def split_points(lo: int, hi: int, arity: int, interval: int, rounds_left: int) -> tuple[int, ...]:
    """The points ``lo = p_0 < … < p_m = hi`` the solver must post for ``[lo, hi]``.

    Every piece is at most ``arity**(rounds_left − 1)`` steps, so the game ends in time. When
    the interval spans at least ``arity`` whole checkpoint segments and the cap allows it, the
    split is even in whole segments (every point a committed checkpoint, nothing regenerated);
    otherwise it is even in steps (``p_j = lo + ⌊j·n/m⌋`` with ``m = min(arity, n)`` pieces).
    """
    n = hi - lo
    if lo < 0 or n < 2 or rounds_left < 1:
        raise InvalidArgument(f"cannot split [{lo}, {hi}] with {rounds_left} rounds left")
    cap = arity ** (rounds_left - 1)
    if n > arity * cap:
        raise InvalidArgument(f"[{lo}, {hi}] cannot end within {rounds_left} rounds of {arity}")
    if lo % interval == 0 and hi % interval == 0:
        segments = n // interval
        if segments >= arity and -(-segments // arity) * interval <= cap:
            return tuple(lo + (j * segments // arity) * interval for j in range(arity + 1))
    pieces = min(arity, n)
    return tuple(lo + j * n // pieces for j in range(pieces + 1))


_int = attrs.validators.instance_of(int)
_optional_int = attrs.validators.optional(_int)


@attrs.frozen
class CostModel:
    """What one game costs, per :func:`game_cost`, in the caller's unit (seconds, say)."""

    arity: int = attrs.field(validator=_int)
    rounds: int = attrs.field(validator=_int)
    hashes: int = attrs.field(validator=_int)
    """State hashes posted over the whole game (endpoints included)."""
    segments: int = attrs.field(validator=_int)
    """Checkpoint segments regenerated (by each side) to answer sub-checkpoint points."""
    cost: float = attrs.field(validator=attrs.validators.instance_of(float))


def game_cost(
    steps: int,
    interval: int,
    arity: int,
    *,
    round_cost: float,
    hash_cost: float,
    step_cost: float,
) -> CostModel:
    """The cost of a game that follows the first piece each round:
    ``Σ_rounds (round_cost + hashes_r · hash_cost) + 2 · segments · interval · step_cost``.

    ``round_cost`` is the fixed cost of one round (two signed moves signed, sent, verified, plus
    any latency); ``hash_cost`` the cost of one posted hash (hashing, encoding, its share of the
    proof, the comparison); ``step_cost`` one step of the chain (both sides regenerate each
    segment that holds a point between checkpoints).
    """
    _int_arg("steps", steps, MIN_STEPS)
    _int_arg("interval", interval, 1)
    _int_arg("arity", arity, 2)
    if steps % interval:
        raise InvalidArgument("the interval must divide the number of steps")
    lo, hi = 0, steps
    rounds = max_rounds(steps, arity)
    hashes = 0
    segments_seen: set[int] = set()
    total = 0.0
    played = 0
    while hi - lo > 1:
        points = split_points(lo, hi, arity, interval, rounds - played)
        played += 1
        hashes += len(points)
        total += round_cost + len(points) * hash_cost
        segments_seen.update(p // interval for p in points if p % interval)
        lo, hi = points[0], points[1]
    total += 2 * len(segments_seen) * interval * step_cost
    return CostModel(arity, played, hashes, len(segments_seen), total)


DEFAULT_ROUND_COST: Final = 4e-4
"""Seconds per round measured in-process (two moves signed, encoded, verified; no network)."""
DEFAULT_HASH_COST: Final = 1.5e-5
"""Seconds per posted hash measured in-process (hash lookup, encoding, proof, comparison)."""


def choose_arity(
    steps: int,
    interval: int,
    *,
    round_cost: float = DEFAULT_ROUND_COST,
    hash_cost: float = DEFAULT_HASH_COST,
    step_cost: float = 0.0,
    max_arity: int = 1024,
) -> CostModel:
    """The ``k`` in ``[2, max_arity]`` that minimises :func:`game_cost` (the smallest on ties).

    With a network round trip in ``round_cost`` the best ``k`` grows; with in-process games the
    signatures and the hashes balance near ``k = 16`` for a million steps.
    """
    _int_arg("max_arity", max_arity, 2)
    if max_arity > MAX_ARITY:
        raise InvalidArgument(f"max_arity is at most {MAX_ARITY}")
    costs = (("round_cost", round_cost), ("hash_cost", hash_cost), ("step_cost", step_cost))
    for name, value in costs:
        if not isinstance(value, int | float) or not 0 <= value < float("inf"):
            raise InvalidArgument(f"{name} must be a finite non-negative number")
    best = game_cost(
        steps, interval, 2, round_cost=round_cost, hash_cost=hash_cost, step_cost=step_cost
    )
    for arity in range(3, min(max_arity, steps) + 1):
        if arity * hash_cost + round_cost > best.cost:
            break  # the first round alone already costs more: larger k only cost more
        candidate = game_cost(
            steps, interval, arity, round_cost=round_cost, hash_cost=hash_cost, step_cost=step_cost
        )
        if candidate.cost < best.cost:
            best = candidate
    return best


# ---------------------------------------------------------------------------------------------
# Encoded objects: the game, the moves, the transcript


def _setup_time(_inst: object, attr: attrs.Attribute[Any], value: Any) -> None:
    if type(value) is not int or not 0 <= value < INT_LIMIT:
        raise InvalidArgument(f"{attr.name} must be an integer in [0, 2**63), got {value!r}")


_digest = attrs.validators.instance_of(Digest)


def _signed_claim(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, Signed) or not isinstance(value.body, Claim):
        raise InvalidArgument("a game disputes a signed Claim")
    trace = value.body.trace
    if trace is None:
        raise InvalidArgument("only a serial claim (one with a trace commitment) can be bisected")
    if trace.steps < MIN_STEPS:
        raise InvalidArgument(f"a bisection game needs at least {MIN_STEPS} steps")


@canonical("bisection-game")
@attrs.frozen
class BisectionSetup(Canonical):
    """The terms of one bisection game; its id is the game id every move names.

    The parameters come from the contract both parties signed: ``arity`` k, each party's chess
    clock in seconds, the per-move deadline ``move_time``, Δ, the game's ``start`` and its
    parent ``deadline``. Every move ends before ``start + solver_clock + challenger_clock``,
    which must lie at least Δ before ``deadline``, leaving the judge Δ to rule.
    """

    claim: Signed[Claim] = attrs.field(validator=_signed_claim)
    challenger: Party = attrs.field(validator=attrs.validators.instance_of(Party))
    arity: int = attrs.field(validator=v.positive)
    solver_clock: int = attrs.field(validator=v.positive)
    challenger_clock: int = attrs.field(validator=v.positive)
    move_time: int = attrs.field(validator=v.positive)
    delta: int = attrs.field(validator=_setup_time)
    start: int = attrs.field(validator=_setup_time)
    deadline: int = attrs.field(validator=_setup_time)

    @challenger.validator
    def _two_parties(self, _attr: object, value: Party) -> None:
        claim = self.claim.body if isinstance(self.claim, Signed) else None
        if isinstance(claim, Claim) and claim.claimant.key == value.key:
            raise InvalidArgument("the challenger must not be the solver")

    @arity.validator
    def _arity(self, _attr: object, value: int) -> None:
        if type(value) is int and not 2 <= value <= MAX_ARITY:
            raise InvalidArgument(f"arity must lie in [2, {MAX_ARITY}], got {value}")

    @deadline.validator
    def _nested(self, _attr: object, value: int) -> None:
        ends = self.start + self.solver_clock + self.challenger_clock
        if type(value) is int and ends + self.delta > value:
            raise InvalidArgument(
                f"the game may run until {ends}, which must be at least Δ = {self.delta}"
                f" before its parent deadline {value}"
            )

    @property
    def solver(self) -> Party:
        """The claimant, who defends the trace."""
        return self.claim.body.claimant

    @property
    def steps(self) -> int:
        """T, the number of steps of the disputed run."""
        assert self.claim.body.trace is not None
        return self.claim.body.trace.steps

    @property
    def interval(self) -> int:
        """c, the checkpoint interval of the commitment."""
        assert self.claim.body.trace is not None
        return self.claim.body.trace.interval

    @property
    def rounds(self) -> int:
        """The bound on rounds, ``⌈log_k T⌉``."""
        return max_rounds(self.steps, self.arity)

    @property
    def ends(self) -> int:
        """The time by which the game is decided or at the judge, whatever the parties do."""
        return self.start + self.solver_clock + self.challenger_clock

    @property
    def max_moves(self) -> int:
        """The bound on moves: a challenge, two per round, a reveal, and one losing extra."""
        return 2 * self.rounds + 3


@attrs.frozen
class BisectionMove(Canonical):
    """Fields every move carries: the game id, the previous move's id (the game id for the
    first), the round, and the mover's clock reading ``at``. Sign it with ``Signed``."""

    game: Digest = attrs.field(validator=_digest)
    previous: Digest = attrs.field(validator=_digest)
    round: int = attrs.field(validator=v.amount)
    at: int = attrs.field(validator=v.amount)


@canonical("bisection-challenge")
@attrs.frozen
class BisectionChallenge(BisectionMove):
    """The challenger's opening: the solver's state hash at T is wrong (round 0)."""


def _points(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, tuple) or not 2 <= len(value) <= MAX_ARITY + 1:
        raise InvalidArgument(f"a split posts 2 to {MAX_ARITY + 1} points")
    if not all(type(p) is int and 0 <= p < INT_LIMIT for p in value):
        raise InvalidArgument("points are non-negative integers")
    if any(b <= a for a, b in itertools.pairwise(value)):
        raise InvalidArgument("points must be strictly increasing")


def _hashes(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, tuple) or not all(isinstance(h, Digest) for h in value):
        raise InvalidArgument("hashes are a tuple of digests")


def _interval(inst: object, _attr: object, value: Any) -> None:
    if type(value) is not int or not 0 < value < INT_LIMIT:
        raise InvalidArgument(f"hi must be a positive integer, got {value!r}")
    lo = getattr(inst, "lo", None)
    if type(lo) is int and not lo < value:
        raise InvalidArgument("an interval [lo, hi] needs lo < hi")


@canonical("bisection-split")
@attrs.frozen
class SplitMove(BisectionMove):
    """The solver's state hashes at the split points of ``[lo, hi]``, one per point.

    ``proof`` is a multi-proof, against the committed root, of every point that is a checkpoint
    and was not posted before (``None`` if there is none).
    """

    lo: int = attrs.field(validator=v.amount)
    hi: int = attrs.field(validator=_interval)
    points: tuple[int, ...] = attrs.field(validator=_points)
    hashes: tuple[Digest, ...] = attrs.field(validator=_hashes)
    proof: MultiProof | None = attrs.field(
        validator=attrs.validators.optional(attrs.validators.instance_of(MultiProof))
    )

    @hashes.validator
    def _one_per_point(self, _attr: object, value: tuple[Digest, ...]) -> None:
        if isinstance(self.points, tuple) and len(value) != len(self.points):
            raise InvalidArgument("a split posts one hash per point")


@canonical("bisection-pick")
@attrs.frozen
class PickMove(BisectionMove):
    """The challenger's choice of the piece ``[lo, hi]`` it disputes (it agrees at ``lo``)."""

    lo: int = attrs.field(validator=v.amount)
    hi: int = attrs.field(validator=_interval)


def _dtype(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, str) or not 1 <= len(value) <= 8 or not value.isascii():
        raise InvalidArgument("a state dtype is a short ASCII string such as '<u8'")


def _shape(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, tuple) or len(value) > MAX_STATE_DIMENSIONS:
        raise InvalidArgument(f"a state shape has at most {MAX_STATE_DIMENSIONS} dimensions")
    if not all(type(d) is int and 0 <= d < INT_LIMIT for d in value):
        raise InvalidArgument("a state shape holds non-negative integers")


def _data(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, bytes) or len(value) > MAX_STATE_BYTES:
        raise InvalidArgument(f"state data is at most {MAX_STATE_BYTES} bytes")


@canonical("bisection-reveal")
@attrs.frozen
class RevealMove(BisectionMove):
    """The solver's full state at ``step`` (the agreed end of the last step), for the judge."""

    step: int = attrs.field(validator=v.amount)
    dtype: str = attrs.field(validator=_dtype)
    shape: tuple[int, ...] = attrs.field(validator=_shape)
    data: bytes = attrs.field(validator=_data)


MAX_TRANSCRIPT_MOVES: Final = 2 * 64 + 3


def _moves(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, tuple) or len(value) > MAX_TRANSCRIPT_MOVES:
        raise InvalidArgument(f"a transcript holds at most {MAX_TRANSCRIPT_MOVES} moves")
    if not all(isinstance(m, Signed) and isinstance(m.body, BisectionMove) for m in value):
        raise InvalidArgument("a transcript holds signed moves")


@canonical("bisection-transcript")
@attrs.frozen
class BisectionTranscript(Canonical):
    """A game and its moves in order: the evidence a ruling names. Made by
    :meth:`BisectionGame.transcript`; checked by :func:`check_transcript`."""

    game: BisectionSetup = attrs.field(validator=attrs.validators.instance_of(BisectionSetup))
    moves: tuple[Signed[BisectionMove], ...] = attrs.field(validator=_moves)


# ---------------------------------------------------------------------------------------------
# The state machine


class BisectionRole(enum.Enum):
    """The two sides of a game."""

    SOLVER = "solver"
    CHALLENGER = "challenger"

    @property
    def other(self) -> BisectionRole:
        """The opponent."""
        return BisectionRole.CHALLENGER if self is BisectionRole.SOLVER else BisectionRole.SOLVER


class BisectionPhase(enum.Enum):
    """Where a game stands."""

    OPEN = "open"
    """Waiting for the challenge."""
    SPLIT = "split"
    """The solver must split the interval."""
    PICK = "pick"
    """The challenger must pick a piece."""
    REVEAL = "reveal"
    """The end: one step left; the solver must reveal its state at ``lo``."""
    JUDGE = "judge"
    """The state is revealed; the judge re-runs the step."""
    DECIDED = "decided"
    """A winner is known."""


class BisectionReason(Reason):
    """Why a game stands where it does."""

    PENDING = "pending"
    TIMEOUT = "timeout"
    OUT_OF_TURN = "out-of-turn"
    MOVE_AFTER_END = "move-after-end"
    WRONG_MOVE = "wrong-move"
    BAD_ROUND = "bad-round"
    BAD_SPLIT = "bad-split"
    EQUIVOCATION = "equivocation"
    BAD_PROOF = "bad-proof"
    BAD_OUTPUT = "bad-output"
    NOT_SHRINKING = "not-shrinking"
    BAD_STATE = "bad-state"
    BAD_START = "bad-start"
    """The solver's hash at step 0 is not the hash of the initial state of the input."""
    WRONG_STEP = "wrong-step"
    """The judge re-ran the step and got a different hash than the solver's."""
    STEP_HOLDS = "step-holds"
    """The judge re-ran the step and got the solver's hash."""
    WRONG_GAME = "wrong-game"
    """A move that names another game (or another setup)."""
    BAD_TIME = "bad-time"
    """A move whose time is not the referee's clock, or before it."""
    BAD_SIGNATURE = "bad-signature"
    """A move not signed exactly once, by a player of this game, in this domain."""
    NOT_FOLLOWING = "not-following"
    """A move that does not follow the last move (another head)."""
    GAME_DECIDED = "game-decided"
    """A move after the game was decided."""
    BAD_TRANSCRIPT = "bad-transcript"
    """A transcript whose setup or some move does not verify."""


@attrs.frozen
class BisectionOutcome:
    """A game's standing: phase, winner (if any), why, and the interval reached.

    Made by the game and :func:`check_transcript`, not by users.
    """

    phase: BisectionPhase = attrs.field(validator=attrs.validators.instance_of(BisectionPhase))
    winner: BisectionRole | None = attrs.field(
        validator=attrs.validators.optional(attrs.validators.instance_of(BisectionRole))
    )
    reason: BisectionReason = attrs.field(validator=attrs.validators.instance_of(BisectionReason))
    rounds: int = attrs.field(validator=_int)
    lo: int = attrs.field(validator=_int)
    hi: int = attrs.field(validator=_int)
    moves: int = attrs.field(validator=_int)
    turn: BisectionRole | None = attrs.field(
        validator=attrs.validators.optional(attrs.validators.instance_of(BisectionRole))
    )
    deadline: int | None = attrs.field(validator=_optional_int)
    """When the party on turn runs out of time (exclusive), if anyone is on turn."""
    decided_at: int | None = attrs.field(validator=_optional_int)

    @property
    def upheld(self) -> bool | None:
        """Whether the solver won (``None`` while undecided)."""
        return None if self.winner is None else self.winner is BisectionRole.SOLVER


_TURN: Final = {
    BisectionPhase.OPEN: BisectionRole.CHALLENGER,
    BisectionPhase.SPLIT: BisectionRole.SOLVER,
    BisectionPhase.PICK: BisectionRole.CHALLENGER,
    BisectionPhase.REVEAL: BisectionRole.SOLVER,
}


class BisectionGame:
    """The referee of one game: accepts signed moves in order, keeps the clocks, decides.

    :meth:`submit` refuses (raises) what cannot be attributed or ordered; any other move is
    accepted and may decide the game against its mover. :meth:`advance` moves the referee's
    clock, deciding a timeout when the party on turn has run out. Players read the public state
    (:attr:`phase`, :attr:`interval`, :meth:`points`, :meth:`posted`) and build moves with
    :meth:`challenge`, :meth:`split`, :meth:`pick` and :meth:`reveal`.
    """

    def __init__(self, setup: BisectionSetup, domain: Domain) -> None:
        if not isinstance(setup, BisectionSetup) or not isinstance(domain, Domain):
            raise InvalidArgument("a game needs a BisectionSetup and a Domain")
        try:
            setup.claim.verify(domain, signers=[setup.solver])
        except SignatureError as exc:
            raise InvalidArgument(f"the claim is not signed by its claimant here: {exc}") from exc
        self.setup = setup
        self.domain = domain
        self.id = setup.id
        claim = setup.claim.body
        assert claim.trace is not None
        self._trace = claim.trace
        self._claim = claim
        self._keys = {
            setup.solver.key.raw: BisectionRole.SOLVER,
            setup.challenger.key.raw: BisectionRole.CHALLENGER,
        }
        self._moves: list[Signed[BisectionMove]] = []
        self._head = setup.id
        self._time = setup.start
        self._turn_start = setup.start
        self._clock = {
            BisectionRole.SOLVER: setup.solver_clock,
            BisectionRole.CHALLENGER: setup.challenger_clock,
        }
        self._phase = BisectionPhase.OPEN
        self._round = 0
        self._lo, self._hi = 0, self._trace.steps
        self._points: tuple[int, ...] = ()
        self._posted: dict[int, Digest] = {}
        self._revealed: Array | None = None
        self._winner: BisectionRole | None = None
        self._reason = BisectionReason.PENDING
        self._decided_at: int | None = None

    # -- reading the state --------------------------------------------------------------------

    @property
    def phase(self) -> BisectionPhase:
        """Where the game stands (as of the last :meth:`advance` or move)."""
        return self._phase

    @property
    def turn(self) -> BisectionRole | None:
        """Who must move next (``None`` at the judge or once decided)."""
        return _TURN.get(self._phase)

    @property
    def interval(self) -> tuple[int, int]:
        """The disputed interval ``(lo, hi)``."""
        return self._lo, self._hi

    @property
    def round(self) -> int:
        """Rounds completed (picks made)."""
        return self._round

    @property
    def head(self) -> Digest:
        """The id the next move must name as ``previous``."""
        return self._head

    @property
    def time(self) -> int:
        """The referee's clock: the latest time it has seen."""
        return self._time

    @property
    def turn_start(self) -> int:
        """When the current turn began."""
        return self._turn_start

    @property
    def moves(self) -> tuple[Signed[BisectionMove], ...]:
        """The accepted moves, in order."""
        return tuple(self._moves)

    def clock(self, role: BisectionRole) -> int:
        """Seconds left on ``role``'s chess clock (not counting the running turn)."""
        return self._clock[role]

    @property
    def deadline(self) -> int | None:
        """When the party on turn loses by timeout (exclusive), if anyone is on turn."""
        turn = self.turn
        if turn is None:
            return None
        return self._turn_start + min(self.setup.move_time, self._clock[turn])

    def points(self) -> tuple[int, ...]:
        """The points the solver must post for the current interval (before and in the split
        phase), or those of the last split (afterwards)."""
        if self._phase in (BisectionPhase.OPEN, BisectionPhase.SPLIT):
            return split_points(
                self._lo,
                self._hi,
                self.setup.arity,
                self._trace.interval,
                self.setup.rounds - self._round,
            )
        return self._points

    def unproven(self, points: Sequence[int]) -> tuple[int, ...]:
        """Which of ``points`` need an inclusion proof: checkpoints not posted before."""
        c = self._trace.interval
        return tuple(p for p in points if p % c == 0 and p not in self._posted)

    def posted(self, step: int) -> Digest | None:
        """The solver's posted hash at ``step``, if any."""
        return self._posted.get(step)

    @property
    def revealed(self) -> Array | None:
        """The state the solver revealed at ``lo`` (at the judge)."""
        return None if self._revealed is None else np.array(self._revealed, copy=True)

    def outcome(self) -> BisectionOutcome:
        """The standing now (call :meth:`advance` first to apply timeouts)."""
        return BisectionOutcome(
            self._phase,
            self._winner,
            self._reason,
            self._round,
            self._lo,
            self._hi,
            len(self._moves),
            self.turn,
            self.deadline,
            self._decided_at,
        )

    def transcript(self) -> BisectionTranscript:
        """The game and its accepted moves: evidence for a ruling."""
        return BisectionTranscript(self.setup, tuple(self._moves))

    # -- building moves -----------------------------------------------------------------------

    def _sign(self, body: BisectionMove, identity: Identity) -> Signed[BisectionMove]:
        return Signed.create(body, self.domain, identity)

    def challenge(self, identity: Identity, *, now: int) -> Signed[BisectionMove]:
        """The opening challenge, signed by ``identity``."""
        return self._sign(BisectionChallenge(self.id, self._head, 0, now), identity)

    def split(
        self,
        identity: Identity,
        hashes: Sequence[Digest],
        proof: MultiProof | None,
        *,
        now: int,
    ) -> Signed[BisectionMove]:
        """A split of the current interval at :meth:`points`, with one hash per point."""
        lo, hi = self.interval
        body = SplitMove(
            self.id, self._head, self._round + 1, now, lo, hi, self.points(), tuple(hashes), proof
        )
        return self._sign(body, identity)

    def pick(self, identity: Identity, lo: int, hi: int, *, now: int) -> Signed[BisectionMove]:
        """A pick of the piece ``[lo, hi]``."""
        return self._sign(PickMove(self.id, self._head, self._round, now, lo, hi), identity)

    def reveal(self, identity: Identity, state: Array, *, now: int) -> Signed[BisectionMove]:
        """The reveal of ``state`` as the state at ``lo``."""
        dtype, shape, data = state_fields(state)
        body = RevealMove(self.id, self._head, self._round, now, self._lo, dtype, shape, data)
        return self._sign(body, identity)

    # -- the rules ----------------------------------------------------------------------------

    def advance(self, *, now: int) -> BisectionOutcome:
        """Move the referee's clock to ``now``; the party on turn loses if its time is up."""
        if isinstance(now, bool) or not isinstance(now, int) or now < self._time:
            raise InvalidArgument(f"the referee's clock cannot go from {self._time} to {now!r}")
        self._time = now
        deadline = self.deadline
        if deadline is not None and now >= deadline:
            turn = self.turn
            assert turn is not None
            self._clock[turn] = max(0, self._clock[turn] - (deadline - self._turn_start))
            self._decide(turn, BisectionReason.TIMEOUT, deadline)
        return self.outcome()

    def submit(self, move: Signed[BisectionMove], *, now: int | None = None) -> BisectionOutcome:
        """Offer a signed move; with ``now``, its clock reading must equal the referee's time.

        Raises :class:`~oddsproof.errors.Refused` with a :class:`BisectionReason` for moves it
        refuses (nothing changes), ``GAME_DECIDED`` for a move that comes after the decision (only
        the referee's clock moves, which may decide a timeout); returns the new standing otherwise.
        """
        if not isinstance(move, Signed) or not isinstance(move.body, BisectionMove):
            raise WrongType(
                "a move is a Signed BisectionChallenge, SplitMove, PickMove or RevealMove"
            )
        body = move.body
        if body.game != self.id:
            raise Refused(BisectionReason.WRONG_GAME, "the move names another game")
        if now is not None and body.at != now:
            raise Refused(
                BisectionReason.BAD_TIME, f"the move reads {body.at}, the referee's clock {now}"
            )
        if body.at < self._time:
            raise Refused(
                BisectionReason.BAD_TIME,
                f"the move reads {body.at}, before the referee's time {self._time}",
            )
        if len(move.signatures) != 1:
            raise Refused(
                BisectionReason.BAD_SIGNATURE, "a move has exactly one signature, its mover's"
            )
        role = self._keys.get(move.signatures[0].signer.raw)
        if role is None:
            raise Refused(
                BisectionReason.BAD_SIGNATURE, "the move is not signed by a party of this game"
            )
        try:
            move.verify(self.domain)
        except SignatureError as exc:
            raise Refused(
                BisectionReason.BAD_SIGNATURE, f"the move's signature does not verify: {exc}"
            ) from exc
        if body.previous != self._head:
            raise Refused(BisectionReason.NOT_FOLLOWING, "the move does not follow the last move")
        self.advance(now=body.at)  # time passes even if the game turns out to be over
        if self._phase is BisectionPhase.DECIDED:
            raise Refused(
                BisectionReason.GAME_DECIDED,
                f"the game was decided at {self._decided_at} ({self._reason.value})",
            )
        self._moves.append(move)
        self._head = body.id
        return self._apply(role, body)

    def _decide(self, loser: BisectionRole, reason: BisectionReason, at: int) -> BisectionOutcome:
        self._phase = BisectionPhase.DECIDED
        self._winner = loser.other
        self._reason = reason
        self._decided_at = at
        return self.outcome()

    def _apply(self, role: BisectionRole, body: BisectionMove) -> BisectionOutcome:
        at = body.at
        if self._phase is BisectionPhase.JUDGE or (
            self._phase is BisectionPhase.REVEAL
            and not (role is BisectionRole.SOLVER and isinstance(body, RevealMove))
        ):
            return self._decide(role, BisectionReason.MOVE_AFTER_END, at)
        if role is not self.turn:
            return self._decide(role, BisectionReason.OUT_OF_TURN, at)
        self._clock[role] -= at - self._turn_start
        self._turn_start = at
        if self._phase is BisectionPhase.OPEN:
            if not isinstance(body, BisectionChallenge):
                return self._decide(role, BisectionReason.WRONG_MOVE, at)
            if body.round != 0:
                return self._decide(role, BisectionReason.BAD_ROUND, at)
            self._phase = BisectionPhase.SPLIT
            return self.outcome()
        if self._phase is BisectionPhase.SPLIT:
            return self._apply_split(body)
        if self._phase is BisectionPhase.PICK:
            return self._apply_pick(body)
        assert isinstance(body, RevealMove)
        return self._apply_reveal(body)

    def _apply_split(self, body: BisectionMove) -> BisectionOutcome:
        loser, at = BisectionRole.SOLVER, body.at
        if not isinstance(body, SplitMove):
            return self._decide(loser, BisectionReason.WRONG_MOVE, at)
        if body.round != self._round + 1:
            return self._decide(loser, BisectionReason.BAD_ROUND, at)
        expected = self.points()
        if body.points == self.interval:
            return self._decide(loser, BisectionReason.NOT_SHRINKING, at)
        if (body.lo, body.hi) != self.interval or body.points != expected:
            return self._decide(loser, BisectionReason.BAD_SPLIT, at)
        for point, digest in zip(body.points, body.hashes, strict=True):
            known = self._posted.get(point)
            if known is not None and known != digest:
                return self._decide(loser, BisectionReason.EQUIVOCATION, at)
        fresh = self.unproven(body.points)
        if fresh:
            c = self._trace.interval
            by_point = dict(zip(body.points, body.hashes, strict=True))
            if body.proof is None:
                return self._decide(loser, BisectionReason.BAD_PROOF, at)
            try:
                verify_many(
                    self._trace.root,
                    self._trace.leaves,
                    {p // c: leaf_of(by_point[p]) for p in fresh},
                    body.proof,
                )
            except InvalidArgument:
                return self._decide(loser, BisectionReason.BAD_PROOF, at)
        elif body.proof is not None:
            return self._decide(loser, BisectionReason.BAD_PROOF, at)
        final = self._trace.steps
        first = final in body.points and final not in self._posted
        if first and body.hashes[-1] != self._claim.output:
            return self._decide(loser, BisectionReason.BAD_OUTPUT, at)
        self._posted.update(zip(body.points, body.hashes, strict=True))
        self._points = expected
        self._round += 1
        self._phase = BisectionPhase.PICK
        return self.outcome()

    def _apply_pick(self, body: BisectionMove) -> BisectionOutcome:
        loser, at = BisectionRole.CHALLENGER, body.at
        if not isinstance(body, PickMove):
            return self._decide(loser, BisectionReason.WRONG_MOVE, at)
        if body.round != self._round:
            return self._decide(loser, BisectionReason.BAD_ROUND, at)
        if (body.lo, body.hi) not in set(itertools.pairwise(self._points)):
            return self._decide(loser, BisectionReason.NOT_SHRINKING, at)
        self._lo, self._hi = body.lo, body.hi
        self._phase = BisectionPhase.REVEAL if body.hi - body.lo == 1 else BisectionPhase.SPLIT
        return self.outcome()

    def _apply_reveal(self, body: RevealMove) -> BisectionOutcome:
        loser, at = BisectionRole.SOLVER, body.at
        if body.round != self._round:
            return self._decide(loser, BisectionReason.BAD_ROUND, at)
        if body.step != self._lo:
            return self._decide(loser, BisectionReason.BAD_STATE, at)
        precision = self._claim.precision
        try:
            state = state_from_fields(body.dtype, body.shape, body.data, precision)
            digest = state_hash(state, precision)
        except InvalidArgument:
            return self._decide(loser, BisectionReason.BAD_STATE, at)
        if digest != self._posted[self._lo]:
            return self._decide(loser, BisectionReason.BAD_STATE, at)
        self._revealed = state
        self._phase = BisectionPhase.JUDGE
        return self.outcome()

    # -- the one step -------------------------------------------------------------------------

    def settle(self, computation: SerialComputation, data: bytes | None = None) -> BisectionOutcome:
        """At the judge: re-run step ``lo`` from the revealed state and decide.

        ``computation`` must be the claim's; ``data`` (the input, whose id must be the claim's)
        is needed when ``lo = 0``, to check the solver's hash of the initial state.
        """
        if self._phase is not BisectionPhase.JUDGE:
            raise InvalidArgument(f"the game is not at the judge (phase {self._phase.value})")
        check_computation(self.setup, computation)
        lo, hi = self.interval
        assert self._revealed is not None
        at = self._time
        if lo == 0:
            if data is None:
                raise InvalidArgument("the disputed step is the first: the input is needed")
            if input_id(data) != self._claim.input:
                raise InvalidArgument("these input bytes are not the claim's input")
            try:
                start = computation.state_hash(computation.initial(bytes(data)))
            except OddsproofError:
                raise
            except Exception:  # noqa: BLE001 - user code failing on its own input
                start = None
            if start != self._posted[0]:
                return self._decide(BisectionRole.SOLVER, BisectionReason.BAD_START, at)
        try:
            result = run_one_step(computation, self._revealed, lo)
        except InvalidArgument:
            return self._decide(BisectionRole.SOLVER, BisectionReason.WRONG_STEP, at)
        if result != self._posted[hi]:
            return self._decide(BisectionRole.SOLVER, BisectionReason.WRONG_STEP, at)
        return self._decide(BisectionRole.CHALLENGER, BisectionReason.STEP_HOLDS, at)


def check_computation(setup: BisectionSetup, computation: SerialComputation) -> None:
    """Refuse a computation that is not the one the disputed claim names."""
    if not isinstance(computation, SerialComputation):
        raise InvalidArgument("the judge needs the claim's SerialComputation")
    if computation.spec.id != setup.claim.body.computation:
        raise InvalidArgument("this computation is not the one the claim names")
    if computation.steps != setup.steps or computation.spec.precision != setup.claim.body.precision:
        raise InvalidArgument("the computation's steps or precision differ from the claim's")


def replay_transcript(transcript: BisectionTranscript, domain: Domain) -> BisectionGame:
    """The game a transcript describes, every move re-checked; :class:`~oddsproof.errors.Refused`
    (``BAD_TRANSCRIPT``) if the setup or any move does not verify (altered, reordered, foreign,
    or after the decision)."""
    if not isinstance(transcript, BisectionTranscript):
        raise WrongType("not a bisection transcript")
    try:
        game = BisectionGame(transcript.game, domain)
    except InvalidArgument as exc:
        raise Refused(BisectionReason.BAD_TRANSCRIPT, f"the game does not verify: {exc}") from exc
    for index, move in enumerate(transcript.moves):
        try:
            game.submit(move)
        except OddsproofError as exc:
            raise Refused(
                BisectionReason.BAD_TRANSCRIPT, f"move {index} is refused: {exc}"
            ) from exc
    return game


def check_transcript(
    transcript: BisectionTranscript,
    domain: Domain,
    *,
    now: int | None = None,
    computation: SerialComputation | None = None,
    data: bytes | None = None,
) -> BisectionOutcome:
    """Check a transcript as a third party and return the outcome it proves.

    Verifies the claim and every move's signature, chaining, clock and rules without running the
    chain. With ``now``, applies any timeout up to then. With ``computation`` (and ``data`` when
    the disputed step is the first), re-runs the final step if the game reached the judge.
    """
    game = replay_transcript(transcript, domain)
    if now is not None:
        try:
            game.advance(now=now)
        except InvalidArgument as exc:
            raise InvalidArgument(f"now={now} is before the last move: {exc}") from exc
    if computation is not None and game.phase is BisectionPhase.JUDGE:
        return game.settle(computation, data)
    return game.outcome()
