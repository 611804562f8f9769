"""RFC 6962 Merkle trees, inclusion proofs and multi-proofs, against an independent reference.

The reference below is RFC 6962 §2.1 written out recursively from the text (MTH, PATH), using
only hashlib: it shares no code with the module under test.
"""

from __future__ import annotations

import hashlib
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oddsproof.errors import EncodingError, InvalidArgument, OddsproofError
from oddsproof.games import InclusionProof, MerkleTree, MultiProof, verify_inclusion
from oddsproof.games.lowlevel import (
    leaf_hashes,
    leaf_hashes_of_rows,
    split_multi_proof,
    streaming_root,
    verify_chunk,
    verify_many,
)
from oddsproof.wire import EMPTY_TREE_ROOT, Digest, decode

# --- the reference ----------------------------------------------------------------------------


def ref_leaf(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def ref_node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_root(leaves: list[bytes]) -> bytes:
    """MTH(D[n]) of RFC 6962 §2.1."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return ref_leaf(leaves[0])
    k = split(len(leaves))
    return ref_node(ref_root(leaves[:k]), ref_root(leaves[k:]))


def ref_path(m: int, leaves: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) of RFC 6962 §2.1.1."""
    if len(leaves) <= 1:
        return []
    k = split(len(leaves))
    if m < k:
        return [*ref_path(m, leaves[:k]), ref_root(leaves[k:])]
    return [*ref_path(m - k, leaves[k:]), ref_root(leaves[:k])]


def chunks_of(n: int, seed: int = 0) -> list[bytes]:
    rng = random.Random(seed * 1000 + n)
    return [rng.randbytes(rng.randrange(0, 12)) for _ in range(n)]


SIZES = [*range(71), 127, 128, 129, 255, 256, 257, 1000, 1023, 1025]


# --- roots and paths --------------------------------------------------------------------------


@pytest.mark.parametrize("n", SIZES)
def test_root_and_every_path_match_the_reference(n: int) -> None:
    data = chunks_of(n)
    tree = MerkleTree.from_chunks(data)
    assert tree.size == n
    assert tree.root.raw == ref_root(data)
    assert streaming_root(data).raw == ref_root(data)
    step = 1 if n <= 130 else 7
    for m in range(0, n, step):
        proof = tree.prove(m)
        assert [d.raw for d in proof.path] == ref_path(m, data)
        verify_inclusion(tree.root, n, Digest(ref_leaf(data[m])), proof)
        verify_chunk(tree.root, n, data[m], proof)
        assert tree.leaf(m).raw == ref_leaf(data[m])


def test_empty_tree() -> None:
    tree = MerkleTree.from_chunks([])
    assert tree.size == 0
    assert tree.root == EMPTY_TREE_ROOT
    assert streaming_root([]) == EMPTY_TREE_ROOT
    with pytest.raises(InvalidArgument):
        tree.prove(0)


@settings(max_examples=30)
@given(st.integers(1, 5000), st.integers(0, 2**32))
def test_random_larger_trees(n: int, seed: int) -> None:
    data = chunks_of(n, seed)
    tree = MerkleTree.from_chunks(data)
    assert tree.root.raw == ref_root(data)
    m = seed % n
    assert [d.raw for d in tree.prove(m).path] == ref_path(m, data)


def test_leaf_hash_helpers_agree() -> None:
    rows = np.arange(60, dtype=np.uint8).reshape(10, 6)
    by_rows = leaf_hashes_of_rows(rows)
    by_chunks = leaf_hashes(bytes(r) for r in rows)
    assert np.array_equal(by_rows, by_chunks)
    assert bytes(by_rows[3]) == ref_leaf(bytes(rows[3]))
    assert leaf_hashes_of_rows(np.zeros((0, 4), dtype=np.uint8)).shape == (0, 32)
    with pytest.raises(OddsproofError):
        leaf_hashes_of_rows(np.zeros(5, dtype=np.uint8))
    with pytest.raises(OddsproofError):
        MerkleTree(np.zeros((3, 31), dtype=np.uint8))


# --- inclusion-proof attacks ------------------------------------------------------------------


def _tree(n: int = 11) -> tuple[list[bytes], MerkleTree]:
    data = chunks_of(n, 5)
    return data, MerkleTree.from_chunks(data)


def test_interior_node_cannot_pass_for_a_leaf() -> None:
    """Second preimage: an interior node (or its children's concatenation) is no leaf."""
    data = [b"a", b"b", b"c", b"d"]
    tree = MerkleTree.from_chunks(data)
    left = ref_node(ref_leaf(b"a"), ref_leaf(b"b"))
    right = ref_node(ref_leaf(b"c"), ref_leaf(b"d"))
    # Without the 0x00/0x01 prefixes, the one leaf "left || right" would have the root's hash.
    with pytest.raises(InvalidArgument):
        verify_chunk(tree.root, 1, left + right, InclusionProof(0, 1, ()))
    # The interior nodes as the leaf data of a two-leaf tree give another root.
    assert MerkleTree.from_chunks([left, right]).root != tree.root
    with pytest.raises(InvalidArgument):
        verify_chunk(tree.root, 2, left, InclusionProof(0, 2, (Digest(right),)))
    # Taken as a leaf *hash* it does lead to the root, but only in a tree of two leaves, and the
    # size comes from the commitment (four leaves), never from the proof.
    verify_inclusion(tree.root, 2, Digest(left), InclusionProof(0, 2, (Digest(right),)))
    with pytest.raises(InvalidArgument):
        verify_inclusion(tree.root, 4, Digest(left), InclusionProof(0, 2, (Digest(right),)))
    with pytest.raises(InvalidArgument):
        verify_inclusion(tree.root, 4, Digest(left), InclusionProof(0, 4, (Digest(right),)))


def test_duplicated_last_leaf_is_another_tree() -> None:
    """Bitcoin's CVE-2012-2459: [a, b, c] and [a, b, c, c] must not share a root."""
    three = MerkleTree.from_chunks([b"a", b"b", b"c"])
    four = MerkleTree.from_chunks([b"a", b"b", b"c", b"c"])
    assert three.root != four.root
    proof = four.prove(3)
    with pytest.raises(InvalidArgument):
        verify_chunk(three.root, 3, b"c", proof)
    with pytest.raises(InvalidArgument):
        verify_chunk(three.root, 3, b"c", InclusionProof(3, 4, proof.path))


def test_wrong_size_is_refused_even_with_the_same_root() -> None:
    """A root alone does not bind the size: the size must come from the commitment."""
    data, tree = _tree(8)
    proof = tree.prove(5)
    for size in (7, 9, 16):
        with pytest.raises(InvalidArgument):
            verify_chunk(tree.root, size, data[5], proof)
    # A proof claiming a different size (with a path that has the right length for it) fails
    # on the size check before any hashing.
    other = InclusionProof(5, 6, proof.path[:2])
    with pytest.raises(InvalidArgument, match="leaves"):
        verify_chunk(tree.root, 8, data[5], other)


def test_path_tampering_is_refused() -> None:
    data, tree = _tree(11)
    proof = tree.prove(6)
    path = list(proof.path)
    attacks = [
        path[:-1],  # missing hash
        [*path, path[0]],  # extra hash
        list(reversed(path)),  # reordered
        [Digest(b"\x00" * 32), *path[1:]],  # wrong sibling
    ]
    for attack in attacks:
        with pytest.raises(InvalidArgument):
            verify_chunk(tree.root, 11, data[6], InclusionProof(6, 11, tuple(attack)))
    with pytest.raises(InvalidArgument):  # index swap: leaf 6's path for leaf 7
        verify_chunk(tree.root, 11, data[6], InclusionProof(7, 11, proof.path))
    with pytest.raises(InvalidArgument):  # another leaf's data
        verify_chunk(tree.root, 11, data[7], proof)
    with pytest.raises(InvalidArgument):
        verify_inclusion(tree.root, 11, tree.leaf(6), "not a proof")  # type: ignore[arg-type]


def test_inclusion_proof_validators() -> None:
    with pytest.raises(InvalidArgument):
        InclusionProof(3, 3, ())
    with pytest.raises(InvalidArgument):
        InclusionProof(-1, 3, ())
    with pytest.raises(InvalidArgument):
        InclusionProof(0, 2, tuple(Digest(b"\x00" * 32) for _ in range(65)))
    with pytest.raises(InvalidArgument):
        InclusionProof(0, 2, (b"\x00" * 32,))  # type: ignore[arg-type]
    proof = MerkleTree.from_chunks([b"a", b"b"]).prove(1)
    assert decode(proof.encoded) == proof


def test_prove_refuses_bad_indices() -> None:
    _, tree = _tree(4)
    for bad in (-1, 4, True, 1.0, "1"):
        with pytest.raises(InvalidArgument):
            tree.prove(bad)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument):
        tree.prove_many([])
    with pytest.raises(InvalidArgument):
        tree.prove_many([0, 9])


# --- multi-proofs -----------------------------------------------------------------------------


def _leaves(tree: MerkleTree, indices: list[int]) -> dict[int, Digest]:
    return {i: tree.leaf(i) for i in indices}


@settings(max_examples=60)
@given(st.integers(1, 300), st.data())
def test_multi_proofs_verify_and_split(n: int, data: st.DataObject) -> None:
    chunks = chunks_of(n, 3)
    tree = MerkleTree.from_chunks(chunks)
    indices = sorted(data.draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=min(n, 20))))
    proof = tree.prove_many(indices)
    verify_many(tree.root, n, _leaves(tree, indices), proof)
    paths = split_multi_proof(tree.root, n, _leaves(tree, indices), proof)
    assert sorted(paths) == indices
    for i, path in paths.items():
        assert path == tree.prove(i)
        verify_chunk(tree.root, n, chunks[i], path)
    # Never more hashes than the separate paths would carry.
    assert len(proof.hashes) <= sum(len(tree.prove(i).path) for i in indices)
    assert decode(proof.encoded, max_size=1 << 22) == proof


def test_multi_proof_attacks_are_refused() -> None:
    _, tree = _tree(23)
    indices = [2, 3, 9, 17]
    proof = tree.prove_many(indices)
    leaves = _leaves(tree, indices)
    hashes = list(proof.hashes)
    root = tree.root

    def refused(candidate: MultiProof, given: dict[int, Digest] = leaves, size: int = 23) -> None:
        with pytest.raises(InvalidArgument):
            verify_many(root, size, given, candidate)
        with pytest.raises(InvalidArgument):
            split_multi_proof(root, size, given, candidate)

    refused(MultiProof(proof.indices, 23, tuple(hashes[:-1])))  # missing hash
    refused(MultiProof(proof.indices, 23, (*hashes, hashes[0])))  # extra hash
    refused(MultiProof(proof.indices, 23, tuple(reversed(hashes))))  # reordered
    refused(MultiProof(proof.indices, 23, (Digest(b"\x01" * 32), *hashes[1:])))  # wrong sibling
    refused(proof, size=24)  # wrong size
    refused(MultiProof(proof.indices, 24, proof.hashes))  # the proof's size is not the commitment's
    # Why the size must come from the commitment: these leaves sit at the same positions in a
    # 24-leaf reading of the same root (leaf 22's promotion is hidden inside a sibling hash).
    verify_many(root, 24, leaves, MultiProof(proof.indices, 24, proof.hashes))
    swapped = dict(leaves)
    swapped[2], swapped[3] = leaves[3], leaves[2]
    refused(proof, swapped)  # leaves swapped between indices
    refused(proof, {i: leaves[i] for i in indices[:-1]})  # a leaf missing
    refused(proof, {**leaves, 5: tree.leaf(5)})  # an extra leaf
    refused(MultiProof((2, 3, 9, 18), 23, proof.hashes))  # another index
    with pytest.raises(InvalidArgument):
        verify_many(root, 23, leaves, "proof")  # type: ignore[arg-type]


def test_multi_proof_validators() -> None:
    h = (Digest(b"\x00" * 32),)
    for indices, size in [((), 4), ((2, 1), 4), ((1, 1), 4), ((4,), 4), ((-1,), 4), ((0,), 0)]:
        with pytest.raises(InvalidArgument):
            MultiProof(indices, size, h)
    with pytest.raises(InvalidArgument):
        MultiProof([0], 4, h)  # type: ignore[arg-type]
    with pytest.raises(EncodingError):
        decode(MultiProof((0,), 4, h).encoded[:-1])


def test_single_leaf_tree() -> None:
    tree = MerkleTree.from_chunks([b"only"])
    assert tree.root.raw == ref_leaf(b"only")
    proof = tree.prove_many([0])
    assert proof.hashes == ()
    verify_many(tree.root, 1, _leaves(tree, [0]), proof)
    assert split_multi_proof(tree.root, 1, _leaves(tree, [0]), proof)[0] == tree.prove(0)


@settings(max_examples=40)
@given(st.lists(st.binary(max_size=20), max_size=80))
def test_streaming_root_equals_tree_root(chunks: list[bytes]) -> None:
    assert streaming_root(iter(chunks)) == MerkleTree.from_chunks(chunks).root


def test_large_tree_keeps_no_python_object_per_leaf() -> None:
    n = 1 << 16
    level = np.frombuffer(hashlib.sha256(b"seed").digest() * n, dtype=np.uint8).reshape(n, 32)
    tree = MerkleTree(level)
    assert tree.size == n
    proof = tree.prove(12345)
    verify_inclusion(tree.root, n, tree.leaf(12345), proof)
    assert len(proof.path) == 16
