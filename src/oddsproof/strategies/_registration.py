"""``st.register_type_strategy`` for oddsproof's value types, so that ``st.from_type(Claim)``,
``st.builds(f)`` with inferred arguments and ``@given(claim=...)`` with type hints draw valid
values as soon as the package is installed (through the ``hypothesis`` entry point)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from oddsproof.contracts import (
    BeaconRound,
    Bet,
    Claim,
    Computation,
    Condition,
    Contract,
    Ladder,
    Ruling,
    Settlement,
    Statement,
    Term,
    TraceCommitment,
)
from oddsproof.games import (
    BeaconSpec,
    InclusionProof,
    LotteryAccount,
    MultiProof,
    StepCommitment,
    Ticket,
)
from oddsproof.ledger import Transfer
from oddsproof.markets import BetOrder, BetTerms
from oddsproof.wire import Digest, Domain, Identity, Party, PublicKey

from ._adversaries import ALL_KINDS, Adversary, _strategy, adversaries
from ._jobs import Job, jobs
from ._market import Marketplace
from ._values import (
    beacon_rounds,
    beacon_specs,
    bet_orders,
    bet_terms,
    bets,
    claims,
    computations,
    conditions,
    contracts,
    digests,
    domains,
    identities,
    inclusion_proofs,
    ladders,
    lottery_accounts,
    multi_proofs,
    parties,
    rulings,
    settlements,
    statements,
    step_commitments,
    terms,
    tickets,
    trace_commitments,
    transfers,
)


def type_strategies() -> dict[type, st.SearchStrategy[Any]]:
    """The strategy registered for each type."""
    registered: dict[type, st.SearchStrategy[Any]] = {
        Identity: identities(),
        Party: parties(),
        PublicKey: identities().map(lambda i: i.key),
        Digest: digests(),
        Domain: domains(),
        Computation: computations(),
        Statement: statements(),
        TraceCommitment: trace_commitments(),
        Claim: claims(),
        Ruling: rulings(),
        Settlement: settlements(),
        BeaconRound: beacon_rounds(),
        Condition: conditions(),
        Term: terms(),
        Bet: bets(),
        Transfer: transfers(),
        Contract: contracts(),
        Ladder: ladders(),
        Ticket: tickets(),
        StepCommitment: step_commitments(),
        LotteryAccount: lottery_accounts(),
        BeaconSpec: beacon_specs(),
        BetTerms: bet_terms(),
        BetOrder: bet_orders(),
        InclusionProof: inclusion_proofs(),
        MultiProof: multi_proofs(),
        Job: jobs(),
        Marketplace: st.builds(Marketplace),
        Adversary: adversaries(),
    }
    for kind in ALL_KINDS:
        registered[kind] = _strategy(kind)
    return registered


def register_type_strategies() -> None:
    """Register every strategy of :func:`type_strategies` with Hypothesis."""
    for kind, strategy in type_strategies().items():
        st.register_type_strategy(kind, strategy)
