"""SHA-256 tagged hashes, the :class:`Digest` value type and RFC 6962 Merkle hashing.

Tagged hashes follow BIP-340: ``SHA256(SHA256(tag) || SHA256(tag) || msg)``. One tag per object
kind keeps a hash of one kind from ever being read as a hash of another. The Merkle leaf and node
hashes live here (not in ``games``) because claims and tickets in this layer carry Merkle roots
and the two-byte prefixes are part of the protocol, not of any one game.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Final

import attrs

from oddsproof.errors import EncodingError

DIGEST_SIZE: Final = 32

_PREFIXES: dict[str, hashlib._Hash] = {}


def _tag_state(tag: str) -> hashlib._Hash:
    state = _PREFIXES.get(tag)
    if state is None:
        if not isinstance(tag, str) or not tag or not tag.isascii():
            raise EncodingError(f"hash tag must be non-empty ASCII, got {tag!r}")
        tag_hash = hashlib.sha256(tag.encode("ascii")).digest()
        state = hashlib.sha256(tag_hash + tag_hash)
        _PREFIXES[tag] = state
    return state


def _check_bytes(value: object) -> bytes:
    if not isinstance(value, bytes) or len(value) != DIGEST_SIZE:
        raise EncodingError(f"a digest is exactly {DIGEST_SIZE} bytes, got {value!r:.80}")
    return value


@attrs.frozen(repr=False, eq=False)
class Digest:
    """A 32-byte hash value: hex ``repr``, ``bytes()`` conversion, constant-time equality."""

    raw: bytes = attrs.field(converter=_check_bytes)

    @classmethod
    def _trusted(cls, raw: bytes) -> Digest:
        """Wrap 32 bytes just produced by SHA-256, skipping the checks (hot path)."""
        digest = object.__new__(cls)
        object.__setattr__(digest, "raw", raw)
        return digest

    @classmethod
    def from_hex(cls, text: str) -> Digest:
        """Parse 64 hexadecimal digits."""
        try:
            raw = bytes.fromhex(text)
        except (TypeError, ValueError) as exc:
            raise EncodingError(f"not a hex digest: {text!r:.80}") from exc
        return cls(raw)

    def hex(self) -> str:
        """The 64 lowercase hexadecimal digits."""
        return self.raw.hex()

    def __bytes__(self) -> bytes:
        return self.raw

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Digest):
            return NotImplemented
        return hmac.compare_digest(self.raw, other.raw)

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __lt__(self, other: Digest) -> bool:
        return self.raw < other.raw

    def __hash__(self) -> int:
        return hash(self.raw)

    def __repr__(self) -> str:
        return f"Digest({self.raw.hex()})"

    def __str__(self) -> str:
        return self.raw.hex()


def tagged_hash(tag: str, *parts: bytes) -> Digest:
    """``SHA256(SHA256(tag) || SHA256(tag) || parts...)`` as a :class:`Digest`."""
    state = (_PREFIXES.get(tag) or _tag_state(tag)).copy()
    try:
        for part in parts:
            state.update(part)
    except TypeError as exc:
        raise EncodingError(f"tagged_hash hashes bytes: {exc}") from exc
    return Digest._trusted(state.digest())


def tagged_state(tag: str, *parts: bytes) -> hashlib._Hash:
    """A SHA-256 state that has absorbed the tag prefix and ``parts``, for hashing many
    messages that share a prefix (the signing domain, say). Copy it before updating."""
    state = (_PREFIXES.get(tag) or _tag_state(tag)).copy()
    for part in parts:
        state.update(part)
    return state


def merkle_leaf_hash(data: bytes) -> Digest:
    """RFC 6962 leaf hash: ``SHA256(0x00 || data)``."""
    return Digest._trusted(hashlib.sha256(b"\x00" + data).digest())


def merkle_node_hash(left: Digest, right: Digest) -> Digest:
    """RFC 6962 interior node hash: ``SHA256(0x01 || left || right)``."""
    return Digest._trusted(hashlib.sha256(b"\x01" + left.raw + right.raw).digest())


EMPTY_TREE_ROOT: Final = Digest(hashlib.sha256(b"").digest())
"""RFC 6962 defines the root of an empty tree as the hash of the empty string."""
