"""Disputes, laddered contracts and a court world for the arbitration tests."""

from __future__ import annotations

from hypothesis import strategies as st

import oddsproof.strategies as public

# --- arbitration ---
from oddsproof.arbitration import (
    BondKind,
    CourtCase,
    Dispute,
    DisputeState,
    Phase,
    PostedBond,
    Side,
    Stage,
    with_ladder,
)
from oddsproof.contracts import (
    Case,
    Claim,
    Contract,
    Ladder,
    Level,
    Pay,
    Seq,
    Supplies,
    Term,
    Verdict,
    When,
)
from oddsproof.testing import hash_chain
from oddsproof.wire import Digest, Domain, Identity, Signed

from .semantics import ARBITERS, COMPUTATION_IDS, INPUT_IDS, OUTPUT_IDS, sound_contracts
from .values import (
    IDENTITIES,
    contracts,
    digests,
    objects_by_kind,
    parties,
    positive_amounts,
    times,
)

ARBITRATION_DOMAIN = Domain("oddsproof-arbitration-test")
LADDER_IDENTITIES = public.ARBITER_IDENTITIES
"""Arbiters of the generated ladders, level 0 first (distinct from the parties)."""
CLAIMANT, CHALLENGER = IDENTITIES[1], IDENTITIES[0]
"""In generated disputes bob claims and alice challenges."""
ladders = public.ladders


def dispute_claim(
    offer: Digest, *, issued: int = 0, claimant: Identity = CLAIMANT
) -> Signed[Claim]:
    """A (parallel) claim by ``claimant`` answering ``offer``, signed."""
    body = Claim(
        offer, claimant.party, COMPUTATION_IDS[0], INPUT_IDS[0], OUTPUT_IDS[0], 0, None, issued
    )
    return Signed.create(body, ARBITRATION_DOMAIN, claimant)


@st.composite
def disputes(
    draw: st.DrawFn, *, ladder: Ladder | None = None, opened: int | None = None
) -> Dispute:
    """Disputes of bob's claim by alice, on a generated ladder, with or without a parent
    deadline."""
    ladder = draw(ladders()) if ladder is None else ladder
    opened = draw(st.integers(0, 2**40)) if opened is None else opened
    claim = dispute_claim(draw(digests), issued=draw(st.integers(0, opened)))
    floor = opened + ladder.span + ladder.delta
    limit = draw(st.none() | st.integers(floor, floor + 10**6))
    return Dispute(claim, CHALLENGER.party, ladder, opened, limit)


posted_bonds = st.builds(
    PostedBond,
    bond=digests,
    side=st.sampled_from(Side),
    level=st.integers(0, 7),
    purpose=st.sampled_from(BondKind),
    amount=positive_amounts,
    closed=st.booleans(),
)
dispute_states = st.builds(
    DisputeState,
    dispute=digests,
    phase=st.sampled_from(Phase),
    level=st.integers(0, 7),
    since=times,
    base=positive_amounts,
    leading=st.none() | st.booleans(),
    rulings=st.lists(digests, max_size=3).map(tuple),
    evidence=st.none() | digests,
    bonds=st.lists(posted_bonds, max_size=4).map(tuple),
    outcome=st.none() | st.booleans(),
    certifier=st.none() | st.integers(0, 7),
    basis=st.none() | digests,
    final=st.none() | digests,
    settled=st.integers(0, 99),
    time=times,
)
court_cases = st.builds(
    CourtCase,
    claim=digests.map(dispute_claim),
    stage=st.sampled_from(Stage),
    window_ends=times,
    bond=st.none() | digests,
    dispute=st.none() | digests,
    outcome=st.none() | st.booleans(),
    time=times,
)


@st.composite
def laddered_contracts(draw: st.DrawFn) -> Contract:
    """Sound contracts whose two arbiters (erin, frank) form a two-level ladder."""
    contract = draw(sound_contracts())
    ladder = draw(ladders(arbiters=ARBITERS, min_levels=2, max_levels=2))
    return with_ladder(contract, ladder)


objects_by_kind.update(
    {
        Level: st.builds(
            Level,
            arbiter=parties,
            fee=st.integers(0, 10**6),
            bond=st.integers(1, 10**6),
            window=st.integers(1, 10**6),
        ),
        Ladder: ladders(),
        Dispute: disputes(),
        PostedBond: posted_bonds,
        DisputeState: dispute_states,
        CourtCase: court_cases,
        Contract: contracts | laddered_contracts(),
    }
)


# --- arbitration: a court world ---

from oddsproof.arbitration import (  # noqa: E402 - kept with the section using them
    Arbiter,
    BisectionVerification,
    CallbackArbiter,
    CaseFile,
    Court,
    CourtPolicy,
    Litigant,
    Panel,
    ReexecutionJudge,
    Script,
)
from oddsproof.games import (  # noqa: E402
    HonestChallenger,
    HonestSerialSolver,
    commit_trace,
    input_id,
    serial_claim,
)
from oddsproof.ledger import Ledger as _Ledger  # noqa: E402
from oddsproof.ledger import MemoryLedger as _MemoryLedger  # noqa: E402
from oddsproof.ledger import Mint as _Mint  # noqa: E402
from oddsproof.testing import FakeStepSolver, LyingChallenger  # noqa: E402

JURORS = tuple(Identity.from_seed(f"juror-{i}", bytes([0x80 + i]) * 32) for i in range(3))
COURT_STEPS, COURT_INTERVAL, COURT_INPUT = 64, 8, b"court input"
COURT_CHAIN = hash_chain(COURT_STEPS)
COURT_TRACE = commit_trace(COURT_CHAIN, COURT_INPUT, COURT_INTERVAL)
"""The honest run every court world's claims are about (a 64-step SHA-256 chain)."""
COURT_FUNDS = 100_000
VERDICT_BY, OFFER_BY = 10_000_000, 20_000_000


class CourtWorld:
    """A court on a ledger with alice (buyer, challenger), bob (solver, claimant) and charlie
    (downstream), funded with ``COURT_FUNDS`` each, and a three-level ladder: the re-execution
    judge, a panel of three jurors, a final judge. ``corrupt`` levels rule against the truth.

    Alice's offer pays bob ``payment`` when he supplies the chain's output (conditionally on
    his claim), and ``bonus`` more on a final ruling upholding it, before ``VERDICT_BY``.
    """

    def __init__(
        self,
        ledger: _Ledger | None = None,
        *,
        corrupt: frozenset[int] = frozenset(),
        payment: int = 300,
        bonus: int = 0,
        claim_bond: int = 200,
        window: int = 1_000,
        nonce: bytes = b"\x00" * 16,
    ) -> None:
        self.ledger = _MemoryLedger() if ledger is None else ledger
        self.truth: dict[Digest, bool] = {}
        judges = LADDER_IDENTITIES[:3]
        self.ladder = Ladder(
            (
                Level(judges[0].party, 0, 100, 20_000),
                Level(judges[1].party, 10, 100, 20_000),
                Level(judges[2].party, 50, 100, 20_000),
            ),
            delta=60,
        )
        members = [ReexecutionJudge(j, COURT_CHAIN, data=COURT_INPUT) for j in JURORS]
        honest: list[Arbiter] = [
            ReexecutionJudge(judges[0], COURT_CHAIN, data=COURT_INPUT),
            Panel(judges[1], members),
            ReexecutionJudge(judges[2], COURT_CHAIN, data=COURT_INPUT),
        ]
        self.arbiters = [
            CallbackArbiter(a.identity, self._lie) if level in corrupt else a
            for level, a in enumerate(honest)
        ]
        self.court = Court(
            self.ledger,
            ARBITRATION_DOMAIN,
            arbiters=self.arbiters,
            policy=CourtPolicy(challenge_window=window, claim_bond=claim_bond),
        )
        alice, bob = IDENTITIES[0], IDENTITIES[1]
        supplies = Supplies(bob.party, COURT_CHAIN.spec.id, input_id(COURT_INPUT))
        then: Term = Pay(alice.party, bob.party, payment)
        if bonus:
            paid = Case(Verdict(None, True), Pay(alice.party, bob.party, bonus))
            then = Seq(then, When((paid,), VERDICT_BY))
        terms = When((Case(supplies, then),), OFFER_BY)
        contract = Contract((alice.party, bob.party), terms, created=0, delta=60, nonce=nonce)
        self.contract = with_ladder(contract, self.ladder)
        self.offer = Signed.create(self.contract, ARBITRATION_DOMAIN, alice)
        for who in IDENTITIES[:3]:  # the same entries each time: minted once per ledger
            self.ledger.apply(_Mint(who.key, COURT_FUNDS, b"court-funds-" + who.name.encode()))
        self.court.open(self.offer, now=0)

    def _lie(self, case: CaseFile) -> bool:
        return not self.truth[case.dispute.claim_id]

    def claim(self, *, cheat: bool, at: int = 10) -> Signed[Claim]:
        """Bob's claim (a faked step 37 if ``cheat``), filed with the court at ``at``."""
        bob = IDENTITIES[1]
        trace = (
            FakeStepSolver.create(bob, COURT_CHAIN, COURT_INPUT, COURT_INTERVAL, 37).trace
            if cheat
            else COURT_TRACE
        )
        offer = self.contract.id
        claim = serial_claim(trace, COURT_INPUT, bob, ARBITRATION_DOMAIN, offer=offer, now=at)
        self.truth[claim.body.id] = not cheat
        self.court.claim(self.contract.id, claim, now=at)
        return claim

    def script(
        self,
        *,
        cheat: bool,
        claimant: Litigant | None = None,
        challenger: Litigant | None = None,
        challenge: bool = True,
        challenge_at: int | None = None,
    ) -> Script:
        """Bob and alice as litigants (honest by default), playing the bisection game."""
        alice, bob = IDENTITIES[0], IDENTITIES[1]

        def solver() -> HonestSerialSolver:
            if cheat:
                return FakeStepSolver.create(bob, COURT_CHAIN, COURT_INPUT, COURT_INTERVAL, 37)
            return HonestSerialSolver(bob, trace=COURT_TRACE)

        def disputer() -> HonestChallenger | LyingChallenger:
            if cheat:
                return HonestChallenger(alice, trace=COURT_TRACE)
            return LyingChallenger(alice, choices=(1, 0, 1))

        return Script(
            claimant or Litigant.honest(bob),
            (challenger or Litigant.honest(alice)) if challenge else None,
            challenge_at,
            BisectionVerification(solver, disputer),
        )
