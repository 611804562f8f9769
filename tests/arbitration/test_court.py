"""The court end to end: claim → window → game → ladder → collapse → ledger, and resuming a
court process killed at random points (SIGKILL) without losing or repeating anything.

The kill test forks a child that runs a fixed docket of cases on a SQLite store, reporting
each committed step on a pipe; the parent kills it after fresh progress, proves it died of
SIGKILL, and checks the store: value conserved, the journal a prefix of an uninterrupted run's,
and every dispute's bonds on the ledger exactly those its state lists (no half-applied step).
The next child resumes from whatever committed. At the end the store must equal the
uninterrupted run (journal, state, heads). Negative control: a court whose ladder writes its
new state and the state's ledger entries in two transactions is killed the same way, and the
same checks must catch it.
"""

from __future__ import annotations

import os
import random
import select
import signal
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path

import attrs
import pytest

from oddsproof.arbitration import (
    Appeals,
    CallbackArbiter,
    Court,
    CourtCase,
    CourtPolicy,
    DisputeState,
    Litigant,
    Phase,
    ReexecutionJudge,
    Stage,
    Transition,
)
from oddsproof.errors import InvalidArgument, OddsproofError, Refused
from oddsproof.ledger import (
    BondState,
    HoldingPass,
    HoldingState,
    Ledger,
    MemoryLedger,
    SqliteLedger,
)
from tests.strategies import (
    ARBITRATION_DOMAIN,
    COURT_CHAIN,
    COURT_FUNDS,
    COURT_INPUT,
    IDENTITIES,
    LADDER_IDENTITIES,
    CourtWorld,
)

ALICE, BOB, CHARLIE = IDENTITIES[:3]


def balances(world: CourtWorld) -> dict[str, int]:
    return {who.name: world.ledger.balance(who.key) for who in (ALICE, BOB, CHARLIE)}


@pytest.mark.parametrize("cheat", [True, False])
@pytest.mark.parametrize("corrupt", [frozenset(), frozenset({0}), frozenset({0, 1})])
def test_the_truth_wins_and_the_honest_side_keeps_its_bonds_and_more(
    cheat: bool, corrupt: frozenset[int]
) -> None:
    world = CourtWorld(corrupt=corrupt, bonus=50)
    claim = world.claim(cheat=cheat)
    case = world.court.run(claim.body.id, world.script(cheat=cheat))
    assert case.stage is Stage.RESOLVED
    assert case.outcome is (not cheat)
    honest = ALICE if cheat else BOB
    assert not [b for b in world.ledger.bonds(owner=honest.key) if b.state is BondState.FORFEITED]
    assert not world.ledger.bonds(state=BondState.OPEN)
    got = balances(world)
    if cheat:  # alice gets her escrow back and is paid for her trouble
        assert got["alice"] > COURT_FUNDS
        assert got["bob"] < COURT_FUNDS
    else:  # bob is paid (300 + the 50 bonus) and reimbursed at least the fees he paid
        assert got["bob"] >= COURT_FUNDS + 350
        assert got["alice"] < COURT_FUNDS - 350
    assert world.ledger.totals().conserved
    assert world.court.runtime.state(world.contract.id).closed


def test_an_unchallenged_claim_is_upheld_when_its_window_closes() -> None:
    world = CourtWorld()
    claim = world.claim(cheat=True, at=10)  # a cheat nobody challenges is paid: that is the risk
    case = world.court.run(claim.body.id, world.script(cheat=True, challenge=False))
    assert (case.stage, case.outcome, case.time) == (Stage.RESOLVED, True, 10 + 1_000)
    assert balances(world)["bob"] == COURT_FUNDS + 300
    assert world.ledger.bond(case.bond).state is BondState.RELEASED  # type: ignore[arg-type,union-attr]


def test_challenges_come_inside_the_window_and_once() -> None:
    world = CourtWorld()
    claim = world.claim(cheat=True, at=10)
    with pytest.raises((Refused, InvalidArgument), match="window"):
        world.court.challenge(claim.body.id, ALICE.party, now=10 + 1_000)
    world.court.challenge(claim.body.id, ALICE.party, now=20)
    with pytest.raises((Refused, InvalidArgument), match="disputed"):
        world.court.challenge(claim.body.id, ALICE.party, now=21)
    other = CourtWorld(nonce=b"\x02" * 16)
    second = other.claim(cheat=True)
    with pytest.raises((Refused, InvalidArgument), match="own claim"):
        other.court.challenge(second.body.id, BOB.party, now=20)


def test_filing_a_claim_twice_is_a_no_op() -> None:
    world = CourtWorld()
    claim = world.claim(cheat=False)
    before = world.ledger.state()
    assert world.court.claim(world.contract.id, claim, now=99).claim_id == claim.body.id
    assert world.ledger.state() == before


def test_a_failed_claim_unwinds_what_was_passed_on_with_recourse_to_the_claim_bond() -> None:
    world = CourtWorld()
    claim = world.claim(cheat=True)
    held = world.ledger.holdings(owner=BOB.key, state=HoldingState.LIVE)[0]
    world.ledger.apply(HoldingPass(held.id, BOB.key, CHARLIE.key, 200, None, b"to-charlie"))
    world.court.run(claim.body.id, world.script(cheat=True))
    got = balances(world)
    assert got["charlie"] == COURT_FUNDS + 100  # lost 200 held conditionally, reimbursed half
    assert world.ledger.totals().conserved


def test_silent_arbiters_are_skipped_and_a_silent_court_lets_the_claim_stand() -> None:
    world = CourtWorld()
    claim = world.claim(cheat=True)
    silent = [CallbackArbiter(j, lambda _case: None) for j in LADDER_IDENTITIES[:3]]
    court = Court(  # another court on the same ledger: everything it needs is stored there
        world.ledger,
        ARBITRATION_DOMAIN,
        arbiters=silent,
        policy=CourtPolicy(challenge_window=1_000, claim_bond=200),
    )
    case = court.run(claim.body.id, world.script(cheat=True))
    assert (case.stage, case.outcome) == (Stage.RESOLVED, True)
    state = court.appeals.state(case.dispute)  # type: ignore[arg-type]
    assert state.phase is Phase.LAPSED
    assert not world.ledger.bonds(state=BondState.OPEN)
    assert world.ledger.totals().conserved


def test_an_adversary_that_stops_funding_loses_by_default() -> None:
    world = CourtWorld(corrupt=frozenset({0}))
    claim = world.claim(cheat=True)
    # Bob wins level 0 thanks to the corrupt judge, but will not match alice's appeal.
    gives_up = Litigant(BOB, lambda _dispute, state: state.phase is Phase.DEFENCE)
    case = world.court.run(claim.body.id, world.script(cheat=True, claimant=gives_up))
    assert case.outcome is False
    state = world.court.appeals.state(case.dispute)  # type: ignore[arg-type]
    assert (state.level, state.certifier) == (0, 1)  # level 1 certified the default
    assert len(state.rulings) == 2  # the corrupt level-0 ruling and the final form
    assert world.ledger.totals().conserved


def test_the_judge_needs_the_computation_it_judges() -> None:
    judge = ReexecutionJudge(LADDER_IDENTITIES[0], COURT_CHAIN, data=COURT_INPUT)
    assert judge.party == LADDER_IDENTITIES[0].party


# --- kill and resume -----------------------------------------------------------------------------

DOCKET = (
    (True, frozenset()),
    (False, frozenset({0})),
    (True, frozenset({0, 1})),
    (False, frozenset()),
)
"""The cases each child works through: (bob cheats, corrupt levels)."""
KILLS = 60
MAX_DELAY = 0.02


def docket(ledger: Ledger) -> list[tuple[CourtWorld, Callable[[], object]]]:
    """The worlds of the docket on ``ledger`` (idempotent: re-creating them changes nothing
    once they exist) and, for each, a function taking one committed step."""
    out = []
    for n, (cheat, corrupt) in enumerate(DOCKET):
        world = CourtWorld(ledger, corrupt=corrupt, bonus=50, nonce=bytes([n]) * 16)
        claim = world.claim(cheat=cheat)
        script = world.script(cheat=cheat)

        def step(world: CourtWorld = world, claim_id=claim.body.id, script=script) -> object:
            return world.court.step(claim_id, script)

        out.append((world, step))
    return out


def run_docket(ledger: Ledger) -> None:
    for _world, step in docket(ledger):
        while step() is not None:
            pass


@cache
def reference() -> tuple[tuple[tuple[int, bytes, bytes | None], ...], object, dict[str, bytes]]:
    """The uninterrupted run: its journal, whole state and heads."""
    ledger = MemoryLedger()
    run_docket(ledger)
    state = ledger.state()
    journal = tuple((s, i.raw, None if c is None else c.raw) for s, i, c in state.journal)
    return journal, state, {k: v.raw for k, v in ledger.heads().items()}


class TwoStepAppeals(Appeals):
    """Deliberately broken: writes a dispute's new state first and its entries afterwards, in
    two transactions, so a kill in between leaves a state whose bonds were never posted. (The
    court's own step transaction would still cover it: :func:`careless_commit` removes that.)"""

    def _run(self, dispute_id: object, action: object) -> Transition:
        dispute = self.dispute(dispute_id)  # type: ignore[arg-type]
        step: Transition = action(dispute, self.state(dispute_id))  # type: ignore[operator, arg-type]
        with self.ledger.transaction():
            if step.ruling is not None:
                self.ledger.put(step.ruling)
            self.ledger.put(step.state)
            self.ledger.set_head("dispute/" + step.state.dispute.hex(), step.state.id)
        time.sleep(0.002)  # the window a careless writer leaves open
        with self.ledger.transaction():
            for entry in step.entries:
                self.ledger.apply(entry)
        return step


def careless_commit(self: Court, case: CourtCase, action: Callable[[], Transition]) -> Transition:
    """Deliberately broken ``Court._commit``: no transaction around the step."""
    step = action()
    self._save(attrs.evolve(case, time=max(case.time, step.state.time)))
    return step


def check_store(path: Path) -> tuple[int, list[str]]:
    """How many journal rows the store holds, and what is wrong with it."""
    journal, _, _ = reference()
    problems = []
    try:
        with SqliteLedger(path) as store:
            state = store.state()
            rows = tuple((s, i.raw, None if c is None else c.raw) for s, i, c in state.journal)
            if rows != journal[: len(rows)]:
                problems.append("the journal is not a prefix of the uninterrupted run's")
            if not store.totals().conserved:
                problems.append(f"conservation is broken: {store.totals()}")
            for name, head in store.heads().items():
                dispute = store.get(head, DisputeState) if name.startswith("dispute/") else None
                if dispute is not None:
                    open_ = store.bonds(subject=dispute.dispute, state=BondState.OPEN)
                    if {b.id for b in open_} != {b.bond for b in dispute.open_bonds()}:
                        problems.append("a dispute's state and its bonds disagree (half-applied)")
            return len(rows), problems
    except OddsproofError as exc:
        return 0, [f"the store cannot be read: {exc}"]


def _child(path: Path, pipe: int, broken: bool) -> None:
    code = 0
    try:
        if broken:
            import oddsproof.arbitration._court as court_module  # noqa: PLC0415

            court_module.Appeals = TwoStepAppeals  # type: ignore[misc]
            court_module.Court._commit = careless_commit  # type: ignore[method-assign]
        with SqliteLedger(path) as ledger:
            for _world, step in docket(ledger):
                while step() is not None:
                    os.write(pipe, b"s")  # one committed step
    except BaseException:  # noqa: BLE001 - the exit code is the child's only report
        code = 3
    finally:
        os._exit(code)


def _wait_for_progress(pipe: int, timeout: float) -> None:
    """Block until the child reports a committed step (or ends, or time runs out), so that
    the kill that follows lands while the court makes progress."""
    ready = select.select([pipe], [], [], timeout)[0]
    if ready:
        os.read(pipe, 65536)


def run_kills(
    directory: Path, *, broken: bool, kills: int, rng: random.Random
) -> tuple[int, int, list[str]]:
    """Fork courts and kill them; returns (kills proven, dockets completed, problems)."""
    reference()  # built before forking, shared by every child
    generation, proven, attempts = 0, 0, 0
    path = directory / "court-0.db"
    problems: list[str] = []
    while proven < kills and attempts < kills * 3:
        attempts += 1
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            os.close(read_end)
            _child(path, write_end, broken)
        os.close(write_end)
        if rng.random() < 0.75:  # most kills after fresh progress, the rest anywhere
            _wait_for_progress(read_end, timeout=120.0)
        time.sleep(rng.uniform(0, MAX_DELAY))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        os.close(read_end)
        if os.WIFSIGNALED(status):
            assert os.WTERMSIG(status) == signal.SIGKILL
            proven += 1
        else:
            assert os.WIFEXITED(status)
            assert os.WEXITSTATUS(status) == 0, "the court failed on its own"
        _, found = check_store(path)
        problems += [f"kill {proven}: {p}" for p in found]
        if found and broken:
            break
        if not os.WIFSIGNALED(status):  # the docket completed: compare, then start afresh
            _, state, heads = reference()
            with SqliteLedger(path) as store:
                if store.state() != state:
                    problems.append("the finished store differs from the uninterrupted run")
                if {k: v.raw for k, v in store.heads().items()} != heads:
                    problems.append("the finished store's records differ")
            generation += 1
            path = directory / f"court-{generation}.db"
    return proven, generation, problems


pytestmark_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


@pytestmark_fork
@pytest.mark.slow
def test_a_court_killed_at_random_points_resumes_without_losing_or_repeating(
    tmp_path: Path,
) -> None:
    proven, completed, problems = run_kills(
        tmp_path, broken=False, kills=KILLS, rng=random.Random(7)
    )
    assert not problems, problems[:5]
    assert proven >= KILLS
    assert completed >= 1, "resumed courts should finish the docket at least once"
    # Finish the last store and compare it with the uninterrupted run.
    last = max(tmp_path.glob("court-*.db"), key=lambda p: int(p.stem.split("-")[1]))
    with SqliteLedger(last) as store:
        run_docket(store)
        _, state, heads = reference()
        assert store.state() == state
        assert {k: v.raw for k, v in store.heads().items()} == heads


@pytestmark_fork
@pytest.mark.slow
def test_negative_control_a_court_writing_state_and_entries_apart_is_caught(
    tmp_path: Path,
) -> None:
    proven, _, problems = run_kills(tmp_path, broken=True, kills=KILLS, rng=random.Random(8))
    assert proven >= 1
    assert problems, f"{proven} kills of a two-step court went unnoticed"
