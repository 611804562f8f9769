"""Signed envelopes bound to a domain.

A signature covers ``tagged_hash("oddsproof/signature/v1", domain bytes || object id)``: the
object id already names the object's kind (its hash tag), and the domain names the network or
ledger and the protocol version, so a signature never replays across kinds or ledgers. The
envelope's id is its body's id: signatures are not unique, so their bytes never identify
anything.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any, Final, Generic, TypeVar, cast

import attrs

from oddsproof.errors import EncodingError, InvalidArgument, SignatureError

from ._encoding import INT_LIMIT, Canonical, cached, canonical, decode
from ._hashing import Digest, tagged_state
from ._identity import SIGNATURE_SIZE, Identity, Party, PublicKey, _key_of

PROTOCOL_VERSION: Final = 1
SIGNATURE_TAG: Final = "oddsproof/signature/v1"
MAX_SIGNATURES: Final = 64

T = TypeVar("T", bound=Canonical)
S = TypeVar("S")


def _check_network(_inst: object, _attr: object, value: Any) -> None:
    if (
        not isinstance(value, str)
        or not 1 <= len(value) <= 64
        or not value.isascii()
        or not value.isprintable()
    ):
        raise InvalidArgument(
            f"a network name is 1 to 64 printable ASCII characters: {value!r:.80}"
        )


def _check_protocol(_inst: object, _attr: object, value: Any) -> None:
    if type(value) is not int or not 1 <= value < INT_LIMIT:
        raise InvalidArgument(f"a protocol version is a positive integer: {value!r}")


@canonical("domain")
@attrs.frozen
class Domain(Canonical):
    """Where a signature is valid: one network or ledger, at one protocol version."""

    network: str = attrs.field(validator=_check_network)
    protocol: int = attrs.field(default=PROTOCOL_VERSION, validator=_check_protocol)

    @cached
    def _message_prefix(self) -> hashlib._Hash:
        return tagged_state(SIGNATURE_TAG, self.encoded)


def signing_message(domain: Domain, object_id: Digest) -> Digest:
    """The 32-byte message an Ed25519 signature covers for ``object_id`` in ``domain``:
    ``tagged_hash("oddsproof/signature/v1", domain bytes || object id)``."""
    state = domain._message_prefix.copy()
    state.update(object_id.raw)
    return Digest._trusted(state.digest())


def _check_sig_bytes(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, bytes) or len(value) != SIGNATURE_SIZE:
        raise SignatureError(f"a signature is {SIGNATURE_SIZE} bytes")


@canonical("signature")
@attrs.frozen
class Signature(Canonical):
    """One signer's Ed25519 signature inside an envelope."""

    signer: PublicKey = attrs.field(validator=attrs.validators.instance_of(PublicKey))
    sig: bytes = attrs.field(validator=_check_sig_bytes)


def _check_signatures(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, tuple) or not 1 <= len(value) <= MAX_SIGNATURES:
        raise SignatureError(f"an envelope holds 1 to {MAX_SIGNATURES} signatures")
    if not all(isinstance(s, Signature) for s in value):
        raise SignatureError("signatures must be Signature objects")
    keys = [s.signer.raw for s in value]
    if keys != sorted(set(keys)):
        raise SignatureError("signatures must be sorted by signer key, one per signer")


def _check_body(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, Canonical):
        raise InvalidArgument("an envelope's body is a canonical object")
    if isinstance(value, Signed):
        raise InvalidArgument("an envelope cannot hold an envelope: sign the inner object")


@canonical("signed")
@attrs.frozen
class Signed(Canonical, Generic[T]):
    """An object with one or more signatures over it in a :class:`Domain`.

    Construct with :meth:`create`; decoding checks the shape, :meth:`verify` the signatures.
    """

    body: T = attrs.field(validator=_check_body)
    domain: Domain = attrs.field(validator=attrs.validators.instance_of(Domain))
    signatures: tuple[Signature, ...] = attrs.field(validator=_check_signatures)

    @classmethod
    def create(cls, body: T, domain: Domain, *signers: Identity) -> Signed[T]:
        """Sign ``body`` in ``domain`` by every identity in ``signers`` (at least one)."""
        if not isinstance(body, Canonical) or not isinstance(domain, Domain):
            raise EncodingError("Signed.create takes a canonical object and a Domain")
        if isinstance(body, Signed):
            raise EncodingError("sign the inner object, not an envelope")
        if not signers:
            raise SignatureError("at least one signer is required")
        message = signing_message(domain, body.id)
        if len(signers) == 1:  # the common case, kept lean: it is on every claim's path
            key = signers[0].key
            sig = _trusted(Signature, key, signers[0].sign_digest(message))
            return _trusted(cls, body, domain, (sig,))
        sigs = {s.key.raw: _trusted(Signature, s.key, s.sign_digest(message)) for s in signers}
        if len(sigs) != len(signers):
            raise SignatureError("the same signer is named twice")
        # Every part was just made and checked here, so the validators would only repeat it.
        return _trusted(cls, body, domain, tuple(sigs[k] for k in sorted(sigs)))

    @cached
    def id(self) -> Digest:
        """The body's id; an envelope has no id of its own."""
        return self.body.id

    @property
    def signers(self) -> tuple[PublicKey, ...]:
        """The keys that signed, in canonical (byte) order."""
        return tuple(s.signer for s in self.signatures)

    def cosign(self, signer: Identity) -> Signed[T]:
        """A copy with ``signer``'s signature added (for agreements signed by several parties)."""
        if signer.key in self.signers:
            raise SignatureError(f"{signer.name} has already signed")
        extra = Signature(signer.key, signer.sign_digest(signing_message(self.domain, self.id)))
        merged = sorted((*self.signatures, extra), key=lambda s: s.signer.raw)
        return Signed(self.body, self.domain, tuple(merged))

    def verify(self, domain: Domain, *, signers: Iterable[Party | PublicKey] | None = None) -> T:
        """Check every signature in ``domain`` and, if given, that exactly ``signers`` signed.

        Returns the body. Raises :class:`SignatureError` naming what failed.
        """
        if not isinstance(domain, Domain):
            raise SignatureError(f"verify needs a Domain, got {type(domain).__name__}")
        if domain != self.domain:
            raise SignatureError(
                f"signed for domain {self.domain.network!r} v{self.domain.protocol},"
                f" expected {domain.network!r} v{domain.protocol}"
            )
        message = signing_message(domain, self.id).raw
        for s in self.signatures:
            s.signer.verify(message, s.sig)
        if signers is not None:
            listed = list(signers)
            if not all(isinstance(p, Party | PublicKey) for p in listed):
                raise SignatureError("expected signers are Party or PublicKey values")
            wanted = {_key_of(p).raw for p in listed}
            have = {k.raw for k in self.signers}
            if wanted != have:
                raise SignatureError("the envelope is not signed by exactly the expected parties")
        return self.body

    def signed_by(self, party: Party | PublicKey) -> bool:
        """Whether ``party``'s key is among the signers (signatures not re-checked)."""
        if not isinstance(party, Party | PublicKey):
            raise SignatureError("signed_by takes a Party or a PublicKey")
        return _key_of(party) in self.signers


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _trusted(cls: type[S], *values: object) -> S:
    """Build a frozen attrs instance from values this module has already checked."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in attrs.fields(cast(Any, cls)))
    obj = object.__new__(cls)
    setter = object.__setattr__
    for name, value in zip(names, values, strict=True):
        setter(obj, name, value)
    return obj


def verify_bytes(data: bytes, domain: Domain, expected: type[T] | None = None) -> Signed[T]:
    """Decode an envelope and verify it in ``domain``; the body must be ``expected`` if given."""
    envelope: Signed[T] = decode(data, Signed)
    if expected is not None and not isinstance(envelope.body, expected):
        raise EncodingError(f"expected a signed {expected.__name__}, got {envelope.body.KIND!r}")
    envelope.verify(domain)
    return envelope
