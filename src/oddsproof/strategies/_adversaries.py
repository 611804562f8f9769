"""Adversaries: cheaters that attack a marketplace through the library's real API.

Each adversary is a frozen value (its parameters: which fraction to fake, which step, …) with
:meth:`Adversary.attack`, which plays one episode against a :class:`Marketplace` and a contract
and returns an :class:`Outcome`. Its docstring says what it tries and which rule of the protocol
should stop it; :attr:`Adversary.rule` and :attr:`Adversary.reasons` say the same for code.
:func:`adversaries` draws any of them (or the kinds you name).

The cheats reuse the library's cheating players (``FakingSolver``, ``ProofForgingSolver``,
``FakeStepSolver``, ``EquivocatingSolver``, ``StallingSerialSolver``, ``AfterEndSolver``,
``LyingChallenger``, ``MemoizingWorker``, ``ZeroShortcutWorker``, …).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from fractions import Fraction
from functools import lru_cache
from typing import Any, ClassVar

import attrs
from hypothesis import strategies as st

from oddsproof.arbitration import BisectionVerification, Litigant, Script
from oddsproof.contracts import (
    Allocation,
    Both,
    Claim,
    Contract,
    Seq,
    Settlement,
    Supplies,
    Term,
    When,
    requirements,
)
from oddsproof.errors import InvalidArgument, OddsproofError, Refused
from oddsproof.games import (
    BisectionPlayer,
    BisectionTranscript,
    Challenge,
    Checkpoints,
    HonestChallenger,
    HonestSerialSolver,
    MultiProof,
    Opening,
    ParallelComputation,
    ParallelSolver,
    SerialComputation,
    StepCommitment,
    check_transcript,
    commit_trace,
    serial_claim,
)
from oddsproof.ledger import Move
from oddsproof.testing import (
    AfterEndSolver,
    EquivocatingSolver,
    FakingSolver,
    LyingChallenger,
    MemoizingWorker,
    NonShrinkingChallenger,
    ProofForgingSolver,
    SizeLyingSolver,
    StallingChallenger,
    StallingSerialSolver,
    TrainingChain,
    TrainingWorker,
    WithholdingSolver,
    ZeroShortcutWorker,
    faked_chain,
)
from oddsproof.wire import Canonical, Digest, Domain, Identity, Signed

from ._jobs import Job, honest_trace
from ._market import LOTTERY_INPUT, Episode, Marketplace, Outcome, SpotEvidence
from ._validation import attr_int, check_choice, check_fraction, check_int, check_type
from ._values import SYBIL

# --- validators (attrs) raising InvalidArgument -------------------------------------------------


def _fraction_field(_inst: object, attr: attrs.Attribute[Any], value: Any) -> None:
    check_type(attr.name, value, Fraction)
    check_fraction(attr.name, value, low=Fraction(0), high=Fraction(1))


_natural = attr_int(0, 2**32)
_positive = attr_int(1, 2**32)


def _one_of(*choices: str) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    def check(_inst: object, attr: attrs.Attribute[Any], value: Any) -> None:
        check_choice(attr.name, value, choices)

    return check


def _levels(_inst: object, attr: attrs.Attribute[Any], value: Any) -> None:
    check_type(attr.name, value, frozenset)
    for level in value:
        check_int(f"a level of {attr.name}", level, min_value=0, max_value=7)


def _choices(_inst: object, attr: attrs.Attribute[Any], value: Any) -> None:
    check_type(attr.name, value, tuple)
    if not value:
        raise InvalidArgument(f"{attr.name} must not be empty")
    for c in value:
        check_int(f"an item of {attr.name}", c, min_value=0, max_value=2**16)


# --- the base ------------------------------------------------------------------------------------


class Adversary(ABC):
    """A cheater. :meth:`attack` plays it against a marketplace and a contract.

    Adversaries are values made by :func:`adversaries` or by their constructors; they are not
    meant to be subclassed.
    """

    rule: ClassVar[str] = ""
    """The rule of the protocol that should stop it, in words."""
    reasons: ClassVar[tuple[str, ...]] = ()
    """The reasons the library gives when that rule stops it."""

    @abstractmethod
    def attack(self, market: Marketplace, contract: Contract) -> Outcome:
        """Play one episode against ``market`` on ``contract``."""


# --- shared plays ---------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _faked_trace(job: Job, step: int) -> Checkpoints:
    computation = job.computation
    assert isinstance(computation, SerialComputation)
    return commit_trace(faked_chain(computation, step % computation.steps), job.data, job.interval)


def _fake_step(job: Job, step: int) -> int:
    return step % job.computation.spec.size


@attrs.define
class _Recorded:
    """A bisection game that keeps its last transcript, to read the referee's reason."""

    inner: BisectionVerification
    transcript: BisectionTranscript | None = None
    time: int = 0

    def play(
        self, dispute: Any, *, start: int, deadline: int, domain: Domain
    ) -> tuple[Canonical, int] | None:
        result = self.inner.play(dispute, start=start, deadline=deadline, domain=domain)
        if result is not None and isinstance(result[0], BisectionTranscript):
            self.transcript, self.time = result[0], result[1]
        return result

    def reason(self, job: Job, domain: Domain) -> str | None:
        if self.transcript is None or not isinstance(job.computation, SerialComputation):
            return None
        try:
            outcome = check_transcript(
                self.transcript, domain, now=self.time, computation=job.computation, data=job.data
            )
        except OddsproofError:
            return None
        return outcome.reason.value


def _no_corrupt_levels(_final: int) -> frozenset[int]:
    return frozenset()


def _faithful(who: Identity, _job: Job, trace: Checkpoints) -> BisectionPlayer:
    """Defends the run it committed to, faked step included (``HonestSerialSolver``)."""
    return HonestSerialSolver(who, trace=trace)


def _payer(ep: Episode, claim: Digest, fallback: Identity) -> Identity:
    for record in ep.ledger.holdings(claim=claim):
        if record.holding.payer is not None and ep.honest(record.holding.payer):
            return ep.identity(record.holding.payer)
    return fallback


def _not_applicable(ep: Episode) -> Outcome:
    ep.say("the contract pays for no job of the kind this adversary attacks")
    return ep.finish(caught=False, applicable=False)


def _serial_job(
    ep: Episode, *, corrupt: Callable[[int], frozenset[int]] = _no_corrupt_levels
) -> tuple[Job, Identity, Identity] | Outcome:
    """The contract's first serial job (its solver and buyer), opened in a court of
    re-execution judges (``corrupt`` levels rule for the claimant); or the outcome of an
    episode in which there is nothing to attack."""
    found = ep.job(serial=True)
    if found is None:
        return _not_applicable(ep)
    if not ep.open(ep.serial_bench(found[0], corrupt=corrupt(ep.ladder.final_level))):
        return ep.finish(caught=False, applicable=False)
    return found


def _honest_claim(ep: Episode, job: Job, solver: Identity, *, at: int) -> Signed[Claim]:
    trace = honest_trace(job)
    return serial_claim(trace, job.data, solver, ep.market.domain, offer=ep.contract.id, now=at)


def _serial_attack(
    ep: Episode,
    *,
    what: str,
    step: int,
    player: Callable[[Identity, Job, Checkpoints], BisectionPlayer] = _faithful,
    litigant: Callable[[Identity], Litigant] = Litigant.honest,
    corrupt: Callable[[int], frozenset[int]] = _no_corrupt_levels,
    sybil_first: bool = False,
    reason: str | None = None,
) -> Outcome:
    """Bob claims a serial job with step ``step`` faked and defends it with ``player`` (by
    default faithfully); an honest payer challenges (after Bob's sybil, if ``sybil_first``);
    the court decides."""
    found = _serial_job(ep, corrupt=corrupt)
    if isinstance(found, Outcome):
        return found
    job, solver, buyer = found
    ep.adversary.add(solver.key)
    trace = _faked_trace(job, step)
    market = ep.market
    claim = serial_claim(
        trace, job.data, solver, market.domain, offer=ep.contract.id, now=ep.claim_time
    )
    line = f"{solver.name} claims {job.label} with step {_fake_step(job, step)} faked ({what})"
    if not ep.file(claim, true=False, line=line):
        return ep.finish(caught=True)
    claim_id = claim.body.id
    challenger = _payer(ep, claim_id, buyer)
    at = ep.claim_time + 1
    game = _Recorded(
        BisectionVerification(
            lambda: player(solver, job, trace),
            lambda: HonestChallenger(challenger, trace=honest_trace(job)),
        )
    )
    opponent: Litigant | None = None
    if sybil_first:
        ep.adversary.add(SYBIL.key)
        if ep.challenge(claim_id, SYBIL, now=at):
            opponent = Litigant.passive(SYBIL)
            game = _Recorded(
                BisectionVerification(
                    lambda: player(solver, job, trace),
                    lambda: StallingChallenger(SYBIL, answers=1),
                )
            )
        at += 1
    if opponent is None and ep.challenge(claim_id, challenger, now=at):
        opponent = Litigant.honest(challenger)
    upheld = ep.run(claim_id, Script(litigant(solver), opponent, None, game))
    if upheld is False:
        decided = reason or game.reason(job, market.domain) or "claim-failed"
        ep.stopped.append(decided)
    return ep.finish(caught=upheld is False)


def _parallel_attack(
    ep: Episode, *, what: str, make: Callable[[Identity, Job], ParallelSolver]
) -> Outcome:
    """Bob claims a parallel job with ``make``'s solver; the honest payer spot-checks and
    challenges a failed check, filing the fraud proof or its certificate; the arbiters decide
    (a fraud proof convinces them, else each spot-checks Bob itself)."""
    found = ep.job(serial=False)
    if found is None:
        return _not_applicable(ep)
    job, who, buyer = found
    ep.adversary.add(who.key)
    solver = make(who, job)
    if not ep.open(ep.spot_bench(job, solver)):
        return ep.finish(caught=False, applicable=False)
    claim = solver.solve(offer=ep.contract.id, now=ep.claim_time)
    true = claim.body.output == job.true_output
    if not ep.file(claim, true=true, line=f"{who.name} claims {job.label} ({what})"):
        return ep.finish(caught=True)
    claim_id = claim.body.id
    checker = _payer(ep, claim_id, buyer)
    result = ep.spot_check(job, solver, claim, checker)
    certificate = result.certificate.body
    ep.say(
        f"{checker.name} spot-checks {len(certificate.indices)} pieces: {certificate.outcome.value}"
    )
    opponent: Litigant | None = None
    evidence = None
    if certificate.outcome.value != "pass":
        ep.stopped.append(certificate.outcome.value)
        if ep.challenge(claim_id, checker, now=ep.claim_time + 2):
            opponent, evidence = Litigant.honest(checker), SpotEvidence(result)
    upheld = ep.run(claim_id, Script(Litigant.honest(who), opponent, None, evidence))
    return ep.finish(caught=not true and upheld is False)


def _lottery_roles(ep: Episode) -> tuple[Identity, Identity]:
    found = ep.job()
    if found is not None:
        _job, solver, buyer = found
        return buyer, solver
    parties = ep.contract.parties
    return ep.identity(parties[0]), ep.identity(parties[-1])


def _lottery_attack(
    ep: Episode,
    *,
    cheat: str,
    worker_cheats: bool,
    commitments: Callable[[TrainingChain, int], tuple[StepCommitment, ...]],
    opening: Callable[[StepCommitment], Any],
    deposit: int | None = None,
    redeem_twice: bool = False,
) -> Outcome:
    sender, worker = _lottery_roles(ep)
    if sender.key == worker.key:
        return _not_applicable(ep)
    ep.adversary.add(worker.key if worker_cheats else sender.key)
    ep.say(f"{worker.name if worker_cheats else sender.name} {cheat}")
    ep.lottery(
        sender,
        worker,
        commitments=commitments,
        opening=opening,
        deposit=deposit,
        redeem_twice=redeem_twice,
    )
    return ep.finish(caught=bool(ep.stopped))


def _fake_pieces(
    adversary: PieceFaker | ProofForger | ProofReorderer | Withholder,
    market: Marketplace,
    contract: Contract,
    solver: type[FakingSolver],
    *,
    what: str,
    **options: Any,
) -> Outcome:
    """A parallel attack by a faking ``solver`` (a ``FakingSolver`` or one of its cheats)."""
    ep = Episode(market, contract, repr(adversary))

    def make(who: Identity, job: Job) -> ParallelSolver:
        assert isinstance(job.computation, ParallelComputation)
        fraction, seed = float(adversary.fraction), adversary.seed
        return solver(
            who, job.computation, job.data, domain=market.domain, fraction=fraction, seed=seed,
            **options,
        )  # fmt: skip

    return _parallel_attack(ep, what=what, make=make)


# --- parallel work -------------------------------------------------------------------------------


@attrs.frozen
class PieceFaker(Adversary):
    """Fakes ``fraction`` of the pieces of a parallel job (``FakingSolver``: random values, a
    subset drawn from ``seed``) and opens honestly what it committed.

    Stopped by the spot check: k = plan(ε, f) pieces drawn from a nonce it could not know; a
    cheater faking at least f of them passes with probability at most (1 − f)^k ≤ ε, and one
    wrong piece is a fraud proof anyone can check by recomputing it."""

    rule: ClassVar[str] = "spot checks: k = plan(ε, f) random pieces recomputed"
    reasons: ClassVar[tuple[str, ...]] = ("wrong-value",)
    fraction: Fraction = attrs.field(validator=_fraction_field)
    seed: int = attrs.field(default=0, validator=_natural)

    def attack(self, market: Marketplace, contract: Contract) -> Outcome:
        """Fake, claim, face the buyer's spot check and the court."""
        what = f"{float(self.fraction):.0%} of the pieces faked"
        return _fake_pieces(self, market, contract, FakingSolver, what=what)


@attrs.frozen
class ProofForger(Adversary):
    """Fakes pieces, then, when a faked piece is challenged, opens its true value with the
    committed Merkle proof (``forge="leaf"``) or with a sibling hash altered too
    (``forge="sibling"``): ``ProofForgingSolver``.

    Stopped by the multi-proof check: the opened chunks must hash, with the proof, to the
    committed root for the committed number of leaves (``bad-opening``)."""

    rule: ClassVar[str] = "openings must reach the committed root (RFC 6962, committed size)"
    reasons: ClassVar[tuple[str, ...]] = ("bad-opening", "wrong-value")
    forge: str = attrs.field(validator=_one_of("leaf", "sibling"))
    fraction: Fraction = attrs.field(default=Fraction(1, 2), validator=_fraction_field)
    seed: int = attrs.field(default=0, validator=_natural)

    def attack(self, market: Marketplace, contract: Contract) -> Outcome:
        """Fake, claim, forge the opening of any challenged faked chunk."""
        what = f"proofs forged ({self.forge})"
        forge = "leaf" if self.forge == "leaf" else "sibling"
        return _fake_pieces(self, market, contract, ProofForgingSolver, what=what, forge=forge)


class _ReorderingSolver(ProofForgingSolver):
    """Opens the true value of a challenged faked chunk and rotates the proof's hashes."""

    def respond(self, challenge: Challenge) -> Opening | None:
        forged = super().respond(challenge)
        honest = self.committed.open(challenge)
        if forged is None or forged == honest or len(forged.proof.hashes) < 2:
            return forged
        hashes = forged.proof.hashes
        proof = MultiProof(forged.proof.indices, forged.proof.size, (*hashes[1:], hashes[0]))
        return Opening(forged.claim, forged.chunks, proof)


@attrs.frozen
class ProofReorderer(Adversary):
    """Fakes pieces and answers a challenge on a faked chunk with the true chunk and the
    committed proof's sibling hashes in another order (``ChunkSwappingSolver``'s cousin).

    Stopped by the multi-proof check: siblings are consumed level by level, left to right, so a
    reordered proof reaches another root (``bad-opening``)."""

    rule: ClassVar[str] = "openings must reach the committed root (RFC 6962, committed size)"
    reasons: ClassVar[tuple[str, ...]] = ("bad-opening", "wrong-value")
    fraction: Fraction = attrs.field(default=Fraction(1, 2), validator=_fraction_field)
    seed: int = attrs.field(default=0, validator=_natural)

    def attack(self, market: Marketplace, contract: Contract) -> Outcome:
        """Fake, claim, reorder the proof of any challenged faked chunk."""
        what = "Merkle proofs reordered"
        return _fake_pieces(self, market, contract, _ReorderingSolver, what=what)


@attrs.frozen
class Withholder(Adversary):
    """Fakes pieces and never opens anything (``WithholdingSolver``): it stalls, hoping the
    buyer gives up.

    Stopped by the spot check's ``no-opening`` outcome: silence is failure, and every arbiter
    asking again meets silence again."""

    rule: ClassVar[str] = "an unanswered challenge fails the claim"
    reasons: ClassVar[tuple[str, ...]] = ("no-opening",)
    fraction: Fraction = attrs.field(default=Fraction(1, 2), validator=_fraction_field)
    seed: int = attrs.field(default=0, validator=_natural)

    def attack(self, market: Marketplace, contract: Contract) -> Outcome:
        """Fake, claim, never open."""
        return _fake_pieces(self, market, contract, WithholdingSolver, what="it will never open")


@attrs.frozen
class SizeLiar(Adversary):
    """Computes half the pieces and lies about N: a short tree while stating all N
    (``mode="short-tree"``) or the short count (``"short-count"``): ``SizeLyingSolver``.

    Stopped by the number of pieces coming from the signed commitment, never from a proof:
    verification uses the committed leaf count (``bad-opening``), and a commitment contradicting
    the computation is ``bad-commitment``."""

    rule: ClassVar[str] = "sizes come from the signed commitment, never from a proof"
    reasons: ClassVar[tuple[str, ...]] = ("bad-opening", "bad-commitment", "wrong-value")
    mode: str = attrs.field(default="short-tree", validator=_one_of("short-tree", "short-count"))

    def attack(self, market: Marketplace, contract: Contract) -> Outcome:
        """Compute half, commit a short tree or count, claim."""
        ep = Episode(market, contract, repr(self))

        def make(who: Identity, job: Job) -> ParallelSolver:
            assert isinstance(job.computation, ParallelComputation)
            domain = market.domain
            if self.mode == "short-tree":
                return SizeLyingSolver(who, job.computation, job.data, domain=domain)
            return SizeLyingSolver(
                who, job.computation, job.data, domain=domain, mode="short-count"
            )

        return _parallel_attack(ep, what=f"lying about the size ({self.mode})", make=make)


# --- serial work ---------------------------------------------------------------------------------


@attrs.frozen
class StepFaker(Adversary):
    """Fakes one step of a serial job (the step applied twice) and defends that run faithfully
    (``FakeStepSolver``).

    Stopped by bisection: the honest challenger narrows the dispute to the one step where the
    committed hashes go wrong, and the judge re-runs it (``wrong-step``); appeals reach an
    honest last level."""

    rule: ClassVar[str] = "bisection to one step, re-run by the judge"
    reasons: ClassVar[tuple[str, ...]] = ("wrong-step", "bad-start")
    step: int = attrs.field(default=0, validator=_natural)

    def attack(self, market: Marketplace, contract: Contract) -> Outcome:
        """Fake a step, claim, defend it in the court."""
        ep = Episode(market, contract, repr(self))
        return _serial_attack(
            ep,
            what="defended faithfully",
            step=self.step,
        )


@attrs.frozen
class Equivocator(Adversary):
    """Gives two answers to one question. ``where="game"``: fakes a step and, from the second
    round on, re-posts a different hash for a point it already answered
    (``EquivocatingSolver``). ``where="contract"``: files a second, different claim for a job
    it already claimed.

    Stopped by signed moves (``equivocation``: two signed hashes for one index lose the game)
    and by the contract accepting one claim per Supplies case (the second finds nothing
    waiting)."""

    rule: ClassVar[str] = "signed moves make equivocation self-incriminating; one claim per case"
    reasons: ClassVar[tuple[str, ...]] = (
        "equivocation", "wrong-step", "already-claimed",
        # the second claim finds no open case for its job: the closest refusal is reported
        "not-a-supplier", "nothing-waiting", "computation-mismatch", "input-mismatch",
    )  # fmt: skip
    where: str = attrs.field(default="game", validator=_one_of("game", "contract"))
    step: int = attrs.field(default=0, validator=_natural)

    def attack(self, market: Marketplace, contract: Contract) -> Outcome:
        """Equivocate in the game, or claim twice."""
        ep = Episode(market, contract, repr(self))
        if self.where == "game":
            return _serial_attack(
                ep,
                what="it will equivocate",
                step=self.step,
                player=lambda who, _job, trace: EquivocatingSolver(who, trace=trace),
            )
        found = _serial_job(ep)
        if isinstance(found, Outcome):
            return found
        job, solver, _buyer = found
        ep.adversary.add(solver.key)
        domain, offer = market.domain, ep.contract.id
        honest = _honest_claim(ep, job, solver, at=ep.claim_time)
        ep.file(honest, true=True, line=f"{solver.name} claims {job.label} honestly")
        other = serial_claim(
            _faked_trace(job, self.step), job.data, solver, domain, offer=offer,
            now=ep.claim_time + 1,
        )  # fmt: skip
        second = ep.file(
            other, true=False, line=f"{solver.name} claims {job.label} again, otherwise"
        )
        ep.run(honest.body.id, Script(Litigant.honest(solver)))
        if second:
            ep.run(other.body.id, Script(Litigant.honest(solver)))
        return ep.finish(caught=not second)


@attrs.frozen
class Staller(Adversary):
    """Fakes a step and stalls. ``where="game"``: answers ``answers`` moves of the bisection
    game and then stays silent (``StallingSerialSolver``). ``where="ladder"``: never posts its
    defence or any appeal bond.

    Stopped by deadlines: every wait has one and a continuation. A silent player's chess clock
    runs out (``timeout``); an undefended dispute is decided for the challenger."""

    rule: ClassVar[str] = "every wait has a deadline; silence loses"
    reasons: ClassVar[tuple[str, ...]] = ("timeout", "no-defence")
    where: str = attrs.field(default="game", validator=_one_of("game", "ladder"))
    answers: int = attrs.field(default=1, validator=_natural)
    step: int = attrs.field(default=0, validator=_natural)

    def attack(self, market: Marketplace, contract: Contract) -> Outcome:
        """Fake a step, then stall in the game or on the ladder."""
        ep = Episode(market, contract, repr(self))
        if self.where == "ladder":
            return _serial_attack(
                ep,
                what="it will not defend it",
                step=self.step,
                litigant=Litigant.passive,
                reason="no-defence",
            )
        answers = self.answers
        return _serial_attack(
            ep,
            what=f"it will stop answering after {answers} moves",
            step=self.step,
            player=lambda who, _job, trace: StallingSerialSolver(who, trace=trace, answers=answers),
        )


@attrs.frozen
class LateMover(Adversary):
    """Moves after a deadline. ``where="game"``: fakes a step and, when the game reaches its
    end, posts another split instead of revealing (``AfterEndSolver``). ``where="contract"``:
    files its claim at the deadline of the job's wait.

    Stopped by deadlines being exclusive and final: a move after the game's end loses
    (``move-after-end``); a claim at or after the wait's deadline finds it expired."""

    rule: ClassVar[str] = "deadlines are exclusive; nothing moves after them"
    reasons: ClassVar[tuple[str, ...]] = (
        "move-after-end", "expired", "nothing-waiting", "contract-closed",
    )  # fmt: skip
    where: str = attrs.field(default="game", validator=_one_of("game", "contract"))
    step: int = attrs.field(default=0, validator=_natural)

    def attack(self, market: Marketplace, contract: Contract) -> Outcome:
        """Split after the end, or claim too late."""
        ep = Episode(market, contract, repr(self))
        if self.where == "game":
            return _serial_attack(
                ep,
                what="it will keep splitting after the end",
                step=self.step,
                player=lambda who, _job, trace: AfterEndSolver(who, trace=trace),
            )
        found = _serial_job(ep)
        if isinstance(found, Outcome):
            return found
        job, solver, _buyer = found
        ep.adversary.add(solver.key)
        deadline = _deadline_of(ep.contract, job.supplies(solver.party))
        late = _honest_claim(ep, job, solver, at=deadline)
        filed = ep.file(late, true=True, line=f"{solver.name} claims {job.label} at t={deadline}")
        if filed:
            ep.run(late.body.id, Script(Litigant.honest(solver)))
        return ep.finish(caught=not filed)


def _deadline_of(contract: Contract, supplies: Supplies) -> int:
    stack: list[Term] = [contract.terms]
    while stack:
        term = stack.pop()
        if isinstance(term, When):
            if any(c.condition == supplies for c in term.cases):
                return term.deadline
            stack += [term.otherwise, *(c.then for c in term.cases)]
        elif isinstance(term, Both):
            stack += [term.left, term.right]
        elif isinstance(term, Seq):
            stack += [term.first, term.then]
    raise InvalidArgument("the contract has no wait for this job")


# --- arbitration ---------------------------------------------------------------------------------


@attrs.frozen
class ArbiterColluder(Adversary):
    """Fakes a step and colludes with the arbiters of the non-final ``levels``, who rule for it
    whatever the evidence.

    Stopped by the ladder: only a final ruling meets a contract's verdict and settles the
    stakes; the honest loser appeals (its appeal bond comes back from the cheater's forfeited
    stakes) up to the last level, which is honest and re-runs the step."""

    rule: ClassVar[str] = "only final rulings count; appeals reach an honest last level"
    reasons: ClassVar[tuple[str, ...]] = ("wrong-step",)
    levels: frozenset[int] = attrs.field(default=frozenset({0}), validator=_levels)
    step: int = attrs.field(default=0, validator=_natural)

    def attack(self, market: Marketplace, contract: Contract) -> Outcome:
        """Fake a step; the corrupt levels rule for it."""
        ep = Episode(market, contract, repr(self))
        levels = self.levels
        return _serial_attack(
            ep,
            what=f"arbiters of levels {sorted(levels)} are bribed",
            step=self.step,
            corrupt=lambda final: frozenset(lv for lv in levels if lv < final),
        )


@attrs.frozen
class SybilDisputer(Adversary):
    """Fakes a step, then disputes its own claim through a sybil (mallory) that challenges
    first and then throws the game, so that the false claim is upheld by a final ruling and
    the honest buyer finds it already disputed.

    Stopped by the marketplace rule that only a party paying under a claim may challenge it
    (``not-a-payer``); with ``Marketplace(open_challenges=True)`` the library's court alone
    does not stop it (a known gap: one dispute per claim). Even then the sybil's stakes are
    forfeited with at least one unit burned, so disputing oneself is never free."""

    rule: ClassVar[str] = "only parties paying under a claim may challenge it"
    reasons: ClassVar[tuple[str, ...]] = ("not-a-payer", "wrong-step")
    step: int = attrs.field(default=0, validator=_natural)

    def attack(self, market: Marketplace, contract: Contract) -> Outcome:
        """Fake a step, have the sybil challenge first and lose."""
        ep = Episode(market, contract, repr(self))
        return _serial_attack(
            ep,
            what="its sybil will dispute it first",
            step=self.step,
            sybil_first=True,
        )


@attrs.frozen
class FalseChallenger(Adversary):
    """The buyer disputes an honest claim to avoid paying: it picks pieces by ``choices``
    (``kind="lying"``: ``LyingChallenger``), stops answering (``"stalling"``) or picks the
    whole interval (``"non-shrinking"``), and appeals every ruling.

    Stopped by the judge re-running the disputed step (``step-holds``), by its clock
    (``timeout``) and by every move having to shrink the interval (``not-shrinking``); its
    stakes are forfeited, and the honest solver's payment stands."""

    rule: ClassVar[str] = "the judge re-runs the step; moves must shrink the interval in time"
    reasons: ClassVar[tuple[str, ...]] = ("step-holds", "timeout", "not-shrinking")
    kind: str = attrs.field(
        default="lying", validator=_one_of("lying", "stalling", "non-shrinking")
    )
    choices: tuple[int, ...] = attrs.field(default=(0,), validator=_choices)

    def attack(self, market: Marketplace, contract: Contract) -> Outcome:
        """An honest claim, falsely disputed."""
        ep = Episode(market, contract, repr(self))
        found = _serial_job(ep)
        if isinstance(found, Outcome):
            return found
        job, solver, buyer = found
        trace = honest_trace(job)
        claim = _honest_claim(ep, job, solver, at=ep.claim_time)
        if not ep.file(claim, true=True, line=f"{solver.name} claims {job.label} honestly"):
            return ep.finish(caught=False)
        liar = _payer(ep, claim.body.id, buyer)
        ep.adversary.add(liar.key)
        choices = self.choices

        def disputer() -> BisectionPlayer:
            if self.kind == "stalling":
                return StallingChallenger(liar, choices=choices, answers=1 + choices[0] % 4)
            if self.kind == "non-shrinking":
                return NonShrinkingChallenger(liar, choices=choices, from_round=choices[0] % 3)
            return LyingChallenger(liar, choices=choices)

        game = _Recorded(
            BisectionVerification(lambda: HonestSerialSolver(solver, trace=trace), disputer)
        )
        if not ep.challenge(claim.body.id, liar, now=ep.claim_time + 1):
            return ep.finish(caught=True)
        ep.say(f"{liar.name} disputes it ({self.kind})")
        upheld = ep.run(
            claim.body.id, Script(Litigant.honest(solver), Litigant.honest(liar), None, game)
        )
        if upheld:
            ep.stopped.append(game.reason(job, market.domain) or "claim-upheld")
        return ep.finish(caught=upheld is True)


@attrs.frozen
class SettlementFrontRunner(Adversary):
    """The buyer tries to end the contract on its own terms: it front-runs the settlement the
    parties agreed with one giving it everything, signed by itself alone, then replays the
    agreed settlement after it applied.

    Stopped by settlements needing every party's signature (``not-signed-by-all``) and a
    version above every one applied (``stale-settlement``): exactly once."""

    rule: ClassVar[str] = "settlements need every party's signature and a fresh version"
    reasons: ClassVar[tuple[str, ...]] = ("not-signed-by-all", "stale-settlement")

    def attack(self, market: Marketplace, contract: Contract) -> Outcome:
        """Grab, then replay."""
        ep = Episode(market, contract, repr(self))
        found = _serial_job(ep)
        if isinstance(found, Outcome):
            return found
        job, solver, buyer = found
        ep.adversary.add(buyer.key)
        claim = _honest_claim(ep, job, solver, at=ep.claim_time)
        ep.file(claim, true=True, line=f"{solver.name} claims {job.label} honestly")
        assert ep.court is not None
        runtime = ep.court.runtime
        state = runtime.state(ep.contract.id)
        if not state.escrow:
            ep.say("nothing is left in escrow to settle")
            return ep.finish(caught=False, applicable=False)
        version = state.settled + 1
        total = sum(a.amount for a in state.escrow)
        coins = tuple(sorted(c for a in state.escrow for c in a.coins))
        grab = Settlement(ep.contract.id, version, (Allocation(buyer.party, total, coins),))
        agreed = Settlement(ep.contract.id, version, state.escrow)
        everyone = [ep.identity(p) for p in ep.contract.parties]
        now = ep.claim_time + 1
        refusals = 0
        for body, signers, line in (
            (grab, [buyer], f"{buyer.name} settles everything to itself, alone"),
            (agreed, everyone, "every party signs the agreed settlement"),
            (agreed, everyone, f"{buyer.name} replays the agreed settlement"),
        ):
            try:
                ep.court.settle(Signed.create(body, market.domain, *signers), now=now)
            except Refused as exc:
                ep.refused(exc.reason.value, line)
                refusals += 1
            else:
                ep.say(f"{line}: applied")
        return ep.finish(caught=refusals == 2)


@attrs.define
class _Holder:
    """The worker a lottery attack makes (made when the chain is known)."""

    worker: TrainingWorker | None = None

    def honest(self, chain: TrainingChain, count: int) -> tuple[StepCommitment, ...]:
        """An honest worker's first ``count`` commitments."""
        self.worker = TrainingWorker(chain, LOTTERY_INPUT)
        return self.worker.commit(count)

    def opening(self, step: StepCommitment) -> Any:
        assert self.worker is not None
        return self.worker.opening(step)


# --- lottery -------------------------------------------------------------------------------------


@attrs.frozen
class Memoizer(Adversary):
    """Paid per step with lottery tickets, replays a cycle of transitions it already computed
    after step ``start`` (back to step ``loop``) instead of computing (``MemoizingWorker``).

    Stopped by chained noise seeds (each step's noise differs, so every replayed step is
    false) and by redemption re-running a winning ticket's span: a false span voids the ticket
    and slashes the worker's bond (``false-step``); the sender never pays for it."""

    rule: ClassVar[str] = "chained noise seeds; a winning ticket's span is re-run"
    reasons: ClassVar[tuple[str, ...]] = ("false-step",)
    start: int = attrs.field(default=4, validator=_positive)
    loop: int = attrs.field(default=0, validator=_natural)

    @loop.validator
    def _before_start(self, _attr: object, value: int) -> None:
        if value >= self.start:
            raise InvalidArgument(f"loop={value} must come before start={self.start}")

    def attack(self, market: Marketplace, contract: Contract) -> Outcome:
        """Memoize, take tickets, redeem the winners."""
        ep = Episode(market, contract, repr(self))
        holder = _Holder()

        def commitments(chain: TrainingChain, count: int) -> tuple[StepCommitment, ...]:
            start = 1 + (self.start - 1) % max(1, count - 1)
            worker = MemoizingWorker(chain, LOTTERY_INPUT, start=start, loop=self.loop % start)
            holder.worker = worker
            return worker.commit(count)

        return _lottery_attack(
            ep,
            cheat=f"replays steps from {self.loop} after step {self.start}",
            worker_cheats=True,
            commitments=commitments,
            opening=holder.opening,
        )


@attrs.frozen
class InputSubstituter(Adversary):
    """Substitutes a step's input. ``mode="zero"``: from step ``start`` claims the all-zero
    state and coasts (``ZeroShortcutWorker``: tanh(W·0) = 0). ``mode="splice"``: asks to be
    paid for a step whose input is not the previous step's output.

    Stopped by the issuer paying only for a chained schedule (``broken-chain``) and by the
    noise, which makes every coasting step false, caught when its ticket wins
    (``false-step``)."""

    rule: ClassVar[str] = "only chained steps are paid; noise defeats the zero shortcut"
    reasons: ClassVar[tuple[str, ...]] = ("broken-chain", "false-step")
    mode: str = attrs.field(default="zero", validator=_one_of("zero", "splice"))
    start: int = attrs.field(default=2, validator=_natural)

    def attack(self, market: Marketplace, contract: Contract) -> Outcome:
        """Substitute, take tickets, redeem the winners."""
        ep = Episode(market, contract, repr(self))
        holder = _Holder()

        def commitments(chain: TrainingChain, count: int) -> tuple[StepCommitment, ...]:
            start = self.start % count
            if self.mode == "zero":
                zero = ZeroShortcutWorker(chain, LOTTERY_INPUT, start=start)
                holder.worker = zero
                return zero.commit(count)
            honest = TrainingWorker(chain, LOTTERY_INPUT)
            holder.worker = honest
            steps = list(honest.commit(count))
            bogus = Digest(bytes(32))
            steps[max(1, start) % count] = attrs.evolve(steps[max(1, start) % count], input=bogus)
            return tuple(steps)

        return _lottery_attack(
            ep,
            cheat=f"substitutes inputs from step {self.start} ({self.mode})",
            worker_cheats=True,
            commitments=commitments,
            opening=holder.opening,
        )


@attrs.frozen
class DoubleRedeemer(Adversary):
    """Redeems every winning ticket twice.

    Stopped by exactly-once redemption: a ticket's id is a claim the ledger settles once
    (``already-redeemed``), and replaying a redemption's entries is a journal no-op."""

    rule: ClassVar[str] = "exactly once: a ticket is settled once on the ledger"
    reasons: ClassVar[tuple[str, ...]] = ("already-redeemed",)

    def attack(self, market: Marketplace, contract: Contract) -> Outcome:
        """Honest work, each winner redeemed twice."""
        ep = Episode(market, contract, repr(self))
        holder = _Holder()
        return _lottery_attack(
            ep,
            cheat="will redeem every winning ticket twice",
            worker_cheats=True,
            commitments=holder.honest,
            opening=holder.opening,
            redeem_twice=True,
        )


@attrs.frozen
class OverCommitter(Adversary):
    """Promises more than it locked. ``where="tickets"``: the sender's deposit covers only
    ``covered`` tickets, yet it issues a whole batch, hoping several win.
    ``where="contract"``: the buyer moves its money away and still offers the contract.

    Stopped by escrow before promise: an offer whose escrow cannot be locked never starts
    (``insufficient-funds``), and an honest worker accepts tickets only while the deposit covers
    every one winning (``over-committed``; the library's own check is per ticket,
    ``face-value-uncovered``, and an overdraft pays from the penalty escrow)."""

    rule: ClassVar[str] = "escrow before promise"
    reasons: ClassVar[tuple[str, ...]] = (
        "insufficient-funds", "over-committed", "face-value-uncovered",
    )  # fmt: skip
    where: str = attrs.field(default="tickets", validator=_one_of("tickets", "contract"))
    covered: int = attrs.field(default=1, validator=_positive)

    def attack(self, market: Marketplace, contract: Contract) -> Outcome:
        """Over-commit a deposit or an offer."""
        ep = Episode(market, contract, repr(self))
        if self.where == "tickets":
            holder = _Holder()
            covered = min(self.covered, max(1, market.tickets - 1))
            return _lottery_attack(
                ep,
                cheat=f"deposits enough for {covered} ticket(s) and issues {market.tickets}",
                worker_cheats=False,
                commitments=holder.honest,
                opening=holder.opening,
                deposit=covered * market.face_value,
            )
        payer = next((n for n in requirements(ep.contract) if n.amount > 0), None)
        if payer is None:
            return _not_applicable(ep)
        who = ep.identity(payer.party)
        ep.adversary.add(who.key)
        keep = payer.amount - 1
        away = ep.ledger.balance(who.key) - keep
        ep.ledger.apply(Move(who.key, SYBIL.key, away, b"market/over-commit"))
        ep.adversary.add(SYBIL.key)
        ep.say(f"{who.name} moves {away} away, keeping {keep} of the {payer.amount} it must lock")
        opened = ep.open(ep.silent_bench())
        return ep.finish(caught=not opened)


# --- drawing them ----------------------------------------------------------------------------

_FRACTIONS = st.sampled_from(
    [Fraction(1, 64), Fraction(1, 10), Fraction(1, 4), Fraction(1, 2), Fraction(1)]
)
_SEEDS = st.integers(0, 99)
_STEPS = st.integers(0, 31)

ALL_KINDS: tuple[type[Adversary], ...] = (
    PieceFaker,
    ProofForger,
    ProofReorderer,
    Withholder,
    SizeLiar,
    StepFaker,
    Equivocator,
    Staller,
    LateMover,
    ArbiterColluder,
    SybilDisputer,
    FalseChallenger,
    SettlementFrontRunner,
    Memoizer,
    InputSubstituter,
    DoubleRedeemer,
    OverCommitter,
)


def _strategy(kind: type[Adversary]) -> st.SearchStrategy[Adversary]:
    if kind is PieceFaker:
        return st.builds(PieceFaker, fraction=_FRACTIONS, seed=_SEEDS)
    if kind is ProofForger:
        return st.builds(
            ProofForger,
            forge=st.sampled_from(["leaf", "sibling"]),
            fraction=_FRACTIONS,
            seed=_SEEDS,
        )
    if kind is ProofReorderer:
        return st.builds(ProofReorderer, fraction=_FRACTIONS, seed=_SEEDS)
    if kind is Withholder:
        return st.builds(Withholder, fraction=_FRACTIONS, seed=_SEEDS)
    if kind is SizeLiar:
        return st.builds(SizeLiar, mode=st.sampled_from(["short-tree", "short-count"]))
    if kind is StepFaker:
        return st.builds(StepFaker, step=_STEPS)
    if kind is Equivocator:
        return st.builds(Equivocator, where=st.sampled_from(["game", "contract"]), step=_STEPS)
    if kind is Staller:
        return st.builds(
            Staller,
            where=st.sampled_from(["game", "ladder"]),
            answers=st.integers(0, 6),
            step=_STEPS,
        )
    if kind is LateMover:
        return st.builds(LateMover, where=st.sampled_from(["game", "contract"]), step=_STEPS)
    if kind is ArbiterColluder:
        return st.builds(
            ArbiterColluder, levels=st.frozensets(st.integers(0, 3), min_size=1), step=_STEPS
        )
    if kind is SybilDisputer:
        return st.builds(SybilDisputer, step=_STEPS)
    if kind is FalseChallenger:
        return st.builds(
            FalseChallenger,
            kind=st.sampled_from(["lying", "stalling", "non-shrinking"]),
            choices=st.lists(st.integers(0, 8), min_size=1, max_size=4).map(tuple),
        )
    if kind is SettlementFrontRunner:
        return st.just(SettlementFrontRunner())
    if kind is Memoizer:
        return st.integers(1, 11).flatmap(
            lambda start: st.builds(Memoizer, start=st.just(start), loop=st.integers(0, start - 1))
        )
    if kind is InputSubstituter:
        return st.builds(
            InputSubstituter, mode=st.sampled_from(["zero", "splice"]), start=st.integers(0, 11)
        )
    if kind is DoubleRedeemer:
        return st.just(DoubleRedeemer())
    assert kind is OverCommitter
    return st.builds(
        OverCommitter, where=st.sampled_from(["tickets", "contract"]), covered=st.integers(1, 4)
    )


@st.composite
def adversaries(draw: st.DrawFn, *, kinds: Sequence[type[Adversary]] | None = None) -> Adversary:
    """Any adversary, or one of ``kinds`` (adversary classes, e.g. ``[PieceFaker,
    StepFaker]``), with its parameters drawn."""
    chosen = ALL_KINDS if kinds is None else tuple(kinds) if not isinstance(kinds, type) else None
    if chosen is None or isinstance(kinds, str | bytes):
        raise InvalidArgument(f"kinds={kinds!r} must be a sequence of adversary classes")
    if not chosen:
        raise InvalidArgument("kinds must name at least one adversary class")
    for kind in chosen:
        if kind not in ALL_KINDS:
            raise InvalidArgument(f"{kind!r} is not one of the adversary classes")
    return draw(st.one_of([_strategy(k) for k in chosen]))
