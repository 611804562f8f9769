"""Honest and cheating players of the bisection game, and a driver that plays two of them.

Every player has an identity and ``delays``: the seconds it waits after its turn begins, per
move, cycling (``(0,)``: answers at once). :meth:`act` returns the signed move it makes now, or
``None`` to stay silent (which, on its turn, runs out its clock). The cheats:

- :class:`FakeStepSolver`: its run has one faked step (the step applied twice there) and it
  defends that run faithfully; the judge's one step exposes it.
- :class:`EquivocatingSolver`: a faker that, from round 2 on, re-posts a different hash for
  the disputed endpoint (two signed answers for one index).
- :class:`StallingSerialSolver` / :class:`StallingChallenger`: stop answering after some moves.
- :class:`AfterEndSolver`: at the end, posts another split instead of revealing.
- :class:`NonShrinkingSolver` / :class:`NonShrinkingChallenger`: a split with one piece, a pick
  of the whole interval.
- :class:`LyingChallenger`: disputes an honest run and picks pieces by a fixed choice sequence.
"""

from __future__ import annotations

import attrs

from oddsproof.errors import InvalidArgument
from oddsproof.errors import _validators as v
from oddsproof.games import (
    BisectionGame,
    BisectionMove,
    BisectionPhase,
    HonestSerialSolver,
    SerialComputation,
    commit_trace,
)
from oddsproof.games._computation import Array
from oddsproof.games._players import _delays, _Timed
from oddsproof.wire import Digest, Identity, Signed


def faked_chain(computation: SerialComputation, step: int) -> SerialComputation:
    """``computation`` with step ``step`` wrong: it applies the step twice there."""
    if isinstance(step, bool) or not isinstance(step, int) or not 0 <= step < computation.steps:
        raise InvalidArgument(f"the faked step must lie in [0, {computation.steps})")
    honest = computation.step

    def step_fn(state: Array, index: int) -> Array:
        result = honest(state, index)
        return honest(result, index) if index == step else result

    return SerialComputation(computation.spec, computation.initial, step_fn)


@attrs.define
class FakeStepSolver(HonestSerialSolver):
    """An honest defence of a run in which one step was faked (see :meth:`create`)."""

    @classmethod
    def create(
        cls,
        identity: Identity,
        computation: SerialComputation,
        data: bytes,
        interval: int,
        step: int,
        *,
        delays: tuple[int, ...] = (0,),
    ) -> FakeStepSolver:
        """A solver whose committed run has step ``step`` faked."""
        trace = commit_trace(faked_chain(computation, step), data, interval)
        return cls(identity, delays=delays, trace=trace)


@attrs.define
class EquivocatingSolver(HonestSerialSolver):
    """From round 2 on, re-posts a different hash for the interval's upper end."""

    def _hashes(self, game: BisectionGame, points: tuple[int, ...]) -> list[Digest]:
        hashes = super()._hashes(game, points)
        if game.round >= 1:
            hashes[-1] = Digest(bytes(b ^ 0xFF for b in hashes[-1].raw))
        return hashes


@attrs.define
class StallingSerialSolver(HonestSerialSolver):
    """Answers honestly for ``answers`` moves, then stays silent."""

    answers: int = attrs.field(default=0, kw_only=True, validator=v.amount)

    def act(self, game: BisectionGame) -> Signed[BisectionMove] | None:
        """Silent once ``answers`` moves are made."""
        return None if self.moved >= self.answers else super().act(game)


@attrs.define
class AfterEndSolver(HonestSerialSolver):
    """Plays honestly, but at the end posts one more split instead of revealing."""

    def act(self, game: BisectionGame) -> Signed[BisectionMove] | None:
        """Another split once the interval is one step."""
        if game.phase is not BisectionPhase.REVEAL:
            return super().act(game)
        return self._whole_split(game, prove=False)


@attrs.define
class NonShrinkingSolver(HonestSerialSolver):
    """Answers a split with the whole interval as its only piece."""

    def act(self, game: BisectionGame) -> Signed[BisectionMove] | None:
        """A one-piece split."""
        if game.phase is not BisectionPhase.SPLIT:
            return super().act(game)
        return self._whole_split(game, prove=True)


@attrs.define
class LyingChallenger(_Timed):
    """Challenges whatever the claim, and picks piece ``choices[n] mod pieces`` in round n."""

    choices: tuple[int, ...] = attrs.field(default=(0,), kw_only=True, validator=_delays)

    def act(self, game: BisectionGame) -> Signed[BisectionMove] | None:
        """BisectionChallenge, then pick by the choice sequence."""
        if game.phase is BisectionPhase.OPEN:
            return game.challenge(self.identity, now=self._at(game))
        if game.phase is not BisectionPhase.PICK:
            return None
        points = game.points()
        j = self.choices[game.round % len(self.choices)] % (len(points) - 1)
        return game.pick(self.identity, points[j], points[j + 1], now=self._at(game))


@attrs.define
class StallingChallenger(LyingChallenger):
    """Challenges, picks for ``answers − 1`` rounds, then stays silent."""

    answers: int = attrs.field(default=1, kw_only=True, validator=v.amount)

    def act(self, game: BisectionGame) -> Signed[BisectionMove] | None:
        """Silent once ``answers`` moves are made."""
        return None if self.moved >= self.answers else super().act(game)


@attrs.define
class NonShrinkingChallenger(LyingChallenger):
    """Picks the whole interval instead of a piece, from round ``from_round`` on."""

    from_round: int = attrs.field(default=1, kw_only=True, validator=v.amount)

    def act(self, game: BisectionGame) -> Signed[BisectionMove] | None:
        """A pick that does not shrink the interval."""
        if game.phase is BisectionPhase.PICK and game.round >= self.from_round:
            lo, hi = game.interval
            return game.pick(self.identity, lo, hi, now=self._at(game))
        return super().act(game)
