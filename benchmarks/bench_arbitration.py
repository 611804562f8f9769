"""Collapse of long conditional chains, and the court's throughput.

**Collapse.** Alice pays Bob 1000 under Bob's claim; the holding is passed on N − 1 times
(Bob → p1 → p2 → …), so N conditional transfers hang on the claim. The claim then fails at
the root and :func:`collapse` unwinds all N, deepest first, by correcting entries, with recourse
to nobody's bond (there is none) and the last holder as the only victim, in one transaction on
a SQLite store (a file, WAL, ``synchronous=FULL``). Building the chain is not timed.

* ``collapse_us_per_edge``: collapse time over N, at N = 10^5 (quick: 10^4).
* ``collapse_growth_ratio``: per-edge time at 10^5 over per-edge time at 10^3 (quick: 10^4
  over 10^2), the small size run before and after the large one (median of the runs), so both
  sizes share the machine's state; linear is close to 1.

The in-memory ledger's figures (at 10^2 and 10^4) are in the detail. Most of the store's time
per edge is decoding rows (each public key is re-validated) and statements, not the algorithm;
the in-memory ledger is faster per edge but grows superlinearly (it rebuilds a tuple of derived
entry ids for every correction it derives), which is why it is not the headline.

**Court.** ``court_disputes_per_s``: disputes resolved per second through the whole pipeline
on a SQLite store: open an offer (escrow), file a claim (its bond), challenge, play the
bisection game on a 256-step SHA-256 chain, climb a three-level ladder (a quarter of the cases
have a corrupt first level, so they are appealed), apply the final ruling and collapse, each
step one durable transaction.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from _harness import Result
from oddsproof.arbitration import (
    BisectionVerification,
    CallbackArbiter,
    Court,
    CourtPolicy,
    Litigant,
    Panel,
    ReexecutionJudge,
    Resolution,
    Script,
    collapse,
    with_ladder,
)
from oddsproof.contracts import Case, Contract, Ladder, Level, Pay, Supplies, When
from oddsproof.games import (
    HonestChallenger,
    HonestSerialSolver,
    commit_trace,
    input_id,
    serial_claim,
)
from oddsproof.ledger import (
    EscrowLock,
    HoldingPass,
    Ledger,
    MemoryLedger,
    Mint,
    Payout,
    SqliteLedger,
    Stake,
    Transfer,
)
from oddsproof.testing import FakeStepSolver, LyingChallenger, hash_chain
from oddsproof.wire import Digest, Domain, Identity, Party, Signed

PAYER = Identity.from_seed("payer", b"\xa0" * 32).party
HOLDERS = tuple(Identity.from_seed(f"h{i}", bytes([0xB0 + i]) * 32).key for i in range(16))
CONTRACT = Digest(b"\xc1" * 32)
CLAIM = Digest(b"\xc2" * 32)


def _chain(ledger: Ledger, length: int) -> None:
    """One payout under ``CLAIM`` and ``length - 1`` passes of the whole holding, in one
    transaction."""
    with ledger.transaction():
        ledger.apply(Mint(PAYER.key, 1000, b"fund"))
        ledger.apply(EscrowLock(CONTRACT, (Stake(PAYER.key, 1000),), b"lock"))
        first = Transfer(PAYER, Party("h0", HOLDERS[0]), 1000, condition=CLAIM)
        pay = Payout(CONTRACT, first, b"p")
        ledger.apply(pay)
        record = ledger.holding_of(pay.id)
        assert record is not None
        holding, owner = record.id, HOLDERS[0]
        for i in range(1, length):
            to = HOLDERS[i % len(HOLDERS)]
            step = HoldingPass(holding, owner, to, 1000, None, i.to_bytes(4, "big"))
            ledger.apply(step)
            passed = ledger.holding_of(step.id)
            assert passed is not None
            holding, owner = passed.id, to


def _collapse_time(make: type[Ledger] | None, directory: Path, length: int) -> float:
    """Seconds to collapse a fresh chain of ``length`` after a failure at the root."""
    path = directory / f"chain-{length}-{time.monotonic_ns()}.db"
    ledger: Ledger = MemoryLedger() if make is None else SqliteLedger(path)
    with ledger:
        _chain(ledger, length)
        start = time.perf_counter()
        report = collapse(ledger, [Resolution(CLAIM, False)])
        elapsed = time.perf_counter() - start
        assert report.unwound == length
        assert ledger.totals().conserved
    path.unlink(missing_ok=True)
    return elapsed


def _per_edge(
    make: type[Ledger] | None, directory: Path, small: int, large: int, *, repeats: int
) -> tuple[float, float]:
    """Median per-edge time at ``small`` (runs before and after) and at ``large``."""
    before = [_collapse_time(make, directory, small) / small for _ in range(repeats)]
    big = _collapse_time(make, directory, large) / large
    after = [_collapse_time(make, directory, small) / small for _ in range(repeats)]
    return statistics.median(before + after), big


# --- the court -----------------------------------------------------------------------------------

DOMAIN = Domain("oddsproof-bench-court")
ALICE = Identity.from_seed("alice", b"\x01" * 32)
BOB = Identity.from_seed("bob", b"\x02" * 32)
JUDGES = tuple(Identity.from_seed(f"judge-{i}", bytes([0x60 + i]) * 32) for i in range(3))
JURORS = tuple(Identity.from_seed(f"juror-{i}", bytes([0x70 + i]) * 32) for i in range(3))
STEPS, INTERVAL, DATA = 256, 16, b"bench input"


def _court_rate(directory: Path, disputes: int) -> tuple[float, dict[str, object]]:
    chain = hash_chain(STEPS)
    honest = commit_trace(chain, DATA, INTERVAL)
    faked = FakeStepSolver.create(BOB, chain, DATA, INTERVAL, 101).trace
    truth: dict[Digest, bool] = {}
    ladder = Ladder(
        (
            Level(JUDGES[0].party, 0, 100, 20_000),
            Level(JUDGES[1].party, 10, 100, 20_000),
            Level(JUDGES[2].party, 50, 100, 20_000),
        ),
        delta=60,
    )
    members = [ReexecutionJudge(j, chain, data=DATA) for j in JURORS]
    judge = ReexecutionJudge(JUDGES[0], chain, data=DATA)
    corrupt = CallbackArbiter(JUDGES[0], lambda case: not truth[case.dispute.claim_id])
    rest = [Panel(JUDGES[1], members), ReexecutionJudge(JUDGES[2], chain, data=DATA)]
    policy = CourtPolicy(challenge_window=3_600, claim_bond=200)
    supplies = Supplies(BOB.party, chain.spec.id, input_id(DATA))
    outcomes = {True: 0, False: 0}
    with SqliteLedger(directory / "court.db") as ledger:
        for who in (ALICE, BOB):
            ledger.apply(Mint(who.key, 10_000_000, b"fund-" + who.name.encode()))
        honest_court = Court(ledger, DOMAIN, arbiters=[judge, *rest], policy=policy)
        bent_court = Court(ledger, DOMAIN, arbiters=[corrupt, *rest], policy=policy)
        start = time.perf_counter()
        for n in range(disputes):
            cheat, bent = n % 2 == 0, n % 4 >= 2
            court = bent_court if bent else honest_court
            terms = When((Case(supplies, Pay(ALICE.party, BOB.party, 300)),), 1 << 40)
            contract = Contract(
                (ALICE.party, BOB.party), terms, delta=60, nonce=n.to_bytes(16, "big")
            )
            contract = with_ladder(contract, ladder)
            court.open(Signed.create(contract, DOMAIN, ALICE), now=0)
            trace = faked if cheat else honest
            claim = serial_claim(trace, DATA, BOB, DOMAIN, offer=contract.id, now=10)
            truth[claim.body.id] = not cheat

            def solver(cheat: bool = cheat) -> HonestSerialSolver:
                if cheat:
                    return FakeStepSolver.create(BOB, chain, DATA, INTERVAL, 101)
                return HonestSerialSolver(BOB, trace=honest)

            def challenger(cheat: bool = cheat) -> HonestChallenger | LyingChallenger:
                if cheat:
                    return HonestChallenger(ALICE, trace=honest)
                return LyingChallenger(ALICE, choices=(1, 0))

            court.claim(contract.id, claim, now=10)
            script = Script(
                Litigant.honest(BOB),
                Litigant.honest(ALICE),
                20,
                BisectionVerification(solver, challenger, arity=4),
            )
            case = court.run(claim.body.id, script)
            assert case.outcome is (not cheat)
            outcomes[bool(case.outcome)] += 1
        elapsed = time.perf_counter() - start
        assert ledger.totals().conserved
    return disputes / elapsed, {
        "disputes": disputes,
        "seconds": round(elapsed, 2),
        "upheld": outcomes[True],
        "failed": outcomes[False],
        "appealed (corrupt first level)": disputes // 2,
    }


def run(quick: bool) -> list[Result]:
    large, small = (10_000, 100) if quick else (100_000, 1_000)
    with tempfile.TemporaryDirectory(prefix="oddsproof-bench-") as tmp:
        directory = Path(tmp)
        # The in-memory ledger rebuilds a tuple per derived entry (quadratic in the entries
        # one resolution derives), so it is measured at the quick sizes only.
        memory_small, memory_large = _per_edge(None, directory, 100, 10_000, repeats=3)
        store_small, store_large = _per_edge(SqliteLedger, directory, small, large, repeats=2)
        rate, court_detail = _court_rate(directory, 12 if quick else 40)
    detail = {
        "edges": large,
        "store_us_per_edge_small": round(store_small * 1e6, 1),
        "memory_us_per_edge_10^4": round(memory_large * 1e6, 1),
        "memory_growth_ratio_10^4/10^2": round(memory_large / memory_small, 3),
        "small": small,
    }
    return [
        Result("collapse_us_per_edge", store_large * 1e6, "µs", 1_000.0, "lower", detail),
        Result(
            "collapse_growth_ratio",
            store_large / store_small,
            "ratio",
            1.5,
            "lower",
            {"small": small, "large": large, **detail},
        ),
        Result("court_disputes_per_s", rate, "disputes/s", 10.0, "higher", court_detail),
    ]
