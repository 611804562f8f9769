"""The court: claim → challenge window → verification game → ladder → collapse → ledger.

A :class:`Court` runs contracts (a :class:`~oddsproof.contracts.Runtime`), their disputes
(:class:`Appeals`) and the collapse of their claims on one ledger, usually the SQLite store.
Everything it knows is on that ledger: the offers and contract states, one
:class:`CourtCase` per claim (head ``court/case/<claim id>``), every dispute and its states
(``dispute/<id>``), every ruling and piece of evidence, by id. Each step is **one**
transaction that applies the step's entries together with the new records and heads, and the
next step is a function of those records alone (plus the script, below). So a process killed
at any instant leaves the store at a step boundary, and :meth:`Court.run` called again picks up
from the last committed step: no ruling or transfer is lost, none is made twice (entry refs
derive from the records, so even a repeated entry would be a no-op in the journal).

A case's life:

1. :meth:`Court.claim` files a claim against an open contract (the contract pays under it,
   conditionally) and the claimant's claim bond; the challenge window opens.
2. Nobody challenges before the window ends: the claim is upheld (its holdings become plain,
   its bond is released). Otherwise :meth:`Court.challenge` opens a dispute on the contract's
   ladder.
3. The level-0 game is played (:class:`BisectionVerification`) and its evidence filed; the
   ladder runs (defence, rulings, appeals, matches, certification, silences), each party
   acting as its :class:`Litigant` script says and each arbiter as it decides.
4. The final ruling is submitted to the contract (verdicts, bets) and the claim collapsed:
   failures unwound with recourse to the claimant's bonds, closed contracts swept.

What the parties and the game do (their :class:`Script`) is not protocol state, so it is not
stored: resuming takes the same script again. Time is integer seconds chosen by the court from
the records (each party and arbiter acts at the start of its turn), so a run is deterministic.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final, Protocol

import attrs

from oddsproof.contracts import (
    Both,
    Claim,
    Claimed,
    Contract,
    Ladder,
    Ruling,
    Runtime,
    Seq,
    Settlement,
    Step,
    Term,
    Verdict,
    When,
)
from oddsproof.errors import (
    ArbiterFailed,
    InvalidArgument,
    NotFound,
    OddsproofError,
    Refused,
    WrongType,
)
from oddsproof.errors import _validators as v
from oddsproof.games import BisectionGame, BisectionPlayer, BisectionSetup, play_bisection
from oddsproof.ledger import BondPost, Ledger
from oddsproof.wire import (
    Canonical,
    Digest,
    Domain,
    Identity,
    Party,
    PublicKey,
    Signed,
    canonical,
    tagged_hash,
)

from ._appeals import (
    Appeals,
    Dispute,
    DisputeState,
    LadderEvent,
    Phase,
    Side,
    Transition,
    dispute_deadline,
    due_amount,
    on_turn,
)
from ._arbiters import Arbiter, CaseFile
from ._collapse import CollapseReport, FanoutPolicy, RecoursePolicy, Resolution, collapse
from ._reasons import CourtReason, LadderReason
from ._settle import SettlementReport, settle

CASE_PREFIX: Final = "court/case/"
REF_TAG: Final = "oddsproof/court-ref/v1"


class Stage(enum.Enum):
    """Where a claim stands in the court."""

    WINDOW = "window"
    """Filed; anyone may challenge until the window ends."""
    DISPUTED = "disputed"
    """A dispute is climbing the ladder."""
    RESOLVED = "resolved"
    """Decided for good (upheld or failed) and collapsed onto the ledger."""
    SETTLED = "settled"
    """Ended by a settlement every party of the contract signed."""

    @property
    def over(self) -> bool:
        """Whether nothing more happens to the case."""
        return self in (Stage.RESOLVED, Stage.SETTLED)


def _signed_claim(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, Signed) or not isinstance(value.body, Claim):
        raise InvalidArgument("a court case is about a signed Claim")


@canonical("court-case")
@attrs.frozen
class CourtCase(Canonical):
    """The court's record of one claim; canonical, so every version is stored by id.

    ``bond`` is the claimant's claim bond (if the court asks for one), ``window_ends`` the end
    of the challenge window, ``dispute`` the dispute's id once challenged, ``outcome`` the
    final decision (``True``: upheld) once resolved, ``time`` the latest time seen.
    """

    claim: Signed[Claim] = attrs.field(validator=_signed_claim)
    stage: Stage = attrs.field(validator=v.instance(Stage))
    window_ends: int = attrs.field(validator=v.amount)
    bond: Digest | None = attrs.field(
        default=None, validator=attrs.validators.optional(v.instance(Digest))
    )
    dispute: Digest | None = attrs.field(
        default=None, validator=attrs.validators.optional(v.instance(Digest))
    )
    outcome: bool | None = attrs.field(
        default=None, validator=attrs.validators.optional(v.instance(bool))
    )
    time: int = attrs.field(default=0, validator=v.amount)

    @property
    def claim_id(self) -> Digest:
        """The claim's id (the case's name)."""
        return self.claim.body.id

    @property
    def contract(self) -> Digest:
        """The contract the claim answered."""
        return self.claim.body.offer


@attrs.frozen
class CourtPolicy:
    """The court's own terms: how long claims can be challenged, the bond a claimant posts
    with each claim (recourse for whoever builds on it; 0 for none), and the fan-out bound."""

    challenge_window: int = attrs.field(validator=v.positive)
    claim_bond: int = attrs.field(default=0, validator=v.amount)
    fanout: FanoutPolicy | None = attrs.field(
        default=None, validator=attrs.validators.optional(v.instance(FanoutPolicy))
    )


def _always(_dispute: Dispute, _state: DisputeState) -> bool:
    return True


def _never(_dispute: Dispute, _state: DisputeState) -> bool:
    return False


@attrs.frozen
class Litigant:
    """A party in a scripted dispute: its identity and whether it posts the bond it is on turn
    for (``funds(dispute, state)``). An honest party, which follows the protocol, always does
    (:meth:`honest`); a side without the funds cannot, whatever its script says."""

    identity: Identity = attrs.field(validator=v.instance(Identity))
    funds: Callable[[Dispute, DisputeState], bool] = attrs.field(
        default=_always, validator=attrs.validators.is_callable()
    )

    @property
    def party(self) -> Party:
        """The litigant's party."""
        return self.identity.party

    @classmethod
    def honest(cls, identity: Identity) -> Litigant:
        """Funds every turn: defends, appeals when it loses, matches when it wins."""
        return cls(identity, _always)

    @classmethod
    def passive(cls, identity: Identity) -> Litigant:
        """Never funds: no defence, no appeal, no match."""
        return cls(identity, _never)

    @classmethod
    def up_to(cls, identity: Identity, level: int) -> Litigant:
        """Funds while the dispute is below ``level`` (gives up from there)."""
        return cls(identity, lambda _d, state: state.level < level)


class Verification(Protocol):
    """The level-0 game: played from ``start``, decided before ``deadline``; returns the
    evidence for the judge and the time it was decided, or ``None`` if it cannot be played."""

    def play(
        self, dispute: Dispute, *, start: int, deadline: int, domain: Domain
    ) -> tuple[Canonical, int] | None:
        """Play the game for ``dispute``."""


@attrs.frozen
class BisectionVerification:
    """A bisection game between two players the factories make (fresh ones for every play, so
    a resumed court replays the same game): ``arity`` k, ``move_time`` seconds per move, the
    two chess clocks splitting the time level 0 leaves before its ruling deadline."""

    solver: Callable[[], BisectionPlayer] = attrs.field(validator=attrs.validators.is_callable())
    challenger: Callable[[], BisectionPlayer] = attrs.field(
        validator=attrs.validators.is_callable()
    )
    arity: int = attrs.field(default=2, validator=v.positive)
    move_time: int = attrs.field(default=60, validator=v.positive)

    def play(
        self, dispute: Dispute, *, start: int, deadline: int, domain: Domain
    ) -> tuple[Canonical, int] | None:
        """Set the game up inside ``[start, deadline)`` (Δ before it), play it, and return
        the transcript and the time of its last event (a move, or the timeout that decided
        it)."""
        delta = dispute.ladder.delta
        clock = (deadline - delta - start) // 2
        if clock < 1:
            return None
        try:
            setup = BisectionSetup(
                dispute.claim,
                dispute.challenger,
                self.arity,
                clock,
                clock,
                min(self.move_time, clock),
                delta,
                start,
                deadline,
            )
            game = BisectionGame(setup, domain)
            transcript = play_bisection(game, self.solver(), self.challenger())
        except OddsproofError:
            return None
        return transcript, game.time


@attrs.frozen
class Script:
    """What the parties of one claim do: the claimant's and the challenger's :class:`Litigant`
    (no challenger: nobody challenges), when the challenge comes (default: at once), and the
    level-0 game."""

    claimant: Litigant = attrs.field(validator=v.instance(Litigant))
    challenger: Litigant | None = attrs.field(
        default=None, validator=attrs.validators.optional(v.instance(Litigant))
    )
    challenge_at: int | None = attrs.field(
        default=None, validator=attrs.validators.optional(v.amount)
    )
    verification: Verification | None = attrs.field(default=None)


def _case_head(claim: Digest) -> str:
    return CASE_PREFIX + claim.hex()


def _ref(*parts: bytes) -> bytes:
    return tagged_hash(REF_TAG, *parts).raw


def verdict_deadline(terms: Term, statement: Digest) -> int | None:
    """The latest deadline of a wait in ``terms`` with a :class:`Verdict` case on
    ``statement`` (or on "the claim"): the parent deadline a dispute must end Δ before."""
    found: int | None = None
    stack = [terms]
    while stack:
        term = stack.pop()
        if isinstance(term, When):
            if any(
                isinstance(c.condition, Verdict) and c.condition.statement in (None, statement)
                for c in term.cases
            ):
                found = term.deadline if found is None else max(found, term.deadline)
            stack += [term.otherwise, *(c.then for c in term.cases)]
        elif isinstance(term, Both):
            stack += [term.left, term.right]
        elif isinstance(term, Seq):
            stack += [term.first, term.then]
        elif isinstance(term, Claimed):
            stack.append(term.then)
    return found


class Court:
    """The end-to-end dispute pipeline on one ledger (see the module docstring).

    >>> court = Court(SqliteLedger("court.db"), domain, arbiters=[judge, panel, supreme],
    ...               policy=CourtPolicy(challenge_window=3_600, claim_bond=100))
    >>> court.open(offer, now=0)
    >>> court.claim(offer.id, claim, now=60)
    >>> court.run(claim.id, Script(Litigant.honest(bob), Litigant.honest(alice), ...))
    """

    def __init__(
        self,
        ledger: Ledger,
        domain: Domain,
        *,
        arbiters: Iterable[Arbiter],
        policy: CourtPolicy,
    ) -> None:
        if not isinstance(ledger, Ledger) or not isinstance(domain, Domain):
            raise WrongType("a Court needs a Ledger and a Domain")
        if not isinstance(policy, CourtPolicy):
            raise WrongType("policy is a CourtPolicy")
        bench: dict[PublicKey, Arbiter] = {}
        for arbiter in arbiters:
            if not isinstance(arbiter, Arbiter):
                raise WrongType(f"not an Arbiter: {arbiter!r}")
            bench[arbiter.identity.key] = arbiter
        self.ledger = ledger
        self.domain = domain
        self.policy = policy
        self.runtime = Runtime(ledger, domain)
        self.appeals = Appeals(ledger, domain)
        self._bench = bench

    # -- records ---------------------------------------------------------------------------

    def case(self, claim: Digest) -> CourtCase:
        """The court's record of ``claim``."""
        found = self.ledger.head(_case_head(claim))
        record = None if found is None else self.ledger.get(found, CourtCase)
        if record is None:
            raise NotFound(f"no case for claim {claim} in this court")
        return record

    def cases(self) -> tuple[CourtCase, ...]:
        """Every case, in claim-id order."""
        out = []
        for name in sorted(self.ledger.heads()):
            if name.startswith(CASE_PREFIX):
                out.append(self.case(Digest(bytes.fromhex(name[len(CASE_PREFIX) :]))))
        return tuple(out)

    def _save(self, case: CourtCase) -> None:
        self.ledger.put(case)
        self.ledger.set_head(_case_head(case.claim_id), case.id)

    def arbiter(self, key: PublicKey) -> Arbiter:
        """The court's arbiter holding ``key``."""
        found = self._bench.get(key)
        if found is None:
            raise Refused(
                CourtReason.UNKNOWN_ARBITER, f"the court has no arbiter with key {key.hex()[:16]}"
            )
        return found

    # -- filing ----------------------------------------------------------------------------

    def open(self, offer: Signed[Contract], *, now: int) -> Step:
        """Open a signed offer on the ledger (escrow locked); a no-op if already open."""
        return self.runtime.open(offer, now=now)

    def claim(self, contract: Digest, claim: Signed[Claim], *, now: int) -> CourtCase:
        """File ``claim`` against the open ``contract`` at ``now``: the contract takes it (and
        pays what it pays under it, conditionally), the claimant posts the claim bond, and
        the challenge window opens. Filing a claim already filed returns its case."""
        if not isinstance(claim, Signed) or not isinstance(claim.body, Claim):
            raise WrongType("claim takes a signed Claim")
        existing = self.ledger.head(_case_head(claim.body.id))
        if existing is not None:
            return self.case(claim.body.id)
        if claim.body.offer != contract:
            raise Refused(CourtReason.WRONG_CONTRACT, "the claim answers another contract")
        with self.ledger.transaction():
            step = self.runtime.submit(contract, claim, now=now)
            if step.rejected is not None:
                raise Refused(
                    CourtReason.CLAIM_REFUSED,
                    f"the contract refused the claim: {step.rejected.value}",
                    contract_reason=step.rejected,
                )
            self._check_disputable(claim, step.state.terms, now)
            bond = None
            if self.policy.claim_bond:
                entry = BondPost(
                    claim.body.claimant.key,
                    self.policy.claim_bond,
                    claim.body.id,
                    _ref(b"claim-bond", claim.body.id.raw),
                )
                self.ledger.apply(entry)
                bond = entry.id
            case = CourtCase(
                claim, Stage.WINDOW, now + self.policy.challenge_window, bond, time=now
            )
            self.ledger.put(claim)
            self._save(case)
        return case

    def _check_disputable(self, claim: Signed[Claim], terms: Term, now: int) -> None:
        """Refuse (inside the filing's transaction, so nothing is paid) a claim filed so late
        that a challenge at the end of its window could no longer climb the ladder before
        the contract's verdict deadline: such a claim would stand unchecked."""
        ladder = self.runtime.contract(claim.body.offer).ladder
        limit = verdict_deadline(terms, claim.body.statement.id)
        if ladder is None or limit is None:
            return
        last_challenge = now + self.policy.challenge_window - 1
        if last_challenge + ladder.span + ladder.delta > limit:
            raise Refused(
                CourtReason.TOO_LATE_TO_DISPUTE,
                f"filed too late to be disputed: a challenge at t={last_challenge} would need"
                f" the ladder until {last_challenge + ladder.span}, Δ = {ladder.delta} before"
                f" the verdict deadline {limit}",
            )

    def _ladder(self, case: CourtCase) -> Ladder:
        ladder = self.runtime.contract(case.contract).ladder
        if ladder is None:
            raise Refused(CourtReason.NO_LADDER, "the contract names no arbitration ladder")
        return ladder

    def challenge(self, claim: Digest, challenger: Party, *, now: int) -> Dispute:
        """Dispute ``claim`` before its window ends: the dispute opens on the contract's
        ladder, the challenger's level-0 stake and fee are posted."""
        case = self.case(claim)
        if case.stage is not Stage.WINDOW:
            raise Refused(
                CourtReason.NOT_CHALLENGEABLE,
                f"the claim is {case.stage.value}, it cannot be challenged",
            )
        if not case.time <= now < case.window_ends:
            raise Refused(
                CourtReason.WINDOW_CLOSED,
                f"the challenge window is [{case.time}, {case.window_ends})",
            )
        ladder = self._ladder(case)
        state = self.runtime.state(case.contract)
        limit = verdict_deadline(state.terms, case.claim.body.statement.id)
        try:
            dispute = Dispute(case.claim, challenger, ladder, now, limit)
        except OddsproofError as exc:
            raise Refused(CourtReason.DISPUTE_REFUSED, f"cannot open the dispute: {exc}") from exc
        with self.ledger.transaction():
            self.appeals.open(dispute)
            self._save(attrs.evolve(case, stage=Stage.DISPUTED, dispute=dispute.id, time=now))
        return dispute

    # -- running ---------------------------------------------------------------------------

    def run(self, claim: Digest, script: Script) -> CourtCase:
        """Drive the case to its end, one committed step at a time; safe to call again after
        a crash (it resumes from the last committed step)."""
        while self.step(claim, script) is not None:
            pass
        return self.case(claim)

    def resume(self, scripts: Mapping[Digest, Script]) -> tuple[CourtCase, ...]:
        """Run every unfinished case that has a script, in claim-id order."""
        done = []
        for case in self.cases():
            if not case.stage.over and case.claim_id in scripts:
                done.append(self.run(case.claim_id, scripts[case.claim_id]))
        return tuple(done)

    def step(self, claim: Digest, script: Script) -> tuple[LadderEvent, ...] | None:
        """Take the case's next step (one transaction) and say what happened; ``None`` when
        the case is over."""
        if not isinstance(script, Script):
            raise WrongType("step takes the case's Script")
        case = self.case(claim)
        if case.stage.over:
            return None
        if case.stage is Stage.WINDOW:
            challenger = script.challenger
            at = case.time if script.challenge_at is None else max(case.time, script.challenge_at)
            if challenger is not None and at < case.window_ends:
                self.challenge(claim, challenger.party, now=at)
                return (LadderEvent(at, 0, "claim challenged", Side.CHALLENGER),)
            return self._conclude(
                case, None, True, case.window_ends, why="window closed unchallenged"
            )
        assert case.dispute is not None
        dispute = self.appeals.dispute(case.dispute)
        state = self.appeals.state(case.dispute)
        if state.over:
            return self._finish(case, dispute, state)
        return self._act(case, dispute, state, script)

    def _act(
        self, case: CourtCase, dispute: Dispute, state: DisputeState, script: Script
    ) -> tuple[LadderEvent, ...]:
        at = max(state.since, state.time)
        limit = dispute_deadline(dispute, state)
        assert limit is not None
        step: Transition | None = None
        turn = on_turn(dispute, state)
        if turn is not None:
            litigant = script.claimant if turn is Side.CLAIMANT else script.challenger
            key = dispute.party(turn).key
            if (
                litigant is not None
                and litigant.identity.key == key
                and litigant.funds(dispute, state)
                and self.ledger.balance(key) >= due_amount(dispute, state)
            ):
                step = self._commit(case, lambda: self.appeals.fund(dispute.id, turn, now=at))
        elif state.phase is Phase.RULING:
            if state.level == 0 and state.evidence is None and script.verification is not None:
                played = script.verification.play(
                    dispute, start=at, deadline=limit, domain=self.domain
                )
                if played is not None and played[1] < limit:
                    evidence, when = played
                    return self._commit(
                        case,
                        lambda: self.appeals.add_evidence(dispute.id, evidence, now=when),
                    ).events
            arbiter = self.arbiter(dispute.ladder.levels[state.level].arbiter.key)
            ruling = self._ask(arbiter.rule, dispute, state, at)
            if ruling is not None:
                step = self._try(case, lambda: self.appeals.rule(dispute.id, ruling, now=at))
        elif state.phase is Phase.DECIDED:
            assert state.certifier is not None
            arbiter = self.arbiter(dispute.ladder.levels[-1].arbiter.key)  # the final arbiter
            final = self._ask(arbiter.certify, dispute, state, at)
            if final is not None:
                step = self._try(case, lambda: self.appeals.certify(dispute.id, final, now=at))
        if step is None:  # nobody acted: the phase's deadline passes
            step = self._commit(case, lambda: self.appeals.advance(dispute.id, now=limit))
        return step.events

    def _ask(
        self,
        question: Callable[[CaseFile], Signed[Ruling] | None],
        dispute: Dispute,
        state: DisputeState,
        at: int,
    ) -> Signed[Ruling] | None:
        evidence = None if state.evidence is None else self.ledger.get(state.evidence)
        rulings = tuple(self.appeals.ruling(r) for r in state.rulings)
        case = CaseFile(dispute, state, self.domain, evidence, rulings, at)
        try:
            return question(case)
        except ArbiterFailed:
            return None

    def _commit(self, case: CourtCase, action: Callable[[], Transition]) -> Transition:
        with self.ledger.transaction():
            step = action()
            self._save(attrs.evolve(case, time=max(case.time, step.state.time)))
        return step

    def _try(self, case: CourtCase, action: Callable[[], Transition]) -> Transition | None:
        """Commit an arbiter's ruling; one the ladder refuses counts as silence."""
        try:
            return self._commit(case, action)
        except Refused as exc:
            if not isinstance(exc.reason, LadderReason):
                raise
            return None

    def _finish(
        self, case: CourtCase, dispute: Dispute, state: DisputeState
    ) -> tuple[LadderEvent, ...]:
        if state.phase is Phase.SETTLED:  # pragma: no cover - settle() closes the case itself
            with self.ledger.transaction():
                self._save(attrs.evolve(case, stage=Stage.SETTLED, outcome=True))
            return ()
        if state.phase is Phase.LAPSED:
            return self._conclude(
                case, dispute, True, state.time, why="no ruling: the claim stands as filed"
            )
        assert state.outcome is not None
        assert state.final is not None
        return self._conclude(
            case,
            dispute,
            state.outcome,
            state.time,
            why="final ruling applied",
            final=self.appeals.ruling(state.final),
        )

    def _closed(self, contract: Digest) -> bool:
        return self.runtime.state(contract).closed

    def _recourse(self, contract: Digest) -> RecoursePolicy:
        """Failing claimants' bonds burn as the contract's ladder burns stakes (default 1/2)."""
        ladder = self.runtime.contract(contract).ladder
        return RecoursePolicy() if ladder is None else RecoursePolicy(burn=ladder.burn)

    def _conclude(
        self,
        case: CourtCase,
        dispute: Dispute | None,
        upheld: bool,
        at: int,
        *,
        why: str,
        final: Signed[Ruling] | None = None,
    ) -> tuple[LadderEvent, ...]:
        """Collapse the claim's outcome onto the ledger and close the case, in one step."""
        policy = self._recourse(case.contract)
        prover = None if upheld or dispute is None else dispute.challenger.key
        outcome = Resolution(case.claim_id, upheld, case.claim.body.claimant.key, prover)
        at = max(at, case.time)
        with self.ledger.transaction():
            if final is not None and not self.runtime.state(case.contract).closed:
                self.runtime.submit(case.contract, final, now=at)
            report = collapse(self.ledger, [outcome], policy=policy, closed=self._closed)
            self._save(attrs.evolve(case, stage=Stage.RESOLVED, outcome=upheld, time=at))
        level = 0 if dispute is None else self.appeals.state(dispute.id).level
        verdict = "upheld" if upheld else "failed"
        return (
            LadderEvent(at, level, f"{why}: claim {verdict}", Side.winning(upheld)),
            *_collapse_events(report, at, level),
        )

    # -- settling --------------------------------------------------------------------------

    def settle(self, settlement: Signed[Settlement], *, now: int) -> SettlementReport:
        """Apply a settlement every party signed: the contract's pending disputes end, its
        claims become plain, and their cases close, in one transaction."""
        if not isinstance(settlement, Signed) or not isinstance(settlement.body, Settlement):
            raise WrongType("settle takes a signed Settlement")
        contract = settlement.body.contract
        policy = self._recourse(contract)
        with self.ledger.transaction():
            report = settle(self.runtime, self.appeals, settlement, now=now, policy=policy)
            for case in self.cases():
                ruled = (
                    case.dispute is not None
                    and self.appeals.state(case.dispute).phase is Phase.FINAL
                )
                if case.contract == contract and not case.stage.over and not ruled:
                    self._save(
                        attrs.evolve(
                            case, stage=Stage.SETTLED, outcome=True, time=max(case.time, now)
                        )
                    )
        return report


def _collapse_events(report: CollapseReport, at: int, level: int) -> tuple[LadderEvent, ...]:
    events = []
    if report.unwound:
        events.append(LadderEvent(at, level, f"collapse: {report.unwound} holdings unwound"))
    if report.settled:
        events.append(LadderEvent(at, level, f"collapse: {report.settled} holdings made plain"))
    for loss in report.losses:
        events.append(LadderEvent(at, level, "recourse: lost", None, loss.amount, loss.victim))
        if loss.reimbursed:
            what = "recourse: reimbursed from the claim bond"
            events.append(LadderEvent(at, level, what, None, loss.reimbursed, loss.victim))
    if report.forfeited:
        events.append(LadderEvent(at, level, "claim bond forfeited", Side.CLAIMANT))
    if report.burned:
        events.append(LadderEvent(at, level, "claim bond burned", Side.CLAIMANT, report.burned))
    if report.to_prover:
        events.append(
            LadderEvent(
                at, level, "claim bond paid to the prover", Side.CHALLENGER, report.to_prover
            )
        )
    if report.released:
        count = len(report.released)
        what = "claim bond released" if count == 1 else f"{count} claim bonds released"
        events.append(LadderEvent(at, level, what))
    return tuple(events)
