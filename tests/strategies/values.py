"""Values every test draws: parties, ids, computations, claims, terms, signed objects."""

from __future__ import annotations

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
from oddsproof.wire import INT_LIMIT, Canonical, Domain, Identity, Party, Signed

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
