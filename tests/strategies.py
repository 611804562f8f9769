"""Hypothesis strategies for every object kind; every feature extends this one module.

The general-purpose strategies (parties, ids, claims, contracts, tickets, bets, ladders, proofs)
live in the public ``oddsproof.strategies``; this module names them as the tests use them and
adds what only the tests need (fixtures, worlds, strategies tied to test helpers). Identities
come from a small pool of fixed seeds so that examples stay fast and shrink to readable names.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st

import oddsproof.strategies as public
from oddsproof.contracts import (
    Agreed,
    Allocation,
    BeaconRound,
    Bet,
    Both,
    Case,
    Claim,
    Close,
    Computation,
    Condition,
    Contract,
    Pay,
    Ruling,
    Send,
    Seq,
    Settlement,
    Shape,
    Statement,
    Supplies,
    Term,
    TraceCommitment,
    Verdict,
    When,
    lottery,
)
from oddsproof.ledger import Transfer
from oddsproof.strategies import distinct_parties, settlements, trace_commitments, transfers
from oddsproof.strategies._values import beacon_round
from oddsproof.wire import INT_LIMIT, Canonical, Digest, Domain, Identity, Party, Signed

IDENTITIES = public.IDENTITIES
BEACON = public.BEACON_IDENTITY

identities = public.identities()
parties = public.parties()
digests = public.digests()
amounts = public.amounts()
positive_amounts = public.amounts(min_value=1)
small_amounts = st.integers(min_value=1, max_value=10_000)
times = public.times()
domains = public.domains()
coin_ids = public.coin_ids()
computations = public.computations()
statements = public.statements()
claims = public.claims()
rulings = public.rulings()


def beacon_rounds(beacon: Identity = BEACON) -> st.SearchStrategy[BeaconRound]:
    """Genuine rounds of a signing beacon."""
    return st.integers(min_value=0, max_value=2**32).map(lambda r: beacon_round(r, beacon))


conditions: st.SearchStrategy[Condition] = public.conditions()
_bets = public.bets
terms: st.SearchStrategy[Term] = public.terms()
"""Terms that encode; not necessarily well-formed contracts (see the contracts' analysis)."""
contracts = public.contracts(well_formed=None)

unsigned_objects: st.SearchStrategy[Canonical] = st.one_of(
    parties,
    domains,
    computations,
    statements,
    trace_commitments(),
    claims,
    rulings,
    beacon_rounds(),
    settlements(),
    conditions,
    terms,
    contracts,
    transfers(),
)


@st.composite
def signed_objects(draw: st.DrawFn) -> Signed[Canonical]:
    """An object signed by one to three of the fixed identities, in some domain."""
    body = draw(unsigned_objects)
    signers = draw(st.lists(identities, min_size=1, max_size=3, unique_by=lambda i: i.name))
    return Signed.create(body, draw(domains), *signers)


canonical_objects: st.SearchStrategy[Canonical] = unsigned_objects | signed_objects()
"""Every registered kind, signed or not."""


# --- foundation tests ---

from oddsproof.contracts import Lottery  # noqa: E402 - kept with the section using them
from oddsproof.wire import Signature  # noqa: E402

signatures = st.builds(
    Signature,
    signer=identities.map(lambda i: i.key),
    sig=st.binary(min_size=64, max_size=64),
)
"""Signature objects with arbitrary (not necessarily valid) signature bytes."""
allocations = st.builds(
    Allocation,
    party=parties,
    amount=amounts,
    coins=st.lists(coin_ids, max_size=3).map(tuple),
)
cases = st.builds(Case, condition=conditions, then=terms)
_when_terms = st.builds(
    When, cases=st.lists(cases, min_size=1, max_size=3).map(tuple), deadline=times, otherwise=terms
)

objects_by_kind: dict[type[Canonical], st.SearchStrategy[Canonical]] = {
    Party: parties,
    Domain: domains,
    Signature: signatures,
    Signed: signed_objects(),
    Computation: computations,
    Statement: statements,
    TraceCommitment: trace_commitments(),
    Claim: claims,
    Ruling: rulings,
    BeaconRound: beacon_rounds(),
    Allocation: allocations,
    Settlement: settlements(),
    Pay: st.builds(Pay, payer=parties, payee=parties, amount=positive_amounts),
    Send: st.builds(Send, coin=coin_ids, owner=parties, to=parties),
    Close: st.just(Close()),
    Case: cases,
    When: _when_terms,
    Both: st.builds(Both, left=terms, right=terms),
    Seq: st.builds(Seq, first=terms, then=terms),
    Bet: _bets(),
    Supplies: st.builds(Supplies, party=parties, computation=digests, input=digests),
    Verdict: st.builds(Verdict, statement=st.none() | digests, upheld=st.booleans()),
    Lottery: st.builds(
        lottery,
        st.integers(0, INT_LIMIT - 1),
        st.fractions(min_value=0, max_value=1, max_denominator=10**6),
    ),
    Agreed: distinct_parties(min_size=1, max_size=4).map(Agreed),
    Contract: contracts,
    Transfer: transfers(),
}
"""One strategy per registered kind (keyed by class): a new kind adds its line here, and
``tests/contracts/test_encoding.py`` fails for a registered kind that has none."""


# --- ledger ---

import attrs  # noqa: E402 - kept with the section using it

from oddsproof.errors import EncodingError  # noqa: E402
from oddsproof.ledger import (  # noqa: E402 - kept with the section using them
    BondForfeit,
    BondPost,
    BondRelease,
    BondState,
    Burn,
    CoinMint,
    CoinMove,
    Correction,
    Entry,
    EscrowLock,
    Holding,
    HoldingPass,
    HoldingState,
    Ledger,
    Mint,
    Move,
    Payout,
    Refund,
    ResolveCondition,
    Stake,
)
from oddsproof.wire import PublicKey  # noqa: E402

keys = identities.map(lambda i: i.key)
refs = st.binary(min_size=1, max_size=8)
reasons = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=40
)


@st.composite
def stakes(draw: st.DrawFn, party: PublicKey | None = None) -> Stake:
    coins = tuple(sorted(set(draw(st.lists(coin_ids, max_size=3)))))
    amount = draw(amounts if coins else positive_amounts)
    return Stake(draw(keys) if party is None else party, amount, coins)


@st.composite
def escrow_locks(draw: st.DrawFn) -> EscrowLock:
    people = sorted(
        draw(st.lists(keys, min_size=1, max_size=4, unique_by=lambda k: k.raw)),
        key=lambda k: k.raw,
    )
    used: set[str] = set()
    parts = []
    for party in people:
        stake = draw(stakes(party))
        coins = tuple(c for c in stake.coins if c not in used)
        used.update(coins)
        parts.append(Stake(party, stake.amount or 1, coins))
    return EscrowLock(draw(digests), tuple(parts), draw(refs))


@st.composite
def bond_forfeits(draw: st.DrawFn) -> BondForfeit:
    reimburse = draw(st.integers(0, 10**9))
    to = draw(keys) if reimburse else None
    return BondForfeit(draw(digests), draw(positive_amounts), reimburse, to, draw(refs))


@st.composite
def holdings(draw: st.DrawFn) -> Holding:
    conditions = tuple(sorted(set(draw(st.lists(digests, min_size=1, max_size=4)))))
    coin = draw(st.none() | coin_ids)
    common = (draw(digests), draw(keys), draw(amounts), coin, conditions)
    if draw(st.booleans()):
        return Holding(*common, draw(digests), draw(keys), None, 0)
    return Holding(*common, None, None, draw(digests), draw(st.integers(1, 64)))


ledger_objects_by_kind: dict[type[Canonical], st.SearchStrategy[Canonical]] = {
    Mint: st.builds(Mint, to=keys, amount=positive_amounts, ref=refs),
    Burn: st.builds(Burn, owner=keys, amount=positive_amounts, ref=refs),
    Move: st.builds(Move, payer=keys, payee=keys, amount=positive_amounts, ref=refs),
    CoinMint: st.builds(CoinMint, coin=coin_ids, owner=keys, amount=amounts, ref=refs),
    CoinMove: st.builds(CoinMove, coin=coin_ids, owner=keys, to=keys, ref=refs),
    Stake: stakes(),
    EscrowLock: escrow_locks(),
    Payout: st.builds(Payout, contract=digests, transfer=transfers(), ref=refs),
    Refund: st.builds(Refund, contract=digests, ref=refs),
    BondPost: st.builds(BondPost, owner=keys, amount=positive_amounts, subject=digests, ref=refs),
    BondRelease: st.builds(BondRelease, bond=digests, ref=refs),
    BondForfeit: bond_forfeits(),
    HoldingPass: st.builds(
        HoldingPass,
        holding=digests,
        owner=keys,
        to=keys,
        amount=amounts,
        condition=st.none() | digests,
        ref=refs,
    ),
    ResolveCondition: st.builds(ResolveCondition, claim=digests, upheld=st.booleans(), ref=refs),
    Correction: st.builds(Correction, corrects=digests, reason=reasons, ref=refs),
    Holding: holdings(),
}
objects_by_kind.update(ledger_objects_by_kind)
ledger_entries: st.SearchStrategy[Entry] = st.one_of(
    *(s for cls, s in ledger_objects_by_kind.items() if issubclass(cls, Entry))
)
"""Any journal entry, not necessarily one that applies to a given ledger."""

# Random workloads: a LedgerOp names an operation and small indices; entry_for turns it into an
# entry that usually applies to the ledger's present state (and sometimes deliberately not), so
# that random sequences exercise every entry kind instead of failing at once.

LEDGER_PARTIES = tuple(i.party for i in IDENTITIES[:4])
LEDGER_CONTRACTS = tuple(Digest(bytes([0xC0 + i]) * 32) for i in range(3))
LEDGER_CLAIMS = tuple(Digest(bytes([0xA0 + i]) * 32) for i in range(3))
LEDGER_COINS = ("c0", "c1", "c2")
_PARTY_OF = {p.key: p for p in LEDGER_PARTIES}

LEDGER_OP_KINDS = (
    *("mint", "mint", "lock", "lock", "payout", "payout", "payout", "pass", "pass"),
    *("burn", "move", "coin-mint", "coin-move", "refund", "bond-post", "bond-release"),
    *("bond-forfeit", "resolve", "correct", "replay"),
)


@attrs.frozen
class LedgerOp:
    """One step of a random ledger workload, resolved by :func:`entry_for`."""

    kind: str
    x: int
    y: int
    z: int
    amount: int
    flag: bool


ledger_amounts = st.integers(1, 60) | st.sampled_from([INT_LIMIT - 1, 1 << 62, 7, 1])
ledger_ops = st.builds(
    LedgerOp,
    kind=st.sampled_from(LEDGER_OP_KINDS),
    x=st.integers(0, 11),
    y=st.integers(0, 11),
    z=st.integers(0, 11),
    amount=ledger_amounts,
    flag=st.booleans(),
)


def entry_for(
    op: LedgerOp, ledger: Ledger, ref: bytes, claims: tuple[Digest, ...] = LEDGER_CLAIMS
) -> Entry | None:
    """The entry ``op`` stands for in ``ledger``'s present state (``None`` if there is none).

    A claim resolves once, so long workloads pass fresh ``claims`` from time to time.
    """
    try:
        return _entry_for(op, ledger, ref, claims)
    except EncodingError:
        return None


def _entry_for(
    op: LedgerOp, ledger: Ledger, ref: bytes, claims: tuple[Digest, ...]
) -> Entry | None:
    n = len(LEDGER_PARTIES)
    px, py, pz = (LEDGER_PARTIES[i % n] for i in (op.x, op.y, op.z))
    contract = LEDGER_CONTRACTS[op.x % 3]
    claim = claims[op.z % len(claims)]
    coin = LEDGER_COINS[op.y % 3]
    kind = op.kind
    if kind == "mint":
        return Mint(px.key, op.amount, ref)
    if kind == "burn":
        return Burn(px.key, op.amount, ref)
    if kind == "move":
        return Move(px.key, py.key, op.amount, ref)
    if kind == "coin-mint":
        return CoinMint(coin, px.key, op.amount % 100, ref)
    if kind == "coin-move":
        record = ledger.coin(coin)
        owner = record.owner if record is not None and op.flag else px.key
        return CoinMove(coin, owner, pz.key, ref)
    if kind == "lock":
        parts = []
        for i, party in enumerate(sorted({px.key, py.key}, key=lambda k: k.raw)):
            amount = op.amount if i == 0 else op.amount // 2
            held = ledger.coins(owner=party) if op.flag else ()
            owned = tuple(c.coin for c in held if c.plain)
            if amount or owned:
                parts.append(Stake(party, amount, owned))
        return EscrowLock(contract, tuple(parts), ref)
    if kind == "payout":
        condition = claim if op.flag else None
        escrowed_coins = ledger.coins(contract=contract)
        if escrowed_coins and op.z % 2:
            record = escrowed_coins[op.y % len(escrowed_coins)]
            value = record.amount if op.x % 2 else 0
            transfer = Transfer(_PARTY_OF[record.owner], pz, value, record.coin, condition)
            return Payout(contract, transfer, ref)
        rows = sorted(ledger.escrows(contract).items(), key=lambda kv: kv[0][1].raw)
        payer, amount = px.key, op.amount
        if rows:
            (_, payer), have = rows[op.y % len(rows)]
            amount = min(op.amount, have) if op.x % 4 else op.amount
        return Payout(contract, Transfer(_PARTY_OF[payer], pz, amount, None, condition), ref)
    if kind == "refund":
        return Refund(contract, ref)
    if kind == "bond-post":
        return BondPost(px.key, op.amount, claim, ref)
    if kind in ("bond-release", "bond-forfeit"):
        bonds = ledger.bonds(state=BondState.OPEN) if op.flag else ledger.bonds()
        if not bonds:
            return None
        bond = bonds[op.y % len(bonds)]
        if kind == "bond-release":
            return BondRelease(bond.id, ref)
        burn = max(1, bond.amount * (op.x % 4 + 1) // 4)
        reimburse = bond.amount - burn
        to = next(p.key for p in (pz, px, py, *LEDGER_PARTIES) if p.key != bond.owner)
        return BondForfeit(bond.id, burn, reimburse, to if reimburse else None, ref)
    if kind == "pass":
        live = ledger.holdings(state=HoldingState.LIVE)
        if not live:
            return None
        held = live[op.y % len(live)]
        amount = held.amount
        if held.holding.coin is None and op.x % 5:
            amount = max(1, min(op.amount, held.amount))
        condition = claims[op.x % len(claims)] if op.flag else None
        return HoldingPass(held.id, held.owner, pz.key, amount, condition, ref)
    if kind == "resolve":
        return ResolveCondition(claim, op.flag, ref)
    journal = list(ledger.journal())
    if not journal:
        return None
    record = journal[-1 - op.y % len(journal)]
    if kind == "replay":
        return record.entry
    return Correction(record.id, "mistaken entry", ref)


# --- semantics ---

from oddsproof.contracts import (  # noqa: E402 - kept with the section using them
    Caution,
    CheckReason,
    Claimed,
    ContractState,
    Evidence,
    Step,
    StepWarning,
)
from oddsproof.strategies._values import Vocabulary, well_formed_contract  # noqa: E402 - kept with the section using them
from oddsproof.wire import tagged_hash  # noqa: E402

SEMANTICS_DOMAIN = Domain("oddsproof-test")
ARBITERS = IDENTITIES[4:6]
"""erin and frank sit on the ladder of the generated contracts; alice to dave are parties."""
COMPUTATION_IDS = tuple(tagged_hash("test/computation", bytes([i])) for i in range(2))
INPUT_IDS = tuple(tagged_hash("test/input", bytes([i])) for i in range(2))
OUTPUT_IDS = tuple(tagged_hash("test/output", bytes([i])) for i in range(2))
ROUNDS = (1, 2)
_BY_KEY = {i.key.raw: i for i in (*IDENTITIES, BEACON)}


def identity_of(party: Party) -> Identity:
    """The fixed identity holding ``party``'s key (every generated party has one)."""
    return _BY_KEY[party.key.raw]


def statement_of(computation: Digest, input_id: Digest, output: Digest) -> Statement:
    """The statement the generated claims assert (precision 0)."""
    return Statement(computation, input_id, output, 0)


GENERATED_STATEMENTS = tuple(
    statement_of(c, i, o) for c in COMPUTATION_IDS for i in INPUT_IDS for o in OUTPUT_IDS
)


SEMANTICS_VOCABULARY = Vocabulary(
    people=tuple(i.party for i in IDENTITIES[:4]),
    arbiters=tuple(a.party for a in ARBITERS),
    beacon=BEACON.key,
    supplies=tuple((c, i) for c in COMPUTATION_IDS for i in INPUT_IDS),
    statements=GENERATED_STATEMENTS,
    rounds=ROUNDS,
)
"""What generated sound contracts name: alice to dave, erin and frank as arbiters, the test
beacon, the test computations, inputs and statements, rounds 1 and 2."""


@st.composite
def sound_contracts(draw: st.DrawFn, *, created: int = 1000) -> Contract:
    """Contracts that :func:`analyze` passes: alice to dave as parties, erin and frank as
    arbiters, the test beacon, Δ up to 30 and every deadline within a day."""
    return well_formed_contract(draw, SEMANTICS_VOCABULARY, created=created)


def _conditions_of(term: Term) -> list[Condition]:
    found: list[Condition] = []
    stack = [term]
    while stack:
        t = stack.pop()
        if isinstance(t, When):
            found += [c.condition for c in t.cases]
            stack += [t.otherwise, *(c.then for c in t.cases)]
        elif isinstance(t, Both):
            stack += [t.left, t.right]
        elif isinstance(t, Seq):
            stack += [t.first, t.then]
        elif isinstance(t, Claimed):
            stack.append(t.then)
        elif isinstance(t, Bet):
            found += [Verdict(t.statement.id, True)]
    return found


def make_ruling(statement: Digest, upheld: bool, *, contract: Digest | None = None,
                claim: Digest | None = None, final: bool = True,
                by: Identity = ARBITERS[0]) -> Signed[Ruling]:  # fmt: skip
    """A ruling signed by an arbiter of the generated contracts."""
    grounds = tagged_hash("test/evidence", b"")
    body = Ruling(statement, upheld, claim, contract, grounds, 1, final, 0)
    return Signed.create(body, SEMANTICS_DOMAIN, by)


def make_claim(contract: Contract, supplies: Supplies, output: Digest = OUTPUT_IDS[0],
               *, issued: int | None = None) -> Signed[Claim]:  # fmt: skip
    """The claim, signed by the supplier, that meets ``supplies`` in ``contract``."""
    body = Claim(
        contract.id,
        supplies.party,
        supplies.computation,
        supplies.input,
        output,
        0,
        None,
        contract.created if issued is None else issued,
    )
    return Signed.create(body, SEMANTICS_DOMAIN, identity_of(supplies.party))


def exact_settlement(contract: Contract, state: ContractState, version: int,
                     *, to: int = 0) -> Settlement:  # fmt: skip
    """A settlement of ``contract`` giving everything escrowed in ``state`` to party ``to``
    (an index into the parties)."""
    winner = contract.parties[to % len(contract.parties)]
    total = sum(a.amount for a in state.escrow)
    coins = tuple(sorted(c for a in state.escrow for c in a.coins))
    allocation = (Allocation(winner, total, coins),)
    return Settlement(contract.id, version, allocation)


def evidence_candidates(contract: Contract, state: ContractState) -> list[Evidence | None]:
    """Valid and invalid evidence for ``contract`` in ``state``, in a fixed order, to be drawn
    from: claims for its Supplies, rulings for its verdicts (both outcomes, and some refused
    ones), rounds of its lotteries, settlements (exact, stale, partial, mismatched)."""
    out: list[Evidence | None] = [None]
    for condition in _conditions_of(contract.terms):
        if isinstance(condition, Supplies):
            for output in OUTPUT_IDS:
                out.append(make_claim(contract, condition, output))
        elif isinstance(condition, Verdict):
            statements = (
                [condition.statement]
                if condition.statement is not None
                else [s.id for s in GENERATED_STATEMENTS]
            )
            for statement in statements:
                out.append(make_ruling(statement, True))
                out.append(make_ruling(statement, False, contract=contract.id))
            out.append(make_ruling(statements[0], True, final=False))
            out.append(make_ruling(statements[0], True, by=IDENTITIES[0]))
        elif isinstance(condition, Lottery):
            out.append(beacon_round(condition.round))
    out.append(beacon_round(ROUNDS[0], IDENTITIES[3]))
    signers = [identity_of(p) for p in contract.parties]
    version = state.settled + 1
    exact = exact_settlement(contract, state, version, to=len(out))
    out.append(Signed.create(exact, SEMANTICS_DOMAIN, *signers))
    out.append(Signed.create(exact, SEMANTICS_DOMAIN, signers[0]))
    for i in range(len(contract.parties)):
        out.append(Signed.create(exact, SEMANTICS_DOMAIN, *signers[: i + 1]))
    if state.settled:
        stale = exact_settlement(contract, state, state.settled)
        out.append(Signed.create(stale, SEMANTICS_DOMAIN, *signers))
    wrong = Settlement(contract.id, version, (Allocation(contract.parties[0], 10**6),))
    out.append(Signed.create(wrong, SEMANTICS_DOMAIN, *signers))
    return out


step_warnings = st.builds(StepWarning, code=st.sampled_from(Caution), detail=st.text(max_size=40))


@st.composite
def contract_states(draw: st.DrawFn) -> ContractState:
    people = draw(distinct_parties(min_size=0, max_size=3))
    escrow = tuple(
        sorted(
            (
                Allocation(p, draw(st.integers(1, 10**6)), (f"coin-{i}",) if i % 2 else ())
                for i, p in enumerate(people)
            ),
            key=lambda a: a.party.key.raw,
        )
    )
    claims_ = draw(st.lists(st.tuples(digests, digests), max_size=3, unique_by=lambda c: c[0]))
    return ContractState(
        draw(digests), draw(terms), escrow, tuple(claims_), draw(st.integers(0, 99)), draw(times)
    )


claimed_terms = st.builds(Claimed, claim=digests, statement=digests, then=terms)

objects_by_kind.update(
    {
        Claimed: claimed_terms,
        ContractState: contract_states(),
        StepWarning: step_warnings,
        Step: st.builds(
            Step,
            state=contract_states(),
            transfers=st.lists(transfers(), max_size=3).map(tuple),
            warnings=st.lists(step_warnings, max_size=2).map(tuple),
            rejected=st.none() | st.sampled_from(CheckReason),
            met=st.integers(0, 5),
            ruled_out=st.integers(0, 5),
        ),
    }
)


# --- spot checks ---

import numpy as np  # noqa: E402 - kept with the section using it

from oddsproof.games import (  # noqa: E402 - kept with the section using them
    Challenge,
    FraudProof,
    HonestSolver,
    Opening,
    OutputCommitment,
    ParallelComputation,
    ParallelSolver,
    SpotCheckCertificate,
    SpotCheckResult,
    code_digest,
    nonce_challenge,
    plan,
    spot_check,
)
from oddsproof.testing import (  # noqa: E402
    ChunkSwappingSolver,
    FakingSolver,
    ProofForgingSolver,
    SizeLyingSolver,
    WithholdingSolver,
)


def _toy_pieces(data: bytes, indices: np.ndarray) -> np.ndarray:  # type: ignore[type-arg]
    """Two cheap values per piece, depending on the input and the index."""
    base = float(len(data) % 251 + 1)
    x = indices.astype(np.float64)
    return np.stack([np.sqrt(x + base), (x * 0.37 + base) / 3.0], axis=1)


def toy_computation(size: int, *, precision: int = 16) -> ParallelComputation:
    """A cheap parallel computation of ``size`` pieces (two values each) for game tests."""
    spec = Computation("toy", "1", code_digest(_toy_pieces), Shape.PARALLEL, size, precision)
    return ParallelComputation(spec, _toy_pieces)


TOY_INPUT = b"toy input"
SPOT_DOMAIN = Domain("oddsproof-test")
SOLVER, VERIFIER = IDENTITIES[1], IDENTITIES[2]  # bob solves, charlie checks
OFFER = Digest(b"\x0f" * 32)

CHEATERS = (
    "faking",
    "forge-leaf",
    "forge-sibling",
    "swap",
    "short-tree",
    "short-count",
    "withhold",
)


def make_solver(
    kind: str, size: int, *, fraction: float = 0.5, seed: int = 0, chunk: int | None = None
) -> ParallelSolver:
    """A solver of the toy computation: ``"honest"`` or one of :data:`CHEATERS`."""
    computation = toy_computation(size)
    common = {"domain": SPOT_DOMAIN, "chunk": chunk}
    args = (SOLVER, computation, TOY_INPUT)
    fake = {"fraction": fraction, "seed": seed, **common}
    if kind == "honest":
        return HonestSolver(*args, **common)  # type: ignore[arg-type]
    if kind == "faking":
        return FakingSolver(*args, **fake)  # type: ignore[arg-type]
    if kind in ("forge-leaf", "forge-sibling"):
        forge = kind.removeprefix("forge-")
        return ProofForgingSolver(*args, forge=forge, **fake)  # type: ignore[arg-type]
    if kind == "swap":
        return ChunkSwappingSolver(*args, **fake)  # type: ignore[arg-type]
    if kind in ("short-tree", "short-count"):
        return SizeLyingSolver(*args, mode=kind, **common)  # type: ignore[arg-type]
    if kind == "withhold":
        return WithholdingSolver(*args, **fake)  # type: ignore[arg-type]
    raise ValueError(kind)


def play(solver: ParallelSolver, **challenge: object) -> SpotCheckResult:
    """Run one whole game: solve, challenge (a nonce challenge with ``challenge`` arguments, by
    default ε = 1e-9 and f = 0.5), respond, check."""
    claim = solver.solve(offer=OFFER, issued=100)
    arguments: dict[str, object] = {"epsilon": Fraction(1, 10**9), "fraud_fraction": Fraction(1, 2)}
    arguments.update(challenge)
    asked = nonce_challenge(claim, **arguments)  # type: ignore[arg-type]
    return spot_check(
        claim,
        solver.commitment,
        asked,
        solver.respond(asked),
        computation=solver.computation,
        data=solver.data,
        verifier=VERIFIER,
        domain=SPOT_DOMAIN,
        issued=200,
    )


output_commitments = st.builds(
    OutputCommitment,
    root=digests,
    pieces=st.integers(1, INT_LIMIT - 1),
    chunk=st.integers(1, 64),
    row_bytes=st.integers(1, 4096),
    precision=st.integers(0, 64),
)
spot_fractions = st.fractions(
    min_value=Fraction(1, 100), max_value=Fraction(99, 100), max_denominator=10**6
)
spot_epsilons = st.fractions(
    min_value=Fraction(1, 10**12), max_value=Fraction(99, 100), max_denominator=10**12
)


@st.composite
def spot_challenges(draw: st.DrawFn, claim: Digest | None = None) -> Challenge:
    """Structurally valid challenges (nonce or beacon), ``k`` at least ``plan(ε, f)``."""
    eps, f = draw(spot_epsilons), draw(spot_fractions)
    k = plan(float(eps), float(f)) + draw(st.integers(0, 3))
    use_beacon = draw(st.booleans())
    return Challenge(
        draw(digests) if claim is None else claim,
        (eps.numerator, eps.denominator),
        (f.numerator, f.denominator),
        k,
        None if use_beacon else draw(st.binary(min_size=32, max_size=32)),
        draw(beacon_rounds()) if use_beacon else None,
    )


@st.composite
def spot_games(draw: st.DrawFn, kinds: tuple[str, ...] = ("honest", *CHEATERS)) -> SpotCheckResult:
    """The result of one whole game of the toy computation with a solver of ``kinds``."""
    kind = draw(st.sampled_from(kinds))
    size = draw(st.integers(2, 300))
    chunk = draw(st.integers(1, 16).map(lambda c: min(c, size)))
    solver = make_solver(
        kind,
        size,
        fraction=draw(st.sampled_from([0.3, 1.0])),
        seed=draw(st.integers(0, 99)),
        chunk=chunk,
    )
    nonce = draw(st.binary(min_size=32, max_size=32))
    return play(solver, fraud_fraction=draw(spot_fractions), nonce=nonce)


spot_certificates = spot_games().map(lambda g: g.certificate.body)
fraud_proofs = (
    spot_games(("faking",)).filter(lambda g: g.fraud_proof is not None).map(lambda g: g.fraud_proof)
)


@st.composite
def openings(draw: st.DrawFn) -> Opening:
    """Openings of real toy commitments for random challenges."""
    size = draw(st.integers(1, 200))
    solver = make_solver("honest", size, chunk=min(size, draw(st.integers(1, 8))))
    solver.solve(offer=OFFER, issued=1)
    return solver.committed.open(draw(spot_challenges(solver.claim.id)))


objects_by_kind.update(
    {
        OutputCommitment: output_commitments,
        Challenge: spot_challenges(),
        Opening: openings(),
        SpotCheckCertificate: spot_certificates,
        FraudProof: fraud_proofs,  # type: ignore[dict-item]
    }
)


# --- bisection ---

from functools import lru_cache  # noqa: E402 - kept with the section using it

from oddsproof.games import (  # noqa: E402
    BisectionChallenge,
    BisectionMove,
    BisectionSetup,
    BisectionTranscript,
    MultiProof,
    PickMove,
    RevealMove,
    SerialComputation,
    SplitMove,
)
from oddsproof.testing import hash_chain, logistic_chain  # noqa: E402

BISECTION_DOMAIN = Domain("oddsproof-bisection-test")
SOLVER_ID, CHALLENGER_ID, JUDGE_ID = IDENTITIES[1], IDENTITIES[0], IDENTITIES[2]


@lru_cache(maxsize=64)
def serial_chain(kind: str, steps: int) -> SerialComputation:
    """A small chain of ``kind`` ("hash" or "logistic"), cached: building one hashes source."""
    return hash_chain(steps) if kind == "hash" else logistic_chain(steps, width=3, precision=30)


@st.composite
def serial_workloads(
    draw: st.DrawFn, *, max_segments: int = 40, max_interval: int = 24
) -> tuple[SerialComputation, bytes, int]:
    """A small chain, its input and a checkpoint interval dividing its steps (T ≥ 2)."""
    interval = draw(st.integers(1, max_interval))
    segments = draw(st.integers(1 if interval > 1 else 2, max_segments))
    kind = draw(st.sampled_from(["hash", "hash", "logistic"]))
    data = draw(st.binary(min_size=0, max_size=8))
    return serial_chain(kind, interval * segments), data, interval


arities = st.integers(2, 9) | st.sampled_from([16, 64, 1000])


@st.composite
def bisection_setups(draw: st.DrawFn) -> BisectionSetup:
    """Game setups over arbitrary (signed) serial claims; not tied to a real run."""
    solver, challenger = draw(
        st.lists(identities, min_size=2, max_size=2, unique_by=lambda i: i.name)
    )
    trace = draw(trace_commitments().filter(lambda t: t.steps >= 2))
    claim = Claim(
        draw(digests),
        solver.party,
        draw(digests),
        draw(digests),
        draw(digests),
        draw(st.integers(0, 64)),
        trace,
        draw(times),
    )
    clocks = draw(st.tuples(st.integers(1, 10**6), st.integers(1, 10**6)))
    delta, start = draw(st.integers(0, 3600)), draw(times)
    deadline = start + sum(clocks) + delta + draw(st.integers(0, 10**6))
    return BisectionSetup(
        Signed.create(claim, draw(domains), solver),
        challenger.party,
        draw(st.integers(2, 4096)),
        clocks[0],
        clocks[1],
        draw(st.integers(1, 10**6)),
        delta,
        start,
        deadline,
    )


_move_heads = st.tuples(digests, digests, st.integers(0, 64), times)


@st.composite
def _intervals(draw: st.DrawFn) -> tuple[int, int]:
    lo = draw(st.integers(0, 2**40))
    return lo, lo + draw(st.integers(1, 2**20))


@st.composite
def split_moves(draw: st.DrawFn) -> SplitMove:
    """Splits with arbitrary (well-formed, not necessarily valid) points, hashes and proofs."""
    game, previous, round_, at = draw(_move_heads)
    points = tuple(sorted(draw(st.sets(st.integers(0, 2**40), min_size=2, max_size=6))))
    hashes = tuple(draw(digests) for _ in points)
    proof = None
    if draw(st.booleans()):
        indices = tuple(sorted(draw(st.sets(st.integers(0, 99), min_size=1, max_size=4))))
        siblings = tuple(draw(st.lists(digests, max_size=4)))
        proof = MultiProof(indices, indices[-1] + draw(st.integers(1, 50)), siblings)
    return SplitMove(game, previous, round_, at, points[0], points[-1], points, hashes, proof)


@st.composite
def pick_moves(draw: st.DrawFn) -> PickMove:
    """Picks of arbitrary intervals."""
    game, previous, round_, at = draw(_move_heads)
    lo, hi = draw(_intervals())
    return PickMove(game, previous, round_, at, lo, hi)


@st.composite
def reveal_moves(draw: st.DrawFn) -> RevealMove:
    """Reveals of small arbitrary byte states."""
    game, previous, round_, at = draw(_move_heads)
    data = draw(st.binary(min_size=1, max_size=64))
    return RevealMove(game, previous, round_, at, draw(times), "|u1", (len(data),), data)


challenge_moves = _move_heads.map(lambda h: BisectionChallenge(*h))
bisection_moves: st.SearchStrategy[BisectionMove] = st.one_of(
    challenge_moves, split_moves(), pick_moves(), reveal_moves()
)


@st.composite
def bisection_transcripts(draw: st.DrawFn) -> BisectionTranscript:
    """A setup and a few signed moves (encodable, not a valid game)."""
    moves = draw(st.lists(bisection_moves, max_size=3))
    signed = tuple(Signed.create(m, draw(domains), draw(identities)) for m in moves)
    return BisectionTranscript(draw(bisection_setups()), signed)


objects_by_kind.update(
    {
        BisectionSetup: bisection_setups(),
        BisectionChallenge: challenge_moves,
        SplitMove: split_moves(),
        PickMove: pick_moves(),
        RevealMove: reveal_moves(),
        BisectionTranscript: bisection_transcripts(),
    }
)


# --- merkle ---

from oddsproof.games import InclusionProof  # noqa: E402

inclusion_proofs = public.inclusion_proofs
multi_proofs = public.multi_proofs

objects_by_kind.update({InclusionProof: inclusion_proofs(), MultiProof: multi_proofs()})


# --- lottery ---

from oddsproof.games import (  # noqa: E402 - kept with the section using them
    BeaconSpec,
    ExternalRound,
    LocalBeacon,
    LotteryAccount,
    StepCommitment,
    Ticket,
    TicketBatch,
    TicketBundle,
    TicketIssuer,
    TicketReceiver,
    UnlockRequest,
    WinningTicket,
    batch_tree,
)
from oddsproof.testing import TrainingChain, TrainingWorker  # noqa: E402

LOTTERY_DOMAIN = Domain("oddsproof-lottery-test")
SENDER, WORKER, JUDGE = IDENTITIES[0], IDENTITIES[1], IDENTITIES[2]  # alice pays, bob works
LOTTERY_GENESIS, LOTTERY_PERIOD = 1_000, 10
LOTTERY_SEED = Digest(b"\xa0" * 32)
"""Alice's first noise seed a[0] in the lottery tests."""


def lottery_beacon() -> LocalBeacon:
    """The tests' local beacon: round r is published at 1000 + 10·r."""
    return LocalBeacon(BEACON, genesis=LOTTERY_GENESIS, period=LOTTERY_PERIOD)


def lottery_account(
    *, margin: int = 2, unlock_period: int = 10_000, judges: tuple[Party, ...] = ()
) -> LotteryAccount:
    """Alice's account with the tests' beacon (fixed nonce, so its id is stable)."""
    return LotteryAccount(
        SENDER.party,
        lottery_beacon().spec,
        margin,
        unlock_period,
        judges,
        0,
        b"\x5a" * 16,
    )


def small_chain(steps: int = 32, *, noise_magnitude: float = 0.05, size: int = 16) -> TrainingChain:
    """A cheap training chain (16 × 16 states) for lottery tests."""
    return TrainingChain(steps, first_seed=LOTTERY_SEED, noise_magnitude=noise_magnitude, size=size)


def lottery_parties(
    chain: TrainingChain,
    account: LotteryAccount,
    *,
    probability: Fraction = Fraction(1, 4),
    face_value: int = 100,
    window: int = 1_000,
) -> tuple[TicketIssuer, TicketReceiver]:
    """Alice's issuer (checking Bob's chain and seeds) and Bob's receiver, agreed on terms."""
    issuer = TicketIssuer(
        SENDER,
        account,
        LOTTERY_DOMAIN,
        face_value=face_value,
        probability=probability,
        window=window,
        job=chain.job,
        seeds=chain.seeds,
    )
    receiver = TicketReceiver(
        WORKER,
        account,
        LOTTERY_DOMAIN,
        face_value=face_value,
        probability=probability,
        window=window // 2,
    )
    return issuer, receiver


def one_bundle(count: int = 4, *, now: int = 1_005) -> tuple[TicketBundle, TrainingWorker]:
    """A bundle of ``count`` honest tickets from a fresh issuer, and the worker behind it."""
    chain = small_chain()
    worker = TrainingWorker(chain, b"lottery")
    issuer, _ = lottery_parties(chain, lottery_account())
    return issuer.issue(WORKER.party, worker.commit(count), now=now), worker


beacon_specs = public.beacon_specs()
external_rounds = st.builds(
    ExternalRound, digests, st.integers(0, INT_LIMIT - 1), st.binary(min_size=32, max_size=32)
)
win_probabilities = public.win_probabilities()
lottery_accounts = public.lottery_accounts()
step_commitments = public.step_commitments()
tickets = public.tickets()
ticket_batches = st.builds(
    TicketBatch, account=digests, recipient=parties, root=digests, size=st.integers(1, 1 << 16)
)


@st.composite
def winning_tickets(draw: st.DrawFn) -> WinningTicket:
    """A ticket with its batch signed by the sender and co-signed by the recipient, and its
    genuine audit path (whether it wins depends on the round)."""
    batch_tickets = draw(st.lists(tickets, min_size=1, max_size=6))
    tree = batch_tree(batch_tickets)
    index = draw(st.integers(0, len(batch_tickets) - 1))
    body = TicketBatch(draw(digests), WORKER.party, tree.root, len(batch_tickets))
    signed = Signed.create(body, LOTTERY_DOMAIN, SENDER, WORKER)
    return WinningTicket(batch_tickets[index], signed, tree.prove(index))


unlock_requests = st.builds(UnlockRequest, account=digests, requested=times)

objects_by_kind.update(
    {
        BeaconSpec: beacon_specs,
        ExternalRound: external_rounds,
        LotteryAccount: lottery_accounts,
        StepCommitment: step_commitments,
        Ticket: tickets,
        TicketBatch: ticket_batches,
        WinningTicket: winning_tickets(),
        UnlockRequest: unlock_requests,
    }
)


# --- bets ---

from oddsproof.markets import BetOrder, BetTerms, OrderCancel  # noqa: E402 - kept with the section using them

bet_odds = public.odds()
"""Odds (b, l) in lowest terms, as orders carry them."""
bet_terms = public.bet_terms
bet_orders = public.bet_orders


objects_by_kind.update(
    {
        BetTerms: bet_terms(),
        BetOrder: bet_orders(),
        OrderCancel: st.builds(OrderCancel, order=digests, issued=times),
    }
)


# --- arbitration ---

from oddsproof.arbitration import (  # noqa: E402 - kept with the section using them
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
from oddsproof.contracts import Ladder, Level  # noqa: E402

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
        claim = serial_claim(trace, COURT_INPUT, bob, ARBITRATION_DOMAIN, offer=offer, issued=at)
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
