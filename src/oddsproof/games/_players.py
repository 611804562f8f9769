"""The honest players: a parallel-work solver, the bisection game's solver and challenger, and a
driver that plays two bisection players against each other.

Cheating players live in :mod:`oddsproof.testing`; they subclass these.

Every bisection player has an identity and ``delays``: the seconds it waits after its turn
begins, per move, cycling (``(0,)``: answers at once). :meth:`act` returns the signed move it
makes now, or ``None`` to stay silent (which, on its turn, runs out its clock).
"""

from __future__ import annotations

from typing import Any, Protocol

import attrs
import numpy.typing as npt

from oddsproof.contracts import Claim
from oddsproof.errors import InvalidArgument, Refused
from oddsproof.wire import Digest, Domain, Identity, Signed

from ._bisection import (
    BisectionGame,
    BisectionMove,
    BisectionPhase,
    BisectionReason,
    BisectionRole,
    BisectionTranscript,
    SplitMove,
)
from ._computation import Array, ParallelComputation
from ._spotcheck import (
    Challenge,
    CommittedOutput,
    Opening,
    OutputCommitment,
    _sign_claim_for,
    commit_output,
)
from ._trace import Checkpoints


class BisectionPlayer(Protocol):
    """Anything that can take a turn in a bisection game."""

    identity: Identity

    def act(self, game: BisectionGame) -> Signed[BisectionMove] | None:
        """The move to make now, or ``None`` to stay silent."""


def _delays(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, tuple) or not value:
        raise InvalidArgument("delays is a non-empty tuple of seconds")
    if not all(type(d) is int and d >= 0 for d in value):
        raise InvalidArgument("delays are non-negative integers")


@attrs.define
class _Timed:
    identity: Identity = attrs.field(validator=attrs.validators.instance_of(Identity))
    delays: tuple[int, ...] = attrs.field(default=(0,), kw_only=True, validator=_delays)
    moved: int = attrs.field(default=0, init=False)

    def _at(self, game: BisectionGame) -> int:
        delay = self.delays[self.moved % len(self.delays)]
        self.moved += 1
        return max(game.time, game.turn_start + delay)


@attrs.define
class HonestSerialSolver(_Timed):
    """Posts its true state hashes with proofs, and reveals its true state at the end."""

    trace: Checkpoints = attrs.field(
        kw_only=True, validator=attrs.validators.instance_of(Checkpoints)
    )

    def _hashes(self, game: BisectionGame, points: tuple[int, ...]) -> list[Digest]:
        return list(self.trace.hashes(points))

    def _whole_split(self, game: BisectionGame, *, prove: bool) -> Signed[BisectionMove]:
        """A split of the whole interval as its only piece (a move the referee must punish)."""
        lo, hi = game.interval
        hashes = (self.trace.hash(lo), self.trace.hash(hi))
        fresh = game.unproven((lo, hi)) if prove else ()
        proof = self.trace.prove(fresh) if fresh else None
        body: BisectionMove = SplitMove(
            game.id, game.head, game.round + 1, self._at(game), lo, hi, (lo, hi), hashes, proof
        )
        return Signed.create(body, game.domain, self.identity)

    def act(self, game: BisectionGame) -> Signed[BisectionMove] | None:
        """SplitMove with true hashes, or reveal the true state."""
        if game.phase is BisectionPhase.SPLIT:
            points = game.points()
            hashes = self._hashes(game, points)
            fresh = game.unproven(points)
            proof = self.trace.prove(fresh) if fresh else None
            return game.split(self.identity, hashes, proof, now=self._at(game))
        if game.phase is BisectionPhase.REVEAL:
            lo, _ = game.interval
            return game.reveal(self.identity, self.trace.state(lo), now=self._at(game))
        return None


@attrs.define
class HonestChallenger(_Timed):
    """Challenges only a claim whose output differs from its own run, then always picks the
    first piece whose upper end it disagrees with (or the first piece if it disagrees at the
    lower end, which can only be step 0)."""

    trace: Checkpoints = attrs.field(
        kw_only=True, validator=attrs.validators.instance_of(Checkpoints)
    )

    def act(self, game: BisectionGame) -> Signed[BisectionMove] | None:
        """BisectionChallenge or pick."""
        if game.phase is BisectionPhase.OPEN:
            if self.trace.output == game.setup.claim.body.output:
                return None
            return game.challenge(self.identity, now=self._at(game))
        if game.phase is not BisectionPhase.PICK:
            return None
        points = game.points()
        chosen = len(points) - 1
        if game.posted(points[0]) == self.trace.hash(points[0]):
            for j in range(1, len(points)):
                if game.posted(points[j]) != self.trace.hash(points[j]):
                    chosen = j
                    break
        else:
            chosen = 1
        return game.pick(self.identity, points[chosen - 1], points[chosen], now=self._at(game))


def play_bisection(
    game: BisectionGame, solver: BisectionPlayer, challenger: BisectionPlayer
) -> BisectionTranscript:
    """Play ``solver`` against ``challenger`` until the game reaches the judge or is decided.

    Each turn the party on turn is asked for a move; silence or a move at or after its deadline
    runs out its clock. Returns the transcript.
    """
    players = {BisectionRole.SOLVER: solver, BisectionRole.CHALLENGER: challenger}
    while game.phase not in (BisectionPhase.JUDGE, BisectionPhase.DECIDED):
        turn, deadline = game.turn, game.deadline
        assert turn is not None
        assert deadline is not None
        move = players[turn].act(game)
        if move is None or move.body.at >= deadline:
            game.advance(now=deadline)
            continue
        try:
            game.submit(move, now=move.body.at)
        except Refused as exc:  # pragma: no cover - the deadline check above prevents it
            if exc.reason is not BisectionReason.GAME_DECIDED:
                raise
            break
    return game.transcript()


class ParallelSolver:
    """An honest solver's moves; cheating subclasses override :meth:`compute`,
    :meth:`commit` or :meth:`respond`.

    ``computed`` counts the pieces actually evaluated (what the solver paid for in work), so
    tests and simulations can compare a cheater's saving with its risk.
    """

    def __init__(
        self,
        identity: Identity,
        computation: ParallelComputation,
        data: bytes,
        *,
        domain: Domain,
        chunk: int | None = None,
    ) -> None:
        if not isinstance(identity, Identity):
            raise InvalidArgument("a solver needs an Identity to sign its claim")
        if not isinstance(computation, ParallelComputation):
            raise InvalidArgument("a parallel solver needs a ParallelComputation")
        if not isinstance(data, bytes):
            raise InvalidArgument("the input is bytes")
        if not isinstance(domain, Domain):
            raise InvalidArgument("the domain is a Domain")
        self.identity = identity
        self.computation = computation
        self.data = data
        self.domain = domain
        self.chunk = chunk
        self.computed = 0
        self._committed: CommittedOutput | None = None
        self._claim: Signed[Claim] | None = None

    @property
    def committed(self) -> CommittedOutput:
        """The commitment made by :meth:`solve`."""
        if self._committed is None:
            raise InvalidArgument("the solver has not solved yet")
        return self._committed

    @property
    def commitment(self) -> OutputCommitment:
        """The signed-for output commitment."""
        return self.committed.commitment

    @property
    def claim(self) -> Signed[Claim]:
        """The signed claim made by :meth:`solve`."""
        if self._claim is None:
            raise InvalidArgument("the solver has not solved yet")
        return self._claim

    def evaluate(self, indices: npt.ArrayLike | None = None) -> Array:
        """Evaluate pieces (all if ``indices`` is None), counting the work."""
        rows = self.computation.evaluate(self.data, indices)
        self.computed += len(rows)
        return rows

    def compute(self) -> Array:
        """Every piece's output row."""
        return self.evaluate()

    def commit(self, rows: Array) -> CommittedOutput:
        """The commitment over ``rows``."""
        return commit_output(self.computation, rows, chunk=self.chunk)

    def solve(self, *, offer: Digest, now: int) -> Signed[Claim]:
        """Compute, commit and sign the claim answering ``offer``."""
        self._committed = self.commit(self.compute())
        self._claim = _sign_claim_for(
            self._committed.commitment,
            self.computation,
            self.data,
            claimant=self.identity,
            offer=offer,
            domain=self.domain,
            issued=now,
        )
        return self._claim

    def respond(self, challenge: Challenge) -> Opening | None:
        """The opening of ``challenge`` (``None``: no answer)."""
        return self.committed.open(challenge)


class HonestSolver(ParallelSolver):
    """Computes every piece and opens exactly what it committed."""
