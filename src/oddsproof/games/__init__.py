"""Verification games: computations, Merkle trees, spot checks of parallel work, trace
commitments and the bisection game with its one-step judge, beacons, lottery tickets, noise
seeds and redemption (``docs/spot-checks.md``, ``docs/bisection.md``, ``docs/lottery.md``).
"""

from ._beacon import Beacon as Beacon
from ._beacon import BeaconReason as BeaconReason
from ._beacon import BeaconScheme as BeaconScheme
from ._beacon import BeaconSpec as BeaconSpec
from ._beacon import Ed25519Beacon as Ed25519Beacon
from ._beacon import ExternalBeacon as ExternalBeacon
from ._beacon import ExternalRound as ExternalRound
from ._beacon import LocalBeacon as LocalBeacon
from ._bisection import BisectionChallenge as BisectionChallenge
from ._bisection import BisectionGame as BisectionGame
from ._bisection import BisectionMove as BisectionMove
from ._bisection import BisectionOutcome as BisectionOutcome
from ._bisection import BisectionPhase as BisectionPhase
from ._bisection import BisectionReason as BisectionReason
from ._bisection import BisectionRole as BisectionRole
from ._bisection import BisectionSetup as BisectionSetup
from ._bisection import BisectionTranscript as BisectionTranscript
from ._bisection import PickMove as PickMove
from ._bisection import RevealMove as RevealMove
from ._bisection import SplitMove as SplitMove
from ._bisection import check_transcript as check_transcript
from ._bisection import choose_arity as choose_arity
from ._bisection import max_rounds as max_rounds
from ._computation import ParallelComputation as ParallelComputation
from ._computation import SerialComputation as SerialComputation
from ._computation import input_id as input_id
from ._judge import check_ruling as check_ruling
from ._judge import judge_bisection as judge_bisection
from ._merkle import InclusionProof as InclusionProof
from ._merkle import MerkleTree as MerkleTree
from ._merkle import MultiProof as MultiProof
from ._merkle import verify_inclusion as verify_inclusion
from ._noise import NoiseCalibration as NoiseCalibration
from ._noise import SeedSchedule as SeedSchedule
from ._noise import analytic_noise as analytic_noise
from ._noise import calibrate_noise as calibrate_noise
from ._noise import fresh_seed as fresh_seed
from ._noise import least_noise as least_noise
from ._noise import noise as noise
from ._noise import to_fixed as to_fixed
from ._planning import pass_probability as pass_probability
from ._planning import plan as plan
from ._players import BisectionPlayer as BisectionPlayer
from ._players import HonestChallenger as HonestChallenger
from ._players import HonestSerialSolver as HonestSerialSolver
from ._players import HonestSolver as HonestSolver
from ._players import ParallelSolver as ParallelSolver
from ._players import play_bisection as play_bisection
from ._quantize import quantize as quantize
from ._quantize import quantized_bytes as quantized_bytes
from ._redeem import AccountState as AccountState
from ._redeem import Redemption as Redemption
from ._redeem import RedemptionOutcome as RedemptionOutcome
from ._redeem import UnlockRequest as UnlockRequest
from ._redeem import fund_account as fund_account
from ._redeem import judge_step as judge_step
from ._redeem import post_worker_bond as post_worker_bond
from ._redeem import redeem as redeem
from ._redeem import request_unlock as request_unlock
from ._redeem import verify_step as verify_step
from ._redeem import void_unopened as void_unopened
from ._redeem import withdraw as withdraw
from ._spotcheck import Challenge as Challenge
from ._spotcheck import CommittedOutput as CommittedOutput
from ._spotcheck import FraudProof as FraudProof
from ._spotcheck import Opening as Opening
from ._spotcheck import OutputCommitment as OutputCommitment
from ._spotcheck import SpotCheckCertificate as SpotCheckCertificate
from ._spotcheck import SpotCheckOutcome as SpotCheckOutcome
from ._spotcheck import SpotCheckReason as SpotCheckReason
from ._spotcheck import SpotCheckResult as SpotCheckResult
from ._spotcheck import beacon_challenge as beacon_challenge
from ._spotcheck import certificate_ruling as certificate_ruling
from ._spotcheck import check_certificate as check_certificate
from ._spotcheck import check_fraud_proof as check_fraud_proof
from ._spotcheck import commit_output as commit_output
from ._spotcheck import nonce_challenge as nonce_challenge
from ._spotcheck import sign_claim as sign_claim
from ._spotcheck import spot_check as spot_check
from ._tickets import LotteryAccount as LotteryAccount
from ._tickets import StepCommitment as StepCommitment
from ._tickets import Ticket as Ticket
from ._tickets import TicketBatch as TicketBatch
from ._tickets import TicketBundle as TicketBundle
from ._tickets import TicketIssuer as TicketIssuer
from ._tickets import TicketReason as TicketReason
from ._tickets import TicketReceiver as TicketReceiver
from ._tickets import WinningTicket as WinningTicket
from ._tickets import check_ticket as check_ticket
from ._trace import Checkpoints as Checkpoints
from ._trace import commit_trace as commit_trace
from ._trace import serial_claim as serial_claim

__all__ = [
    "AccountState",
    "Beacon",
    "BeaconReason",
    "BeaconScheme",
    "BeaconSpec",
    "BisectionChallenge",
    "BisectionGame",
    "BisectionMove",
    "BisectionOutcome",
    "BisectionPhase",
    "BisectionPlayer",
    "BisectionReason",
    "BisectionRole",
    "BisectionSetup",
    "BisectionTranscript",
    "Challenge",
    "Checkpoints",
    "CommittedOutput",
    "Ed25519Beacon",
    "ExternalBeacon",
    "ExternalRound",
    "FraudProof",
    "HonestChallenger",
    "HonestSerialSolver",
    "HonestSolver",
    "InclusionProof",
    "LocalBeacon",
    "LotteryAccount",
    "MerkleTree",
    "MultiProof",
    "NoiseCalibration",
    "Opening",
    "OutputCommitment",
    "ParallelComputation",
    "ParallelSolver",
    "PickMove",
    "Redemption",
    "RedemptionOutcome",
    "RevealMove",
    "SeedSchedule",
    "SerialComputation",
    "SplitMove",
    "SpotCheckCertificate",
    "SpotCheckOutcome",
    "SpotCheckReason",
    "SpotCheckResult",
    "StepCommitment",
    "Ticket",
    "TicketBatch",
    "TicketBundle",
    "TicketIssuer",
    "TicketReason",
    "TicketReceiver",
    "UnlockRequest",
    "WinningTicket",
    "analytic_noise",
    "beacon_challenge",
    "calibrate_noise",
    "certificate_ruling",
    "check_certificate",
    "check_fraud_proof",
    "check_ruling",
    "check_ticket",
    "check_transcript",
    "choose_arity",
    "commit_output",
    "commit_trace",
    "fresh_seed",
    "fund_account",
    "input_id",
    "judge_bisection",
    "judge_step",
    "least_noise",
    "max_rounds",
    "noise",
    "nonce_challenge",
    "pass_probability",
    "plan",
    "play_bisection",
    "post_worker_bond",
    "quantize",
    "quantized_bytes",
    "redeem",
    "request_unlock",
    "serial_claim",
    "sign_claim",
    "spot_check",
    "to_fixed",
    "verify_inclusion",
    "verify_step",
    "void_unopened",
    "withdraw",
]
