"""Workloads and cheating players for tests, examples and benchmarks (as ``trio.testing``): the
ray tracer, cheap serial chains, the noisy training chain, and solvers that fake pieces or steps.
"""

from ._chains import hash_chain as hash_chain
from ._chains import logistic_chain as logistic_chain
from ._parallel_cheats import ChunkSwappingSolver as ChunkSwappingSolver
from ._parallel_cheats import FakingSolver as FakingSolver
from ._parallel_cheats import ProofForgingSolver as ProofForgingSolver
from ._parallel_cheats import SizeLyingSolver as SizeLyingSolver
from ._parallel_cheats import WithholdingSolver as WithholdingSolver
from ._raytrace import Scene as Scene
from ._raytrace import Sphere as Sphere
from ._raytrace import demo_scene as demo_scene
from ._raytrace import ray_tracer as ray_tracer
from ._raytrace import render as render
from ._serial_cheats import AfterEndSolver as AfterEndSolver
from ._serial_cheats import EquivocatingSolver as EquivocatingSolver
from ._serial_cheats import FakeStepSolver as FakeStepSolver
from ._serial_cheats import LyingChallenger as LyingChallenger
from ._serial_cheats import NonShrinkingChallenger as NonShrinkingChallenger
from ._serial_cheats import NonShrinkingSolver as NonShrinkingSolver
from ._serial_cheats import StallingChallenger as StallingChallenger
from ._serial_cheats import StallingSerialSolver as StallingSerialSolver
from ._serial_cheats import faked_chain as faked_chain
from ._training import MemoizingWorker as MemoizingWorker
from ._training import TrainingChain as TrainingChain
from ._training import TrainingWorker as TrainingWorker
from ._training import ZeroShortcutWorker as ZeroShortcutWorker
from ._training import zero_input_changes as zero_input_changes

__all__ = [
    "AfterEndSolver",
    "ChunkSwappingSolver",
    "EquivocatingSolver",
    "FakeStepSolver",
    "FakingSolver",
    "LyingChallenger",
    "MemoizingWorker",
    "NonShrinkingChallenger",
    "NonShrinkingSolver",
    "ProofForgingSolver",
    "Scene",
    "SizeLyingSolver",
    "Sphere",
    "StallingChallenger",
    "StallingSerialSolver",
    "TrainingChain",
    "TrainingWorker",
    "WithholdingSolver",
    "ZeroShortcutWorker",
    "demo_scene",
    "faked_chain",
    "hash_chain",
    "logistic_chain",
    "ray_tracer",
    "render",
    "zero_input_changes",
]
