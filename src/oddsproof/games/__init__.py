"""Verification games: spot checks, bisection, lottery tickets, bets and the fraud strategies.

Imports ``oddsproof.contracts`` and nothing above it.
"""

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
from ._planning import pass_probability as pass_probability
from ._planning import plan as plan
from ._quantize import quantize as quantize
from ._quantize import quantized_bytes as quantized_bytes
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
from ._trace import Checkpoints as Checkpoints
from ._trace import TraceError as TraceError
from ._trace import commit_trace as commit_trace
from ._trace import run_one_step as run_one_step
from ._trace import serial_claim as serial_claim
from ._workloads import Scene as Scene
from ._workloads import Sphere as Sphere
from ._workloads import WorkloadError as WorkloadError
from ._workloads import demo_scene as demo_scene
from ._workloads import ray_tracer as ray_tracer
from ._workloads import render as render

__all__ = [
    "AfterEndSolver",
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
    "Challenge",
    "Checkpoints",
    "ChunkSwappingSolver",
    "ClockError",
    "CommittedOutput",
    "CostModel",
    "EquivocatingSolver",
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
    "LyingChallenger",
    "MerkleTree",
    "MoveError",
    "MultiProof",
    "NonShrinkingChallenger",
    "NonShrinkingSolver",
    "Opening",
    "Outcome",
    "OutputCommitment",
    "ParallelComputation",
    "ParallelSolver",
    "ParameterError",
    "PickMove",
    "ProofError",
    "ProofForgingSolver",
    "RevealMove",
    "Scene",
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
    "TraceError",
    "TranscriptError",
    "WithholdingSolver",
    "WorkloadError",
    "beacon_challenge",
    "certificate_ruling",
    "check_certificate",
    "check_fraud_proof",
    "check_ruling",
    "check_transcript",
    "choose_arity",
    "choose_chunk",
    "code_digest",
    "commit_output",
    "commit_trace",
    "demo_scene",
    "faked_chain",
    "game_cost",
    "hash_chain",
    "input_id",
    "judge_bisection",
    "leaf_hashes",
    "leaf_hashes_of_rows",
    "logistic_chain",
    "max_rounds",
    "nonce_challenge",
    "pass_probability",
    "plan",
    "play_bisection",
    "quantize",
    "quantized_bytes",
    "ray_tracer",
    "render",
    "replay_transcript",
    "run_one_step",
    "sample_indices",
    "serial_claim",
    "sign_claim",
    "split_multi_proof",
    "split_points",
    "spot_check",
    "streaming_root",
    "value_bytes",
    "verify_chunk",
    "verify_inclusion",
    "verify_many",
]
