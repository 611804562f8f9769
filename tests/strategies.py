"""Hypothesis strategies for every object kind; every feature extends this one module.

Identities come from a small pool of fixed seeds so that examples stay fast and shrink to
readable names.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st

from oddsproof.contracts import (
    INT_LIMIT,
    Agreed,
    Allocation,
    BeaconRound,
    Bet,
    Both,
    Canonical,
    Case,
    Claim,
    Close,
    Computation,
    Condition,
    Contract,
    Digest,
    Domain,
    Identity,
    Party,
    Pay,
    Ruling,
    Send,
    Seq,
    Settlement,
    Shape,
    Signed,
    Statement,
    Supplies,
    Term,
    TraceCommitment,
    Transfer,
    Verdict,
    When,
    beacon_message,
    lottery,
)

NAMES = ("alice", "bob", "charlie", "dave", "erin", "frank")
IDENTITIES = tuple(Identity.from_seed(n, bytes([i + 1]) * 32) for i, n in enumerate(NAMES))
BEACON = Identity.from_seed("beacon", b"\xbe" * 32)

identities = st.sampled_from(IDENTITIES)
parties = identities.map(lambda i: i.party)
digests = st.binary(min_size=32, max_size=32).map(Digest)
amounts = st.integers(min_value=0, max_value=INT_LIMIT - 1)
positive_amounts = st.integers(min_value=1, max_value=INT_LIMIT - 1)
small_amounts = st.integers(min_value=1, max_value=10_000)
times = st.integers(min_value=0, max_value=2**40)
domains = st.builds(
    Domain,
    network=st.text(
        alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=64
    ),
    protocol=st.integers(min_value=1, max_value=INT_LIMIT - 1),
)
coin_ids = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=16)


def distinct_parties(
    *, min_size: int = 1, max_size: int = 4
) -> st.SearchStrategy[tuple[Party, ...]]:
    """Tuples of parties with distinct keys."""
    return st.lists(
        identities, min_size=min_size, max_size=max_size, unique_by=lambda i: i.name
    ).map(lambda ids: tuple(i.party for i in ids))


computations = st.builds(
    Computation,
    name=st.sampled_from(["ray", "matmul-chain", "hash-chain"]),
    version=st.sampled_from(["1", "2.0"]),
    code=digests,
    shape=st.sampled_from(Shape),
    size=st.integers(min_value=1, max_value=2**40),
    precision=st.integers(min_value=0, max_value=64),
)
statements = st.builds(
    Statement,
    computation=digests,
    input=digests,
    output=digests,
    precision=st.integers(0, 64),
)


@st.composite
def trace_commitments(draw: st.DrawFn) -> TraceCommitment:
    interval = draw(st.integers(min_value=1, max_value=1024))
    steps = interval * draw(st.integers(min_value=1, max_value=1 << 20))
    return TraceCommitment(draw(digests), steps, interval)


claims = st.builds(
    Claim,
    offer=digests,
    claimant=parties,
    computation=digests,
    input=digests,
    output=digests,
    precision=st.integers(0, 64),
    trace=st.none() | trace_commitments(),
    issued=times,
)
rulings = st.builds(
    Ruling,
    statement=digests,
    upheld=st.booleans(),
    claim=st.none() | digests,
    contract=st.none() | digests,
    evidence=digests,
    level=st.integers(0, 8),
    final=st.booleans(),
    issued=times,
)


def beacon_rounds(beacon: Identity = BEACON) -> st.SearchStrategy[BeaconRound]:
    """Genuine rounds of a signing beacon."""
    return st.integers(min_value=0, max_value=2**32).map(
        lambda r: BeaconRound(beacon.key, r, beacon.sign_digest(beacon_message(beacon.key, r)))
    )


@st.composite
def settlements(draw: st.DrawFn) -> Settlement:
    people = draw(distinct_parties(min_size=1, max_size=4))
    allocation = tuple(
        sorted(
            (Allocation(p, draw(st.integers(0, 10**6))) for p in people),
            key=lambda a: a.party.key.raw,
        )
    )
    return Settlement(draw(digests), draw(st.integers(1, 1000)), allocation)


conditions: st.SearchStrategy[Condition] = st.one_of(
    st.builds(Supplies, party=parties, computation=digests, input=digests),
    st.builds(Verdict, statement=st.none() | digests, upheld=st.booleans()),
    st.builds(
        lottery,
        st.integers(0, 2**32),
        st.fractions(min_value=0, max_value=1, max_denominator=10**6).map(Fraction),
    ),
    distinct_parties(min_size=1, max_size=3).map(Agreed),
)


@st.composite
def _bets(draw: st.DrawFn) -> Bet:
    backer, layer = draw(distinct_parties(min_size=2, max_size=2))
    return Bet(
        backer, layer, draw(statements), draw(small_amounts), draw(small_amounts), draw(times)
    )


_leaf_terms: st.SearchStrategy[Term] = st.one_of(
    st.just(Close()),
    st.builds(Pay, payer=parties, payee=parties, amount=small_amounts),
    st.builds(Send, coin=coin_ids, owner=parties, to=parties),
    _bets(),
)

terms: st.SearchStrategy[Term] = st.recursive(
    _leaf_terms,
    lambda inner: st.one_of(
        st.builds(
            When,
            cases=st.lists(
                st.builds(Case, condition=conditions, then=inner), min_size=1, max_size=3
            ).map(tuple),
            deadline=times,
            otherwise=inner,
        ),
        st.builds(Both, left=inner, right=inner),
        st.builds(Seq, first=inner, then=inner),
    ),
    max_leaves=8,
)
"""Terms that encode; not necessarily well-formed contracts (see the contracts' analysis)."""

contracts = st.builds(
    Contract,
    parties=distinct_parties(min_size=1, max_size=4),
    terms=terms,
    arbiters=distinct_parties(min_size=0, max_size=3),
    beacon=st.none() | st.just(BEACON.key),
    delta=st.integers(0, 3600),
    created=times,
    nonce=st.binary(min_size=16, max_size=16),
)


@st.composite
def transfers(draw: st.DrawFn) -> Transfer:
    coin = draw(st.none() | coin_ids)
    amount = draw(st.integers(0, 10**6) if coin is not None else small_amounts)
    return Transfer(draw(parties), draw(parties), amount, coin, draw(st.none() | digests))


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
