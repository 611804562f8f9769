"""The one-step judge: rulings from transcripts, third-party checks, and contracts using them."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from oddsproof.contracts import Case, Contract, Pay, Ruling, Verdict, When, begin, step
from oddsproof.errors import InvalidArgument, Refused
from oddsproof.games import (
    BisectionGame,
    BisectionReason,
    BisectionSetup,
    BisectionTranscript,
    HonestChallenger,
    HonestSerialSolver,
    _bisection,
    check_ruling,
    check_transcript,
    commit_trace,
    judge_bisection,
    play_bisection,
    serial_claim,
)
from oddsproof.testing import FakeStepSolver, LyingChallenger, StallingChallenger
from oddsproof.wire import Digest, Signed
from tests.strategies import (
    BISECTION_DOMAIN as DOMAIN,
)
from tests.strategies import (
    CHALLENGER_ID,
    IDENTITIES,
    JUDGE_ID,
    SOLVER_ID,
    serial_chain,
    serial_workloads,
)

OFFER = Digest(b"\x0e" * 32)
START, DEADLINE = 1000, 9000


def _game(trace: Any, data: bytes, arity: int = 3) -> BisectionGame:
    claim = serial_claim(trace, data, SOLVER_ID, DOMAIN, offer=OFFER, now=START)
    setup = BisectionSetup(claim, CHALLENGER_ID.party, arity, 3000, 3000, 60, 100, START, DEADLINE)
    return BisectionGame(setup, DOMAIN)


@lru_cache(maxsize=16)
def played(kind: str, fake: int | None, data: bytes = b"judge") -> BisectionTranscript:
    comp = serial_chain("hash", 128)
    honest = commit_trace(comp, data, 16)
    if kind == "fake":
        assert fake is not None
        solver: Any = FakeStepSolver.create(SOLVER_ID, comp, data, 16, fake)
        challenger: Any = HonestChallenger(CHALLENGER_ID, trace=honest)
    elif kind == "lying":
        solver = HonestSerialSolver(SOLVER_ID, trace=honest)
        challenger = LyingChallenger(CHALLENGER_ID, choices=(2, 1))
    else:
        solver = HonestSerialSolver(SOLVER_ID, trace=honest)
        challenger = StallingChallenger(CHALLENGER_ID, answers=2)
    game = _game(solver.trace, data)
    return play_bisection(game, solver, challenger)


def _judge(transcript: BisectionTranscript, **kwargs: Any) -> Signed[Ruling]:
    options: dict[str, Any] = {"arbiter": JUDGE_ID, "now": 8000, "data": b"judge", **kwargs}
    return judge_bisection(transcript, DOMAIN, serial_chain("hash", 128), **options)


def test_a_faked_step_is_ruled_against_and_the_ruling_names_its_evidence() -> None:
    transcript = played("fake", 77)
    signed = _judge(transcript)
    ruling = signed.verify(DOMAIN, signers=[JUDGE_ID.party])
    claim = transcript.game.claim.body
    assert ruling.upheld is False
    assert ruling.statement == claim.statement.id
    assert ruling.claim == claim.id
    assert ruling.contract == claim.offer
    assert ruling.evidence == transcript.id
    assert (ruling.level, ruling.final, ruling.issued) == (0, False, 8000)
    outcome = check_ruling(signed, transcript, DOMAIN, serial_chain("hash", 128), data=b"judge")
    assert (outcome.lo, outcome.hi) == (77, 78)
    assert outcome.reason is BisectionReason.WRONG_STEP


@pytest.mark.parametrize("kind", ["lying", "stalling"])
def test_an_honest_solver_is_upheld(kind: str) -> None:
    transcript = played(kind, None)
    ruling = _judge(transcript, level=2, final=True).body
    assert ruling.upheld is True
    assert (ruling.level, ruling.final) == (2, True)


def test_the_first_step_needs_the_input() -> None:
    transcript = played("fake", 0)
    with pytest.raises(InvalidArgument, match="input"):
        _judge(transcript, data=None)
    with pytest.raises(InvalidArgument, match="not the claim's input"):
        _judge(transcript, data=b"other")
    assert _judge(transcript).body.upheld is False


def test_a_wrong_initial_state_is_ruled_against() -> None:
    comp = serial_chain("hash", 128)
    elsewhere = commit_trace(comp, b"another input", 16)  # committed from the wrong input
    honest = commit_trace(comp, b"judge", 16)
    claim = serial_claim(elsewhere, b"judge", SOLVER_ID, DOMAIN, offer=OFFER, now=START)
    setup = BisectionSetup(claim, CHALLENGER_ID.party, 3, 3000, 3000, 60, 100, START, DEADLINE)
    game = BisectionGame(setup, DOMAIN)
    transcript = play_bisection(
        game,
        HonestSerialSolver(SOLVER_ID, trace=elsewhere),
        HonestChallenger(CHALLENGER_ID, trace=honest),
    )
    assert game.interval == (0, 1)
    outcome = check_transcript(transcript, DOMAIN, computation=comp, data=b"judge")
    assert outcome.reason is BisectionReason.BAD_START
    assert _judge(transcript).body.upheld is False


def test_no_ruling_while_the_game_runs_and_a_timeout_ruling_after() -> None:
    comp = serial_chain("hash", 128)
    honest = commit_trace(comp, b"judge", 16)
    game = _game(honest, b"judge")
    game.submit(game.challenge(CHALLENGER_ID, now=START + 1), now=START + 1)
    transcript = game.transcript()
    with pytest.raises(Refused, match="still running"):
        _judge(transcript, now=START + 2)
    ruling = _judge(transcript, now=START + 1 + 60).body  # the solver's move time is up
    assert ruling.upheld is False
    with pytest.raises((Refused, InvalidArgument)):
        _judge(transcript, now=START)  # before the last move


def test_check_ruling_refuses_rulings_the_transcript_does_not_prove() -> None:
    transcript = played("fake", 40)
    comp = serial_chain("hash", 128)
    good = _judge(transcript)
    for change in ({"upheld": True}, {"evidence": Digest(b"\x01" * 32)}, {"claim": None}):
        forged = Signed.create(attrs.evolve(good.body, **change), DOMAIN, JUDGE_ID)
        with pytest.raises(Refused):
            check_ruling(forged, transcript, DOMAIN, comp, data=b"judge")
    unsigned = Signed(good.body, DOMAIN, (attrs.evolve(good.signatures[0], sig=bytes(64)),))
    with pytest.raises(Refused):
        check_ruling(unsigned, transcript, DOMAIN, comp, data=b"judge")
    other = played("fake", 41)
    with pytest.raises(Refused):
        check_ruling(good, other, DOMAIN, comp, data=b"judge")


def test_the_judge_refuses_another_computation_and_bad_arguments() -> None:
    transcript = played("fake", 40)
    with pytest.raises(InvalidArgument):
        judge_bisection(transcript, DOMAIN, serial_chain("hash", 64), arbiter=JUDGE_ID, now=8000)
    with pytest.raises(InvalidArgument):
        judge_bisection(
            transcript, DOMAIN, serial_chain("logistic", 128), arbiter=JUDGE_ID, now=8000
        )
    for bad in ({"level": -1}, {"final": 1}, {"now": -5}, {"arbiter": SOLVER_ID.party}):
        with pytest.raises(InvalidArgument):
            _judge(transcript, **bad)


@given(serial_workloads(max_segments=16, max_interval=8), st.data())
def test_rulings_follow_the_truth_for_any_fake(workload: Any, data: st.DataObject) -> None:
    comp, raw, interval = workload
    fake = data.draw(st.none() | st.integers(0, comp.steps - 1), label="faked step")
    honest = commit_trace(comp, raw, interval)
    if fake is None:
        solver: Any = HonestSerialSolver(SOLVER_ID, trace=honest)
        challenger: Any = LyingChallenger(CHALLENGER_ID, choices=(data.draw(st.integers(0, 9)),))
    else:
        solver = FakeStepSolver.create(SOLVER_ID, comp, raw, interval, fake)
        challenger = HonestChallenger(CHALLENGER_ID, trace=honest)
    game = _game(solver.trace, raw, data.draw(st.integers(2, 6), label="arity"))
    transcript = play_bisection(game, solver, challenger)
    ruling = judge_bisection(transcript, DOMAIN, comp, arbiter=JUDGE_ID, now=8000, data=raw)
    assert ruling.body.upheld is (fake is None)
    check_ruling(ruling, transcript, DOMAIN, comp, data=raw)


def test_negative_control_a_judge_that_trusts_the_solver_upholds_a_fake(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The judge's one step is what catches the faker: skip it and the fake is upheld."""
    transcript = played("fake", 77)
    game = _bisection.replay_transcript(transcript, DOMAIN)
    monkeypatch.setattr(_bisection, "run_one_step", lambda comp, state, i: game.posted(i + 1))
    assert _judge(transcript).body.upheld is True


def test_a_final_ruling_from_the_game_meets_the_contracts_verdict() -> None:
    """The contract pays the challenger back if the claim fails, the solver if it holds."""
    comp = serial_chain("hash", 128)
    honest = commit_trace(comp, b"judge", 16)
    solver = FakeStepSolver.create(SOLVER_ID, comp, b"judge", 16, 77)
    statement = serial_claim(solver.trace, b"judge", SOLVER_ID, DOMAIN, offer=OFFER, now=0)
    statement_id = statement.body.statement.id  # the statement does not depend on the offer
    alice, bob = CHALLENGER_ID.party, SOLVER_ID.party
    terms = When(
        (
            Case(Verdict(statement_id, False), Pay(bob, alice, 50)),
            Case(Verdict(statement_id, True), Pay(alice, bob, 50)),
        ),
        DEADLINE,
    )
    contract = Contract((alice, bob), terms, arbiters=(JUDGE_ID.party,), nonce=b"\x00" * 16)
    claim = serial_claim(solver.trace, b"judge", SOLVER_ID, DOMAIN, offer=contract.id, now=0)
    setup = BisectionSetup(claim, alice, 3, 3000, 3000, 60, 100, START, DEADLINE)
    transcript = play_bisection(
        BisectionGame(setup, DOMAIN), solver, HonestChallenger(CHALLENGER_ID, trace=honest)
    )
    first = begin(contract, now=START)
    ruling = _judge(transcript, final=True)
    assert ruling.body.contract == contract.id
    after = step(contract, first.state, ruling, now=8000, domain=DOMAIN)
    assert after.rejected is None
    assert [(t.payer, t.payee, t.amount) for t in after.transfers][:1] == [(bob, alice, 50)]
    stranger = Signed.create(ruling.body, DOMAIN, IDENTITIES[5])
    assert step(contract, first.state, stranger, now=8000, domain=DOMAIN).rejected is not None
    not_final = _judge(transcript)
    assert step(contract, first.state, not_final, now=8000, domain=DOMAIN).rejected is not None
