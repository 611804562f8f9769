"""Randomness beacons: rounds that map to times, values nobody knew before their time.

A lottery ticket names a beacon round in the future of both parties' signatures; the round's
randomness decides whether the ticket wins. Three implementations share one interface
(:class:`Beacon`):

- :class:`LocalBeacon` signs each round with Ed25519, as drand's *unchained* mode does with BLS:
  the message is :func:`oddsproof.contracts.beacon_message` (the beacon key and the round
  number only, never the previous round), and the round's randomness is the SHA-256 of the
  signature. Ed25519 signatures are deterministic, so once the key is fixed every round has
  exactly one value, which the key holder alone can compute ahead of time. Use it in tests and
  simulations, or run one as a service whose operator both parties trust not to collude.
- :class:`Ed25519Beacon` is the client side of the same scheme: it holds only the public key,
  checks every round it is given and serves the ones it has checked.
- :class:`ExternalBeacon` adapts values supplied from elsewhere (a future block hash, say).
  Such values are **grindable**: whoever produces them (a block proposer) can withhold or
  re-roll a value that would make their own ticket lose. Use one only when the face value at
  stake is small next to what grinding costs the producer (a block reward forgone).

Every beacon has a :class:`BeaconSpec`: its scheme, key or source name, and a schedule (round
``r`` is published at ``genesis + r·period``). The spec's id is what lottery accounts name, so
the mapping from rounds to times is part of what both parties signed.
"""

from __future__ import annotations

import abc
import enum
from collections.abc import Callable
from typing import Any, ClassVar, Final

import attrs

from oddsproof.contracts import BeaconRound, beacon_message
from oddsproof.errors import InvalidArgument, Reason, Refused, SignatureError
from oddsproof.errors import _validators as v
from oddsproof.wire import Canonical, Digest, Identity, PublicKey, canonical, tagged_hash

EXTERNAL_RANDOMNESS_TAG: Final = "oddsproof/external-randomness/v1"
MAX_SOURCE: Final = 128
"""Longest name of an external source, in characters."""
VALUE_SIZE: Final = 32


class BeaconReason(Reason):
    """Why a beacon refused to give a round."""

    NOT_PUBLISHED = "not-published"
    """A round asked for before its publication time: nobody may know it yet."""


class BeaconScheme(enum.Enum):
    """How a beacon's values are produced and checked."""

    ED25519 = "ed25519"
    """Unchained Ed25519 signatures over the round number (drand's scheme with Ed25519)."""
    EXTERNAL = "external"
    """Values supplied from outside (block hashes…): grindable by their producer."""


def _check_time(name: str, value: object) -> int:
    return v.check_now(value, name)


_time = v.time


def _period(_inst: object, attr: attrs.Attribute[int], value: Any) -> None:
    if type(value) is not int or not 1 <= value < 1 << 32:
        raise InvalidArgument(f"{attr.name} must be an integer in 1 .. 2**32 - 1, got {value!r}")


def _source(_inst: object, _attr: object, value: Any) -> None:
    if value is None:
        return
    if (
        not isinstance(value, str)
        or not 1 <= len(value) <= MAX_SOURCE
        or not value.isascii()
        or not value.isprintable()
    ):
        raise InvalidArgument(f"a source name is 1 to {MAX_SOURCE} printable ASCII characters")


def _round_number(round_number: object) -> int:
    return _check_time("a round", round_number)


@canonical("beacon-spec")
@attrs.frozen
class BeaconSpec(Canonical):
    """What identifies a beacon: its scheme, its key (Ed25519) or source name (external), and
    its schedule. Round ``r`` is published at ``genesis + r·period`` (integer seconds)."""

    scheme: BeaconScheme = attrs.field(validator=attrs.validators.instance_of(BeaconScheme))
    key: PublicKey | None = attrs.field(
        validator=attrs.validators.optional(attrs.validators.instance_of(PublicKey))
    )
    source: str | None = attrs.field(validator=_source)
    genesis: int = attrs.field(validator=_time)
    period: int = attrs.field(validator=_period)

    @period.validator
    def _consistent(self, _attr: object, _value: int) -> None:
        if self.scheme is BeaconScheme.ED25519 and (self.key is None or self.source is not None):
            raise InvalidArgument("an Ed25519 beacon has a key and no source name")
        if self.scheme is BeaconScheme.EXTERNAL and (self.key is not None or self.source is None):
            raise InvalidArgument("an external beacon has a source name and no key")

    def time_of(self, round_number: int) -> int:
        """When round ``round_number`` is published."""
        return self.genesis + _round_number(round_number) * self.period

    def latest(self, *, now: int) -> int | None:
        """The last round published at time ``now`` (``None`` before genesis)."""
        _check_time("now", now)
        if now < self.genesis:
            return None
        return (now - self.genesis) // self.period

    def published(self, round_number: int, *, now: int) -> bool:
        """Whether round ``round_number`` is public at time ``now``."""
        _check_time("now", now)
        return self.time_of(round_number) <= now


@canonical("external-round")
@attrs.frozen
class ExternalRound(Canonical):
    """One value of an external beacon: the beacon's spec id, the round and the 32-byte value
    (a block hash, say). Its randomness binds all three by a tagged hash."""

    beacon: Digest = attrs.field(validator=attrs.validators.instance_of(Digest))
    round: int = attrs.field(validator=_time)
    value: bytes = attrs.field()

    @value.validator
    def _size(self, _attr: object, value: Any) -> None:
        if not isinstance(value, bytes) or len(value) != VALUE_SIZE:
            raise InvalidArgument(f"an external beacon value is {VALUE_SIZE} bytes")

    @property
    def randomness(self) -> Digest:
        """``tagged_hash("oddsproof/external-randomness/v1", beacon ‖ round ‖ value)``."""
        return tagged_hash(
            EXTERNAL_RANDOMNESS_TAG, self.beacon.raw, self.round.to_bytes(8, "big"), self.value
        )


RoundValue = BeaconRound | ExternalRound
"""What a beacon publishes for a round: a signed round or an external value."""


class Beacon(abc.ABC):
    """A source of public randomness, one value per round, each published at a known time.

    :meth:`value` hands out a round once its time has come; :meth:`randomness` checks a value
    (received from anyone) and returns the round's 32 random bytes.
    """

    grindable: ClassVar[bool] = False
    """Whether the producer of a value can choose among several (block hashes can)."""

    def __init__(self, spec: BeaconSpec) -> None:
        if not isinstance(spec, BeaconSpec):
            raise InvalidArgument("a beacon needs a BeaconSpec")
        self.spec = spec

    @property
    def id(self) -> Digest:
        """The spec's id: what lottery accounts name."""
        return self.spec.id

    def time_of(self, round_number: int) -> int:
        """When round ``round_number`` is published."""
        return self.spec.time_of(round_number)

    def latest(self, *, now: int) -> int | None:
        """The last round published at ``now``, or ``None`` before genesis."""
        return self.spec.latest(now=now)

    def published(self, round_number: int, *, now: int) -> bool:
        """Whether round ``round_number`` is public at ``now``."""
        return self.spec.published(round_number, now=now)

    def _not_before(self, round_number: int, now: int) -> None:
        if not self.published(round_number, now=now):
            raise Refused(
                BeaconReason.NOT_PUBLISHED,
                f"round {round_number} is published at {self.time_of(round_number)}, not yet at"
                f" {now}",
            )

    @abc.abstractmethod
    def value(self, round_number: int, *, now: int) -> RoundValue:
        """The published value of ``round_number``; a ``NOT_PUBLISHED`` refusal before its time."""

    @abc.abstractmethod
    def randomness(self, value: RoundValue) -> Digest:
        """Check that ``value`` is this beacon's and genuine; return the round's randomness."""


class Ed25519Beacon(Beacon):
    """The client of an unchained Ed25519 beacon: checks rounds and serves those it has checked.

    Rounds arrive from the network through :meth:`receive`; :meth:`value` returns a received
    round once its time has come. The randomness of a round is SHA-256 of its signature.
    """

    def __init__(self, key: PublicKey, *, genesis: int, period: int) -> None:
        if not isinstance(key, PublicKey):
            raise InvalidArgument("an Ed25519 beacon is named by its PublicKey")
        super().__init__(BeaconSpec(BeaconScheme.ED25519, key, None, genesis, period))
        self._rounds: dict[int, BeaconRound] = {}

    @classmethod
    def from_spec(cls, spec: BeaconSpec) -> Ed25519Beacon:
        """The client of the Ed25519 beacon ``spec`` describes."""
        if not isinstance(spec, BeaconSpec) or spec.scheme is not BeaconScheme.ED25519:
            raise InvalidArgument("not the spec of an Ed25519 beacon")
        assert spec.key is not None
        return cls(spec.key, genesis=spec.genesis, period=spec.period)

    @property
    def key(self) -> PublicKey:
        """The beacon's public key."""
        assert self.spec.key is not None
        return self.spec.key

    def randomness(self, value: RoundValue) -> Digest:
        """Check the round's signature under this beacon's key; return SHA-256 of it."""
        if not isinstance(value, BeaconRound):
            raise InvalidArgument("an Ed25519 beacon publishes BeaconRound values")
        if value.beacon != self.key:
            raise InvalidArgument("the round was signed by another beacon")
        try:
            value.verify()
        except SignatureError as exc:
            raise InvalidArgument(f"round {value.round} does not verify: {exc}") from exc
        return value.randomness

    def receive(self, value: BeaconRound) -> Digest:
        """Check a round heard from the network and keep it; returns its randomness."""
        randomness = self.randomness(value)
        self._rounds[value.round] = value
        return randomness

    def value(self, round_number: int, *, now: int) -> RoundValue:
        """A received round, once its time has come."""
        self._not_before(round_number, now)
        found = self._rounds.get(round_number)
        if found is None:
            raise InvalidArgument(f"round {round_number} has not been received")
        return found


class LocalBeacon(Ed25519Beacon):
    """A beacon that signs its own rounds with Ed25519 (tests, simulations, a trusted service).

    It refuses to hand out a round before the round's time: the secret key could compute any
    round at once, so the schedule is the whole of its honesty.
    """

    def __init__(self, identity: Identity, *, genesis: int, period: int) -> None:
        if not isinstance(identity, Identity):
            raise InvalidArgument("a local beacon signs with an Identity")
        super().__init__(identity.key, genesis=genesis, period=period)
        self._identity = identity

    def value(self, round_number: int, *, now: int) -> RoundValue:
        """Round ``round_number``, signed on first use, once its time has come."""
        self._not_before(round_number, now)
        found = self._rounds.get(round_number)
        if found is None:
            signature = self._identity.sign_digest(beacon_message(self.key, round_number))
            found = BeaconRound(self.key, round_number, signature)
            self._rounds[round_number] = found
        return found


class ExternalBeacon(Beacon):
    """Values supplied from outside (e.g. the hash of a future block), **grindable**.

    ``fetch(round)`` returns the 32-byte value of a round, or ``None`` if it is not known yet;
    ``check(round, value)``, when given, says whether a value offered by someone else is the
    real one (asking a node, say). Without ``check`` a value is accepted only if it equals what
    ``fetch`` returns. Whoever produces the values can bias them by withholding or re-rolling
    (:attr:`grindable` is true): keep the stakes below the cost of doing so.
    """

    grindable: ClassVar[bool] = True

    def __init__(
        self,
        source: str,
        *,
        genesis: int,
        period: int,
        fetch: Callable[[int], bytes | None],
        check: Callable[[int, bytes], bool] | None = None,
    ) -> None:
        super().__init__(BeaconSpec(BeaconScheme.EXTERNAL, None, source, genesis, period))
        if not callable(fetch) or (check is not None and not callable(check)):
            raise InvalidArgument("fetch (and check, if given) must be callables")
        self._fetch = fetch
        self._check = check

    def _fetched(self, round_number: int) -> bytes | None:
        try:
            raw = self._fetch(round_number)
        except Exception as exc:  # the source is user code: any failure is a beacon error
            raise InvalidArgument(f"the source failed for round {round_number}: {exc}") from exc
        if raw is not None and (not isinstance(raw, bytes) or len(raw) != VALUE_SIZE):
            raise InvalidArgument(f"the source returned something other than {VALUE_SIZE} bytes")
        return raw

    def value(self, round_number: int, *, now: int) -> RoundValue:
        """The source's value for ``round_number``, once its time has come."""
        self._not_before(round_number, now)
        raw = self._fetched(round_number)
        if raw is None:
            raise InvalidArgument(f"the source has no value for round {round_number} yet")
        return ExternalRound(self.id, round_number, raw)

    def randomness(self, value: RoundValue) -> Digest:
        """Check ``value`` with ``check`` (or against ``fetch``); return its randomness."""
        if not isinstance(value, ExternalRound):
            raise InvalidArgument("an external beacon publishes ExternalRound values")
        if value.beacon != self.id:
            raise InvalidArgument("the value names another beacon")
        if self._check is not None:
            try:
                genuine = self._check(value.round, value.value)
            except Exception as exc:  # user code
                raise InvalidArgument(f"the check failed for round {value.round}: {exc}") from exc
            if genuine is not True:
                raise InvalidArgument(f"the source does not vouch for round {value.round}'s value")
        elif self._fetched(value.round) != value.value:
            raise InvalidArgument(f"round {value.round}'s value is not the source's")
        return value.randomness
