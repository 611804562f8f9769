"""The contract layer: canonical encoding, tagged hashing, identities and signatures.

Everything signed or hashed in oddsproof is defined here, so that its bytes are fixed in one
place. This package imports neither ``games`` nor ``arbitration``.
"""

from ._analysis import FOREVER as FOREVER
from ._analysis import AnalysisError as AnalysisError
from ._analysis import Check as Check
from ._analysis import Exposure as Exposure
from ._analysis import Finding as Finding
from ._analysis import PathReport as PathReport
from ._analysis import Report as Report
from ._analysis import Severity as Severity
from ._analysis import analyze as analyze
from ._analysis import requirements as requirements
from ._builder import Application as Application
from ._builder import BuildError as BuildError
from ._builder import Function as Function
from ._builder import Role as Role
from ._builder import Wait as Wait
from ._builder import agreed as agreed
from ._builder import both as both
from ._builder import failed as failed
from ._builder import roles as roles
from ._builder import seq as seq
from ._builder import upheld as upheld
from ._builder import when as when
from ._checks import ClaimRejected as ClaimRejected
from ._checks import OfferRefused as OfferRefused
from ._checks import Provenance as Provenance
from ._checks import Rejected as Rejected
from ._checks import Rejection as Rejection
from ._checks import check_chain as check_chain
from ._checks import check_claim as check_claim
from ._checks import check_offer as check_offer
from ._checks import payers as payers
from ._claims import Claim as Claim
from ._claims import Computation as Computation
from ._claims import Shape as Shape
from ._claims import Statement as Statement
from ._claims import TraceCommitment as TraceCommitment
from ._encoding import DEFAULT_MAX_SIZE as DEFAULT_MAX_SIZE
from ._encoding import INT_LIMIT as INT_LIMIT
from ._encoding import Canonical as Canonical
from ._encoding import canonical as canonical
from ._encoding import decode as decode
from ._encoding import decode_primitive as decode_primitive
from ._encoding import encode as encode
from ._encoding import registered_kinds as registered_kinds
from ._encoding import to_json as to_json
from ._encoding import to_primitive as to_primitive
from ._errors import ContractsError as ContractsError
from ._errors import EncodingError as EncodingError
from ._errors import KeyFileError as KeyFileError
from ._errors import OddsproofError as OddsproofError
from ._errors import SignatureError as SignatureError
from ._evidence import Allocation as Allocation
from ._evidence import BeaconRound as BeaconRound
from ._evidence import Ruling as Ruling
from ._evidence import Settlement as Settlement
from ._evidence import beacon_message as beacon_message
from ._hashing import EMPTY_TREE_ROOT as EMPTY_TREE_ROOT
from ._hashing import Digest as Digest
from ._hashing import merkle_leaf_hash as merkle_leaf_hash
from ._hashing import merkle_node_hash as merkle_node_hash
from ._hashing import tagged_hash as tagged_hash
from ._identity import Identity as Identity
from ._identity import Party as Party
from ._identity import PublicKey as PublicKey
from ._ladder import MAX_LEVELS as MAX_LEVELS
from ._ladder import Ladder as Ladder
from ._ladder import Level as Level
from ._ladder import LevelTimes as LevelTimes
from ._ledger import BondForfeit as BondForfeit
from ._ledger import BondPost as BondPost
from ._ledger import BondRecord as BondRecord
from ._ledger import BondRelease as BondRelease
from ._ledger import BondState as BondState
from ._ledger import Burn as Burn
from ._ledger import CoinMint as CoinMint
from ._ledger import CoinMove as CoinMove
from ._ledger import CoinRecord as CoinRecord
from ._ledger import Correction as Correction
from ._ledger import Entry as Entry
from ._ledger import EntryRefused as EntryRefused
from ._ledger import EscrowLock as EscrowLock
from ._ledger import Holding as Holding
from ._ledger import HoldingPass as HoldingPass
from ._ledger import HoldingRecord as HoldingRecord
from ._ledger import HoldingState as HoldingState
from ._ledger import InsufficientFunds as InsufficientFunds
from ._ledger import JournalRecord as JournalRecord
from ._ledger import Ledger as Ledger
from ._ledger import LedgerArgumentError as LedgerArgumentError
from ._ledger import LedgerError as LedgerError
from ._ledger import LedgerState as LedgerState
from ._ledger import MemoryLedger as MemoryLedger
from ._ledger import Mint as Mint
from ._ledger import Move as Move
from ._ledger import Payout as Payout
from ._ledger import Receipt as Receipt
from ._ledger import Refund as Refund
from ._ledger import ResolveCondition as ResolveCondition
from ._ledger import Stake as Stake
from ._ledger import StoreError as StoreError
from ._ledger import Totals as Totals
from ._runtime import Runtime as Runtime
from ._runtime import UnknownContract as UnknownContract
from ._semantics import Caution as Caution
from ._semantics import Claimed as Claimed
from ._semantics import ContractState as ContractState
from ._semantics import Evidence as Evidence
from ._semantics import StateError as StateError
from ._semantics import Step as Step
from ._semantics import StepWarning as StepWarning
from ._semantics import advance as advance
from ._semantics import begin as begin
from ._semantics import start as start
from ._semantics import step as step
from ._signed import PROTOCOL_VERSION as PROTOCOL_VERSION
from ._signed import Domain as Domain
from ._signed import Signature as Signature
from ._signed import Signed as Signed
from ._signed import signing_message as signing_message
from ._signed import verify_bytes as verify_bytes
from ._store import SqliteLedger as SqliteLedger
from ._terms import Agreed as Agreed
from ._terms import Bet as Bet
from ._terms import Both as Both
from ._terms import Case as Case
from ._terms import Close as Close
from ._terms import Condition as Condition
from ._terms import Contract as Contract
from ._terms import Lottery as Lottery
from ._terms import Pay as Pay
from ._terms import Send as Send
from ._terms import Seq as Seq
from ._terms import Supplies as Supplies
from ._terms import Term as Term
from ._terms import Transfer as Transfer
from ._terms import Verdict as Verdict
from ._terms import When as When
from ._terms import fresh_nonce as fresh_nonce
from ._terms import lottery as lottery

__all__ = [
    "DEFAULT_MAX_SIZE",
    "EMPTY_TREE_ROOT",
    "FOREVER",
    "INT_LIMIT",
    "MAX_LEVELS",
    "PROTOCOL_VERSION",
    "Agreed",
    "Allocation",
    "AnalysisError",
    "Application",
    "BeaconRound",
    "Bet",
    "BondForfeit",
    "BondPost",
    "BondRecord",
    "BondRelease",
    "BondState",
    "Both",
    "BuildError",
    "Burn",
    "Canonical",
    "Case",
    "Caution",
    "Check",
    "Claim",
    "ClaimRejected",
    "Claimed",
    "Close",
    "CoinMint",
    "CoinMove",
    "CoinRecord",
    "Computation",
    "Condition",
    "Contract",
    "ContractState",
    "ContractsError",
    "Correction",
    "Digest",
    "Domain",
    "EncodingError",
    "Entry",
    "EntryRefused",
    "EscrowLock",
    "Evidence",
    "Exposure",
    "Finding",
    "Function",
    "Holding",
    "HoldingPass",
    "HoldingRecord",
    "HoldingState",
    "Identity",
    "InsufficientFunds",
    "JournalRecord",
    "KeyFileError",
    "Ladder",
    "Ledger",
    "LedgerArgumentError",
    "LedgerError",
    "LedgerState",
    "Level",
    "LevelTimes",
    "Lottery",
    "MemoryLedger",
    "Mint",
    "Move",
    "OddsproofError",
    "OfferRefused",
    "Party",
    "PathReport",
    "Pay",
    "Payout",
    "Provenance",
    "PublicKey",
    "Receipt",
    "Refund",
    "Rejected",
    "Rejection",
    "Report",
    "ResolveCondition",
    "Role",
    "Ruling",
    "Runtime",
    "Send",
    "Seq",
    "Settlement",
    "Severity",
    "Shape",
    "Signature",
    "SignatureError",
    "Signed",
    "SqliteLedger",
    "Stake",
    "StateError",
    "Statement",
    "Step",
    "StepWarning",
    "StoreError",
    "Supplies",
    "Term",
    "Totals",
    "TraceCommitment",
    "Transfer",
    "UnknownContract",
    "Verdict",
    "Wait",
    "When",
    "advance",
    "agreed",
    "analyze",
    "beacon_message",
    "begin",
    "both",
    "canonical",
    "check_chain",
    "check_claim",
    "check_offer",
    "decode",
    "decode_primitive",
    "encode",
    "failed",
    "fresh_nonce",
    "lottery",
    "merkle_leaf_hash",
    "merkle_node_hash",
    "payers",
    "registered_kinds",
    "requirements",
    "roles",
    "seq",
    "signing_message",
    "start",
    "step",
    "tagged_hash",
    "to_json",
    "to_primitive",
    "upheld",
    "verify_bytes",
    "when",
]
