"""The contract language: terms and the builder, claims and evidence, the arbitration ladder a
contract names, static analysis, checks without recomputation, the pure step function and the
runtime that applies it to a ledger (``docs/contracts.md``).
"""

from ._analysis import FOREVER as FOREVER
from ._analysis import Check as Check
from ._analysis import Exposure as Exposure
from ._analysis import Finding as Finding
from ._analysis import PathReport as PathReport
from ._analysis import Report as Report
from ._analysis import Severity as Severity
from ._analysis import analyze as analyze
from ._analysis import requirements as requirements
from ._builder import Application as Application
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
from ._checks import CheckReason as CheckReason
from ._checks import Provenance as Provenance
from ._checks import check_chain as check_chain
from ._checks import check_claim as check_claim
from ._checks import check_offer as check_offer
from ._checks import payers as payers
from ._claims import Claim as Claim
from ._claims import Computation as Computation
from ._claims import Shape as Shape
from ._claims import Statement as Statement
from ._claims import TraceCommitment as TraceCommitment
from ._evidence import Allocation as Allocation
from ._evidence import BeaconRound as BeaconRound
from ._evidence import Ruling as Ruling
from ._evidence import Settlement as Settlement
from ._evidence import beacon_message as beacon_message
from ._ladder import MAX_LEVELS as MAX_LEVELS
from ._ladder import Ladder as Ladder
from ._ladder import Level as Level
from ._ladder import LevelTimes as LevelTimes
from ._runtime import Runtime as Runtime
from ._semantics import Caution as Caution
from ._semantics import Claimed as Claimed
from ._semantics import ContractState as ContractState
from ._semantics import Evidence as Evidence
from ._semantics import Step as Step
from ._semantics import StepWarning as StepWarning
from ._semantics import advance as advance
from ._semantics import begin as begin
from ._semantics import start as start
from ._semantics import step as step
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
from ._terms import Verdict as Verdict
from ._terms import When as When
from ._terms import fresh_nonce as fresh_nonce
from ._terms import lottery as lottery

__all__ = [
    "FOREVER",
    "MAX_LEVELS",
    "Agreed",
    "Allocation",
    "Application",
    "BeaconRound",
    "Bet",
    "Both",
    "Case",
    "Caution",
    "Check",
    "CheckReason",
    "Claim",
    "Claimed",
    "Close",
    "Computation",
    "Condition",
    "Contract",
    "ContractState",
    "Evidence",
    "Exposure",
    "Finding",
    "Function",
    "Ladder",
    "Level",
    "LevelTimes",
    "Lottery",
    "PathReport",
    "Pay",
    "Provenance",
    "Report",
    "Role",
    "Ruling",
    "Runtime",
    "Send",
    "Seq",
    "Settlement",
    "Severity",
    "Shape",
    "Statement",
    "Step",
    "StepWarning",
    "Supplies",
    "Term",
    "TraceCommitment",
    "Verdict",
    "Wait",
    "When",
    "advance",
    "agreed",
    "analyze",
    "beacon_message",
    "begin",
    "both",
    "check_chain",
    "check_claim",
    "check_offer",
    "failed",
    "fresh_nonce",
    "lottery",
    "payers",
    "requirements",
    "roles",
    "seq",
    "start",
    "step",
    "upheld",
    "when",
]
