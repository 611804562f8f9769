"""Arbitration: disputes up the arbiter ladder with growing bonds, arbiters, mutual settlements,
the collapse of conditional ownership into plain balances, and the court that runs it all on a
ledger (``docs/arbitration.md``).
"""

from ._appeals import Appeals as Appeals
from ._appeals import BondKind as BondKind
from ._appeals import Dispute as Dispute
from ._appeals import DisputeState as DisputeState
from ._appeals import LadderEvent as LadderEvent
from ._appeals import Phase as Phase
from ._appeals import PostedBond as PostedBond
from ._appeals import Side as Side
from ._appeals import Transition as Transition
from ._appeals import advance_dispute as advance_dispute
from ._appeals import certify_dispute as certify_dispute
from ._appeals import dispute_deadline as dispute_deadline
from ._appeals import due_amount as due_amount
from ._appeals import file_evidence as file_evidence
from ._appeals import fund_dispute as fund_dispute
from ._appeals import on_turn as on_turn
from ._appeals import open_dispute as open_dispute
from ._appeals import rule_dispute as rule_dispute
from ._appeals import settle_dispute as settle_dispute
from ._appeals import with_ladder as with_ladder
from ._arbiters import Arbiter as Arbiter
from ._arbiters import CallbackArbiter as CallbackArbiter
from ._arbiters import CaseFile as CaseFile
from ._arbiters import Panel as Panel
from ._arbiters import ReexecutionJudge as ReexecutionJudge
from ._arbiters import growing_panels as growing_panels
from ._collapse import RECOURSE_POOL as RECOURSE_POOL
from ._collapse import CollapseReport as CollapseReport
from ._collapse import FanoutPolicy as FanoutPolicy
from ._collapse import Loss as Loss
from ._collapse import Ownership as Ownership
from ._collapse import RecoursePolicy as RecoursePolicy
from ._collapse import Resolution as Resolution
from ._collapse import collapse as collapse
from ._collapse import ownership as ownership
from ._collapse import pass_on as pass_on
from ._collapse import sweep as sweep
from ._court import BisectionVerification as BisectionVerification
from ._court import Court as Court
from ._court import CourtCase as CourtCase
from ._court import CourtPolicy as CourtPolicy
from ._court import Litigant as Litigant
from ._court import Script as Script
from ._court import Stage as Stage
from ._court import Verification as Verification
from ._court import verdict_deadline as verdict_deadline
from ._reasons import CollapseReason as CollapseReason
from ._reasons import CourtReason as CourtReason
from ._reasons import LadderReason as LadderReason
from ._reasons import SettlementReason as SettlementReason
from ._settle import SettlementReport as SettlementReport
from ._settle import disputes_of as disputes_of
from ._settle import last_settlement as last_settlement
from ._settle import settle as settle

__all__ = [
    "RECOURSE_POOL",
    "Appeals",
    "Arbiter",
    "BisectionVerification",
    "BondKind",
    "CallbackArbiter",
    "CaseFile",
    "CollapseReason",
    "CollapseReport",
    "Court",
    "CourtCase",
    "CourtPolicy",
    "CourtReason",
    "Dispute",
    "DisputeState",
    "FanoutPolicy",
    "LadderEvent",
    "LadderReason",
    "Litigant",
    "Loss",
    "Ownership",
    "Panel",
    "Phase",
    "PostedBond",
    "RecoursePolicy",
    "ReexecutionJudge",
    "Resolution",
    "Script",
    "SettlementReason",
    "SettlementReport",
    "Side",
    "Stage",
    "Transition",
    "Verification",
    "advance_dispute",
    "certify_dispute",
    "collapse",
    "dispute_deadline",
    "disputes_of",
    "due_amount",
    "file_evidence",
    "fund_dispute",
    "growing_panels",
    "last_settlement",
    "on_turn",
    "open_dispute",
    "ownership",
    "pass_on",
    "rule_dispute",
    "settle",
    "settle_dispute",
    "sweep",
    "verdict_deadline",
    "with_ladder",
]
