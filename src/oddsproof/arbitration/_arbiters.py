"""Arbiters: whoever sits on a level of the ladder and signs rulings.

Every arbiter has an :class:`~oddsproof.contracts.Identity` (its key is the one the ladder
names) and answers two questions about a :class:`CaseFile`: :meth:`Arbiter.rule` (a signed
ruling at the dispute's current level, final at the last level, or ``None`` to stay silent)
and :meth:`Arbiter.certify` (the final form of an outcome the ladder decided without a further
ruling: an unappealed ruling, a side that did not fund in time).

Ready-made arbiters:

* :class:`ReexecutionJudge` re-runs the one step a bisection game narrowed the dispute down to
  (its ruling is exactly :func:`~oddsproof.games.judge_bisection`'s, so anyone can re-check it
  with :func:`~oddsproof.games.check_ruling`), or the one piece a fraud proof names.
* :class:`Panel`: a majority of ``n`` member arbiters (each signs its vote); the panel's clerk
  signs the panel's ruling, whose evidence is the hash of the votes. :func:`growing_panels`
  builds panels that grow at each appeal (3, 7, 15, ... members), as Kleros's juries do.
* :class:`CallbackArbiter` asks a function: a person at a prompt, an external service. A
  callback that raises is reported as :class:`ArbiterFailed` (the court treats it as silence).
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Sequence
from typing import Any, Final

import attrs

from oddsproof.contracts import Ruling
from oddsproof.errors import ArbiterFailed, InvalidArgument, OddsproofError
from oddsproof.errors import _validators as v
from oddsproof.games import (
    BisectionTranscript,
    FraudProof,
    ParallelComputation,
    SerialComputation,
    check_fraud_proof,
    check_transcript,
    judge_bisection,
)
from oddsproof.wire import Canonical, Digest, Domain, Identity, Party, Signed, tagged_hash

from ._appeals import Dispute, DisputeState, Phase

PANEL_VOTES_TAG: Final = "oddsproof/panel-votes/v1"


def _rulings(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, tuple) or not all(
        isinstance(r, Signed) and isinstance(r.body, Ruling) for r in value
    ):
        raise InvalidArgument("rulings is a tuple of signed Rulings")


@attrs.frozen
class CaseFile:
    """Everything an arbiter sees: the dispute, its state, the domain rulings are signed in,
    the evidence the level-0 game produced (``None`` if none), the rulings so far, and the
    time the arbiter acts at."""

    dispute: Dispute = attrs.field(validator=v.instance(Dispute))
    state: DisputeState = attrs.field(validator=v.instance(DisputeState))
    domain: Domain = attrs.field(validator=v.instance(Domain))
    evidence: Canonical | None = attrs.field(
        default=None, validator=attrs.validators.optional(v.instance(Canonical))
    )
    rulings: tuple[Signed[Ruling], ...] = attrs.field(default=(), validator=_rulings)
    now: int = attrs.field(default=0, validator=v.time)

    @property
    def level(self) -> int:
        """The level a ruling is due at."""
        return self.state.level

    @property
    def final(self) -> bool:
        """Whether a ruling at this level is final (the last level)."""
        return self.state.level == self.dispute.ladder.final_level


class Arbiter(abc.ABC):
    """An arbiter with a signing identity. Subclasses say how they :meth:`decide`."""

    def __init__(self, identity: Identity) -> None:
        if not isinstance(identity, Identity):
            raise InvalidArgument("an arbiter signs with an Identity")
        self.identity = identity

    @property
    def party(self) -> Party:
        """The party a ladder names for this arbiter."""
        return self.identity.party

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.identity.name!r})"

    @abc.abstractmethod
    def decide(self, case: CaseFile) -> bool | None:
        """Whether the claim holds (``True``), fails (``False``), or no decision (``None``)."""

    def grounds(self, case: CaseFile) -> Digest:
        """The id a ruling names as its evidence: the game's evidence, else the state."""
        return case.evidence.id if case.evidence is not None else case.state.id

    def rule(self, case: CaseFile) -> Signed[Ruling] | None:
        """A signed ruling at ``case.level`` (final at the last level), or ``None``."""
        upheld = self.decide(case)
        if upheld is None:
            return None
        return self._sign(case, upheld, self.grounds(case), case.level, case.final)

    def certify(self, case: CaseFile) -> Signed[Ruling] | None:
        """The final form of the outcome the ladder decided, if this arbiter is the ladder's
        final arbiter (the only one that certifies) and the record says the outcome was
        decided (``None`` otherwise)."""
        state = case.state
        if (
            state.phase is not Phase.DECIDED
            or state.outcome is None
            or state.basis is None
            or state.certifier is None
            or case.dispute.ladder.levels[-1].arbiter.key != self.identity.key
        ):
            return None
        return self._sign(case, state.outcome, state.basis, state.certifier, True)

    def _sign(
        self, case: CaseFile, upheld: bool, evidence: Digest, level: int, final: bool
    ) -> Signed[Ruling]:
        dispute = case.dispute
        try:
            body = Ruling(
                statement=dispute.statement,
                upheld=upheld,
                claim=dispute.claim_id,
                contract=dispute.contract,
                evidence=evidence,
                level=level,
                final=final,
                issued=case.now,
            )
        except OddsproofError as exc:  # pragma: no cover - every field comes from checked values
            raise InvalidArgument(f"cannot make the ruling: {exc}") from exc
        return Signed.create(body, case.domain, self.identity)


class ReexecutionJudge(Arbiter):
    """Re-runs the single step (serial work: a :class:`~oddsproof.games.BisectionTranscript`)
    or the single piece (parallel work: a :class:`~oddsproof.games.FraudProof`) a game narrowed
    the dispute down to. ``data`` is the computation's input (needed for a fraud proof, and for
    a bisection pinned to step 0).

    A transcript still running (the judge acts before the game is decided) or one that does not
    replay gives no ruling. For parallel work the burden is on the challenger: without a fraud
    proof that checks, the claim is upheld.
    """

    def __init__(
        self,
        identity: Identity,
        computation: SerialComputation | ParallelComputation,
        *,
        data: bytes | None = None,
    ) -> None:
        super().__init__(identity)
        if not isinstance(computation, SerialComputation | ParallelComputation):
            raise InvalidArgument("the judge needs the serial or parallel computation")
        if data is not None and not isinstance(data, bytes):
            raise InvalidArgument("data is the computation's input bytes")
        self.computation = computation
        self.data = data

    def _transcript(self, case: CaseFile) -> BisectionTranscript | None:
        """The case's bisection transcript, if this judge re-runs serial work and the game was
        about the disputed claim (a game about another claim decides nothing here)."""
        evidence = case.evidence
        if (
            isinstance(evidence, BisectionTranscript)
            and isinstance(self.computation, SerialComputation)
            and evidence.game.claim.body.id == case.dispute.claim_id
        ):
            return evidence
        return None

    def decide(self, case: CaseFile) -> bool | None:
        """Re-check the game's evidence: the one step of a transcript, the one piece of a
        fraud proof."""
        evidence = case.evidence
        transcript = self._transcript(case)
        if transcript is not None:
            assert isinstance(self.computation, SerialComputation)
            try:
                outcome = check_transcript(
                    transcript,
                    case.domain,
                    now=case.now,
                    computation=self.computation,
                    data=self.data,
                )
            except OddsproofError:
                return None
            return outcome.upheld
        if isinstance(self.computation, ParallelComputation):
            if (
                not isinstance(evidence, FraudProof)
                or evidence.claim.body.id != case.dispute.claim_id
            ):
                return True  # no proof of fraud against this claim
            if self.data is None:
                return None
            try:
                check_fraud_proof(evidence, self.computation, self.data, domain=case.domain)
            except OddsproofError:  # FraudProofError included: the proof does not hold
                return True
            return False
        return None

    def rule(self, case: CaseFile) -> Signed[Ruling] | None:
        """For a transcript, exactly :func:`~oddsproof.games.judge_bisection`'s ruling."""
        transcript = self._transcript(case)
        if transcript is None:
            return super().rule(case)
        assert isinstance(self.computation, SerialComputation)
        try:
            return judge_bisection(
                transcript,
                case.domain,
                self.computation,
                arbiter=self.identity,
                now=case.now,
                data=self.data,
                level=case.level,
                final=case.final,
            )
        except OddsproofError:
            return None


class Panel(Arbiter):
    """A majority of ``members``: the panel rules when more than half of all its members vote
    the same way (abstentions count against a majority). ``identity`` is the clerk that signs
    the panel's ruling; its evidence is the tagged hash of the members' signed votes' ids."""

    def __init__(self, identity: Identity, members: Sequence[Arbiter]) -> None:
        super().__init__(identity)
        members = tuple(members)
        if not members or not all(isinstance(m, Arbiter) for m in members):
            raise InvalidArgument("a panel has at least one member Arbiter")
        if len(members) % 2 == 0:
            raise InvalidArgument("a panel has an odd number of members, so majorities exist")
        keys = {m.identity.key.raw for m in members}
        if len(keys) != len(members) or identity.key.raw in keys:
            raise InvalidArgument("a panel's members and clerk are distinct")
        self.members = members

    def votes(self, case: CaseFile) -> tuple[Signed[Ruling], ...]:
        """Each member's signed vote, for those who vote, in member order."""
        out = []
        for member in self.members:
            vote = member.rule(case)
            if vote is not None:
                out.append(vote)
        return tuple(out)

    def _majority(self, votes: Sequence[Signed[Ruling]]) -> bool | None:
        upheld = sum(1 for v in votes if v.body.upheld)
        failed = len(votes) - upheld
        need = len(self.members) // 2 + 1
        if upheld >= need:
            return True
        if failed >= need:
            return False
        return None

    def decide(self, case: CaseFile) -> bool | None:
        """The members' majority, if there is one."""
        return self._majority(self.votes(case))

    def rule(self, case: CaseFile) -> Signed[Ruling] | None:
        """The clerk's ruling on the majority; its evidence is the hash of the votes."""
        votes = self.votes(case)
        upheld = self._majority(votes)
        if upheld is None:
            return None
        ids = sorted(v.id.raw for v in votes)
        evidence = tagged_hash(PANEL_VOTES_TAG, *ids)
        return self._sign(case, upheld, evidence, case.level, case.final)


def growing_panels(
    clerks: Sequence[Identity], members: Sequence[Arbiter], *, first: int = 3
) -> tuple[Panel, ...]:
    """One panel per clerk, growing at each appeal: ``first`` members, then ``2n + 1`` (3, 7,
    15, ...), each drawn from the front of ``members``."""
    if type(first) is not int or first < 1 or first % 2 == 0:
        raise InvalidArgument("the first panel has an odd, positive number of members")
    panels = []
    size = first
    for clerk in clerks:
        if size > len(members):
            raise InvalidArgument(
                f"a panel of {size} needs {size} members, only {len(members)} given"
            )
        panels.append(Panel(clerk, members[:size]))
        size = 2 * size + 1
    return tuple(panels)


class CallbackArbiter(Arbiter):
    """Asks ``decide(case)`` (a person, an external service) for the outcome; ``certifies``,
    if given, is asked before signing a final form (``False``: refuse, stay silent).

    Whatever the callbacks raise becomes :class:`ArbiterFailed`.
    """

    def __init__(
        self,
        identity: Identity,
        decide: Callable[[CaseFile], bool | None],
        *,
        certifies: Callable[[CaseFile], bool] | None = None,
    ) -> None:
        super().__init__(identity)
        if not callable(decide) or (certifies is not None and not callable(certifies)):
            raise InvalidArgument("decide and certifies are callables")
        self._decide = decide
        self._certifies = certifies

    def decide(self, case: CaseFile) -> bool | None:
        """Whatever the callback answers."""
        try:
            answer = self._decide(case)
        except Exception as exc:
            raise ArbiterFailed(f"{self.identity.name}'s callback failed: {exc!r}") from exc
        if answer is not None and not isinstance(answer, bool):
            raise ArbiterFailed(f"{self.identity.name}'s callback answered {answer!r}")
        return answer

    def certify(self, case: CaseFile) -> Signed[Ruling] | None:
        """Asks ``certifies`` first, if given."""
        if self._certifies is not None:
            try:
                willing = self._certifies(case)
            except Exception as exc:
                raise ArbiterFailed(f"{self.identity.name}'s callback failed: {exc!r}") from exc
            if not willing:
                return None
        return super().certify(case)
