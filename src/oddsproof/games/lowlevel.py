"""Low-level names of the verification games (as ``trio.lowlevel``): Merkle levels and
multi-proof plumbing, noise internals, bisection arithmetic, spot-check sampling, ticket
thresholds and account bookkeeping. Most users need only :mod:`oddsproof.games`."""

from ._bisection import CostModel, game_cost, replay_transcript, split_points
from ._computation import code_digest, value_bytes
from ._merkle import (
    leaf_hashes,
    leaf_hashes_of_rows,
    split_multi_proof,
    streaming_root,
    verify_chunk,
    verify_many,
)
from ._noise import fixed_dtype, from_fixed, next_seed, unit_noise
from ._redeem import account_state, penalty_bonds
from ._spotcheck import choose_chunk, sample_indices
from ._tickets import batch_tree, round_randomness, threshold_probability, win_threshold
from ._trace import run_one_step

__all__ = [
    "CostModel",
    "account_state",
    "batch_tree",
    "choose_chunk",
    "code_digest",
    "fixed_dtype",
    "from_fixed",
    "game_cost",
    "leaf_hashes",
    "leaf_hashes_of_rows",
    "next_seed",
    "penalty_bonds",
    "replay_transcript",
    "round_randomness",
    "run_one_step",
    "sample_indices",
    "split_multi_proof",
    "split_points",
    "streaming_root",
    "threshold_probability",
    "unit_noise",
    "value_bytes",
    "verify_chunk",
    "verify_many",
    "win_threshold",
]
