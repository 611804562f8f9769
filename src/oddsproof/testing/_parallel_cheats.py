"""Solvers of parallel work, honest and cheating, for tests, examples and strategies.

Every solver follows the same moves (:meth:`ParallelSolver.solve` computes, commits and signs a
claim; :meth:`ParallelSolver.respond` opens a challenge) and cheats by overriding one of them:

- :class:`HonestSolver` computes every piece and opens what it committed.
- :class:`FakingSolver` skips a fraction f of the pieces (a random subset from a fixed seed) and
  commits made-up values for them; it opens honestly what it committed.
- :class:`ProofForgingSolver` fakes like the above, and when a faked piece is challenged computes
  it then and opens the true value with the committed proof (``forge="leaf"``) or with a
  tampered sibling hash as well (``forge="sibling"``).
- :class:`ChunkSwappingSolver` fakes, and opens a clean chunk in place of each challenged chunk
  holding a faked piece.
- :class:`SizeLyingSolver` lies about N: it computes only the first part of the pieces and either
  commits a short tree while stating all N pieces (``mode="short-tree"``) or states the short
  count (``mode="short-count"``).
- :class:`WithholdingSolver` fakes and never opens.

Faked values are uniform random numbers in [0, 1); one equals the true value only with
probability about 2**-16 per value at 16 bits, so a faked piece is a wrong piece.
"""

from __future__ import annotations

from typing import Final, Literal

import numpy as np
import numpy.typing as npt

from oddsproof.errors import InvalidArgument
from oddsproof.games import (
    Challenge,
    CommittedOutput,
    MerkleTree,
    Opening,
    OutputCommitment,
    ParallelComputation,
    ParallelSolver,
)
from oddsproof.games._computation import Array
from oddsproof.games._spotcheck import _leaf_level
from oddsproof.wire import Digest, Domain, Identity

FORGES: Final = ("leaf", "sibling")
SIZE_LIES: Final = ("short-tree", "short-count")


def _faked_set(size: int, fraction: float, seed: int) -> npt.NDArray[np.int64]:
    if isinstance(fraction, bool) or not isinstance(fraction, int | float):
        raise InvalidArgument(f"the faked fraction is a number in (0, 1], got {fraction!r}")
    if not 0.0 < fraction <= 1.0:
        raise InvalidArgument(f"the faked fraction must lie in (0, 1], got {fraction!r}")
    if type(seed) is not int or seed < 0:
        raise InvalidArgument(f"the seed is a non-negative integer, got {seed!r}")
    count = max(1, round(fraction * size))
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(size, size=count, replace=False)).astype(np.int64)


class FakingSolver(ParallelSolver):
    """Skips ``fraction`` of the pieces (exactly ``max(1, round(fraction * N))`` of them, a random
    subset drawn from ``seed``) and commits random values for them."""

    def __init__(
        self,
        identity: Identity,
        computation: ParallelComputation,
        data: bytes,
        *,
        domain: Domain,
        fraction: float,
        seed: int = 0,
        chunk: int | None = None,
    ) -> None:
        super().__init__(identity, computation, data, domain=domain, chunk=chunk)
        self.fraction = fraction
        self.seed = seed
        self.faked = _faked_set(computation.size, fraction, seed)
        self._is_faked = np.zeros(computation.size, dtype=np.bool_)
        self._is_faked[self.faked] = True

    def is_faked(self, piece: int) -> bool:
        """Whether ``piece`` was faked."""
        return bool(self._is_faked[piece])

    def compute(self) -> Array:
        """Honest rows for the pieces kept, random rows for the faked ones."""
        kept = np.flatnonzero(~self._is_faked)
        rows: Array | None = None
        if len(kept):
            honest = self.evaluate(kept)
            rows = np.zeros((self.computation.size, honest.shape[1]), dtype=np.float64)
            rows[kept] = honest
        else:
            width = self.computation.evaluate(self.data, [0]).shape[1]  # learn the row width only
            rows = np.zeros((self.computation.size, width), dtype=np.float64)
        rng = np.random.default_rng(self.seed + 1)
        rows[self.faked] = rng.random((len(self.faked), rows.shape[1]))
        return rows

    def _challenged_faked_leaves(self, challenge: Challenge) -> set[int]:
        commitment = self.commitment
        return {commitment.leaf_of(i) for i in challenge.indices(commitment) if self._is_faked[i]}


class ProofForgingSolver(FakingSolver):
    """Fakes, then tries to pass a challenged faked piece by opening its true value.

    ``forge="leaf"``: the true chunk with the committed multi-proof. ``forge="sibling"``: the
    true chunk and one sibling hash of the proof altered too.
    """

    def __init__(
        self,
        identity: Identity,
        computation: ParallelComputation,
        data: bytes,
        *,
        domain: Domain,
        fraction: float,
        seed: int = 0,
        forge: Literal["leaf", "sibling"] = "leaf",
        chunk: int | None = None,
    ) -> None:
        super().__init__(
            identity, computation, data, domain=domain, fraction=fraction, seed=seed, chunk=chunk
        )
        if forge not in FORGES:
            raise InvalidArgument(f"forge is one of {FORGES}, got {forge!r}")
        self.forge = forge

    def respond(self, challenge: Challenge) -> Opening | None:
        """The committed opening, with each challenged faked chunk replaced by the truth."""
        opening = self.committed.open(challenge)
        bad = self._challenged_faked_leaves(challenge)
        if not bad:
            return opening
        commitment = self.commitment
        chunks = list(opening.chunks)
        for position, leaf in enumerate(opening.proof.indices):
            if leaf in bad:
                pieces = commitment.leaf_pieces(leaf)
                rows = self.evaluate(np.arange(pieces.start, pieces.stop))
                chunks[position] = self.computation.piece_bytes(rows)
        proof = opening.proof
        if self.forge == "sibling" and proof.hashes:
            first = proof.hashes[0].raw
            tampered = Digest(bytes([first[0] ^ 1]) + first[1:])
            proof = type(proof)(proof.indices, proof.size, (tampered, *proof.hashes[1:]))
        return Opening(opening.claim, tuple(chunks), proof)


class ChunkSwappingSolver(FakingSolver):
    """Fakes, then opens a clean chunk (with its genuine proof) in place of each challenged
    chunk that holds a faked piece."""

    def respond(self, challenge: Challenge) -> Opening | None:
        """The opening of the challenged leaves, dirty ones swapped for clean ones."""
        commitment = self.commitment
        bad = self._challenged_faked_leaves(challenge)
        wanted = sorted({commitment.leaf_of(i) for i in challenge.indices(commitment)})
        clean = [
            leaf
            for leaf in range(commitment.leaves)
            if not any(self._is_faked[p] for p in commitment.leaf_pieces(leaf))
        ]
        if not bad or not clean:
            return self.committed.open(challenge)
        swapped = sorted({leaf if leaf not in bad else clean[leaf % len(clean)] for leaf in wanted})
        return Opening(
            challenge.claim,
            tuple(self.committed.chunk_bytes(leaf) for leaf in swapped),
            self.committed.tree.prove_many(swapped),
        )


class SizeLyingSolver(ParallelSolver):
    """Computes only the first ``kept`` fraction of the pieces and lies about N.

    ``mode="short-tree"``: commits a tree over those pieces only, but its commitment states all
    N pieces (so its leaf count is wrong for every proof). ``mode="short-count"``: states the
    short count in the commitment, which then contradicts the computation.
    """

    def __init__(
        self,
        identity: Identity,
        computation: ParallelComputation,
        data: bytes,
        *,
        domain: Domain,
        kept: float = 0.5,
        mode: Literal["short-tree", "short-count"] = "short-tree",
        chunk: int | None = None,
    ) -> None:
        super().__init__(identity, computation, data, domain=domain, chunk=chunk)
        if mode not in SIZE_LIES:
            raise InvalidArgument(f"mode is one of {SIZE_LIES}, got {mode!r}")
        if isinstance(kept, bool) or not isinstance(kept, int | float) or not 0 < kept < 1:
            raise InvalidArgument(f"kept must lie in (0, 1), got {kept!r}")
        self.mode = mode
        self.short = max(1, min(computation.size - 1, round(kept * computation.size)))
        if computation.size < 2:
            raise InvalidArgument("lying about N needs at least two pieces")

    def compute(self) -> Array:
        """The rows of the first ``short`` pieces only."""
        return self.evaluate(np.arange(self.short))

    def commit(self, rows: Array) -> CommittedOutput:
        """A tree over the short output, under a commitment stating N or the short count."""
        data = self.computation.piece_bytes(rows)
        row_bytes = len(data) // self.short
        chunk = self.chunk or max(1, min(self.short, 1024 // row_bytes or 1))
        tree = MerkleTree(_leaf_level(data, chunk * row_bytes))
        stated = self.computation.size if self.mode == "short-tree" else self.short
        commitment = OutputCommitment(
            tree.root, stated, chunk, row_bytes, self.computation.spec.precision
        )
        return CommittedOutput(commitment, data, tree)

    def respond(self, challenge: Challenge) -> Opening | None:
        """Opens the challenged leaves that exist in its short tree (at least one)."""
        committed = self.committed
        commitment = committed.commitment
        leaves = sorted(
            {
                min(commitment.leaf_of(i), committed.tree.size - 1)
                for i in challenge.indices(commitment)
            }
        )
        chunks = tuple(committed.chunk_bytes(leaf) for leaf in leaves)
        return Opening(challenge.claim, chunks, committed.tree.prove_many(leaves))


class WithholdingSolver(FakingSolver):
    """Fakes and never opens anything."""

    def respond(self, challenge: Challenge) -> Opening | None:
        """No answer."""
        return None
