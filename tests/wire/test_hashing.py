"""Tagged hashes, the Digest value type and RFC 6962 leaf/node hashes, against known answers.

Expected values are computed here from the definitions with hashlib, and the Merkle roots are the
published reference vectors of the certificate-transparency project (RFC 6962 trees over eight
fixed leaves), so a slip in the library and in these tests would have to coincide.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from oddsproof.contracts import Claim, Statement
from oddsproof.errors import EncodingError, OddsproofError
from oddsproof.wire import (
    EMPTY_TREE_ROOT,
    Digest,
    merkle_leaf_hash,
    merkle_node_hash,
    registered_kinds,
    tagged_hash,
)
from tests.strategies import digests


def bip340(tag: str, message: bytes) -> bytes:
    tag_hash = hashlib.sha256(tag.encode("ascii")).digest()
    return hashlib.sha256(tag_hash + tag_hash + message).digest()


# --- tagged hashes ---------------------------------------------------------------------------

# SHA256(SHA256(tag) || SHA256(tag) || msg), written out once by hand for the claim tag.
CLAIM_TAG_HASH = hashlib.sha256(b"oddsproof/claim/v1").digest()
CLAIM_OF_ABC = hashlib.sha256(CLAIM_TAG_HASH * 2 + b"abc").hexdigest()


def test_tagged_hash_known_answer() -> None:
    assert tagged_hash("oddsproof/claim/v1", b"abc").hex() == CLAIM_OF_ABC
    # Not plain SHA-256, not SHA-256 of tag || msg: the tag prefix is hashed and doubled.
    assert hashlib.sha256(b"abc").hexdigest() != CLAIM_OF_ABC
    assert hashlib.sha256(b"oddsproof/claim/v1abc").hexdigest() != CLAIM_OF_ABC


@given(st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1), st.binary())
def test_tagged_hash_matches_the_definition(tag: str, message: bytes) -> None:
    assert tagged_hash(tag, message).raw == bip340(tag, message)


@given(st.lists(st.binary(max_size=40), max_size=5))
def test_tagged_hash_parts_are_concatenated(parts: list[bytes]) -> None:
    assert tagged_hash("t", *parts) == tagged_hash("t", b"".join(parts))


def test_one_tag_per_kind() -> None:
    kinds = registered_kinds()
    tags = {cls.TAG for cls in kinds.values()}
    assert len(tags) == len(kinds)
    assert all(f"oddsproof/{k}/v{v}" == cls.TAG for (k, v), cls in kinds.items())
    message = b"same bytes"
    assert len({tagged_hash(tag, message) for tag in tags}) == len(tags)


@given(digests)
def test_ids_of_two_kinds_differ_for_the_same_bytes(d: Digest) -> None:
    statement = Statement(d, d, d, 0)
    assert statement.id.raw == bip340("oddsproof/statement/v1", statement.encoded)
    assert statement.id != tagged_hash(Claim.TAG, statement.encoded)


@pytest.mark.parametrize("tag", ["", "oddsproof/é/v1", "\u2603"])
def test_tags_are_non_empty_ascii(tag: str) -> None:
    with pytest.raises(EncodingError, match="tag"):
        tagged_hash(tag, b"")


# --- Digest ----------------------------------------------------------------------------------

RAW = bytes(range(32))


def test_digest_behaves_like_its_bytes() -> None:
    d = Digest(RAW)
    assert bytes(d) == RAW == d.raw
    assert d.hex() == RAW.hex() == str(d)
    assert repr(d) == f"Digest({RAW.hex()})"
    assert Digest.from_hex(RAW.hex()) == d
    assert Digest.from_hex(RAW.hex().upper()) == d


def test_digest_equality_and_hashing() -> None:
    a, b, c = Digest(RAW), Digest(bytes(RAW)), Digest(RAW[::-1])
    assert a == b
    assert a.__ne__(b) is False  # __ne__ is written out separately from __eq__
    assert a != c
    assert hash(a) == hash(b)
    assert len({a, b, c}) == 2
    assert {a: 1}[b] == 1
    # A digest is not equal to its bytes, from either side: no accidental cross-type matches.
    assert a.__eq__(RAW) is NotImplemented
    assert a != RAW
    assert RAW != a  # noqa: SIM300 - the reflected comparison is the point
    assert sorted([c, a]) == [a, c]


def test_digest_equality_is_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(x: Any, y: Any) -> bool:
        calls.append((x, y))
        return real(x, y)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    assert Digest(RAW) == Digest(RAW)
    assert Digest(RAW) != Digest(bytes(32))
    assert calls == [(RAW, RAW), (RAW, bytes(32))]


def test_digest_is_frozen() -> None:
    d = Digest(RAW)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        d.raw = bytes(32)  # type: ignore[misc]


@pytest.mark.parametrize(
    "raw", [b"", bytes(31), bytes(33), bytearray(32), RAW.hex(), None, 0], ids=repr
)
def test_digest_refuses_anything_but_32_bytes(raw: Any) -> None:
    with pytest.raises(EncodingError, match="32 bytes") as info:
        Digest(raw)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, OddsproofError)


@pytest.mark.parametrize(
    "text", ["", "00" * 31, "00" * 33, "0" * 63, "zz" * 32, "0x" + "00" * 31, None, 5], ids=repr
)
def test_digest_from_hex_refuses_bad_text(text: Any) -> None:
    with pytest.raises(EncodingError):
        Digest.from_hex(text)


# --- RFC 6962 --------------------------------------------------------------------------------


@given(st.binary())
def test_leaf_hash_is_sha256_of_zero_and_data(data: bytes) -> None:
    assert merkle_leaf_hash(data).raw == hashlib.sha256(b"\x00" + data).digest()


@given(digests, digests)
def test_node_hash_is_sha256_of_one_and_children(left: Digest, right: Digest) -> None:
    expected = hashlib.sha256(b"\x01" + left.raw + right.raw).digest()
    assert merkle_node_hash(left, right).raw == expected
    if left != right:
        assert merkle_node_hash(right, left) != merkle_node_hash(left, right)


def test_leaf_and_node_hashes_are_domain_separated() -> None:
    # 64 bytes hashed as a leaf never equal the node over the same 64 bytes.
    left, right = Digest(RAW), Digest(RAW[::-1])
    assert merkle_leaf_hash(left.raw + right.raw) != merkle_node_hash(left, right)


def test_empty_tree_root_is_sha256_of_nothing() -> None:
    assert EMPTY_TREE_ROOT.hex() == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )


# The reference inputs and roots of the certificate-transparency Merkle tree tests.
CT_LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def _root(leaves: list[bytes]) -> Digest:
    """RFC 6962 §2.1 MTH, split at the largest power of two below n, from the library's hashes."""
    if not leaves:
        return EMPTY_TREE_ROOT
    if len(leaves) == 1:
        return merkle_leaf_hash(leaves[0])
    k = 1
    while 2 * k < len(leaves):
        k *= 2
    return merkle_node_hash(_root(leaves[:k]), _root(leaves[k:]))


@pytest.mark.parametrize("n", range(1, 9))
def test_rfc6962_reference_roots(n: int) -> None:
    assert _root(CT_LEAVES[:n]).hex() == CT_ROOTS[n - 1]
