"""Verification games: spot checks, bisection, lottery tickets, bets and the fraud strategies.

Imports ``oddsproof.contracts`` and nothing above it.
"""

from ._beacon import Beacon as Beacon
from ._beacon import BeaconError as BeaconError
from ._beacon import BeaconScheme as BeaconScheme
from ._beacon import BeaconSpec as BeaconSpec
from ._beacon import Ed25519Beacon as Ed25519Beacon
from ._beacon import ExternalBeacon as ExternalBeacon
from ._beacon import ExternalRound as ExternalRound
from ._beacon import LocalBeacon as LocalBeacon
from ._beacon import RoundNotPublished as RoundNotPublished
from ._bets import BetError as BetError
from ._bets import BetMatch as BetMatch
from ._bets import BetOrder as BetOrder
from ._bets import BetOutcome as BetOutcome
from ._bets import BetSettlement as BetSettlement
from ._bets import BetSide as BetSide
from ._bets import BetTerms as BetTerms
from ._bets import OrderCancel as OrderCancel
from ._bets import OrderRefused as OrderRefused
from ._bets import OrderRejection as OrderRejection
from ._bets import authorises as authorises
from ._bets import check_odds as check_odds
from ._bets import countersign as countersign
from ._bets import mutual_settlement as mutual_settlement
from ._bets import odds_price as odds_price
from ._bets import settle_bet as settle_bet
from ._bets import statement_ruling as statement_ruling
from ._bisection import BisectionChallenge as BisectionChallenge
from ._bisection import BisectionError as BisectionError
from ._bisection import BisectionGame as BisectionGame
from ._bisection import BisectionMove as BisectionMove
from ._bisection import BisectionOutcome as BisectionOutcome
from ._bisection import BisectionPhase as BisectionPhase
from ._bisection import BisectionReason as BisectionReason
from ._bisection import BisectionRole as BisectionRole
from ._bisection import BisectionSetup as BisectionSetup
from ._bisection import BisectionTranscript as BisectionTranscript
from ._bisection import ClockError as ClockError
from ._bisection import CostModel as CostModel
from ._bisection import GameOverError as GameOverError
from ._bisection import MoveError as MoveError
from ._bisection import PickMove as PickMove
from ._bisection import RevealMove as RevealMove
from ._bisection import SetupError as SetupError
from ._bisection import SplitMove as SplitMove
from ._bisection import TranscriptError as TranscriptError
from ._bisection import check_transcript as check_transcript
from ._bisection import choose_arity as choose_arity
from ._bisection import game_cost as game_cost
from ._bisection import max_rounds as max_rounds
from ._bisection import replay_transcript as replay_transcript
from ._bisection import split_points as split_points
from ._chains import hash_chain as hash_chain
from ._chains import logistic_chain as logistic_chain
from ._computation import ParallelComputation as ParallelComputation
from ._computation import SerialComputation as SerialComputation
from ._computation import code_digest as code_digest
from ._computation import input_id as input_id
from ._computation import value_bytes as value_bytes
from ._errors import GamesError as GamesError
from ._errors import ParameterError as ParameterError
from ._judge import JudgeError as JudgeError
from ._judge import check_ruling as check_ruling
from ._judge import judge_bisection as judge_bisection
from ._market import BetSigning as BetSigning
from ._market import BookLevel as BookLevel
from ._market import BookResult as BookResult
from ._market import ClaimMarket as ClaimMarket
from ._market import ClosedOrder as ClosedOrder
from ._market import CloseReason as CloseReason
from ._market import MarketExpiry as MarketExpiry
from ._market import MarketQuote as MarketQuote
from ._market import MarketResolution as MarketResolution
from ._market import OrderBook as OrderBook
from ._market import PendingBet as PendingBet
from ._market import PostResult as PostResult
from ._market import implied_fraud as implied_fraud
from ._merkle import InclusionProof as InclusionProof
from ._merkle import MerkleTree as MerkleTree
from ._merkle import MultiProof as MultiProof
from ._merkle import ProofError as ProofError
from ._merkle import leaf_hashes as leaf_hashes
from ._merkle import leaf_hashes_of_rows as leaf_hashes_of_rows
from ._merkle import split_multi_proof as split_multi_proof
from ._merkle import streaming_root as streaming_root
from ._merkle import verify_chunk as verify_chunk
from ._merkle import verify_inclusion as verify_inclusion
from ._merkle import verify_many as verify_many
from ._noise import NoiseCalibration as NoiseCalibration
from ._noise import NoiseError as NoiseError
from ._noise import SeedSchedule as SeedSchedule
from ._noise import analytic_noise as analytic_noise
from ._noise import calibrate_noise as calibrate_noise
from ._noise import fixed_dtype as fixed_dtype
from ._noise import fresh_seed as fresh_seed
from ._noise import from_fixed as from_fixed
from ._noise import least_noise as least_noise
from ._noise import next_seed as next_seed
from ._noise import noise as noise
from ._noise import to_fixed as to_fixed
from ._noise import unit_noise as unit_noise
from ._planning import pass_probability as pass_probability
from ._planning import plan as plan
from ._quantize import quantize as quantize
from ._quantize import quantized_bytes as quantized_bytes
from ._reasoner import ActionValue as ActionValue
from ._reasoner import CheckValue as CheckValue
from ._reasoner import ClaimAction as ClaimAction
from ._reasoner import ClaimDecision as ClaimDecision
from ._reasoner import best_check as best_check
from ._reasoner import check_value as check_value
from ._reasoner import decide as decide
from ._reasoner import detection_probability as detection_probability
from ._reasoner import dispute_value as dispute_value
from ._reasoner import fraud_probability as fraud_probability
from ._reasoner import market_value as market_value
from ._redeem import AccountState as AccountState
from ._redeem import LotteryLedgerError as LotteryLedgerError
from ._redeem import Redemption as Redemption
from ._redeem import RedemptionOutcome as RedemptionOutcome
from ._redeem import UnlockRequest as UnlockRequest
from ._redeem import account_state as account_state
from ._redeem import fund_account as fund_account
from ._redeem import judge_step as judge_step
from ._redeem import penalty_bonds as penalty_bonds
from ._redeem import post_worker_bond as post_worker_bond
from ._redeem import redeem as redeem
from ._redeem import request_unlock as request_unlock
from ._redeem import verify_step as verify_step
from ._redeem import void_unopened as void_unopened
from ._redeem import withdraw as withdraw
from ._reputation import CheckPlan as CheckPlan
from ._reputation import CheckPolicy as CheckPolicy
from ._reputation import PlanReason as PlanReason
from ._reputation import Reputation as Reputation
from ._reputation import ReputationError as ReputationError
from ._reputation import ReputationRecord as ReputationRecord
from ._reputation import achieved_epsilon as achieved_epsilon
from ._serial_solvers import AfterEndSolver as AfterEndSolver
from ._serial_solvers import BisectionPlayer as BisectionPlayer
from ._serial_solvers import EquivocatingSolver as EquivocatingSolver
from ._serial_solvers import FakeStepSolver as FakeStepSolver
from ._serial_solvers import HonestChallenger as HonestChallenger
from ._serial_solvers import HonestSerialSolver as HonestSerialSolver
from ._serial_solvers import LyingChallenger as LyingChallenger
from ._serial_solvers import NonShrinkingChallenger as NonShrinkingChallenger
from ._serial_solvers import NonShrinkingSolver as NonShrinkingSolver
from ._serial_solvers import StallingChallenger as StallingChallenger
from ._serial_solvers import StallingSerialSolver as StallingSerialSolver
from ._serial_solvers import faked_chain as faked_chain
from ._serial_solvers import play_bisection as play_bisection
from ._solvers import ChunkSwappingSolver as ChunkSwappingSolver
from ._solvers import FakingSolver as FakingSolver
from ._solvers import HonestSolver as HonestSolver
from ._solvers import ParallelSolver as ParallelSolver
from ._solvers import ProofForgingSolver as ProofForgingSolver
from ._solvers import SizeLyingSolver as SizeLyingSolver
from ._solvers import WithholdingSolver as WithholdingSolver
from ._spotcheck import Challenge as Challenge
from ._spotcheck import CommittedOutput as CommittedOutput
from ._spotcheck import FraudProof as FraudProof
from ._spotcheck import FraudProofError as FraudProofError
from ._spotcheck import Opening as Opening
from ._spotcheck import Outcome as Outcome
from ._spotcheck import OutputCommitment as OutputCommitment
from ._spotcheck import SpotCheckCertificate as SpotCheckCertificate
from ._spotcheck import SpotCheckError as SpotCheckError
from ._spotcheck import SpotCheckResult as SpotCheckResult
from ._spotcheck import beacon_challenge as beacon_challenge
from ._spotcheck import certificate_ruling as certificate_ruling
from ._spotcheck import check_certificate as check_certificate
from ._spotcheck import check_fraud_proof as check_fraud_proof
from ._spotcheck import choose_chunk as choose_chunk
from ._spotcheck import commit_output as commit_output
from ._spotcheck import nonce_challenge as nonce_challenge
from ._spotcheck import sample_indices as sample_indices
from ._spotcheck import sign_claim as sign_claim
from ._spotcheck import spot_check as spot_check
from ._tickets import LotteryAccount as LotteryAccount
from ._tickets import StepCommitment as StepCommitment
from ._tickets import Ticket as Ticket
from ._tickets import TicketBatch as TicketBatch
from ._tickets import TicketBundle as TicketBundle
from ._tickets import TicketIssuer as TicketIssuer
from ._tickets import TicketReceiver as TicketReceiver
from ._tickets import TicketRejected as TicketRejected
from ._tickets import TicketRejection as TicketRejection
from ._tickets import WinningTicket as WinningTicket
from ._tickets import batch_tree as batch_tree
from ._tickets import check_ticket as check_ticket
from ._tickets import round_randomness as round_randomness
from ._tickets import threshold_probability as threshold_probability
from ._tickets import win_threshold as win_threshold
from ._trace import Checkpoints as Checkpoints
from ._trace import TraceError as TraceError
from ._trace import commit_trace as commit_trace
from ._trace import run_one_step as run_one_step
from ._trace import serial_claim as serial_claim
from ._training import MemoizingWorker as MemoizingWorker
from ._training import TrainingChain as TrainingChain
from ._training import TrainingError as TrainingError
from ._training import TrainingWorker as TrainingWorker
from ._training import ZeroShortcutWorker as ZeroShortcutWorker
from ._training import zero_input_changes as zero_input_changes
from ._workloads import Scene as Scene
from ._workloads import Sphere as Sphere
from ._workloads import WorkloadError as WorkloadError
from ._workloads import demo_scene as demo_scene
from ._workloads import ray_tracer as ray_tracer
from ._workloads import render as render

__all__ = [
    "AccountState",
    "ActionValue",
    "AfterEndSolver",
    "Beacon",
    "BeaconError",
    "BeaconScheme",
    "BeaconSpec",
    "BetError",
    "BetMatch",
    "BetOrder",
    "BetOutcome",
    "BetSettlement",
    "BetSide",
    "BetSigning",
    "BetTerms",
    "BisectionChallenge",
    "BisectionError",
    "BisectionGame",
    "BisectionMove",
    "BisectionOutcome",
    "BisectionPhase",
    "BisectionPlayer",
    "BisectionReason",
    "BisectionRole",
    "BisectionSetup",
    "BisectionTranscript",
    "BookLevel",
    "BookResult",
    "Challenge",
    "CheckPlan",
    "CheckPolicy",
    "CheckValue",
    "Checkpoints",
    "ChunkSwappingSolver",
    "ClaimAction",
    "ClaimDecision",
    "ClaimMarket",
    "ClockError",
    "CloseReason",
    "ClosedOrder",
    "CommittedOutput",
    "CostModel",
    "Ed25519Beacon",
    "EquivocatingSolver",
    "ExternalBeacon",
    "ExternalRound",
    "FakeStepSolver",
    "FakingSolver",
    "FraudProof",
    "FraudProofError",
    "GameOverError",
    "GamesError",
    "HonestChallenger",
    "HonestSerialSolver",
    "HonestSolver",
    "InclusionProof",
    "JudgeError",
    "LocalBeacon",
    "LotteryAccount",
    "LotteryLedgerError",
    "LyingChallenger",
    "MarketExpiry",
    "MarketQuote",
    "MarketResolution",
    "MemoizingWorker",
    "MerkleTree",
    "MoveError",
    "MultiProof",
    "NoiseCalibration",
    "NoiseError",
    "NonShrinkingChallenger",
    "NonShrinkingSolver",
    "Opening",
    "OrderBook",
    "OrderCancel",
    "OrderRefused",
    "OrderRejection",
    "Outcome",
    "OutputCommitment",
    "ParallelComputation",
    "ParallelSolver",
    "ParameterError",
    "PendingBet",
    "PickMove",
    "PlanReason",
    "PostResult",
    "ProofError",
    "ProofForgingSolver",
    "Redemption",
    "RedemptionOutcome",
    "Reputation",
    "ReputationError",
    "ReputationRecord",
    "RevealMove",
    "RoundNotPublished",
    "Scene",
    "SeedSchedule",
    "SerialComputation",
    "SetupError",
    "SizeLyingSolver",
    "Sphere",
    "SplitMove",
    "SpotCheckCertificate",
    "SpotCheckError",
    "SpotCheckResult",
    "StallingChallenger",
    "StallingSerialSolver",
    "StepCommitment",
    "Ticket",
    "TicketBatch",
    "TicketBundle",
    "TicketIssuer",
    "TicketReceiver",
    "TicketRejected",
    "TicketRejection",
    "TraceError",
    "TrainingChain",
    "TrainingError",
    "TrainingWorker",
    "TranscriptError",
    "UnlockRequest",
    "WinningTicket",
    "WithholdingSolver",
    "WorkloadError",
    "ZeroShortcutWorker",
    "account_state",
    "achieved_epsilon",
    "analytic_noise",
    "authorises",
    "batch_tree",
    "beacon_challenge",
    "best_check",
    "calibrate_noise",
    "certificate_ruling",
    "check_certificate",
    "check_fraud_proof",
    "check_odds",
    "check_ruling",
    "check_ticket",
    "check_transcript",
    "check_value",
    "choose_arity",
    "choose_chunk",
    "code_digest",
    "commit_output",
    "commit_trace",
    "countersign",
    "decide",
    "demo_scene",
    "detection_probability",
    "dispute_value",
    "faked_chain",
    "fixed_dtype",
    "fraud_probability",
    "fresh_seed",
    "from_fixed",
    "fund_account",
    "game_cost",
    "hash_chain",
    "implied_fraud",
    "input_id",
    "judge_bisection",
    "judge_step",
    "leaf_hashes",
    "leaf_hashes_of_rows",
    "least_noise",
    "logistic_chain",
    "market_value",
    "max_rounds",
    "mutual_settlement",
    "next_seed",
    "noise",
    "nonce_challenge",
    "odds_price",
    "pass_probability",
    "penalty_bonds",
    "plan",
    "play_bisection",
    "post_worker_bond",
    "quantize",
    "quantized_bytes",
    "ray_tracer",
    "redeem",
    "render",
    "replay_transcript",
    "request_unlock",
    "round_randomness",
    "run_one_step",
    "sample_indices",
    "serial_claim",
    "settle_bet",
    "sign_claim",
    "split_multi_proof",
    "split_points",
    "spot_check",
    "statement_ruling",
    "streaming_root",
    "threshold_probability",
    "to_fixed",
    "unit_noise",
    "value_bytes",
    "verify_chunk",
    "verify_inclusion",
    "verify_many",
    "verify_step",
    "void_unopened",
    "win_threshold",
    "withdraw",
    "zero_input_changes",
]
