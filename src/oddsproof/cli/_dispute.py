"""``oddsproof dispute``: run a scripted dispute from a scenario file and tell it step by step.

A scenario (JSON) names the parties and their balances, the arbiters (the re-execution judge,
panels with some corrupt members, corrupt or silent arbiters), the ladder, the contract (a
payment for a serial computation, and an optional bonus on a final ruling upholding the
claim), the claim (honest, or with a faked step), what is passed on downstream before anyone
challenges, the challenge, and how long the adversary keeps funding. The court runs it, on an
in-memory ledger or (``--db``) a SQLite store that a second run resumes. ``examples/dispute.json``
is a complete scenario; ``docs/arbitration.md`` documents every field.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

from oddsproof.arbitration import (
    Arbiter,
    BisectionVerification,
    CallbackArbiter,
    CaseFile,
    Court,
    CourtPolicy,
    Dispute,
    DisputeState,
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
    Ladder,
    Level,
    Pay,
    Seq,
    Supplies,
    Term,
    Verdict,
    When,
)
from oddsproof.errors import EncodingError, InvalidArgument, OddsproofError
from oddsproof.games import (
    BisectionPlayer,
    HonestChallenger,
    HonestSerialSolver,
    SerialComputation,
    commit_trace,
    input_id,
    serial_claim,
)
from oddsproof.ledger import (
    BondState,
    HoldingPass,
    HoldingState,
    Ledger,
    MemoryLedger,
    Mint,
    SqliteLedger,
)
from oddsproof.testing import FakeStepSolver, LyingChallenger, hash_chain, logistic_chain
from oddsproof.wire import Digest, Domain, Identity, Signed

from ._output import EXIT_OK, Output, add_json_flag

SEED_TAG = b"oddsproof/cli-dispute/"
MAX_SCENARIO = 1 << 20
OFFER_BY = 1 << 40


def register(sub: Any) -> None:
    """Add ``dispute`` to the subcommand table."""
    cmd = sub.add_parser(
        "dispute",
        help="run a scripted dispute (claim, challenge, game, ladder, collapse)",
        description=textwrap.fill(
            "Run the dispute a scenario file describes, through the whole court pipeline: the "
            "offer opens with its escrow, the claim is filed with its bond, value is passed on "
            "downstream, the challenge opens a dispute on the contract's ladder, the bisection "
            "game runs down to one step that the re-execution judge re-runs, appeals climb the "
            "ladder as the parties fund them, and the final ruling is collapsed onto the "
            "ledger. Prints every step, the rulings, the bonds and the final balances.",
            width=78,
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=textwrap.dedent(
            """\
            examples:
              oddsproof dispute examples/dispute.json
              oddsproof dispute examples/dispute.json --json
              oddsproof dispute examples/dispute.json --db court.db   # run it again: resumes

            exit status: 0 the dispute ran to its end, 2 a malformed scenario"""
        ),
    )
    cmd.add_argument("scenario", help="the scenario file (JSON)")
    cmd.add_argument("--db", metavar="PATH", help="keep the court in this SQLite store (resumable)")
    add_json_flag(cmd)
    cmd.set_defaults(handler=_dispute)


# --- reading the scenario ----------------------------------------------------------------------


def _field(
    obj: Any, key: str, kind: type | tuple[type, ...], where: str, default: Any = ...
) -> Any:
    if not isinstance(obj, dict):
        raise InvalidArgument(f"{where} must be an object")
    if key not in obj:
        if default is ...:
            raise InvalidArgument(f"{where} needs {key!r}")
        return default
    value = obj[key]
    if isinstance(value, bool) and kind is int:
        raise InvalidArgument(f"{where}.{key} must be an integer")
    if not isinstance(value, kind):
        name = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise InvalidArgument(f"{where}.{key} must be {name}, got {value!r}")
    return value


def _ratio(obj: Any, key: str, default: tuple[int, int]) -> tuple[int, int]:
    value = _field(obj, key, list, "ladder", list(default))
    if len(value) != 2 or not all(type(v) is int for v in value):
        raise InvalidArgument(f"ladder.{key} is [numerator, denominator]")
    return (value[0], value[1])


def identity(name: str) -> Identity:
    """The scenario's deterministic identity for ``name``."""
    return Identity.from_seed(name, hashlib.sha256(SEED_TAG + name.encode()).digest())


class Scenario:
    """A parsed scenario: everything built, nothing run."""

    def __init__(self, doc: Any) -> None:
        self.domain = Domain(_field(doc, "network", str, "scenario", "oddsproof-dispute"))
        parties = _field(doc, "parties", dict, "scenario")
        self.balances: dict[str, int] = {}
        for name, spec in parties.items():
            self.balances[name] = _field(spec, "balance", int, f"parties.{name}")
        self.people = {name: identity(name) for name in self.balances}
        contract = _field(doc, "contract", dict, "scenario")
        self.buyer = self._person(_field(contract, "buyer", str, "contract"))
        self.solver = self._person(_field(contract, "solver", str, "contract"))
        if self.buyer.key == self.solver.key:
            raise InvalidArgument("the buyer and the solver must differ")
        payment = _field(contract, "payment", int, "contract")
        bonus = _field(contract, "bonus", int, "contract", 0)
        computation = _field(doc, "computation", dict, "scenario")
        kind = _field(computation, "chain", str, "computation", "hash")
        steps = _field(computation, "steps", int, "computation")
        self.interval = _field(computation, "interval", int, "computation")
        self.data = _field(computation, "input", str, "computation", "input").encode()
        if kind not in ("hash", "logistic") or not 1 <= steps <= 1 << 20:
            raise InvalidArgument("computation.chain is hash or logistic, with 1 to 2**20 steps")
        if self.interval < 1 or steps % self.interval:
            raise InvalidArgument("computation.interval must divide computation.steps")
        self.chain: SerialComputation = (
            hash_chain(steps) if kind == "hash" else logistic_chain(steps)
        )
        claim = _field(doc, "claim", dict, "scenario")
        self.claim_at = _field(claim, "at", int, "claim", 10)
        faked = _field(claim, "faked_step", (int, type(None)), "claim", None)
        if faked is not None and not 0 <= faked < steps:
            raise InvalidArgument(f"claim.faked_step must lie in [0, {steps})")
        self.faked: int | None = faked
        self.truth = faked is None
        self.arbiters = self._arbiters(_field(doc, "arbiters", list, "scenario"))
        self.ladder = self._ladder(_field(doc, "ladder", dict, "scenario"))
        court = _field(doc, "court", dict, "scenario", {})
        self.policy = CourtPolicy(
            challenge_window=_field(court, "challenge_window", int, "court", 3600),
            claim_bond=_field(court, "claim_bond", int, "court", 0),
        )
        self.downstream = [
            (
                self._person(_field(d, "from", str, "downstream")),
                self._person(_field(d, "to", str, "downstream")),
                _field(d, "amount", int, "downstream"),
            )
            for d in _field(doc, "downstream", list, "scenario", [])
        ]
        challenge = _field(doc, "challenge", (dict, type(None)), "scenario", None)
        self.challenger = None
        self.challenge_at = None
        if challenge is not None:
            self.challenger = self._person(_field(challenge, "by", str, "challenge"))
            self.challenge_at = _field(challenge, "at", int, "challenge", self.claim_at)
        adversary = _field(doc, "adversary", dict, "scenario", {})
        self.adversary_until = _field(adversary, "funds_until_level", int, "adversary", 99)
        self.contract = self._contract(payment, bonus)

    def _person(self, name: str) -> Identity:
        if name not in self.people:
            raise InvalidArgument(f"{name!r} is not among the parties")
        return self.people[name]

    def _lie(self, _case: CaseFile) -> bool:
        return not self.truth

    def _arbiters(self, specs: list[Any]) -> dict[str, Arbiter]:
        out: dict[str, Arbiter] = {}
        for n, spec in enumerate(specs):
            where = f"arbiters[{n}]"
            name = _field(spec, "name", str, where)
            kind = _field(spec, "kind", str, where)
            me = identity(name)
            honest = ReexecutionJudge(me, self.chain, data=self.data)
            if kind == "judge":
                out[name] = honest
            elif kind == "corrupt":
                out[name] = CallbackArbiter(me, self._lie)
            elif kind == "silent":
                out[name] = CallbackArbiter(me, lambda _case: None)
            elif kind == "panel":
                size = _field(spec, "members", int, where)
                corrupt = _field(spec, "corrupt", int, where, 0)
                if not 0 <= corrupt <= size:
                    raise InvalidArgument(f"{where}.corrupt must lie in [0, members]")
                members: list[Arbiter] = []
                for i in range(size):
                    juror = identity(f"{name}/juror-{i}")
                    members.append(
                        CallbackArbiter(juror, self._lie)
                        if i < corrupt
                        else ReexecutionJudge(juror, self.chain, data=self.data)
                    )
                try:
                    out[name] = Panel(me, members)
                except OddsproofError as exc:
                    raise InvalidArgument(f"{where}: {exc}") from exc
            else:
                raise InvalidArgument(f"{where}.kind is judge, panel, corrupt or silent")
        return out

    def _ladder(self, spec: Any) -> Ladder:
        levels = []
        for n, level in enumerate(_field(spec, "levels", list, "ladder")):
            where = f"ladder.levels[{n}]"
            name = _field(level, "arbiter", str, where)
            if name not in self.arbiters:
                raise InvalidArgument(f"{where}.arbiter {name!r} is not among the arbiters")
            levels.append(
                Level(
                    self.arbiters[name].party,
                    _field(level, "fee", int, where, 0),
                    _field(level, "bond", int, where),
                    _field(level, "window", int, where),
                )
            )
        return Ladder(
            tuple(levels),
            growth=_ratio(spec, "growth", (2, 1)),
            premium=_ratio(spec, "premium", (2, 1)),
            burn=_ratio(spec, "burn", (1, 2)),
            delta=_field(spec, "delta", int, "ladder", 60),
        )

    def _contract(self, payment: int, bonus: int) -> Contract:
        supplies = Supplies(self.solver.party, self.chain.spec.id, input_id(self.data))
        then: Term = Pay(self.buyer.party, self.solver.party, payment)
        if bonus:
            verdict_by = OFFER_BY - 1_000_000
            paid = Case(Verdict(None, True), Pay(self.buyer.party, self.solver.party, bonus))
            then = Seq(then, When((paid,), verdict_by))
        contract = Contract(
            (self.buyer.party, self.solver.party),
            When((Case(supplies, then),), OFFER_BY),
            created=0,
            delta=self.ladder.delta,
            nonce=hashlib.sha256(SEED_TAG + b"nonce").digest()[:16],
        )
        return with_ladder(contract, self.ladder)

    def funding(self, who: Identity) -> Callable[[Dispute, DisputeState], bool]:
        """Whether ``who`` funds its turn: the honest side always does."""
        cheater = self.solver if not self.truth else self.challenger
        if cheater is not None and who.key == cheater.key:
            until = self.adversary_until
            return lambda _dispute, state: state.level < until
        return lambda _dispute, _state: True


def _load(path: str) -> Scenario:
    raw = Path(path).read_bytes()
    if len(raw) > MAX_SCENARIO:
        raise InvalidArgument(f"the scenario is larger than {MAX_SCENARIO} bytes")
    try:
        doc = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidArgument(f"the scenario is not JSON: {exc}") from exc
    try:
        return Scenario(doc)
    except EncodingError as exc:
        raise InvalidArgument(f"the scenario is inconsistent: {exc}") from exc


# --- running it ------------------------------------------------------------------------------


def _dispute(args: argparse.Namespace, out: Output) -> int:
    scenario = _load(args.scenario)
    ledger: Ledger = SqliteLedger(args.db) if args.db else MemoryLedger()
    with ledger:
        return _run(scenario, ledger, out)


def _run(s: Scenario, ledger: Ledger, out: Output) -> int:
    names = {who.key: name for name, who in s.people.items()}
    names.update({a.identity.key: name for name, a in s.arbiters.items()})
    steps: list[dict[str, Any]] = []

    def tell(now: int, level: int | None, what: str, **facts: Any) -> None:
        steps.append({"at": now, "level": level, "what": what, **facts})
        where = "" if level is None else f"level {level}: "
        detail = ", ".join(f"{k} {v}" for k, v in facts.items())
        out.text(f"  t={now:<7} {where}{what}{f' ({detail})' if detail else ''}")

    for name, who in s.people.items():
        if s.balances[name]:
            ledger.apply(Mint(who.key, s.balances[name], b"scenario-funds/" + name.encode()))
    court = Court(ledger, s.domain, arbiters=s.arbiters.values(), policy=s.policy)
    offer = Signed.create(s.contract, s.domain, s.buyer)
    out.text(f"contract {s.contract.id.hex()[:16]}: {len(s.ladder.levels)}-level ladder")
    court.open(offer, now=0)
    honest = commit_trace(s.chain, s.data, s.interval)
    if s.faked is None:
        trace = honest
    else:
        trace = FakeStepSolver.create(s.solver, s.chain, s.data, s.interval, s.faked).trace
    claim = serial_claim(trace, s.data, s.solver, s.domain, offer=s.contract.id, now=s.claim_at)
    fresh = ledger.head("court/case/" + claim.body.id.hex()) is None
    if fresh:  # the claim and what is passed on downstream: one transaction
        with ledger.transaction():
            court.claim(s.contract.id, claim, now=s.claim_at)
            _pass_on(s, ledger, names)
        what = "claim filed" + ("" if s.faked is None else f" (step {s.faked} faked)")
        tell(s.claim_at, None, what, by=names[s.solver.key], bond=s.policy.claim_bond)
        for giver, taker, amount in s.downstream:
            facts = {"from": names[giver.key], "to": names[taker.key], "amount": amount}
            tell(s.claim_at, None, "passed on, conditionally", **facts)
    script = _script(s, honest)
    while (events := court.step(claim.body.id, script)) is not None:
        for e in events:
            _tell_event(e, tell, names)
    return _report(s, court, claim.body.id, names=names, steps=steps, out=out)


def _pass_on(s: Scenario, ledger: Ledger, names: dict[Any, str]) -> None:
    for n, (giver, taker, amount) in enumerate(s.downstream):
        held = ledger.holdings(owner=giver.key, state=HoldingState.LIVE)
        if not held or held[0].amount < amount:
            raise InvalidArgument(f"downstream[{n}]: {names[giver.key]} holds too little")
        ref = b"scenario-pass/%d" % n
        ledger.apply(HoldingPass(held[0].id, giver.key, taker.key, amount, None, ref))


def _script(s: Scenario, honest: Any) -> Script:
    solver, challenger, chain, data, interval = s.solver, s.challenger, s.chain, s.data, s.interval
    faked = s.faked

    def make_solver() -> BisectionPlayer:
        if faked is None:
            return HonestSerialSolver(solver, trace=honest)
        return FakeStepSolver.create(solver, chain, data, interval, faked)

    def make_challenger() -> BisectionPlayer:
        assert challenger is not None
        if faked is None:
            return LyingChallenger(challenger, choices=(1, 0, 1))
        return HonestChallenger(challenger, trace=honest)

    return Script(
        Litigant(s.solver, s.funding(s.solver)),
        None if challenger is None else Litigant(challenger, s.funding(challenger)),
        s.challenge_at,
        BisectionVerification(make_solver, make_challenger),
    )


def _tell_event(e: LadderEvent, tell: Callable[..., None], names: dict[Any, str]) -> None:
    facts: dict[str, Any] = {}
    if e.side is not None:
        facts["side"] = e.side.value
    if e.who is not None:
        facts["who"] = names.get(e.who, e.who.hex()[:16])
    if e.amount:
        facts["amount"] = e.amount
    tell(e.at, e.level, e.what, **facts)


def _report(
    s: Scenario,
    court: Court,
    claim_id: Digest,
    *,
    names: dict[Any, str],
    steps: list[dict[str, Any]],
    out: Output,
) -> int:
    ledger = court.ledger
    rulings = []
    bonds = []
    case = court.case(claim_id)
    if case.dispute is not None:
        state = court.appeals.state(case.dispute)
        for ruling_id in state.rulings:
            body = court.appeals.ruling(ruling_id)
            rulings.append(
                {
                    "level": body.body.level,
                    "arbiter": names.get(body.signers[0], body.signers[0].hex()[:16]),
                    "upheld": body.body.upheld,
                    "final": body.body.final,
                    "issued": body.body.issued,
                    "id": ruling_id.hex(),
                }
            )
    for record in ledger.bonds():
        bonds.append(
            {
                "owner": names.get(record.owner, record.owner.hex()[:16]),
                "amount": record.amount,
                "state": record.state.value,
            }
        )
    totals = ledger.totals()
    balances = {
        names.get(key, key.hex()[:16]): amount
        for key, amount in sorted(ledger.balances().items(), key=lambda kv: kv[0].raw)
    }
    open_bonds = [b for b in ledger.bonds() if b.state is BondState.OPEN]
    out.text("rulings:")
    for r in rulings:
        final = " final" if r["final"] else ""
        verdict = "upheld" if r["upheld"] else "failed"
        out.text(f"  level {r['level']} {r['arbiter']}: {verdict}{final}")
    out.text("bonds:")
    for b in bonds:
        out.text(f"  {b['owner']:>10} {b['amount']:>8} {b['state']}")
    verdict = {True: "upheld", False: "failed", None: "undecided"}[case.outcome]
    out.text(f"outcome: the claim is {verdict} ({case.stage.value})")
    out.text("final balances:")
    for name, amount in balances.items():
        out.text(f"  {name:>10} {amount:>10}")
    out.text(f"burned {totals.burned}; conserved: {totals.conserved}")
    out.json(
        {
            "contract": s.contract.id.hex(),
            "claim": case.claim_id.hex(),
            "steps": steps,
            "rulings": rulings,
            "bonds": bonds,
            "outcome": case.outcome,
            "stage": case.stage.value,
            "balances": balances,
            "burned": totals.burned,
            "open_bonds": len(open_bonds),
            "conserved": totals.conserved,
        }
    )
    return EXIT_OK
