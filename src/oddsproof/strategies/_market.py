"""The marketplace adversaries are thrown at, and what an attack did.

A :class:`Marketplace` is a marketplace's rules (spot-check ε and f, the ladder, the claim bond
and challenge window, who may challenge, ticket terms and deposits, the ledger) together with
the jobs it trades. An adversary's :meth:`~oddsproof.strategies.Adversary.attack` plays one
*episode* against it: a fresh ledger, every party of the contract funded, the offer signed and
opened in a :class:`~oddsproof.arbitration.Court`, the honest parties following the protocol
(an honest buyer spot-checks parallel work and challenges a false serial claim; honest
litigants fund every turn; the last level of the ladder is honest), and the adversary doing
what it does. Everything goes through the library's public API; nothing is simulated.

The :class:`Outcome` says what the library refused (``stopped_by``), whether the cheat was
caught, and what the honest parties lost: a forfeited bond, a payment that became final under a
false claim, a true claim's payment unwound, a lottery ticket paid for a false step or a true
one left unpaid. That is invariant 4 of the design, measured.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from fractions import Fraction
from functools import lru_cache
from typing import Any

import attrs

from oddsproof.arbitration import (
    Arbiter,
    CallbackArbiter,
    CaseFile,
    Court,
    CourtPolicy,
    LadderEvent,
    ReexecutionJudge,
    Script,
    Side,
    sweep,
    with_ladder,
)
from oddsproof.contracts import (
    Both,
    Claim,
    Contract,
    Ladder,
    Seq,
    Supplies,
    Term,
    When,
    analyze,
    requirements,
)
from oddsproof.errors import InvalidArgument, OddsproofError, Refused
from oddsproof.games import (
    FraudProof,
    LocalBeacon,
    LotteryAccount,
    ParallelComputation,
    ParallelSolver,
    RedemptionOutcome,
    SerialComputation,
    SpotCheckResult,
    StepCommitment,
    TicketIssuer,
    TicketReceiver,
    check_fraud_proof,
    fund_account,
    nonce_challenge,
    post_worker_bond,
    redeem,
    spot_check,
)
from oddsproof.games import SpotCheckOutcome as CheckOutcome
from oddsproof.games.lowlevel import account_state
from oddsproof.ledger import BondState, CoinMint, HoldingState, Ledger, MemoryLedger, Mint
from oddsproof.testing import TrainingChain, TrainingWorker
from oddsproof.wire import (
    Canonical,
    Digest,
    Domain,
    Identity,
    Party,
    PublicKey,
    Signed,
    tagged_hash,
)

from ._jobs import Job, default_jobs
from ._validation import attr_int, attr_type, check_fraction, check_sequence, check_type
from ._values import _KNOWN, BEACON_IDENTITY, SYBIL, default_ladder

NONCE_TAG = "oddsproof/strategies/verifier-nonce/v1"
MAX_COURT_STEPS = 1_000


# --- the rules ---------------------------------------------------------------------------------


def _epsilon(value: Any) -> Fraction:
    return check_fraction("epsilon", value, low=Fraction(0), high=Fraction(1))


def _fraud_fraction(value: Any) -> Fraction | None:
    if value is None:
        return None
    return check_fraction("fraud_fraction", value, low=Fraction(0), high=Fraction(1))


def _probability(value: Any) -> Fraction:
    return check_fraction("ticket_probability", value, low=Fraction(0), high=Fraction(1))


def _jobs(value: Any) -> tuple[Job, ...]:
    return check_sequence("jobs", value, Job, min_size=1)


def _identities(value: Any) -> tuple[Identity, ...]:
    return check_sequence("identities", value, Identity)


def _ledger_factory(_inst: object, _attr: object, value: Any) -> None:
    if not callable(value):
        raise InvalidArgument(f"ledger={value!r} must be a callable returning a fresh Ledger")


def _secret(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, bytes) or len(value) != 32:
        raise InvalidArgument("secret must be 32 bytes")


def _default_secret() -> bytes:
    return tagged_hash("oddsproof/strategies/market-secret/v1", b"").raw


@attrs.frozen(kw_only=True)
class Marketplace:
    """A marketplace's rules, which adversaries are thrown at.

    - ``jobs``: the computations it trades (what contracts' Supplies cases name).
    - ``epsilon``, ``fraud_fraction``: parallel work is spot-checked with k = plan(ε, f)
      pieces; ``fraud_fraction=None`` takes f = 1/N, so that even one faked piece is caught
      with probability at least 1 − ε.
    - ``ladder``: the arbitration ladder every contract is put on (``None``: the contract's
      own, else :func:`~oddsproof.strategies.default_ladder`); its arbiters must be identities
      the marketplace knows.
    - ``claim_bond``, ``challenge_window``: the court's policy.
    - ``open_challenges``: whether anyone may challenge a claim, or (``False``) only the
      parties who pay under it. See :class:`~oddsproof.strategies.SybilDisputer`.
    - ``cover_every_ticket``: whether an honest worker accepts a batch of tickets only if the
      deposit covers every ticket it holds winning. See
      :class:`~oddsproof.strategies.OverCommitter`.
    - ``funds``: what each party starts with; ``face_value``, ``ticket_probability``,
      ``tickets`` (per batch), ``deposit``, ``penalty`` and ``worker_bond``: lottery terms.
    - ``identities``: identities beyond the strategies' pool (parties of your own contracts).
    - ``domain``, ``ledger`` (a factory of fresh ledgers, e.g. ``lambda:
      SqliteLedger(":memory:")``), ``secret`` (what verifiers derive their nonces from).
    """

    jobs: tuple[Job, ...] = attrs.field(factory=default_jobs, converter=_jobs)
    epsilon: Fraction = attrs.field(default=Fraction(1, 10**6), converter=_epsilon)
    fraud_fraction: Fraction | None = attrs.field(
        default=None,
        converter=_fraud_fraction,
    )
    ladder: Ladder | None = attrs.field(default=None, validator=attr_type((Ladder, type(None))))
    claim_bond: int = attrs.field(default=200, validator=attr_int(0))
    challenge_window: int = attrs.field(default=1_000, validator=attr_int(2))
    open_challenges: bool = attrs.field(default=False, validator=attr_type(bool))
    cover_every_ticket: bool = attrs.field(default=True, validator=attr_type(bool))
    funds: int = attrs.field(default=100_000, validator=attr_int(1))
    face_value: int = attrs.field(default=100, validator=attr_int(1))
    ticket_probability: Fraction = attrs.field(
        default=Fraction(1, 2),
        converter=_probability,
    )
    tickets: int = attrs.field(default=12, validator=attr_int(1))
    deposit: int = attrs.field(default=5_000, validator=attr_int(1))
    penalty: int = attrs.field(default=1_000, validator=attr_int(0))
    worker_bond: int = attrs.field(default=500, validator=attr_int(1))
    identities: tuple[Identity, ...] = attrs.field(default=(), converter=_identities)
    domain: Domain = attrs.field(default=Domain("oddsproof-market"), validator=attr_type(Domain))
    ledger: Callable[[], Ledger] = attrs.field(default=MemoryLedger, validator=_ledger_factory)
    secret: bytes = attrs.field(factory=_default_secret, validator=_secret)

    def checks(self, job: Job) -> tuple[Fraction, Fraction]:
        """The (ε, f) a spot check of ``job`` uses."""
        if isinstance(job.computation, SerialComputation):
            raise InvalidArgument(f"{job.label} is serial work: it is bisected, not spot-checked")
        f = self.fraud_fraction or Fraction(1, job.computation.size)
        return self.epsilon, f


# --- what happened -----------------------------------------------------------------------------


@attrs.frozen
class Outcome:
    """What one attack did.

    ``applicable`` is false when the contract gave the adversary nothing to attack (no job of
    the kind it cheats at); the other fields then describe an episode where nothing happened.
    ``caught``: the cheat was refused or detected. ``stopped_by``: the reasons the library gave
    (rejection reasons, game decisions, spot-check outcomes). ``honest_parties_lost``: what the
    honest parties lost (see the module doc). ``adversary_change``: the adversary's net change
    in wealth over the episode (balance, escrow, bonds, conditional holdings).
    ``conserved``: the ledger's conservation invariant held at the end. ``story``: what
    happened, one line per move.
    """

    adversary: str = attrs.field(validator=attr_type(str))
    applicable: bool = attrs.field(validator=attr_type(bool))
    caught: bool = attrs.field(validator=attr_type(bool))
    stopped_by: tuple[str, ...] = attrs.field(validator=attr_type(tuple))
    honest_parties_lost: int = attrs.field(validator=attr_int(0))
    adversary_change: int = attrs.field(validator=attr_type(int))
    conserved: bool = attrs.field(validator=attr_type(bool))
    story: tuple[str, ...] = attrs.field(validator=attr_type(tuple))

    def __str__(self) -> str:
        head = f"{self.adversary}: " + ("caught" if self.caught else "not caught")
        if self.stopped_by:
            head += f" ({', '.join(self.stopped_by)})"
        head += f"; honest parties lost {self.honest_parties_lost}"
        return "\n  ".join((head, *self.story))


# --- an episode --------------------------------------------------------------------------------


def supplies_in(terms: Term) -> Iterator[Supplies]:
    """The Supplies conditions of ``terms``, in reading order."""
    stack: list[Term] = [terms]
    while stack:
        term = stack.pop()
        if isinstance(term, When):
            later: list[Term] = []
            for case in term.cases:
                if isinstance(case.condition, Supplies):
                    yield case.condition
                later.append(case.then)
            stack += [term.otherwise, *reversed(later)]
        elif isinstance(term, Both):
            stack += [term.right, term.left]
        elif isinstance(term, Seq):
            stack += [term.then, term.first]


@lru_cache(maxsize=4)
def lottery_chain() -> TrainingChain:
    """The small noisy training chain lottery episodes pay for (16 × 16 states, 32 steps)."""
    seed = tagged_hash("oddsproof/strategies/lottery-seed/v1", b"")
    return TrainingChain(32, first_seed=seed, noise_magnitude=0.05, size=16)


LOTTERY_INPUT = b"oddsproof lottery job"
LOTTERY_NOW, LOTTERY_GENESIS, LOTTERY_PERIOD = 1_055, 1_000, 10


@lru_cache(maxsize=4)
def honest_steps(count: int) -> tuple[StepCommitment, ...]:
    """The true step commitments of the lottery chain's first ``count`` steps."""
    return TrainingWorker(lottery_chain(), LOTTERY_INPUT).commit(count)


class Episode:
    """One attack on a marketplace: the ledger, the court and the bookkeeping of what the
    honest parties lost. Used by the adversaries; not meant to be built by users."""

    def __init__(self, market: Marketplace, contract: Contract, name: str) -> None:
        check_type("market", market, Marketplace)
        check_type("contract", contract, Contract)
        self.market = market
        self.name = name
        ladder = market.ladder or contract.ladder or default_ladder()
        self.contract = contract if contract.ladder == ladder else with_ladder(contract, ladder)
        self.ladder = ladder
        self._known = {**_KNOWN, **{i.key.raw: i for i in market.identities}}
        for party in (*self.contract.parties, *ladder.arbiters):
            self.identity(party)
        self.ledger = market.ledger()
        self.story: list[str] = []
        self.stopped: list[str] = []
        self.truth: dict[Digest, tuple[bool, PublicKey]] = {}
        self.adversary: set[PublicKey] = set()
        self.extra_loss = 0
        self.court: Court | None = None
        self.opened = False
        self.minted = 0
        for party in (*self.contract.parties, SYBIL.party):
            self.ledger.apply(Mint(party.key, market.funds, b"market-funds/" + party.key.raw))
            self.minted += market.funds
        for need in requirements(self.contract):
            for coin in need.coins:
                self.ledger.apply(
                    CoinMint(coin, need.party.key, 1, b"market-coin/" + coin.encode())
                )
                self.minted += 1
        self._start = self._wealth_all()

    # -- parties and jobs ---------------------------------------------------------------------

    def identity(self, party: Party | PublicKey) -> Identity:
        """The identity behind ``party`` (the marketplace must know its secret key)."""
        key = party.key if isinstance(party, Party) else party
        found = self._known.get(key.raw)
        if found is None:
            raise InvalidArgument(
                f"the marketplace knows no identity for {key.hex()[:16]}: "
                "pass it in Marketplace(identities=...)"
            )
        return found

    def job(self, *, serial: bool | None = None) -> tuple[Job, Identity, Identity] | None:
        """The first job of the contract the marketplace knows (of the kind asked for): the
        job, its solver and its buyer (the offerer, or the next party if the offerer solves)."""
        known = {(j.computation_id, j.input_id): j for j in self.market.jobs}
        for supplies in supplies_in(self.contract.terms):
            job = known.get((supplies.computation, supplies.input))
            if job is None or (serial is not None and job.serial != serial):
                continue
            solver = self.identity(supplies.party)
            others = [p for p in self.contract.parties if p.key != solver.key]
            if not others:
                continue
            return job, solver, self.identity(others[0])
        return None

    def say(self, line: str) -> None:
        """Add a line to the story."""
        self.story.append(line)

    def refused(self, reason: str, line: str) -> None:
        """Record that the library refused a move, and why."""
        self.stopped.append(reason)
        self.say(f"{line}: refused ({reason})")

    # -- the court ----------------------------------------------------------------------------

    def silent_bench(self) -> list[Arbiter]:
        """Arbiters that never rule (for episodes with no dispute)."""
        return [CallbackArbiter(self.identity(p), lambda _case: None) for p in self.ladder.arbiters]

    def serial_bench(self, job: Job, *, corrupt: frozenset[int] = frozenset()) -> list[Arbiter]:
        """Re-execution judges at every level; ``corrupt`` levels rule for the claimant."""
        bench: list[Arbiter] = []
        for level, party in enumerate(self.ladder.arbiters):
            who = self.identity(party)
            if level in corrupt:
                bench.append(CallbackArbiter(who, lambda _case: True))
            else:
                bench.append(ReexecutionJudge(who, job.computation, data=job.data))
        return bench

    def spot_bench(self, job: Job, solver: ParallelSolver) -> list[Arbiter]:
        """Arbiters for parallel work: a fraud proof convinces them; without one each runs its
        own spot check (its own nonce) against the solver."""
        return [
            CallbackArbiter(self.identity(p), _SpotDecider(self, job, solver, self.identity(p)))
            for p in self.ladder.arbiters
        ]

    def open(self, bench: Sequence[Arbiter]) -> bool:
        """Sign the offer by every party and open it in a court with ``bench``; ``False``
        (recorded) if the offer is refused."""
        market = self.market
        policy = CourtPolicy(challenge_window=market.challenge_window, claim_bond=market.claim_bond)
        self.court = Court(self.ledger, market.domain, arbiters=bench, policy=policy)
        signers = [self.identity(p) for p in self.contract.parties]
        offer = Signed.create(self.contract, market.domain, *signers)
        try:
            self.court.open(offer, now=self.contract.created)
        except Refused as exc:
            self.refused(exc.reason.value, f"{_names(self.contract.parties)} sign the offer")
            return False
        self.opened = True
        self.say(f"{_names(self.contract.parties)} sign the offer; its escrow is locked")
        return True

    @property
    def claim_time(self) -> int:
        """When solvers file their claims."""
        return self.contract.created + 10

    def file(self, claim: Signed[Claim], *, true: bool, line: str) -> bool:
        """File ``claim`` with the court; ``False`` (recorded) if refused."""
        assert self.court is not None
        body = claim.body
        try:
            self.court.claim(self.contract.id, claim, now=body.issued)
        except (Refused, InvalidArgument) as exc:
            self.refused(str(exc).rpartition(": ")[2], line)
            return False
        self.truth[body.id] = (true, body.claimant.key)
        self.say(f"{line}; the contract pays under it, conditionally")
        return True

    def challenge(self, claim: Digest, challenger: Identity, *, now: int) -> bool:
        """Open a dispute unless the marketplace's rules or the court refuse it."""
        assert self.court is not None
        name = challenger.name
        if not self.market.open_challenges and not self._pays_under(challenger.key, claim):
            self.refused("not-a-payer", f"{name} challenges the claim")
            return False
        try:
            self.court.challenge(claim, challenger.party, now=now)
        except (Refused, InvalidArgument) as exc:
            self.refused("challenge-refused", f"{name} challenges the claim ({exc})")
            return False
        self.say(f"{name} challenges the claim")
        return True

    def _pays_under(self, key: PublicKey, claim: Digest) -> bool:
        return any(h.holding.payer == key for h in self.ledger.holdings(claim=claim))

    def run(self, claim: Digest, script: Script) -> bool | None:
        """Run the claim's case to its end; the outcome (upheld or not)."""
        assert self.court is not None
        for _ in range(MAX_COURT_STEPS):
            events = self.court.step(claim, script)
            if events is None:
                break
            for e in events:
                self.say(self._event(claim, e))
        return self.court.case(claim).outcome

    def _event(self, claim: Digest, event: LadderEvent) -> str:
        assert self.court is not None
        case = self.court.case(claim)
        who = {Side.CLAIMANT: self.identity(case.claim.body.claimant).name}
        if case.dispute is not None:
            dispute = self.court.appeals.dispute(case.dispute)
            who[Side.CHALLENGER] = self.identity(dispute.challenger).name
        about = ""
        if event.side is not None:
            about = who.get(event.side, event.side.value)
        elif event.who is not None:
            about = self.identity(event.who).name
        amount = f" {event.amount}" if event.amount else ""
        tail = f" ({about}{amount})" if about or amount else ""
        return f"t={event.at} level {event.level}: {event.what}{tail}"

    # -- the end --------------------------------------------------------------------------------

    def finish(self, *, caught: bool, applicable: bool = True) -> Outcome:
        """Let the contract run out, measure, and report."""
        if self.opened and self.court is not None:
            end = max(analyze(self.contract).ends_by, self.contract.created) + 1
            state = self.court.runtime.state(self.contract.id)
            self.court.runtime.advance(self.contract.id, now=max(end, state.time))
            sweep(self.ledger, self.contract.id, ref=b"market-end")  # a no-op if nothing is left
        totals = self.ledger.totals()
        start = self._start
        end_wealth = self._wealth_all()
        change = sum(end_wealth.get(k, 0) - start.get(k, 0) for k in self.adversary)
        return Outcome(
            self.name,
            applicable,
            caught,
            tuple(self.stopped),
            self.honest_losses(),
            change,
            totals.conserved and totals.minted == self.minted,
            tuple(self.story),
        )

    def honest(self, key: PublicKey) -> bool:
        """Whether ``key`` belongs to an honest party."""
        return key not in self.adversary and key != SYBIL.key

    def honest_losses(self) -> int:
        """Forfeited honest bonds, payments final under false claims, true claims' payments
        unwound, and losses the lottery recorded."""
        lost = self.extra_loss
        for bond in self.ledger.bonds(state=BondState.FORFEITED):
            if self.honest(bond.owner):
                lost += bond.amount
        for claim, (true, claimant) in self.truth.items():
            for record in self.ledger.holdings(claim=claim):
                holding = record.holding
                if not true and record.state is HoldingState.SETTLED:
                    if holding.payer is not None and self.honest(holding.payer):
                        lost += holding.amount
                elif true and record.state is HoldingState.UNWOUND and self.honest(claimant):
                    lost += holding.amount
        return lost

    def _wealth_all(self) -> dict[PublicKey, int]:
        ledger = self.ledger
        wealth: dict[PublicKey, int] = dict(ledger.balances())
        for (_contract, key), amount in ledger.escrows().items():
            wealth[key] = wealth.get(key, 0) + amount
        for bond in ledger.bonds(state=BondState.OPEN):
            wealth[bond.owner] = wealth.get(bond.owner, 0) + bond.amount
        for record in ledger.holdings(state=HoldingState.LIVE):
            wealth[record.owner] = wealth.get(record.owner, 0) + record.amount
        return wealth

    # -- parallel work ----------------------------------------------------------------------------

    def spot_check(
        self, job: Job, solver: ParallelSolver, claim: Signed[Claim], verifier: Identity
    ) -> SpotCheckResult:
        """``verifier``'s spot check of ``claim`` with the marketplace's (ε, f) and a nonce the
        solver cannot know (derived from the marketplace's secret)."""
        assert isinstance(job.computation, ParallelComputation)
        epsilon, f = self.market.checks(job)
        nonce = tagged_hash(NONCE_TAG, self.market.secret, verifier.key.raw, claim.body.id.raw)
        asked = nonce_challenge(claim, epsilon=epsilon, fraud_fraction=f, nonce=nonce.raw)
        try:
            opening = solver.respond(asked)
        except OddsproofError:
            opening = None
        return spot_check(
            claim,
            solver.commitment,
            asked,
            opening,
            computation=job.computation,
            data=job.data,
            verifier=verifier,
            domain=self.market.domain,
            now=claim.body.issued + 1,
        )

    # -- lottery ----------------------------------------------------------------------------------

    def lottery(
        self,
        sender: Identity,
        worker: Identity,
        *,
        commitments: Callable[[TrainingChain, int], tuple[StepCommitment, ...]],
        opening: Callable[[StepCommitment], Any],
        deposit: int | None = None,
        redeem_twice: bool = False,
    ) -> None:
        """Alice pays Bob's training steps with a batch of lottery tickets: she funds her
        account and he bonds the job; she issues tickets for his commitments; he accepts them
        (co-signs) if the terms and his cover rule hold; once the round is out he redeems every
        winner, opening its span (``redeem_twice``: each twice). Losses are recorded."""
        market, ledger = self.market, self.ledger
        chain = lottery_chain()
        beacon = LocalBeacon(BEACON_IDENTITY, genesis=LOTTERY_GENESIS, period=LOTTERY_PERIOD)
        account = LotteryAccount(
            sender.party, beacon.spec, 2, 10_000, (), 0, tagged_hash("lottery", b"").raw[:16]
        )
        funded = market.deposit if deposit is None else deposit
        fund_account(ledger, account, deposit=funded, penalty=market.penalty, ref=b"market")
        post_worker_bond(ledger, worker, chain.job, market.worker_bond, ref=b"market")
        self.say(
            f"{sender.name} deposits {funded} (+{market.penalty} penalty escrow) to pay "
            f"{worker.name} with tickets; {worker.name} bonds {market.worker_bond}"
        )
        probability = market.ticket_probability
        issuer = TicketIssuer(
            sender, account, market.domain, face_value=market.face_value,
            probability=probability, window=1_000, job=chain.job, seeds=chain.seeds,
        )  # fmt: skip
        receiver = TicketReceiver(
            worker, account, market.domain, face_value=market.face_value,
            probability=probability, window=500,
        )  # fmt: skip
        steps = commitments(chain, market.tickets)
        truth = honest_steps(len(steps)) if steps else ()
        try:
            bundle = issuer.issue(worker.party, steps, now=LOTTERY_NOW)
        except Refused as exc:
            self.refused(exc.reason.value, f"{worker.name} asks tickets for its steps")
            return
        state = account_state(ledger, account)
        cover = len(bundle.tickets) * market.face_value
        if market.cover_every_ticket and cover > state.deposit:
            self.refused(
                "over-committed",
                f"{worker.name} accepts {len(bundle.tickets)} tickets of {market.face_value} "
                f"against a deposit of {state.deposit}",
            )
            return
        try:
            receiver.accept(
                bundle, now=LOTTERY_NOW, deposit=state.deposit, unlocking=state.unlocking
            )
        except Refused as exc:
            self.refused(exc.reason.value, f"{worker.name} accepts the tickets")
            return
        self.say(f"{worker.name} co-signs a batch of {len(bundle.tickets)} tickets")
        drawn = beacon.time_of(bundle.tickets[0].round)
        paid: dict[Digest, int] = {}
        for winner in receiver.winners(beacon, now=drawn):
            step = winner.ticket.step
            true = step.index < len(truth) and truth[step.index] == step
            for attempt in range(2 if redeem_twice else 1):
                try:
                    result = redeem(
                        ledger, winner, account=account, beacon=beacon, domain=market.domain,
                        now=drawn, computation=chain.computation, state=opening(step),
                        seeds=chain.seeds,
                    )  # fmt: skip
                except Refused as exc:
                    again = " again" if attempt else ""
                    self.refused(
                        exc.reason.value, f"{worker.name} redeems step {step.index}{again}"
                    )
                    continue
                what = "again " if attempt else ""
                self.say(
                    f"{worker.name} redeems step {step.index} {what}({'true' if true else 'false'}"
                    f"): {result.outcome.value}, paid {result.paid}, slashed {result.slashed}"
                )
                if result.outcome is RedemptionOutcome.VOIDED:
                    self.stopped.append("false-step")
                paid[winner.ticket.id] = paid.get(winner.ticket.id, 0) + result.paid
            got = paid.get(winner.ticket.id, 0)
            if not true and self.honest(sender.key):
                self.extra_loss += got
            if true and self.honest(worker.key) and got < market.face_value:
                self.extra_loss += market.face_value - got
            if true and self.honest(sender.key) and got > market.face_value:
                self.extra_loss += got - market.face_value


def _names(parties: Sequence[Party]) -> str:
    names = [p.name for p in parties]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@attrs.define
class _SpotDecider:
    """An arbiter's decision on parallel work: a valid fraud proof fails the claim; otherwise
    the arbiter spot-checks the solver itself."""

    episode: Episode
    job: Job
    solver: ParallelSolver
    me: Identity

    def __call__(self, case: CaseFile) -> bool | None:
        evidence = case.evidence
        computation = self.job.computation
        assert isinstance(computation, ParallelComputation)
        if isinstance(evidence, FraudProof) and evidence.claim.body.id == case.dispute.claim_id:
            try:
                check_fraud_proof(evidence, computation, self.job.data, domain=case.domain)
            except OddsproofError:
                pass
            else:
                return False
        result = self.episode.spot_check(self.job, self.solver, case.dispute.claim, self.me)
        return result.certificate.body.outcome is CheckOutcome.PASS


@attrs.frozen
class SpotEvidence:
    """The level-0 game of a disputed parallel claim: the challenger's spot check, filed as
    its fraud proof if a piece was wrong, else as its signed certificate."""

    result: SpotCheckResult

    def play(
        self, dispute: Any, *, start: int, deadline: int, domain: Domain
    ) -> tuple[Canonical, int] | None:
        """The evidence, at once."""
        del dispute, deadline, domain
        proof = self.result.fraud_proof
        return (proof if proof is not None else self.result.certificate), start
