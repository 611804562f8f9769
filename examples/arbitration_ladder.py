"""A dispute climbing an arbitration ladder, then a dispute settled halfway.

Alice pays Bob 300 for a 1,024-step SHA-256 chain, conditionally on his claim; Bob passes 200
of it on to Charlie before anyone checks. Bob faked step 700. Alice challenges; the bisection
game pins the dispute to one step, but the level-0 judge is corrupt and upholds the claim.
Alice appeals (she lost, so she stakes twice the grown base); Bob matches; the panel re-runs
the step and fails the claim; Bob does not appeal again. The panel certifies its ruling as
final, Bob's stakes are forfeited (half burned, half to Alice), and the collapse unwinds what
Charlie held, reimbursing him from Bob's claim bond.

In the second story Bob is honest but Alice disputes anyway; in the middle of her appeal
both sign a settlement, which ends everything at once: every bond back, the payment plain.

Run: ``.venv/bin/python examples/arbitration_ladder.py``
"""

from __future__ import annotations

from oddsproof.arbitration import (
    BisectionVerification,
    CallbackArbiter,
    Court,
    CourtPolicy,
    LadderEvent,
    Litigant,
    Panel,
    ReexecutionJudge,
    Script,
    with_ladder,
)
from oddsproof.contracts import Case, Contract, Ladder, Level, Pay, Settlement, Supplies, When
from oddsproof.games import (
    HonestChallenger,
    HonestSerialSolver,
    commit_trace,
    input_id,
    serial_claim,
)
from oddsproof.ledger import HoldingPass, HoldingState, MemoryLedger, Mint
from oddsproof.testing import FakeStepSolver, LyingChallenger, hash_chain
from oddsproof.wire import Domain, Identity, Signed

DOMAIN = Domain("example-ladder")
ALICE = Identity.from_seed("alice", b"\x01" * 32)
BOB = Identity.from_seed("bob", b"\x02" * 32)
CHARLIE = Identity.from_seed("charlie", b"\x03" * 32)
JUDGE = Identity.from_seed("judge", b"\x10" * 32)
CLERK = Identity.from_seed("clerk", b"\x11" * 32)
SUPREME = Identity.from_seed("supreme", b"\x12" * 32)
JURORS = [Identity.from_seed(f"juror-{i}", bytes([0x20 + i]) * 32) for i in range(3)]
CHAIN, DATA, INTERVAL, FAKED = hash_chain(1024), b"alice's seed", 32, 700
HONEST = commit_trace(CHAIN, DATA, INTERVAL)
NAMES = {p.key: p.name for p in (ALICE, BOB, CHARLIE, JUDGE, CLERK, SUPREME)}

LADDER = Ladder(
    (
        Level(JUDGE.party, fee=0, bond=100, window=20_000),  # the re-execution judge
        Level(CLERK.party, fee=10, bond=100, window=20_000),  # a panel of three
        Level(SUPREME.party, fee=50, bond=100, window=20_000),  # final
    ),
    growth=(2, 1),  # the stake base doubles per appeal
    premium=(2, 1),  # the previous loser stakes twice the previous winner's
    burn=(1, 2),  # half of a forfeited bond burns
    delta=60,
)


def court(ledger: MemoryLedger, *, corrupt_judge: bool) -> Court:
    judge = ReexecutionJudge(JUDGE, CHAIN, data=DATA)
    first = CallbackArbiter(JUDGE, lambda _case: True) if corrupt_judge else judge
    panel = Panel(CLERK, [ReexecutionJudge(j, CHAIN, data=DATA) for j in JURORS])
    supreme = ReexecutionJudge(SUPREME, CHAIN, data=DATA)
    policy = CourtPolicy(challenge_window=3_600, claim_bond=200)
    return Court(ledger, DOMAIN, arbiters=[first, panel, supreme], policy=policy)


def offer(nonce: int) -> Contract:
    supplies = Supplies(BOB.party, CHAIN.spec.id, input_id(DATA))
    terms = When((Case(supplies, Pay(ALICE.party, BOB.party, 300)),), 1 << 40)
    contract = Contract((ALICE.party, BOB.party), terms, nonce=bytes([nonce]) * 16)
    return with_ladder(contract, LADDER)


def show(events: tuple[LadderEvent, ...]) -> None:
    for e in events:
        who = NAMES.get(e.who, "") if e.who is not None else (e.side.value if e.side else "")
        amount = f" {e.amount}" if e.amount else ""
        print(f"  t={e.at:<6} level {e.level}: {e.what} {who}{amount}".rstrip())


def balances(ledger: MemoryLedger) -> str:
    return ", ".join(f"{p.name} {ledger.balance(p.key)}" for p in (ALICE, BOB, CHARLIE))


def cheating_bob() -> None:
    print("Bob faked a step; the first judge is corrupt:")
    ledger = MemoryLedger()
    for who in (ALICE, BOB, CHARLIE):
        ledger.apply(Mint(who.key, 10_000, b"funds-" + who.name.encode()))
    c = court(ledger, corrupt_judge=True)
    contract = offer(1)
    c.open(Signed.create(contract, DOMAIN, ALICE), now=0)
    trace = FakeStepSolver.create(BOB, CHAIN, DATA, INTERVAL, FAKED).trace
    claim = serial_claim(trace, DATA, BOB, DOMAIN, offer=contract.id, now=10)
    c.claim(contract.id, claim, now=10)
    held = ledger.holdings(owner=BOB.key, state=HoldingState.LIVE)[0]
    ledger.apply(HoldingPass(held.id, BOB.key, CHARLIE.key, 200, None, b"bob-pays-charlie"))
    script = Script(
        Litigant.up_to(BOB, 1),  # Bob defends and matches, but gives up after losing level 1
        Litigant.honest(ALICE),
        20,
        BisectionVerification(
            lambda: FakeStepSolver.create(BOB, CHAIN, DATA, INTERVAL, FAKED),
            lambda: HonestChallenger(ALICE, trace=HONEST),
        ),
    )
    while (events := c.step(claim.body.id, script)) is not None:
        show(events)
    print(f"  balances: {balances(ledger)}; burned {ledger.totals().burned}")


def settled_halfway() -> None:
    print("Bob is honest, Alice disputes anyway, and they settle during her appeal:")
    ledger = MemoryLedger()
    for who in (ALICE, BOB, CHARLIE):
        ledger.apply(Mint(who.key, 10_000, b"funds-" + who.name.encode()))
    c = court(ledger, corrupt_judge=False)
    contract = offer(2)
    c.open(Signed.create(contract, DOMAIN, ALICE), now=0)
    claim = serial_claim(HONEST, DATA, BOB, DOMAIN, offer=contract.id, now=10)
    c.claim(contract.id, claim, now=10)
    script = Script(
        Litigant.honest(BOB),
        Litigant.honest(ALICE),
        20,
        BisectionVerification(
            lambda: HonestSerialSolver(BOB, trace=HONEST),
            lambda: LyingChallenger(ALICE, choices=(1, 0, 1)),
        ),
    )
    for _ in range(5):  # challenge, defence, the game, the judge's ruling, Alice's appeal
        events = c.step(claim.body.id, script)
        assert events is not None
        show(events)
    settlement = Signed.create(Settlement(contract.id, 1, ()), DOMAIN, ALICE, BOB)
    report = c.settle(settlement, now=30)
    print(f"  settled: {len(report.ended)} dispute ended, every bond released")
    print(f"  balances: {balances(ledger)}; the 300 is now plainly Bob's")


if __name__ == "__main__":
    cheating_bob()
    print()
    settled_halfway()
