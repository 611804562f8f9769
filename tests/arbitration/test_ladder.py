"""Ladder mechanics step by step (the pure transitions) and the ready-made arbiters."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from oddsproof.arbitration import (
    BondKind,
    CallbackArbiter,
    CaseFile,
    Dispute,
    DisputeState,
    Panel,
    Phase,
    ReexecutionJudge,
    Side,
    Transition,
    advance_dispute,
    certify_dispute,
    dispute_deadline,
    due_amount,
    file_evidence,
    fund_dispute,
    growing_panels,
    on_turn,
    open_dispute,
    rule_dispute,
    settle_dispute,
)
from oddsproof.contracts import Ladder, Level, Ruling
from oddsproof.errors import ArbiterFailed, OddsproofError, Refused
from oddsproof.games import (
    BisectionGame,
    BisectionSetup,
    HonestChallenger,
    check_ruling,
    commit_trace,
    play_bisection,
    serial_claim,
)
from oddsproof.ledger import BondForfeit, BondPost, BondRelease, Move
from oddsproof.testing import FakeStepSolver, hash_chain
from oddsproof.wire import Digest, Identity, Signed, tagged_hash
from tests.strategies import (
    ARBITRATION_DOMAIN,
    CHALLENGER,
    CLAIMANT,
    LADDER_IDENTITIES,
    SPOT_DOMAIN,
    TOY_INPUT,
    dispute_claim,
    disputes,
    make_solver,
    play,
    toy_computation,
)

DOMAIN = ARBITRATION_DOMAIN
J0, J1, J2 = LADDER_IDENTITIES[:3]
LADDER = Ladder(
    (Level(J0.party, 5, 100, 1000), Level(J1.party, 10, 100, 1000), Level(J2.party, 20, 100, 1000)),
    delta=60,
)
DISPUTE = Dispute(dispute_claim(Digest(b"\x01" * 32)), CHALLENGER.party, LADDER, 10_000)


def signed_ruling(
    dispute: Dispute,
    upheld: bool,
    *,
    level: int,
    final: bool,
    issued: int,
    by: Identity | None = None,
    evidence: Digest | None = None,
) -> Signed[Ruling]:
    body = Ruling(
        dispute.statement,
        upheld,
        dispute.claim_id,
        dispute.contract,
        evidence or tagged_hash("test/grounds", b""),
        level,
        final,
        issued,
    )
    signer = by or LADDER_IDENTITIES[level]
    return Signed.create(body, DOMAIN, signer)


def kinds(step: Transition) -> list[str]:
    return [e.KIND for e in step.entries]


def test_opening_posts_the_challengers_stake_and_fee_and_waits_for_the_defence() -> None:
    step = open_dispute(DISPUTE)
    assert step.state.phase is Phase.DEFENCE
    assert [e.amount for e in step.entries if isinstance(e, BondPost)] == [100, 5]
    assert {e.owner for e in step.entries if isinstance(e, BondPost)} == {CHALLENGER.key}
    assert on_turn(DISPUTE, step.state) is Side.CLAIMANT
    assert dispute_deadline(DISPUTE, step.state) == 10_000 + 60
    assert due_amount(DISPUTE, step.state) == 100


def walk_to_level_one(upheld_at_0: bool) -> Transition:
    step = open_dispute(DISPUTE)
    step = step.then(fund_dispute(DISPUTE, step.state, Side.CLAIMANT, now=10_010))
    ruling = signed_ruling(DISPUTE, upheld_at_0, level=0, final=False, issued=10_100)
    step = step.then(rule_dispute(DISPUTE, step.state, ruling, now=10_100, domain=DOMAIN))
    loser = Side.winning(upheld_at_0).other
    step = step.then(fund_dispute(DISPUTE, step.state, loser, now=10_200))
    return step.then(fund_dispute(DISPUTE, step.state, loser.other, now=10_300))


def test_an_appeal_doubles_the_base_and_the_loser_pays_the_premium() -> None:
    step = walk_to_level_one(upheld_at_0=True)
    state = step.state
    assert (state.phase, state.level, state.base) == (Phase.RULING, 1, 200)
    stakes = {(b.side, b.level): b.amount for b in state.bonds if b.purpose is BondKind.STAKE}
    assert stakes == {
        (Side.CHALLENGER, 0): 100,
        (Side.CLAIMANT, 0): 100,
        (Side.CHALLENGER, 1): 400,  # the loser of level 0 appeals: 2 × 200
        (Side.CLAIMANT, 1): 200,  # the winner matches the base
    }
    fees = [(b.side, b.level, b.amount, b.closed) for b in state.bonds if b.purpose is BondKind.FEE]
    assert fees == [(Side.CHALLENGER, 0, 5, True), (Side.CHALLENGER, 1, 10, False)]
    # The level-0 fee was paid to its arbiter when it ruled.
    assert any(isinstance(e, Move) and e.payee == J0.key and e.amount == 5 for e in step.entries)


def test_the_final_level_settles_every_stake_on_its_outcome_only() -> None:
    step = walk_to_level_one(upheld_at_0=True)
    lower = signed_ruling(DISPUTE, False, level=1, final=False, issued=10_400)
    step = step.then(rule_dispute(DISPUTE, step.state, lower, now=10_400, domain=DOMAIN))
    step = step.then(fund_dispute(DISPUTE, step.state, Side.CLAIMANT, now=10_500))
    step = step.then(fund_dispute(DISPUTE, step.state, Side.CHALLENGER, now=10_600))
    final = signed_ruling(DISPUTE, True, level=2, final=True, issued=10_700)
    last = rule_dispute(DISPUTE, step.state, final, now=10_700, domain=DOMAIN)
    state = last.state
    assert state.phase is Phase.FINAL
    assert state.outcome is True
    assert state.final == final.id
    assert not state.open_bonds()
    forfeits = [e for e in last.entries if isinstance(e, BondForfeit)]
    releases = [e for e in last.entries if isinstance(e, BondRelease)]
    owners = {b.bond: b.side for b in state.bonds}
    assert {owners[f.bond] for f in forfeits} == {Side.CHALLENGER}
    assert all(f.to == CLAIMANT.key and f.burn >= 1 for f in forfeits)
    assert all(f.burn == LADDER.burned(f.burn + f.reimburse) for f in forfeits)
    assert {owners[r.bond] for r in releases} == {Side.CLAIMANT}


def test_an_appeal_not_made_in_time_leaves_the_ruling_standing_until_certified() -> None:
    step = open_dispute(DISPUTE)
    step = step.then(fund_dispute(DISPUTE, step.state, Side.CLAIMANT, now=10_010))
    ruling = signed_ruling(DISPUTE, False, level=0, final=False, issued=10_100)
    step = step.then(rule_dispute(DISPUTE, step.state, ruling, now=10_100, domain=DOMAIN))
    appeal_by = LADDER.times(10_000, 0).appeal_by
    lapsed = advance_dispute(DISPUTE, step.state, now=appeal_by)
    state = lapsed.state
    assert (state.phase, state.outcome, state.certifier, state.basis) == (
        Phase.DECIDED,
        False,
        0,
        ruling.id,
    )
    with pytest.raises(Refused, match=r"^(out-of-turn|before-clock)"):
        fund_dispute(DISPUTE, step.state, Side.CLAIMANT, now=appeal_by)  # too late to appeal
    by_level_0 = signed_ruling(
        DISPUTE, False, level=0, final=True, issued=appeal_by + 1, evidence=ruling.id
    )
    with pytest.raises(
        Refused, match=r"^(ruling-not-due)"
    ):  # a lower level cannot make its own ruling final
        certify_dispute(DISPUTE, state, by_level_0, now=appeal_by + 1, domain=DOMAIN)
    final = signed_ruling(
        DISPUTE, False, level=0, final=True, issued=appeal_by + 1, evidence=ruling.id, by=J2
    )
    done = certify_dispute(DISPUTE, state, final, now=appeal_by + 1, domain=DOMAIN)
    assert done.state.phase is Phase.FINAL
    assert done.state.outcome is False


def test_an_appeal_not_matched_in_time_is_won_by_the_appellant() -> None:
    step = open_dispute(DISPUTE)
    step = step.then(fund_dispute(DISPUTE, step.state, Side.CLAIMANT, now=10_010))
    ruling = signed_ruling(DISPUTE, False, level=0, final=False, issued=10_100)
    step = step.then(rule_dispute(DISPUTE, step.state, ruling, now=10_100, domain=DOMAIN))
    step = step.then(fund_dispute(DISPUTE, step.state, Side.CLAIMANT, now=10_200))
    lapsed = advance_dispute(DISPUTE, step.state, now=LADDER.times(10_000, 0).match_by)
    assert lapsed.state.phase is Phase.DECIDED
    assert lapsed.state.outcome is True
    assert lapsed.state.certifier == 1  # the level the appellant funded certifies the default
    refunded = [e for e in lapsed.entries if isinstance(e, BondRelease)]
    assert len(refunded) == 1  # the appellant's level-1 fee: nobody ruled


def test_no_defence_in_time_loses_by_default() -> None:
    step = open_dispute(DISPUTE)
    lapsed = advance_dispute(DISPUTE, step.state, now=10_060)
    assert lapsed.state.phase is Phase.DECIDED
    assert lapsed.state.outcome is False
    assert lapsed.state.basis == step.state.id


def test_silent_arbiters_are_skipped_and_a_silent_last_level_lapses_with_bonds_released() -> None:
    step = open_dispute(DISPUTE)
    step = step.then(fund_dispute(DISPUTE, step.state, Side.CLAIMANT, now=10_010))
    climbed = advance_dispute(DISPUTE, step.state, now=LADDER.times(10_000, 0).rule_by)
    assert (climbed.state.phase, climbed.state.level) == (Phase.RULING, 1)
    assert kinds(climbed) == ["bond-release"]  # the silent judge's fee goes back to its payer
    end = advance_dispute(DISPUTE, climbed.state, now=DISPUTE.ends)
    assert end.state.phase is Phase.LAPSED
    assert not end.state.open_bonds()
    assert all(isinstance(e, BondRelease) for e in end.entries)


def test_a_refused_certification_climbs_a_level() -> None:
    step = open_dispute(DISPUTE)
    decided = advance_dispute(DISPUTE, step.state, now=10_060)
    climbed = advance_dispute(DISPUTE, decided.state, now=10_060 + 60)
    assert (climbed.state.phase, climbed.state.level) == (Phase.RULING, 1)
    assert climbed.state.outcome is None


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"by": J1}, "signed by"),
        ({"level": 1, "by": J0}, "level 1"),
        ({"final": True}, "final"),
        ({"issued": 9_000}, "issued"),
    ],
)
def test_rulings_that_are_not_the_one_due_are_refused(
    change: dict[str, object], reason: str
) -> None:
    step = open_dispute(DISPUTE)
    step = step.then(fund_dispute(DISPUTE, step.state, Side.CLAIMANT, now=10_010))
    args: dict[str, object] = {"level": 0, "final": False, "issued": 10_100, **change}
    ruling = signed_ruling(DISPUTE, True, **args)  # type: ignore[arg-type]
    with pytest.raises(Refused, match=reason):
        rule_dispute(DISPUTE, step.state, ruling, now=10_100, domain=DOMAIN)


def test_a_ruling_about_another_claim_is_refused() -> None:
    other = attrs.evolve(DISPUTE, claim=dispute_claim(Digest(b"\x02" * 32)))
    step = open_dispute(DISPUTE)
    step = step.then(fund_dispute(DISPUTE, step.state, Side.CLAIMANT, now=10_010))
    ruling = signed_ruling(other, True, level=0, final=False, issued=10_100)
    with pytest.raises(Refused, match="another claim"):
        rule_dispute(DISPUTE, step.state, ruling, now=10_100, domain=DOMAIN)


def test_out_of_turn_actions_are_refused() -> None:
    step = open_dispute(DISPUTE)
    with pytest.raises(Refused, match=r"^(out-of-turn|before-clock)"):
        fund_dispute(DISPUTE, step.state, Side.CHALLENGER, now=10_001)
    with pytest.raises(Refused, match=r"^(out-of-turn|before-clock)"):
        advance_dispute(DISPUTE, step.state, now=9_999)  # before the dispute's clock
    ruling = signed_ruling(DISPUTE, True, level=0, final=False, issued=10_001)
    with pytest.raises(Refused, match=r"^(out-of-turn|before-clock)"):
        rule_dispute(DISPUTE, step.state, ruling, now=10_001, domain=DOMAIN)
    with pytest.raises(Refused, match=r"^(out-of-turn|before-clock)"):
        file_evidence(DISPUTE, step.state, Digest(b"\x03" * 32), now=10_001)
    ended = settle_dispute(DISPUTE, step.state, 1, now=10_002)
    assert ended.state.phase is Phase.SETTLED
    with pytest.raises(Refused, match=r"^(out-of-turn|before-clock)"):
        settle_dispute(DISPUTE, ended.state, 2, now=10_003)


def test_a_dispute_must_end_delta_before_its_parent_deadline() -> None:
    claim = dispute_claim(Digest(b"\x01" * 32))
    floor = 10_000 + LADDER.span + LADDER.delta
    assert Dispute(claim, CHALLENGER.party, LADDER, 10_000, floor).deadline == floor
    with pytest.raises(OddsproofError, match="Δ"):
        Dispute(claim, CHALLENGER.party, LADDER, 10_000, floor - 1)
    with pytest.raises(OddsproofError, match="own claim"):
        Dispute(claim, CLAIMANT.party, LADDER, 10_000)


@given(disputes(), st.lists(st.integers(0, 3000), max_size=12))
def test_time_alone_ends_every_dispute_by_its_bound(dispute: Dispute, gaps: list[int]) -> None:
    state = open_dispute(dispute).state
    now = dispute.opened
    for gap in gaps:
        now += gap
        state = advance_dispute(dispute, state, now=now).state
        limit = dispute_deadline(dispute, state)
        assert limit is None or now < limit <= dispute.ends
    assert advance_dispute(dispute, state, now=max(now, dispute.ends)).state.over


# --- arbiters -----------------------------------------------------------------------------------


def case_file(
    state: DisputeState | None = None, evidence: object = None, now: int = 10_100
) -> CaseFile:
    state = state or attrs.evolve(open_dispute(DISPUTE).state, phase=Phase.RULING)
    return CaseFile(DISPUTE, state, DOMAIN, evidence, (), now)  # type: ignore[arg-type]


MEMBERS = tuple(Identity.from_seed(f"member-{i}", bytes([0x70 + i]) * 32) for i in range(7))


def voter(identity: Identity, answer: bool | None) -> CallbackArbiter:
    return CallbackArbiter(identity, lambda _case: answer)


def test_a_panel_rules_by_a_majority_of_all_its_members() -> None:
    panel = Panel(J0, [voter(MEMBERS[0], True), voter(MEMBERS[1], True), voter(MEMBERS[2], False)])
    ruling = panel.rule(case_file())
    assert ruling is not None
    assert ruling.body.upheld is True
    assert ruling.signers == (J0.key,)
    votes = panel.votes(case_file())
    assert ruling.body.evidence == tagged_hash(
        "oddsproof/panel-votes/v1", *sorted(v.id.raw for v in votes)
    )
    abstaining = Panel(
        J0, [voter(MEMBERS[0], True), voter(MEMBERS[1], None), voter(MEMBERS[2], False)]
    )
    assert abstaining.rule(case_file()) is None  # 1 of 3 is no majority


def test_panels_grow_at_each_appeal_and_must_be_odd() -> None:
    members = [voter(m, True) for m in MEMBERS]
    panels = growing_panels([J0, J1], members, first=3)
    assert [len(p.members) for p in panels] == [3, 7]
    with pytest.raises(OddsproofError, match="needs 15"):
        growing_panels([J0, J1, J2], members)
    with pytest.raises(OddsproofError, match="odd"):
        Panel(J0, members[:2])


def test_a_failing_callback_is_reported_not_leaked() -> None:
    def broken(_case: CaseFile) -> bool:
        raise KeyError("the service is down")

    with pytest.raises(ArbiterFailed, match="service is down"):
        CallbackArbiter(J0, broken).rule(case_file())
    with pytest.raises(ArbiterFailed):
        CallbackArbiter(J0, lambda _c: "yes").rule(case_file())  # type: ignore[arg-type,return-value]


def test_certification_is_signed_only_by_the_final_arbiter_for_a_decided_outcome() -> None:
    decided = advance_dispute(DISPUTE, open_dispute(DISPUTE).state, now=10_060).state
    assert decided.certifier == 0  # level 0's outcome stands (no defence) ...
    final = voter(J2, None).certify(case_file(decided, now=10_070))  # ... the final arbiter signs
    assert final is not None
    assert (final.body.final, final.body.upheld, final.body.evidence, final.body.level) == (
        True,
        False,
        decided.basis,
        0,
    )
    assert voter(J0, None).certify(case_file(decided, now=10_070)) is None
    assert voter(J1, None).certify(case_file(decided, now=10_070)) is None
    refusing = CallbackArbiter(J2, lambda _c: None, certifies=lambda _c: False)
    assert refusing.certify(case_file(decided, now=10_070)) is None
    done = certify_dispute(DISPUTE, decided, final, now=10_070, domain=DOMAIN)
    assert done.state.phase is Phase.FINAL


def test_the_reexecution_judge_rules_exactly_as_judge_bisection_on_a_transcript() -> None:
    chain, data = hash_chain(64), b"judge input"
    honest = commit_trace(chain, data, 8)
    cheat = FakeStepSolver.create(CLAIMANT, chain, data, 8, 37)
    claim = serial_claim(cheat.trace, data, CLAIMANT, DOMAIN, offer=Digest(b"\x01" * 32), now=0)
    dispute = Dispute(claim, CHALLENGER.party, LADDER, 10_000)
    setup = BisectionSetup(claim, CHALLENGER.party, 2, 300, 300, 60, 60, 10_010, 10_800)
    transcript = play_bisection(
        BisectionGame(setup, DOMAIN), cheat, HonestChallenger(CHALLENGER, trace=honest)
    )
    state = attrs.evolve(open_dispute(dispute).state, phase=Phase.RULING)
    judge = ReexecutionJudge(J0, chain, data=data)
    case = CaseFile(dispute, state, DOMAIN, transcript, (), setup.ends)
    ruling = judge.rule(case)
    assert ruling is not None
    assert ruling.body.upheld is False
    assert ruling.body.evidence == transcript.id
    check_ruling(ruling, transcript, DOMAIN, chain, data=data)  # a third party agrees
    elsewhere = CaseFile(DISPUTE, attrs.evolve(state, dispute=DISPUTE.id), DOMAIN, transcript)
    assert judge.rule(attrs.evolve(elsewhere, now=setup.ends)) is None  # another claim's game


def test_the_reexecution_judge_checks_one_piece_of_a_fraud_proof() -> None:
    computation = toy_computation(64)
    result = play(make_solver("faking", 64, fraction=0.9))
    assert result.fraud_proof is not None
    claim = result.fraud_proof.claim
    dispute = Dispute(claim, CHALLENGER.party, LADDER, 10_000)
    state = attrs.evolve(open_dispute(dispute).state, phase=Phase.RULING)
    judge = ReexecutionJudge(J0, computation, data=TOY_INPUT)
    proof_case = CaseFile(dispute, state, SPOT_DOMAIN, result.fraud_proof, (), 10_100)
    assert judge.decide(proof_case) is False
    empty = CaseFile(dispute, state, SPOT_DOMAIN, None, (), 10_100)
    assert judge.decide(empty) is True  # no fraud proof: the burden is on the challenger
    other = CaseFile(DISPUTE, state, SPOT_DOMAIN, result.fraud_proof, (), 10_100)
    assert judge.decide(other) is True  # a proof against another claim proves nothing here
