"""Trace commitments of serial runs, and the checkpoint store that regenerates any state.

A solver runs the chain once, keeps every ``c``-th state (memory O(T/c)), hashes those states
and commits to them with an RFC 6962 Merkle root: leaf ``j`` is the 32-byte state hash at step
``j·c`` (the leaf's data; the tree applies the ``0x00`` leaf prefix), for ``j = 0 … T/c``. That is
``contracts.TraceCommitment(root, T, c)``. During a dispute the solver is asked for states
between checkpoints; :class:`Checkpoints` re-runs the chain from the checkpoint below, at most
``c − 1`` steps, and keeps the last regenerated segment so that a game pays for each segment
once.

States cross the wire only when a dispute reaches its one step: :func:`state_fields` and
:func:`state_from_fields` give a state one byte form (dtype, shape, little-endian data), and a
state is accepted only if those bytes are exactly the bytes its hash covers, so the hash binds
the whole state (a float state must already be quantized to the declared precision).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

import numpy as np

from oddsproof.contracts import Claim, TraceCommitment
from oddsproof.errors import InvalidArgument, OddsproofError
from oddsproof.wire import Digest, Domain, Identity, Signed, merkle_leaf_hash

from ._computation import Array, SerialComputation, input_id, state_digest, value_bytes
from ._merkle import MerkleTree, MultiProof, leaf_hashes

STATE_DTYPES: Final = frozenset(
    {"|b1", "|u1", "|i1", "<u2", "<i2", "<u4", "<i4", "<u8", "<i8", "<f4", "<f8"}
)
"""The dtypes a revealed state may have (little-endian byte order spelled out)."""
MAX_STATE_BYTES: Final = 1 << 19
MAX_STATE_DIMENSIONS: Final = 8
CACHED_SEGMENTS: Final = 4
"""Regenerated segments a store keeps (c states each); a game usually touches one or two."""


def state_hash(state: Array, precision: int) -> Digest:
    """The hash of a state at ``precision``: the same value as ``SerialComputation.state_hash``,
    for parties (a referee, a third party) that hold no computation."""
    try:
        return state_digest(state, precision)
    except OddsproofError:
        raise
    except (TypeError, ValueError, OverflowError) as exc:
        raise InvalidArgument(f"cannot hash this state: {exc}") from exc


def state_fields(state: Array) -> tuple[str, tuple[int, ...], bytes]:
    """A state's wire form: (dtype string, shape, little-endian row-major bytes)."""
    array = np.asarray(state)
    dtype = array.dtype.newbyteorder("<") if array.dtype.byteorder == ">" else array.dtype
    if dtype.str not in STATE_DTYPES:
        raise InvalidArgument(
            f"a state's dtype must be one of {sorted(STATE_DTYPES)}, got {dtype.str}"
        )
    data = np.ascontiguousarray(array, dtype=dtype).tobytes()
    if len(data) > MAX_STATE_BYTES or array.ndim > MAX_STATE_DIMENSIONS:
        raise InvalidArgument(f"a state is at most {MAX_STATE_BYTES} bytes in 8 dimensions")
    return dtype.str, tuple(int(d) for d in array.shape), data


def state_from_fields(dtype: str, shape: tuple[int, ...], data: bytes, precision: int) -> Array:
    """The state a wire form describes; refuses one whose bytes are not its committed bytes.

    For floating-point states that means the values must already be quantized to
    ``precision``: otherwise two different states could share one hash.
    """
    if dtype not in STATE_DTYPES:
        raise InvalidArgument(f"state dtype {dtype!r} is not allowed")
    if len(shape) > MAX_STATE_DIMENSIONS or len(data) > MAX_STATE_BYTES:
        raise InvalidArgument("state too large")
    count = 1
    for d in shape:
        count *= d
    width = np.dtype(dtype).itemsize
    if count * width != len(data):
        raise InvalidArgument(f"{len(data)} bytes do not fill a {dtype} array of shape {shape}")
    array = np.frombuffer(data, dtype=dtype).reshape(shape)
    try:
        committed = value_bytes(array, precision)
    except OddsproofError as exc:
        raise InvalidArgument(f"state cannot be committed at precision {precision}: {exc}") from exc
    if committed != data:
        raise InvalidArgument("state bytes differ from their committed bytes (not quantized)")
    return array


def leaf_of(state_digest: Digest) -> Digest:
    """The Merkle leaf hash of a checkpoint whose state hash is ``state_digest``."""
    return merkle_leaf_hash(state_digest.raw)


def run_one_step(computation: SerialComputation, state: Array, index: int) -> Digest:
    """The hash of ``step(state, index)``: the judge's whole computation in a dispute.

    Any exception of the step (user code) becomes :class:`InvalidArgument`, so a state that makes
    the step fail is a state the step cannot follow from.
    """
    if not isinstance(index, int) or not 0 <= index < computation.steps:
        raise InvalidArgument(f"step index must lie in [0, {computation.steps}), got {index!r}")
    try:
        nxt = computation.step(np.array(state, copy=True), index)
        return computation.state_hash(nxt)
    except Exception as exc:  # the step is user code: any failure is a verdict
        raise InvalidArgument(f"step {index} failed: {type(exc).__name__}: {exc}") from exc


class Checkpoints:
    """A committed serial run: every ``interval``-th state, their Merkle tree, and regeneration.

    Build it with :func:`commit_trace`. Memory is ``T/c + 1`` states plus one regenerated
    segment of ``c`` states; :attr:`regenerated` counts the steps re-run since construction.
    """

    __slots__ = (
        "_hash_cache",
        "_hashes",
        "_segments",
        "_states",
        "_tree",
        "commitment",
        "computation",
        "interval",
        "regenerated",
    )

    def __init__(
        self,
        computation: SerialComputation,
        interval: int,
        states: Sequence[Array],
        hashes: Sequence[Digest],
        tree: MerkleTree,
    ) -> None:
        self.computation = computation
        self.interval = interval
        self._states = list(states)
        self._hashes = list(hashes)
        self._tree = tree
        self.commitment = TraceCommitment(tree.root, computation.steps, interval)
        self._segments: dict[int, list[Array]] = {}
        self._hash_cache: dict[int, Digest] = {}
        self.regenerated = 0

    @property
    def steps(self) -> int:
        """Number of steps T."""
        return self.computation.steps

    @property
    def output(self) -> Digest:
        """The state hash after the last step: a serial claim's output id."""
        return self._hashes[-1]

    @property
    def stored(self) -> int:
        """Number of states kept (``T/c + 1``)."""
        return len(self._states)

    def _check_step(self, step: int) -> int:
        if isinstance(step, bool) or not isinstance(step, int | np.integer):
            raise InvalidArgument(f"a step index is an integer, got {step!r}")
        if not 0 <= step <= self.steps:
            raise InvalidArgument(f"step {step} outside [0, {self.steps}]")
        return int(step)

    def state(self, step: int) -> Array:
        """The state after ``step`` steps, regenerated from the checkpoint below if needed."""
        step = self._check_step(step)
        checkpoint, offset = divmod(step, self.interval)
        if not offset:
            return np.array(self._states[checkpoint], copy=True)
        return np.array(self._segment(checkpoint)[offset - 1], copy=True)

    def hash(self, step: int) -> Digest:
        """The state hash after ``step`` steps."""
        step = self._check_step(step)
        checkpoint, offset = divmod(step, self.interval)
        if not offset:
            return self._hashes[checkpoint]
        found = self._hash_cache.get(step)
        if found is None:
            found = self.computation.state_hash(self._segment(checkpoint)[offset - 1])
            self._hash_cache[step] = found
        return found

    def hashes(self, steps: Iterable[int]) -> tuple[Digest, ...]:
        """The state hashes at several steps."""
        return tuple(self.hash(s) for s in steps)

    def prove(self, steps: Sequence[int]) -> MultiProof:
        """A multi-proof that the checkpoints at ``steps`` (multiples of c) are in the root."""
        leaves = []
        for s in steps:
            step = self._check_step(s)
            if step % self.interval:
                raise InvalidArgument(f"step {step} is not a checkpoint (every {self.interval})")
            leaves.append(step // self.interval)
        return self._tree.prove_many(leaves)

    def forget_segments(self) -> None:
        """Drop the regenerated segments (to measure or bound memory); they regenerate on use."""
        self._segments.clear()
        self._hash_cache.clear()

    def _segment(self, checkpoint: int) -> list[Array]:
        """The states after steps ``j·c + 1 … j·c + c − 1`` of segment ``j``, regenerated once."""
        found = self._segments.get(checkpoint)
        if found is not None:
            return found
        start = checkpoint * self.interval
        stop = min(start + self.interval, self.steps)
        state = np.array(self._states[checkpoint], copy=True)
        found = []
        step_fn = self.computation.step
        try:
            for i in range(start, stop - 1):
                state = step_fn(state, i)
                found.append(state)
        except OddsproofError:
            raise
        except Exception as exc:  # user code
            raise InvalidArgument(f"the chain failed in segment {checkpoint}: {exc}") from exc
        self.regenerated += len(found)
        if len(self._segments) >= CACHED_SEGMENTS:
            self.forget_segments()
        self._segments[checkpoint] = found
        return found


def commit_trace(computation: SerialComputation, data: bytes, interval: int) -> Checkpoints:
    """Run ``computation`` on ``data``, keep every ``interval``-th state and commit to them.

    ``interval`` must divide the number of steps. The result's :attr:`Checkpoints.commitment`
    goes into the claim, and its :attr:`Checkpoints.output` is the claim's output id.
    """
    if not isinstance(computation, SerialComputation):
        raise InvalidArgument("commit_trace needs a SerialComputation")
    steps = computation.steps
    if isinstance(interval, bool) or not isinstance(interval, int) or interval < 1:
        raise InvalidArgument(f"the checkpoint interval is a positive integer, got {interval!r}")
    if steps % interval:
        raise InvalidArgument(f"the interval {interval} must divide the {steps} steps")
    try:
        state = computation.initial(bytes(data))
        states = [np.array(state, copy=True)]
        for j in range(steps // interval):
            state = computation.run(state, j * interval, (j + 1) * interval)
            states.append(np.array(state, copy=True))
        hashes = [computation.state_hash(s) for s in states]
    except OddsproofError:
        raise
    except Exception as exc:  # user code
        raise InvalidArgument(f"the chain failed: {type(exc).__name__}: {exc}") from exc
    tree = MerkleTree(leaf_hashes(h.raw for h in hashes))
    return Checkpoints(computation, interval, states, hashes, tree)


def serial_claim(
    trace: Checkpoints,
    data: bytes,
    claimant: Identity,
    domain: Domain,
    *,
    offer: Digest,
    now: int,
) -> Signed[Claim]:
    """The claim a solver signs for a committed run: output id = the final state hash, trace =
    the commitment. This is the serial output convention bisection games check."""
    if not isinstance(trace, Checkpoints):
        raise InvalidArgument("serial_claim needs the Checkpoints of a committed run")
    spec = trace.computation.spec
    claim = Claim(
        offer,
        claimant.party,
        spec.id,
        input_id(data),
        trace.output,
        spec.precision,
        trace.commitment,
        now,
    )
    return Signed.create(claim, domain, claimant)
