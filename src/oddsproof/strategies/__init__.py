"""Hypothesis strategies for oddsproof, and adversaries to throw at your marketplace.

Strategies for every value (parties, ids, computations and jobs, claims, rulings, contracts,
tickets, bets, ladders, Merkle proofs) and :func:`adversaries`: cheaters that attack a
:class:`Marketplace` through the library's API and report an :class:`Outcome`. Installing the
package registers the strategies for the value types with Hypothesis (``st.from_type(Claim)``).
See ``docs/property-testing.md``.

This package sits above the three layers: it imports all of them, and none imports it.
"""

# The entry-point hook first, then hypothesis: importing hypothesis runs the hook, which must
# find it here even while the rest of this package is still being imported (see _hook).
from ._hook import _hypothesis_setup_hook as _hypothesis_setup_hook  # isort: skip
import hypothesis  # noqa: F401 # isort: skip

from ._adversaries import Adversary as Adversary
from ._adversaries import ArbiterColluder as ArbiterColluder
from ._adversaries import DoubleRedeemer as DoubleRedeemer
from ._adversaries import Equivocator as Equivocator
from ._adversaries import FalseChallenger as FalseChallenger
from ._adversaries import InputSubstituter as InputSubstituter
from ._adversaries import LateMover as LateMover
from ._adversaries import Memoizer as Memoizer
from ._adversaries import OverCommitter as OverCommitter
from ._adversaries import PieceFaker as PieceFaker
from ._adversaries import ProofForger as ProofForger
from ._adversaries import ProofReorderer as ProofReorderer
from ._adversaries import SettlementFrontRunner as SettlementFrontRunner
from ._adversaries import SizeLiar as SizeLiar
from ._adversaries import Staller as Staller
from ._adversaries import StepFaker as StepFaker
from ._adversaries import SybilDisputer as SybilDisputer
from ._adversaries import Withholder as Withholder
from ._adversaries import adversaries as adversaries
from ._jobs import Job as Job
from ._jobs import default_jobs as default_jobs
from ._jobs import jobs as jobs
from ._market import Marketplace as Marketplace
from ._market import Outcome as Outcome
from ._values import ARBITER_IDENTITIES as ARBITER_IDENTITIES
from ._values import BEACON_IDENTITY as BEACON_IDENTITY
from ._values import IDENTITIES as IDENTITIES
from ._values import amounts as amounts
from ._values import beacon_rounds as beacon_rounds
from ._values import beacon_specs as beacon_specs
from ._values import bet_orders as bet_orders
from ._values import bet_terms as bet_terms
from ._values import bets as bets
from ._values import claims as claims
from ._values import coin_ids as coin_ids
from ._values import computations as computations
from ._values import conditions as conditions
from ._values import contracts as contracts
from ._values import default_ladder as default_ladder
from ._values import digests as digests
from ._values import distinct_parties as distinct_parties
from ._values import domains as domains
from ._values import identities as identities
from ._values import identity_of as identity_of
from ._values import inclusion_proofs as inclusion_proofs
from ._values import inputs as inputs
from ._values import ladders as ladders
from ._values import lottery_accounts as lottery_accounts
from ._values import multi_proofs as multi_proofs
from ._values import odds as odds
from ._values import parties as parties
from ._values import rulings as rulings
from ._values import settlements as settlements
from ._values import statements as statements
from ._values import step_commitments as step_commitments
from ._values import terms as terms
from ._values import tickets as tickets
from ._values import times as times
from ._values import trace_commitments as trace_commitments
from ._values import transfers as transfers
from ._values import win_probabilities as win_probabilities

__all__ = [
    "ARBITER_IDENTITIES",
    "BEACON_IDENTITY",
    "IDENTITIES",
    "Adversary",
    "ArbiterColluder",
    "DoubleRedeemer",
    "Equivocator",
    "FalseChallenger",
    "InputSubstituter",
    "Job",
    "LateMover",
    "Marketplace",
    "Memoizer",
    "Outcome",
    "OverCommitter",
    "PieceFaker",
    "ProofForger",
    "ProofReorderer",
    "SettlementFrontRunner",
    "SizeLiar",
    "Staller",
    "StepFaker",
    "SybilDisputer",
    "Withholder",
    "adversaries",
    "amounts",
    "beacon_rounds",
    "beacon_specs",
    "bet_orders",
    "bet_terms",
    "bets",
    "claims",
    "coin_ids",
    "computations",
    "conditions",
    "contracts",
    "default_jobs",
    "default_ladder",
    "digests",
    "distinct_parties",
    "domains",
    "identities",
    "identity_of",
    "inclusion_proofs",
    "inputs",
    "jobs",
    "ladders",
    "lottery_accounts",
    "multi_proofs",
    "odds",
    "parties",
    "rulings",
    "settlements",
    "statements",
    "step_commitments",
    "terms",
    "tickets",
    "times",
    "trace_commitments",
    "transfers",
    "win_probabilities",
]
