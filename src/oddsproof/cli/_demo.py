"""``oddsproof demo``: the whole story, told step by step with fixed keys.

Alice pays for work she does not redo; Bob works honestly, Mallory cheats, Charlie checks what
he is handed. One chapter per mechanism: the contract and its analysis, spot checks of parallel
work (a cheater caught with a fraud proof), the conditional payment and a third party's check
of the coin's chain, an odds bet settled by the spot check, serial work paid with lottery
tickets (a cheater slashed), a bisection dispute climbing the arbitration ladder past a corrupt
judge and collapsing the chain downstream, and a dispute ended halfway by a settlement.
"""

from __future__ import annotations

import argparse
import textwrap
from fractions import Fraction
from typing import Any

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
from oddsproof.contracts import (
    Case,
    Contract,
    Function,
    Ladder,
    Level,
    Pay,
    Runtime,
    Settlement,
    Supplies,
    When,
    analyze,
    check_chain,
    check_claim,
    roles,
    when,
)
from oddsproof.games import (
    HonestChallenger,
    HonestSerialSolver,
    HonestSolver,
    LocalBeacon,
    LotteryAccount,
    ParallelSolver,
    RedemptionOutcome,
    TicketIssuer,
    TicketReceiver,
    analytic_noise,
    certificate_ruling,
    check_fraud_proof,
    commit_trace,
    fund_account,
    input_id,
    nonce_challenge,
    post_worker_bond,
    redeem,
    serial_claim,
    spot_check,
)
from oddsproof.games.lowlevel import account_state
from oddsproof.ledger import (
    CoinMint,
    HoldingPass,
    HoldingState,
    Ledger,
    MemoryLedger,
    Mint,
    Transfer,
)
from oddsproof.testing import (
    FakeStepSolver,
    FakingSolver,
    LyingChallenger,
    TrainingChain,
    TrainingWorker,
    ZeroShortcutWorker,
    demo_scene,
    hash_chain,
    ray_tracer,
)
from oddsproof.wire import Digest, Domain, Identity, Signed

from ._output import EXIT_OK, Output, add_json_flag

DOMAIN = Domain("oddsproof-demo")
ALICE = Identity.from_seed("alice", b"\x01" * 32)
BOB = Identity.from_seed("bob", b"\x02" * 32)
CHARLIE = Identity.from_seed("charlie", b"\x03" * 32)
MALLORY = Identity.from_seed("mallory", b"\x04" * 32)
DAVE = Identity.from_seed("dave", b"\x05" * 32)
BEACON = Identity.from_seed("beacon", b"\xbe" * 32)
JUDGE = Identity.from_seed("judge", b"\x10" * 32)
CLERK = Identity.from_seed("clerk", b"\x11" * 32)
SUPREME = Identity.from_seed("supreme", b"\x12" * 32)
JURORS = tuple(Identity.from_seed(f"juror-{i}", bytes([0x20 + i]) * 32) for i in range(3))
PEOPLE = (ALICE, BOB, CHARLIE, MALLORY, DAVE, JUDGE, CLERK, SUPREME)
HOUR = 3_600


def register(sub: Any) -> None:
    """Add ``demo`` to the subcommand table."""
    demo = sub.add_parser(
        "demo",
        help="tell the whole story: contracts, spot checks, bets, lottery, disputes, collapse",
        description="Run the whole story with fixed keys and small workloads (a few seconds): "
        "Alice pays for work she does not redo, Bob works honestly, Mallory cheats, Charlie "
        "checks what he is handed. Every figure printed is computed by the library.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=textwrap.dedent(
            """\
            examples:
              oddsproof demo
              oddsproof demo --json | python -m json.tool"""
        ),
    )
    add_json_flag(demo)
    demo.set_defaults(handler=_demo)


class _Story:
    """Prints chapters and facts as text, and collects them for ``--json``."""

    def __init__(self, out: Output) -> None:
        self.out = out
        self.chapters: list[dict[str, Any]] = []

    def chapter(self, title: str) -> None:
        self.chapters.append({"chapter": title, "steps": []})
        self.out.text("")
        self.out.text(f"== {title}")

    def tell(self, line: str, **facts: Any) -> None:
        self.chapters[-1]["steps"].append({"says": line, **facts})
        self.out.text(f"  {line}")


def _names() -> dict[bytes, str]:
    return {p.key.raw: p.name for p in PEOPLE}


def _balances(ledger: Ledger, people: tuple[Identity, ...]) -> str:
    return ", ".join(f"{p.name} {ledger.balance(p.key)}" for p in people)


def _funded(people: tuple[Identity, ...], amount: int) -> MemoryLedger:
    ledger = MemoryLedger()
    for who in people:
        ledger.apply(Mint(who.key, amount, b"funds-" + who.name.encode()))
    return ledger


def _parallel(story: _Story, ledger: MemoryLedger) -> None:
    """Chapters 1-4: the offer, spot checks, the conditional payment, an odds bet."""
    scene = demo_scene(96, 64, samples=2, bounces=1)
    data, ray = scene.to_bytes(), ray_tracer(scene)
    F = Function(ray.spec)
    Alice, Bob, Charlie = roles(ALICE, BOB, CHARLIE)
    X = input_id(data)

    story.chapter("1. Alice offers coin3423 for a rendering")
    offer = Alice.offers(
        when(Bob.supplies(F(X)), by=HOUR).then(Alice.sends("coin3423", to=Bob)),
        nonce=b"\x01" * 16,
    )
    report = analyze(offer)
    story.tell(
        "Alice -> { if (Bob -> { this, #Y } : Y = F(X)) then Alice -> { send(coin3423, Bob) } }",
        offer=offer.id.hex(),
    )
    story.tell(
        f"analysis: {'sound' if report.sound else 'UNSOUND'} over {len(report.paths)} paths;"
        " Alice escrows coin3423 as she signs",
        sound=report.sound,
    )
    signed_offer = Alice.sign(offer, DOMAIN)
    ledger.apply(CoinMint("coin3423", ALICE.key, 500, b"coin3423"))
    runtime = Runtime(ledger, DOMAIN)
    runtime.open(signed_offer, now=0)

    story.chapter("2. Parallel work, checked at a few random pixels")
    k_total = 0
    claims: dict[str, Any] = {}
    for name, solver in (
        ("bob", HonestSolver(BOB, ray, data, domain=DOMAIN)),
        ("mallory", FakingSolver(MALLORY, ray, data, domain=DOMAIN, fraction=0.05, seed=3)),
    ):
        outcome = _spot_check(solver, signed_offer.id, ray, data)
        cert = outcome.certificate.body
        k_total = cert.challenge.k
        claims[name] = (solver, outcome)
        story.tell(
            f"{name} commits to {ray.size} pixels and claims Y; Charlie draws k = "
            f"{cert.challenge.k} pixels after the commitment and re-renders them: "
            f"{cert.outcome.value}",
            solver=name,
            k=cert.challenge.k,
            outcome=cert.outcome.value,
        )
    _, caught = claims["mallory"]
    assert caught.fraud_proof is not None
    check_fraud_proof(caught.fraud_proof, ray, data, domain=DOMAIN)
    story.tell(
        f"Dave checks Mallory's fraud proof by rendering pixel {caught.fraud_proof.piece}"
        f" alone: fraud confirmed ({len(caught.fraud_proof.encoded)} bytes of evidence)",
        fraud_proof_bytes=len(caught.fraud_proof.encoded),
    )
    story.tell(
        f"cost of the check: {k_total} of {ray.size} pixels "
        f"({k_total / ray.size:.1%} of the work here; 0.2% at a million pixels)"
    )

    story.chapter("3. Bob is paid, conditionally; Charlie checks the coin's chain")
    bob_solver, bob_check = claims["bob"]
    step = runtime.submit(signed_offer.id, bob_solver.claim, now=120)
    (transfer,) = step.transfers
    story.tell(
        f"the contract pays coin3423 to bob, held on condition of claim "
        f"{bob_solver.claim.id.hex()[:12]}…",
        conditional=transfer.condition is not None,
    )
    passed = Bob.sign(
        Transfer(Bob.party, Charlie.party, 0, "coin3423", bob_solver.claim.id), DOMAIN
    )
    check_claim(bob_solver.claim, signed_offer, DOMAIN, now=120)
    chain = check_chain(signed_offer, bob_solver.claim, [passed], DOMAIN, coin="coin3423", now=120)
    story.tell(
        f"Bob passes the coin on; Charlie verifies offer → claim → transfer without rendering"
        f" anything: the coin is {chain.holder.name}'s, still conditional on Bob's claim",
        holder=chain.holder.name,
    )

    story.chapter("4. Every payment can be a bet: Bob bets 100 to Alice's 1")
    statement = F(X).equals(bob_solver.claim.body.output)
    bet = Bob.offers(
        Bob.bets(100, to=1, against=Alice, that=statement, by=2 * HOUR),
        arbiters=[Charlie],
        nonce=b"\x04" * 16,
    )
    runtime.open(Alice.cosign(Bob.sign(bet, DOMAIN)), now=200)
    ruling = certificate_ruling(bob_check.certificate, CHARLIE, contract=bet.id, final=True)
    before = ledger.balance(BOB.key)
    runtime.submit(bet.id, ruling, now=300)
    story.tell(
        f"both stakes escrowed; Charlie's spot-check certificate becomes a final ruling:"
        f" upheld = {ruling.body.upheld}; Bob gets his 100 back and Alice's 1"
        f" ({ledger.balance(BOB.key) - before:+d} for Bob)",
        upheld=ruling.body.upheld,
    )


def _spot_check(solver: ParallelSolver, offer: Digest, ray: Any, data: bytes) -> Any:
    claim = solver.solve(offer=offer, now=60)
    challenge = nonce_challenge(
        claim, epsilon=Fraction(1, 10**9), fraud_fraction=Fraction(1, 100), nonce=b"\x0c" * 32
    )
    return spot_check(
        claim,
        solver.commitment,
        challenge,
        solver.respond(challenge),
        computation=ray,
        data=data,
        verifier=CHARLIE,
        domain=DOMAIN,
        now=90,
    )


def _lottery(story: _Story) -> MemoryLedger:
    """Chapter 5: serial work paid step by step with lottery tickets."""
    story.chapter("5. Serial work paid with lottery tickets; only winning steps are re-run")
    steps, size, batch, face, probability, bond = 512, 32, 64, 500, Fraction(1, 25), 5_000
    noise = analytic_noise(quantum=2**-7, gain=1.5, signal=0.6, fraction=0.1)
    chain = TrainingChain(
        steps, first_seed=Digest(b"\xa0" * 32), noise_magnitude=noise, size=size, gain=1.5
    )
    ledger = MemoryLedger()
    beacon = LocalBeacon(BEACON, genesis=0, period=30)
    account = LotteryAccount(
        ALICE.party, beacon.spec, margin=2, unlock_period=86_400, nonce=b"\x05" * 16
    )
    ledger.apply(Mint(ALICE.key, 1_000_000, b"alice"))
    fund_account(ledger, account, deposit=500_000, penalty=50_000, ref=b"job")
    issuer = TicketIssuer(
        ALICE,
        account,
        DOMAIN,
        face_value=face,
        probability=probability,
        window=HOUR,
        job=chain.job,
        seeds=chain.seeds,
    )
    story.tell(
        f"Alice's chain Y[i+1] = q(tanh(W·(Y[i] + noise(a_i)))) runs {steps} steps on a"
        f" {size}×{size} state; each step earns a ticket worth {face} with p = {probability}"
    )
    workers: tuple[tuple[Identity, Any], ...] = (
        (BOB, TrainingWorker(chain, b"dataset")),
        (MALLORY, ZeroShortcutWorker(chain, b"dataset", start=200)),
    )
    for identity, worker in workers:
        ledger.apply(Mint(identity.key, bond, b"bond-" + identity.name.encode()))
        post_worker_bond(ledger, identity, chain.job, bond, ref=identity.name.encode())
        receiver = TicketReceiver(
            identity, account, DOMAIN, face_value=face, probability=probability
        )
        now, tickets, winners, paid, slashed = 1, 0, 0, 0, 0
        caught: int | None = None
        while worker.index < steps and caught is None:
            committed = worker.commit(batch)
            backing = account_state(ledger, account)
            bundle = issuer.issue(identity.party, committed, now=now)
            receiver.accept(bundle, now=now, deposit=backing.deposit, unlocking=backing.unlocking)
            tickets += len(committed)
            now = beacon.time_of(bundle.tickets[0].round)
            for winner in receiver.winners(beacon, now=now):
                winners += 1
                result = redeem(
                    ledger,
                    winner,
                    account=account,
                    beacon=beacon,
                    domain=DOMAIN,
                    now=now,
                    computation=chain.computation,
                    state=worker.opening(winner.ticket.step),
                    seeds=chain.seeds,
                )
                paid, slashed = paid + result.paid, slashed + result.slashed
                if result.outcome is RedemptionOutcome.VOIDED:
                    caught = winner.ticket.step.index
                    break
            worker.forget(worker.index)
            now += 1
        verdict = (
            f"caught at step {caught}: the winning ticket's step does not re-run, bond slashed"
            if caught is not None
            else "every winning step re-ran correctly"
        )
        story.tell(
            f"{identity.name}: {tickets} tickets, {winners} winners re-run, paid {paid},"
            f" slashed {slashed}; {verdict}",
            worker=identity.name,
            tickets=tickets,
            winners=winners,
            paid=paid,
            slashed=slashed,
        )
    return ledger


def _ladder_court(ledger: MemoryLedger, *, corrupt_judge: bool, chain: Any, data: bytes) -> Court:
    judge = ReexecutionJudge(JUDGE, chain, data=data)
    first = CallbackArbiter(JUDGE, lambda _case: True) if corrupt_judge else judge
    panel = Panel(CLERK, [ReexecutionJudge(j, chain, data=data) for j in JURORS])
    supreme = ReexecutionJudge(SUPREME, chain, data=data)
    policy = CourtPolicy(challenge_window=HOUR, claim_bond=200)
    return Court(ledger, DOMAIN, arbiters=[first, panel, supreme], policy=policy)


LADDER = Ladder(
    (
        Level(JUDGE.party, fee=0, bond=100, window=20_000),
        Level(CLERK.party, fee=10, bond=100, window=20_000),
        Level(SUPREME.party, fee=50, bond=100, window=20_000),
    ),
    growth=(2, 1),
    premium=(2, 1),
    burn=(1, 2),
    delta=60,
)


def _serial_offer(chain: Any, data: bytes, nonce: int) -> Contract:
    supplies = Supplies(BOB.party, chain.spec.id, input_id(data))
    terms = When((Case(supplies, Pay(ALICE.party, BOB.party, 300)),), 1 << 40)
    return with_ladder(Contract((ALICE.party, BOB.party), terms, nonce=bytes([nonce]) * 16), LADDER)


def _events(story: _Story, events: tuple[LadderEvent, ...]) -> None:
    names = _names()
    for e in events:
        who = names.get(e.who.raw, "") if e.who is not None else (e.side.value if e.side else "")
        amount = f" {e.amount}" if e.amount else ""
        story.tell(f"t={e.at:<6} level {e.level}: {e.what} {who}{amount}".rstrip())


def _disputes(story: _Story) -> tuple[MemoryLedger, MemoryLedger]:
    """Chapters 6-7: bisection up the ladder with collapse; a settlement halfway."""
    chain, data, interval, faked = hash_chain(1024), b"alice's seed", 32, 700
    honest = commit_trace(chain, data, interval)

    story.chapter("6. Bob fakes one step of a chain; the first judge is corrupt")
    ledger = _funded((ALICE, BOB, CHARLIE), 10_000)
    court = _ladder_court(ledger, corrupt_judge=True, chain=chain, data=data)
    contract = _serial_offer(chain, data, 1)
    court.open(Signed.create(contract, DOMAIN, ALICE), now=0)
    trace = FakeStepSolver.create(BOB, chain, data, interval, faked).trace
    claim = serial_claim(trace, data, BOB, DOMAIN, offer=contract.id, now=10)
    court.claim(contract.id, claim, now=10)
    held = ledger.holdings(owner=BOB.key, state=HoldingState.LIVE)[0]
    ledger.apply(HoldingPass(held.id, BOB.key, CHARLIE.key, 200, None, b"bob-pays-charlie"))
    story.tell(
        "Alice pays 300 on Bob's claim; Bob passes 200 of it to Charlie before anyone checks;"
        " Alice challenges, the bisection game pins one step, and the ladder runs:"
    )
    script = Script(
        Litigant.up_to(BOB, 1),
        Litigant.honest(ALICE),
        20,
        BisectionVerification(
            lambda: FakeStepSolver.create(BOB, chain, data, interval, faked),
            lambda: HonestChallenger(ALICE, trace=honest),
        ),
    )
    while (events := court.step(claim.body.id, script)) is not None:
        _events(story, events)
    story.tell(
        f"the claim failed for good: what Charlie held was unwound and he was reimbursed from"
        f" Bob's forfeited bonds; balances {_balances(ledger, (ALICE, BOB, CHARLIE))};"
        f" burned {ledger.totals().burned}",
        burned=ledger.totals().burned,
    )

    story.chapter("7. Bob is honest, Alice disputes anyway; they settle during the appeal")
    settled = _funded((ALICE, BOB, CHARLIE), 10_000)
    court = _ladder_court(settled, corrupt_judge=False, chain=chain, data=data)
    contract = _serial_offer(chain, data, 2)
    court.open(Signed.create(contract, DOMAIN, ALICE), now=0)
    claim = serial_claim(honest, data, BOB, DOMAIN, offer=contract.id, now=10)
    court.claim(contract.id, claim, now=10)
    script = Script(
        Litigant.honest(BOB),
        Litigant.honest(ALICE),
        20,
        BisectionVerification(
            lambda: HonestSerialSolver(BOB, trace=honest),
            lambda: LyingChallenger(ALICE, choices=(1, 0, 1)),
        ),
    )
    for _ in range(5):
        events = court.step(claim.body.id, script)
        if events is None:
            break
        _events(story, events)
    report = court.settle(Signed.create(Settlement(contract.id, 1, ()), DOMAIN, ALICE, BOB), now=30)
    story.tell(
        f"both sign a settlement: {len(report.ended)} dispute ended at once, every bond back,"
        f" the 300 plainly Bob's; balances {_balances(settled, (ALICE, BOB, CHARLIE))}"
    )
    return ledger, settled


def _demo(_args: argparse.Namespace, out: Output) -> int:
    story = _Story(out)
    out.text("oddsproof: paying for computation without trusting the worker or redoing the work")
    market = _funded((ALICE, BOB, CHARLIE), 10_000)
    _parallel(story, market)
    lottery = _lottery(story)
    disputed, settled = _disputes(story)
    story.chapter("8. The books balance")
    checks: dict[str, bool] = {}
    ledgers = (
        ("market", market),
        ("lottery", lottery),
        ("dispute", disputed),
        ("settlement", settled),
    )
    for name, ledger in ledgers:
        totals = ledger.totals()
        checks[name] = totals.conserved
        story.tell(
            f"{name} ledger: minted {totals.minted} = balances + escrow + bonds + burned:"
            f" {totals.conserved}",
            conserved=totals.conserved,
        )
    out.json({"chapters": story.chapters, "conserved": checks})
    return EXIT_OK
