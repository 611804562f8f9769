"""RFC 6962 Merkle trees over many leaves, with inclusion proofs and multi-proofs.

The tree is RFC 6962's: leaves hash as ``SHA256(0x00 || data)``, interior nodes as
``SHA256(0x01 || left || right)``, and a level with an odd number of nodes promotes its last
node unchanged (never duplicates it), which is the same tree as the RFC's recursive split at the
largest power of two. Every level is kept as one ``(m, 32)`` ``uint8`` numpy array, so a tree of
millions of leaves costs 64 bytes per leaf and no Python object per node.

Verification is strict: an inclusion proof is checked with RFC 9162's algorithm (the proof
length must match the leaf index and tree size exactly), and a multi-proof must consume every
hash it carries. Because leaf and node hashes have different prefixes, an interior node cannot
pass for a leaf (second preimage); because the tree size is part of every check, a tree with
its last leaf duplicated is a different tree; because indices must be strictly increasing and
hashes are consumed in a fixed order, reordered proofs fail.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from oddsproof.errors import InvalidArgument
from oddsproof.wire import EMPTY_TREE_ROOT, Canonical, Digest, canonical, merkle_leaf_hash
from oddsproof.wire import INT_LIMIT as _INT_LIMIT

HASH_SIZE: Final = 32
MAX_PROOF_HASHES: Final = 1 << 16


def leaf_hashes(chunks: Iterable[bytes]) -> npt.NDArray[np.uint8]:
    """RFC 6962 leaf hashes of ``chunks`` as an ``(n, 32)`` array."""
    digests = [hashlib.sha256(b"\x00" + chunk).digest() for chunk in chunks]
    if not digests:
        return np.empty((0, HASH_SIZE), dtype=np.uint8)
    return np.frombuffer(b"".join(digests), dtype=np.uint8).reshape(-1, HASH_SIZE).copy()


def leaf_hashes_of_rows(rows: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """Leaf hashes of each row of a 2-D ``uint8`` array (each row one leaf's bytes)."""
    if rows.ndim != 2 or rows.dtype != np.uint8:
        raise InvalidArgument("rows must be a 2-D uint8 array")
    return leaf_hashes(bytes(row) for row in np.ascontiguousarray(rows))


def _parent_level(level: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    count = len(level)
    pairs = count // 2
    out = np.empty(((count + 1) // 2, HASH_SIZE), dtype=np.uint8)
    if pairs:
        joined = np.ascontiguousarray(level[: 2 * pairs].reshape(pairs, 2 * HASH_SIZE))
        blob = joined.tobytes()
        width = 2 * HASH_SIZE
        sha = hashlib.sha256
        digests = b"".join(
            sha(b"\x01" + blob[i * width : (i + 1) * width]).digest() for i in range(pairs)
        )
        out[:pairs] = np.frombuffer(digests, dtype=np.uint8).reshape(pairs, HASH_SIZE)
    if count % 2:
        out[pairs] = level[-1]  # RFC 6962: the odd node is promoted, not duplicated
    return out


def _digest(row: npt.NDArray[np.uint8]) -> Digest:
    return Digest(row.tobytes())


def _digest_tuple(limit: int) -> Callable[[Any, Any, Any], None]:
    def check(_inst: object, attr: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, tuple) or len(value) > limit:
            raise InvalidArgument(f"{attr.name} is a tuple of at most {limit} digests")
        if not all(isinstance(d, Digest) for d in value):
            raise InvalidArgument(f"{attr.name} holds digests")

    return check


@canonical("inclusion-proof")
@attrs.frozen
class InclusionProof(Canonical):
    """The audit path of one leaf (RFC 6962 §2.1.1) in a tree of ``size`` leaves."""

    index: int = attrs.field(validator=attrs.validators.instance_of(int))
    size: int = attrs.field(validator=attrs.validators.instance_of(int))
    path: tuple[Digest, ...] = attrs.field(validator=_digest_tuple(64))

    @size.validator
    def _check(self, _attr: object, value: int) -> None:
        if not 0 <= self.index < value < _INT_LIMIT:
            raise InvalidArgument("leaf index must lie in [0, size)")


@canonical("multi-proof")
@attrs.frozen
class MultiProof(Canonical):
    """The sibling hashes that, with the given leaves, determine the root.

    ``indices`` are strictly increasing; ``hashes`` are the siblings not derivable from the
    leaves, level by level from the leaves up, left to right within a level.
    """

    indices: tuple[int, ...] = attrs.field()
    size: int = attrs.field(validator=attrs.validators.instance_of(int))
    hashes: tuple[Digest, ...] = attrs.field(validator=_digest_tuple(MAX_PROOF_HASHES))

    @size.validator
    def _check(self, _attr: object, value: int) -> None:
        idx = self.indices
        if not 0 < value < _INT_LIMIT:
            raise InvalidArgument("tree size must be positive")
        if not isinstance(idx, tuple) or not all(type(i) is int for i in idx):
            raise InvalidArgument("indices must be a tuple of integers")
        if not idx or any(b <= a for a, b in itertools.pairwise(idx)):
            raise InvalidArgument("indices must be non-empty and strictly increasing")
        if idx[0] < 0 or idx[-1] >= value:
            raise InvalidArgument("an index lies outside the tree")


class MerkleTree:
    """An RFC 6962 tree with every level held as a numpy array (64 bytes per leaf in all)."""

    __slots__ = ("_levels",)

    def __init__(self, leaf_level: npt.NDArray[np.uint8]) -> None:
        leaf_level = np.asarray(leaf_level)
        if leaf_level.ndim != 2 or leaf_level.shape[1] != HASH_SIZE or leaf_level.dtype != np.uint8:
            raise InvalidArgument("leaf hashes must be an (n, 32) uint8 array")
        levels = [np.ascontiguousarray(leaf_level)]
        while len(levels[-1]) > 1:
            levels.append(_parent_level(levels[-1]))
        self._levels = levels

    @classmethod
    def from_chunks(cls, chunks: Iterable[bytes]) -> MerkleTree:
        """The tree whose leaves are ``chunks`` (hashed with the leaf prefix)."""
        return cls(leaf_hashes(chunks))

    @property
    def size(self) -> int:
        """Number of leaves."""
        return len(self._levels[0])

    @property
    def root(self) -> Digest:
        """The root hash; the hash of the empty string for an empty tree."""
        if self.size == 0:
            return EMPTY_TREE_ROOT
        return _digest(self._levels[-1][0])

    def leaf(self, index: int) -> Digest:
        """The hash of leaf ``index``."""
        self._check_index(index)
        return _digest(self._levels[0][index])

    def _check_index(self, index: int) -> None:
        if isinstance(index, bool) or not isinstance(index, int | np.integer):
            raise InvalidArgument(f"leaf index must be an integer, got {index!r}")
        if not 0 <= index < self.size:
            raise InvalidArgument(f"leaf index {index} outside a tree of {self.size} leaves")

    def prove(self, index: int) -> InclusionProof:
        """The audit path of leaf ``index``."""
        self._check_index(index)
        path: list[Digest] = []
        position = int(index)
        for level in self._levels[:-1]:
            sibling = position ^ 1
            if sibling < len(level):
                path.append(_digest(level[sibling]))
            position //= 2
        return InclusionProof(int(index), self.size, tuple(path))

    def prove_many(self, indices: Sequence[int]) -> MultiProof:
        """One proof for several leaves: only siblings the leaves cannot derive."""
        wanted = sorted({int(i) for i in indices})
        for i in wanted:
            self._check_index(i)
        if not wanted:
            raise InvalidArgument("a multi-proof needs at least one index")
        hashes: list[Digest] = []
        known = wanted
        for level in self._levels[:-1]:
            known_set = set(known)
            for position in known:
                sibling = position ^ 1
                if sibling < len(level) and sibling not in known_set:
                    hashes.append(_digest(level[sibling]))
            known = sorted({p // 2 for p in known})
        return MultiProof(tuple(wanted), self.size, tuple(hashes))


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _check_size(size: int, proof: InclusionProof | MultiProof) -> None:
    # A root alone does not bind the number of leaves (Certificate Transparency signs both):
    # a proof for a larger tree can lead to the same root, so the size must come from the
    # commitment, never from the proof.
    if proof.size != size:
        raise InvalidArgument(
            f"proof is for a tree of {proof.size} leaves, the commitment has {size}"
        )


def verify_inclusion(root: Digest, size: int, leaf_hash: Digest, proof: InclusionProof) -> None:
    """Raise :class:`InvalidArgument` unless ``leaf_hash`` is leaf ``proof.index`` of the tree of
    ``size`` leaves under ``root``.

    RFC 9162 §2.1.3.2: the path must have exactly the length the index and size imply.
    """
    if not isinstance(proof, InclusionProof):
        raise InvalidArgument("not an inclusion proof")
    _check_size(size, proof)
    fn, sn = proof.index, proof.size - 1
    r = leaf_hash.raw
    for p in proof.path:
        if sn == 0:
            raise InvalidArgument("audit path longer than the tree allows")
        if fn & 1 or fn == sn:
            r = _node(p.raw, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = _node(r, p.raw)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise InvalidArgument("audit path shorter than the tree requires")
    if Digest(r) != root:
        raise InvalidArgument("audit path does not lead to the root")


def verify_chunk(root: Digest, size: int, chunk: bytes, proof: InclusionProof) -> None:
    """Raise :class:`InvalidArgument` unless ``chunk`` is leaf ``proof.index`` of the committed
    tree."""
    verify_inclusion(root, size, merkle_leaf_hash(chunk), proof)


def _replay(
    root: Digest, size: int, leaf_hashes_by_index: dict[int, Digest], proof: MultiProof
) -> list[dict[int, bytes]]:
    """Recompute a multi-proof level by level; every node known on each level, root last.

    Raises :class:`InvalidArgument` if the proof does not fit the leaves and the size, or does not
    lead to ``root``.
    """
    if not isinstance(proof, MultiProof):
        raise InvalidArgument("not a multi-proof")
    _check_size(size, proof)
    if sorted(leaf_hashes_by_index) != list(proof.indices):
        raise InvalidArgument("the leaves given are not the ones the proof covers")
    supply = iter(proof.hashes)
    level_size = proof.size
    known: dict[int, bytes] = {i: leaf_hashes_by_index[i].raw for i in proof.indices}
    levels = [known]
    while level_size > 1:
        parents: dict[int, bytes] = {}
        for position in sorted(known):
            parent = position // 2
            if parent in parents:
                continue
            sibling = position ^ 1
            if sibling >= level_size:  # the promoted odd node
                parents[parent] = known[position]
                continue
            if sibling in known:
                other = known[sibling]
            else:
                other_digest = next(supply, None)
                if other_digest is None:
                    raise InvalidArgument("multi-proof ran out of hashes")
                other = other_digest.raw
                known[sibling] = other
            left, right = (
                (known[position], other) if position < sibling else (other, known[position])
            )
            parents[parent] = _node(left, right)
        known = parents
        levels.append(known)
        level_size = (level_size + 1) // 2
    if next(supply, None) is not None:
        raise InvalidArgument("multi-proof carries unused hashes")
    if Digest(levels[-1][0]) != root:
        raise InvalidArgument("multi-proof does not lead to the root")
    return levels


def verify_many(
    root: Digest, size: int, leaf_hashes_by_index: dict[int, Digest], proof: MultiProof
) -> None:
    """Raise :class:`InvalidArgument` unless the given leaves all sit at their indices in the tree
    of ``size`` leaves under ``root``.

    The leaves must be exactly ``proof.indices``, and every hash in the proof must be used.
    """
    _replay(root, size, leaf_hashes_by_index, proof)


def split_multi_proof(
    root: Digest, size: int, leaf_hashes_by_index: dict[int, Digest], proof: MultiProof
) -> dict[int, InclusionProof]:
    """Verify a multi-proof as :func:`verify_many` does, then return one inclusion proof per
    leaf it covers.

    A verifier holding a multi-proof can so hand a third party the short audit path of just
    the one leaf that matters (a fraud proof), without asking the prover again.
    """
    levels = _replay(root, size, leaf_hashes_by_index, proof)
    proofs: dict[int, InclusionProof] = {}
    for index in proof.indices:
        path: list[Digest] = []
        position, level_size = index, size
        for level in levels[:-1]:
            sibling = position ^ 1
            if sibling < level_size:
                path.append(Digest(level[sibling]))
            position //= 2
            level_size = (level_size + 1) // 2
        proofs[index] = InclusionProof(index, size, tuple(path))
    return proofs


def streaming_root(chunks: Iterable[bytes]) -> Digest:
    """The RFC 6962 root of ``chunks`` with O(log n) memory, for inputs too large to keep.

    Keeps one pending subtree per set bit of the count so far, merging equal-sized ones; at the
    end, merges the pending subtrees right to left, which is RFC 6962's recursive split.
    """
    stack: list[tuple[int, bytes]] = []  # (subtree size, hash), sizes strictly decreasing
    for chunk in chunks:
        node = (1, merkle_leaf_hash(chunk).raw)
        while stack and stack[-1][0] == node[0]:
            size, left = stack.pop()
            node = (size * 2, _node(left, node[1]))
        stack.append(node)
    if not stack:
        return EMPTY_TREE_ROOT
    _, right = stack.pop()
    while stack:
        _, left = stack.pop()
        right = _node(left, right)
    return Digest(right)
