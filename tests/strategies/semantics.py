"""Contracts, states and evidence for the semantics and runtime tests."""

from __future__ import annotations

from hypothesis import strategies as st

# --- semantics ---
from oddsproof.contracts import (
    Allocation,
    Bet,
    Both,
    Caution,
    CheckReason,
    Claim,
    Claimed,
    Condition,
    Contract,
    ContractState,
    Evidence,
    Lottery,
    Ruling,
    Seq,
    Settlement,
    Statement,
    Step,
    StepWarning,
    Supplies,
    Term,
    Verdict,
    When,
)
from oddsproof.strategies import distinct_parties, transfers
from oddsproof.strategies._values import Vocabulary, beacon_round, well_formed_contract
from oddsproof.wire import (
    Digest,
    Domain,
    Identity,
    Party,
    Signed,
    tagged_hash,
)

from .values import BEACON, IDENTITIES, digests, objects_by_kind, terms, times

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
