"""The ladder on a ledger, as a state machine: an honest party against any adversary and any
lower arbiters, with an honest last level.

Every step checks conservation and non-negativity, that the dispute's open bonds on the ledger
are exactly those its state lists, that no deadline lies beyond the dispute's bound, and that
the honest party never has a bond forfeited; at the end, that a final ruling always agrees with
the truth. Adversarial rules fund out of turn, rule with the wrong signer, act after a deadline,
and settle at any level; each must be refused without changing anything, or end the dispute
with every bond released.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import Phase as HypothesisPhase
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from oddsproof.arbitration import (
    Appeals,
    BondKind,
    CallbackArbiter,
    CaseFile,
    Dispute,
    DisputeState,
    Phase,
    Side,
    Transition,
    _appeals,
    dispute_deadline,
    due_amount,
    on_turn,
)
from oddsproof.contracts import Ladder, Level, Ruling
from oddsproof.errors import OddsproofError, Refused
from oddsproof.ledger import BondState, MemoryLedger, Mint
from oddsproof.wire import Digest, Identity, Signed, tagged_hash
from tests.strategies import (
    ARBITRATION_DOMAIN,
    CHALLENGER,
    CLAIMANT,
    LADDER_IDENTITIES,
    dispute_claim,
    ladders,
)

DOMAIN = ARBITRATION_DOMAIN
OPENED = 1_000
OUTSIDER = Identity.from_seed("outsider", b"\x77" * 32)


class LadderMachine(RuleBasedStateMachine):
    """One dispute; ``honest`` follows the protocol, the other side and every arbiter below the
    last level do whatever Hypothesis draws."""

    @initialize(data=st.data())
    def setup(self, data: st.DataObject) -> None:
        self.ladder = data.draw(ladders(max_bond=200), label="ladder")
        claim = dispute_claim(Digest(b"\x05" * 32))
        self.dispute = Dispute(claim, CHALLENGER.party, self.ladder, OPENED)
        self.honest = data.draw(st.sampled_from(Side), label="honest")
        self.truth = self.honest is Side.CLAIMANT
        self.ledger = MemoryLedger()
        self.appeals = Appeals(self.ledger, DOMAIN)
        exposure = self.ladder.exposure()
        level0 = self.ladder.levels[0]
        adversary_funds = data.draw(st.integers(0, 2 * exposure), label="adversary funds")
        if self.honest is Side.CLAIMANT:  # the adversary opens, so it can at least do that
            adversary_funds = max(adversary_funds, level0.bond + level0.fee)
        funds = {self.honest: exposure + 7, self.honest.other: adversary_funds}
        for side, amount in funds.items():
            if amount:
                key = self.dispute.party(side).key
                self.ledger.apply(Mint(key, amount, b"mint-" + side.value.encode()))
        self.minted = sum(funds.values())
        self.appeals.open(self.dispute)
        self.now = OPENED

    # -- helpers ---------------------------------------------------------------------------------

    @property
    def state(self) -> DisputeState:
        return self.appeals.state(self.dispute.id)

    def arbiter(self, level: int) -> CallbackArbiter:
        return CallbackArbiter(LADDER_IDENTITIES[level], lambda _case: None)

    def case(self, at: int) -> CaseFile:
        return CaseFile(self.dispute, self.state, DOMAIN, None, (), at)

    def when(self, data: st.DataObject, limit: int) -> int:
        at = data.draw(st.integers(self.now, max(self.now, limit - 1)), label="at")
        self.now = at
        return at

    def sign(
        self, upheld: bool, *, level: int, at: int, by: Identity | None = None
    ) -> Signed[Ruling]:
        final = level == self.ladder.final_level
        body = Ruling(
            self.dispute.statement,
            upheld,
            self.dispute.claim_id,
            self.dispute.contract,
            tagged_hash("test/grounds", bytes([level])),
            level,
            final,
            at,
        )
        return Signed.create(body, DOMAIN, by or LADDER_IDENTITIES[level])

    def lapse(self, limit: int) -> None:
        self.now = max(self.now, limit)
        self.appeals.advance(self.dispute.id, now=self.now)

    # -- the protocol ----------------------------------------------------------------------------

    @precondition(lambda self: not self.state.over)
    @rule(data=st.data())
    def next_event(self, data: st.DataObject) -> None:
        state = self.state
        limit = dispute_deadline(self.dispute, state)
        assert limit is not None
        turn = on_turn(self.dispute, state)
        if turn is not None:
            key = self.dispute.party(turn).key
            affordable = self.ledger.balance(key) >= due_amount(self.dispute, state)
            wants = turn is self.honest or data.draw(st.booleans(), label="adversary funds")
            if wants and affordable:
                self.appeals.fund(self.dispute.id, turn, now=self.when(data, limit))
            elif wants and turn is not self.honest:
                with pytest.raises(Refused, match=r"^insufficient-funds"):
                    self.appeals.fund(self.dispute.id, turn, now=self.now)
                self.lapse(limit)
            else:
                assert turn is not self.honest, "the honest party always has the funds"
                self.lapse(limit)
            return
        last = state.level == self.ladder.final_level
        if state.phase is Phase.RULING:
            choice = self.truth if last else data.draw(st.sampled_from([True, False, None]))
            if choice is None:
                self.lapse(limit)
            else:
                at = self.when(data, limit)
                self.appeals.rule(
                    self.dispute.id, self.sign(choice, level=state.level, at=at), now=at
                )
            return
        assert state.phase is Phase.DECIDED
        assert state.certifier is not None
        willing = state.certifier == self.ladder.final_level or data.draw(st.booleans())
        if not willing:
            self.lapse(limit)
            return
        at = self.when(data, limit)
        # Only the final arbiter certifies, whichever level's ruling stands.
        by_final = state.certifier == self.ladder.final_level
        assert (self.arbiter(state.certifier).certify(self.case(at)) is None) is not by_final
        final = self.arbiter(self.ladder.final_level).certify(self.case(at))
        assert final is not None
        self.appeals.certify(self.dispute.id, final, now=at)

    # -- adversarial moves -------------------------------------------------------------------------

    @rule(data=st.data())
    def fund_out_of_turn(self, data: st.DataObject) -> None:
        side = data.draw(st.sampled_from(Side))
        state = self.state
        limit = dispute_deadline(self.dispute, state)
        if on_turn(self.dispute, state) is side and limit is not None:
            # Only wrong after the deadline: act late.
            now = max(self.now, limit)
        else:
            now = self.now
        before = self.ledger.state()
        with pytest.raises(Refused, match=r"^(out-of-turn|before-clock)"):
            self.appeals.fund(self.dispute.id, side, now=now)
        assert self.ledger.state() == before

    @precondition(lambda self: self.state.phase is Phase.RULING)
    @rule(data=st.data())
    def ruling_by_the_wrong_arbiter(self, data: st.DataObject) -> None:
        level = self.state.level
        by = data.draw(st.sampled_from([OUTSIDER, *LADDER_IDENTITIES[: len(self.ladder.levels)]]))
        if by.key == LADDER_IDENTITIES[level].key:
            by = OUTSIDER
        before = self.ledger.state()
        ruling = self.sign(True, level=level, at=self.now, by=by)
        with pytest.raises(Refused, match=r"^(ruling-not-due)"):
            self.appeals.rule(self.dispute.id, ruling, now=self.now)
        assert self.ledger.state() == before

    @rule()
    def act_before_the_clock(self) -> None:
        if self.state.time == 0:
            return
        before = self.ledger.state()
        with pytest.raises(Refused, match=r"^(out-of-turn|before-clock)"):
            self.appeals.advance(self.dispute.id, now=self.state.time - 1)
        assert self.ledger.state() == before

    @precondition(lambda self: not self.state.over)
    @rule(data=st.data(), version=st.integers(1, 5))
    def settle(self, data: st.DataObject, version: int) -> None:
        if data.draw(st.integers(0, 9), label="settle?") != 0:  # rare: it ends everything
            return
        step = self.appeals.end(self.dispute.id, version, now=self.now)
        if step.state.phase is Phase.SETTLED:  # (time passing first may have decided more)
            assert not any(e.KIND == "bond-forfeit" for e in step.entries)

    # -- invariants ------------------------------------------------------------------------------

    @invariant()
    def value_is_conserved_and_never_negative(self) -> None:
        totals = self.ledger.totals()
        assert totals.conserved
        assert totals.minted == self.minted
        assert all(v >= 0 for v in self.ledger.balances().values())

    @invariant()
    def the_ledger_holds_exactly_the_open_bonds_the_state_lists(self) -> None:
        state = self.state
        held = {
            b.id: b.amount for b in self.ledger.bonds(subject=self.dispute.id, state=BondState.OPEN)
        }
        assert held == {b.bond: b.amount for b in state.open_bonds()}
        if state.over:
            assert not held

    @invariant()
    def the_honest_party_never_loses_a_bond(self) -> None:
        honest = self.dispute.party(self.honest).key
        for bond in self.ledger.bonds(owner=honest):
            assert bond.state is not BondState.FORFEITED

    @invariant()
    def every_deadline_lies_within_the_bound(self) -> None:
        limit = dispute_deadline(self.dispute, self.state)
        assert limit is None or limit <= self.dispute.ends

    @invariant()
    def a_final_ruling_agrees_with_the_truth(self) -> None:
        state = self.state
        if state.phase is Phase.FINAL:
            assert state.outcome is self.truth
            assert state.final is not None
            assert self.appeals.ruling(state.final).body.final
        assert state.phase is not Phase.LAPSED  # the honest last level always rules

    @invariant()
    def the_loser_paid_more_to_appeal(self) -> None:
        stakes = [b for b in self.state.bonds if b.purpose is BondKind.STAKE]
        for level in range(1, len(self.ladder.levels)):
            here = {b.side: b.amount for b in stakes if b.level == level}
            if len(here) == 2:
                assert max(here.values()) > min(here.values())


LadderMachine.TestCase.settings = settings(
    max_examples=60,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestLadderMachine = LadderMachine.TestCase


def test_the_machine_can_catch_a_broken_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    """Negative control: settle the stakes on every lower ruling instead of on the final
    outcome, and the honest-party invariant must fail."""
    original = _appeals.rule_dispute

    def eager(
        dispute: Dispute, state: DisputeState, ruling: Signed[Ruling], **kw: Any
    ) -> Transition:
        step = original(dispute, state, ruling, **kw)
        if step.state.phase is not Phase.APPEAL:
            return step
        winner = Side.winning(ruling.body.upheld)
        bonds, entries, _ = _appeals._settle_bonds(dispute, step.state, winner, 0)
        return Transition(attrs.evolve(step.state, bonds=bonds), step.entries + entries)

    monkeypatch.setattr(_appeals, "rule_dispute", eager)
    quick = settings(
        max_examples=300,
        stateful_step_count=30,
        deadline=None,
        database=None,
        phases=[HypothesisPhase.generate],
        suppress_health_check=list(HealthCheck),
    )
    with pytest.raises(AssertionError):
        run_state_machine_as_test(LadderMachine, settings=quick)


def test_an_unopened_dispute_is_unknown() -> None:
    appeals = Appeals(MemoryLedger(), DOMAIN)
    with pytest.raises(OddsproofError):
        appeals.state(Digest(b"\x09" * 32))


def test_opening_twice_changes_nothing() -> None:
    ledger = MemoryLedger()
    ledger.apply(Mint(CHALLENGER.key, 10_000, b"m"))
    appeals = Appeals(ledger, DOMAIN)
    fixed = Ladder((Level(LADDER_IDENTITIES[0].party, 1, 10, 1000),), delta=10)
    dispute = Dispute(dispute_claim(Digest(b"\x06" * 32)), CHALLENGER.party, fixed, 5)
    appeals.open(dispute)
    before = ledger.state()
    again = appeals.open(dispute)
    assert ledger.state() == before
    assert again.state == appeals.state(dispute.id)
    assert CLAIMANT.key not in ledger.balances()


def test_an_unmatched_appeal_is_certified_by_the_final_arbiter_alone() -> None:
    """Regression (found by the machine): when an appeal to the last level goes unmatched the
    appellant wins at the level *above* the ruling, and only the final arbiter certifies it."""
    ledger = MemoryLedger()
    for who in (CLAIMANT, CHALLENGER):
        ledger.apply(Mint(who.key, 10_000, b"m-" + who.party.name.encode()))
    appeals = Appeals(ledger, DOMAIN)
    ladder = Ladder(
        (
            Level(LADDER_IDENTITIES[0].party, 1, 10, 100),
            Level(LADDER_IDENTITIES[1].party, 1, 10, 100),
        ),
        delta=10,
    )
    dispute = Dispute(dispute_claim(Digest(b"\x0a" * 32)), CHALLENGER.party, ladder, OPENED)
    appeals.open(dispute)
    appeals.fund(dispute.id, Side.CLAIMANT, now=OPENED + 1)
    assert appeals.state(dispute.id).phase is Phase.RULING
    ruling = Ruling(
        dispute.statement,
        False,
        dispute.claim_id,
        dispute.contract,
        tagged_hash("test/grounds", b"\x00"),
        0,
        False,
        OPENED + 2,
    )
    appeals.rule(dispute.id, Signed.create(ruling, DOMAIN, LADDER_IDENTITIES[0]), now=OPENED + 2)
    appeals.fund(dispute.id, Side.CLAIMANT, now=OPENED + 3)
    assert appeals.state(dispute.id).phase is Phase.MATCH
    deadline = dispute_deadline(dispute, appeals.state(dispute.id))
    assert deadline is not None
    appeals.advance(dispute.id, now=deadline)
    state = appeals.state(dispute.id)
    assert state.phase is Phase.DECIDED
    assert (state.level, state.certifier, state.outcome) == (0, 1, True)
    case = CaseFile(dispute, state, DOMAIN, None, (), deadline)
    lower = CallbackArbiter(LADDER_IDENTITIES[0], lambda _case: None)
    final = CallbackArbiter(LADDER_IDENTITIES[1], lambda _case: None)
    assert lower.certify(case) is None
    certificate = final.certify(case)
    assert certificate is not None
    appeals.certify(dispute.id, certificate, now=deadline)
    assert appeals.state(dispute.id).final == certificate.id
