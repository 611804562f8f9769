"""Ed25519 identities: public keys, secret keys, parties, and key files.

PyNaCl does the cryptography; none of its exceptions escape. Public keys are checked at
construction with libsodium's point validation, which refuses the all-zero key, small-order
points and non-canonical encodings, so a :class:`PublicKey` that exists is one a signature can
meaningfully bind to.
"""

from __future__ import annotations

import functools
import hmac
import json
import os
import stat
from pathlib import Path
from typing import Any, Final

import attrs
import nacl.bindings
import nacl.exceptions
import nacl.signing

from oddsproof.errors import EncodingError, KeyFileError, SignatureError

from ._encoding import Canonical, canonical, register_leaf
from ._hashing import Digest

PUBLIC_KEY_SIZE: Final = 32
SIGNATURE_SIZE: Final = 64
SEED_SIZE: Final = 32
KEY_FILE_FORMAT: Final = "oddsproof-secret-key/v1"
MAX_NAME_LENGTH: Final = 64


@functools.lru_cache(maxsize=65_536)
def _valid_point(raw: bytes) -> bool:
    """libsodium's check (canonical, not small-order, in the prime-order subgroup) costs a
    scalar multiplication; keys recur in every decoded object, so the answer is cached."""
    return bool(nacl.bindings.crypto_core_ed25519_is_valid_point(raw))


def _check_public_key(raw: object) -> bytes:
    if not isinstance(raw, bytes) or len(raw) != PUBLIC_KEY_SIZE:
        raise SignatureError(f"a public key is {PUBLIC_KEY_SIZE} bytes, got {raw!r:.80}")
    if not _valid_point(raw):
        raise SignatureError(
            "public key refused: all-zero, small-order or not a canonical Ed25519 point"
        )
    return raw


@attrs.frozen(repr=False, eq=False)
class PublicKey:
    """An Ed25519 verify key that behaves like its 32 bytes (constant-time equality)."""

    raw: bytes = attrs.field(converter=_check_public_key)

    @classmethod
    def from_hex(cls, text: str) -> PublicKey:
        """Parse 64 hexadecimal digits."""
        try:
            return cls(bytes.fromhex(text))
        except (TypeError, ValueError) as exc:
            if isinstance(exc, SignatureError):
                raise
            raise SignatureError(f"not a hex public key: {text!r:.80}") from exc

    def verify(self, message: bytes, signature: bytes) -> None:
        """Check a detached signature; raise :class:`SignatureError` if it does not hold."""
        if not isinstance(signature, bytes) or len(signature) != SIGNATURE_SIZE:
            raise SignatureError(f"a signature is {SIGNATURE_SIZE} bytes")
        try:
            nacl.bindings.crypto_sign_open(signature + message, self.raw)
        except (nacl.exceptions.CryptoError, ValueError, TypeError) as exc:
            raise SignatureError("signature does not verify") from exc

    def hex(self) -> str:
        """The 64 lowercase hexadecimal digits."""
        return self.raw.hex()

    def __bytes__(self) -> bytes:
        return self.raw

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PublicKey):
            return NotImplemented
        return hmac.compare_digest(self.raw, other.raw)

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __lt__(self, other: PublicKey) -> bool:
        return self.raw < other.raw

    def __hash__(self) -> int:
        return hash(self.raw)

    def __repr__(self) -> str:
        return f"PublicKey({self.raw.hex()})"


register_leaf(PublicKey, lambda k: k.raw, PublicKey)


def _check_name(name: object) -> str:
    if not isinstance(name, str) or not 1 <= len(name) <= MAX_NAME_LENGTH:
        raise EncodingError(f"a party name is 1 to {MAX_NAME_LENGTH} characters, got {name!r:.80}")
    if not name.isprintable() or name != name.strip():
        raise EncodingError(f"a party name is printable without outer spaces, got {name!r}")
    return name


@canonical("party")
@attrs.frozen
class Party(Canonical):
    """A public identity: a human-readable name and the key that signs for it.

    The name is a label for people; the key is what binds. Two parties with one key and
    different names are different values, and comparing keys is how code asks "same signer?".
    """

    name: str = attrs.field(validator=lambda _i, _a, v: _check_name(v))
    key: PublicKey = attrs.field(validator=attrs.validators.instance_of(PublicKey))

    def __str__(self) -> str:
        return self.name


def _key_of(who: Party | PublicKey) -> PublicKey:
    """The key of a party, or the key itself: APIs taking either compare keys."""
    return who.key if isinstance(who, Party) else who


@attrs.frozen(repr=False)
class Identity:
    """A party together with its secret signing key. Never encoded, never printed."""

    name: str = attrs.field(validator=lambda _i, _a, v: _check_name(v))
    _signing_key: nacl.signing.SigningKey = attrs.field(alias="signing_key")
    party: Party = attrs.field(init=False)

    @party.default
    def _party(self) -> Party:
        return Party(self.name, PublicKey(bytes(self._signing_key.verify_key)))

    @classmethod
    def generate(cls, name: str) -> Identity:
        """A fresh identity from the operating system's randomness."""
        return cls(name, nacl.signing.SigningKey.generate())

    @classmethod
    def from_seed(cls, name: str, seed: bytes) -> Identity:
        """The identity determined by a 32-byte seed (for tests and known-answer vectors)."""
        _check_name(name)
        if not isinstance(seed, bytes) or len(seed) != SEED_SIZE:
            raise SignatureError(f"a seed is {SEED_SIZE} bytes")
        try:
            signing_key = nacl.signing.SigningKey(seed)
        except (nacl.exceptions.CryptoError, ValueError, TypeError) as exc:  # pragma: no cover
            raise SignatureError(f"cannot derive a key from this seed: {exc}") from exc
        return cls(name, signing_key)

    @property
    def key(self) -> PublicKey:
        """The public key."""
        return self.party.key

    def sign_digest(self, digest: Digest) -> bytes:
        """The 64-byte Ed25519 signature over a 32-byte digest."""
        return nacl.bindings.crypto_sign(digest.raw, self._signing_key._signing_key)[
            :SIGNATURE_SIZE
        ]

    def save(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
        """Write a key file readable by its owner only (mode 0600); never overwrite silently."""
        target = Path(path)
        body = json.dumps(
            {
                "format": KEY_FILE_FORMAT,
                "name": self.name,
                "public": self.key.hex(),
                "seed": bytes(self._signing_key).hex(),
            },
            indent=2,
        )
        flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if overwrite else os.O_EXCL)
        try:
            fd = os.open(target, flags, 0o600)
        except OSError as exc:
            raise KeyFileError(f"cannot create key file {target}: {exc.strerror}") from exc
        try:
            os.fchmod(fd, 0o600)
            os.write(fd, (body + "\n").encode("ascii"))
        finally:
            os.close(fd)
        return target

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Identity:
        """Read a key file; refuse one that others can read or that does not match itself."""
        source = Path(path)
        try:
            mode = source.stat().st_mode
            if mode & (stat.S_IRWXG | stat.S_IRWXO):
                raise KeyFileError(
                    f"key file {source} is accessible by others (mode {stat.S_IMODE(mode):o});"
                    " run chmod 600"
                )
            text = source.read_text(encoding="ascii")
        except OSError as exc:
            if isinstance(exc, KeyFileError):
                raise
            raise KeyFileError(f"cannot read key file {source}: {exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise KeyFileError(f"key file {source} is not ASCII text") from exc
        return cls._parse(text, source)

    @classmethod
    def _parse(cls, text: str, source: Path) -> Identity:
        try:
            data: Any = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise KeyFileError(f"key file {source} is not JSON") from exc
        if not isinstance(data, dict) or data.get("format") != KEY_FILE_FORMAT:
            raise KeyFileError(f"key file {source} is not in format {KEY_FILE_FORMAT}")
        try:
            seed = bytes.fromhex(data["seed"])
            identity = cls.from_seed(data["name"], seed)
            expected = PublicKey.from_hex(data["public"])
        except (KeyError, TypeError, ValueError) as exc:  # our EncodingError/SignatureError too
            raise KeyFileError(f"key file {source} is damaged: {exc}") from exc
        if identity.key != expected:
            raise KeyFileError(f"key file {source}: seed and public key do not match")
        return identity

    def __repr__(self) -> str:
        return f"Identity({self.name!r}, {self.key.hex()[:16]}…)"
