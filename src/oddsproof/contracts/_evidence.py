"""Evidence that moves a contract: rulings, beacon rounds and settlements.

Each is produced elsewhere (a game or an arbiter signs a ruling, a beacon publishes rounds, the
parties co-sign a settlement) and checked here, so that a contract's semantics stay pure.
"""

from __future__ import annotations

import hashlib
from typing import Any, Final

import attrs

from oddsproof.errors import InvalidArgument
from oddsproof.errors import _validators as v
from oddsproof.ledger._entries import _coin_ids
from oddsproof.wire import Canonical, Digest, Party, PublicKey, canonical, tagged_hash
from oddsproof.wire._encoding import cached
from oddsproof.wire._identity import SIGNATURE_SIZE

_digest = attrs.validators.instance_of(Digest)
_optional_digest = attrs.validators.optional(_digest)

BEACON_ROUND_TAG: Final = "oddsproof/beacon-message/v1"


@canonical("ruling")
@attrs.frozen
class Ruling(Canonical):
    """An arbiter's verdict on a statement, signed by the arbiter (wrap it in ``Signed``).

    ``upheld`` says whether F(X) = Y held. ``claim`` and ``contract`` name what the ruling
    settles, when known. ``evidence`` is the id of what the verdict rests on (a certificate, a
    game transcript, a lower ruling). ``level`` is the arbiter's place on the contract's ladder
    (0 for the first); ``final`` rulings can no longer be appealed, and only they settle a
    contract's verdict conditions.
    """

    statement: Digest = attrs.field(validator=_digest)
    upheld: bool = attrs.field(validator=attrs.validators.instance_of(bool))
    claim: Digest | None = attrs.field(validator=_optional_digest)
    contract: Digest | None = attrs.field(validator=_optional_digest)
    evidence: Digest = attrs.field(validator=_digest)
    level: int = attrs.field(validator=v.amount)
    final: bool = attrs.field(validator=attrs.validators.instance_of(bool))
    issued: int = attrs.field(validator=v.amount)


def beacon_message(beacon: PublicKey, round_number: int) -> Digest:
    """What a beacon signs for a round: the tagged hash of its key and the 8-byte round."""
    return tagged_hash(BEACON_ROUND_TAG, beacon.raw, round_number.to_bytes(8, "big"))


def _check_round_signature(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, bytes) or len(value) != SIGNATURE_SIZE:
        raise InvalidArgument(f"a beacon signature is {SIGNATURE_SIZE} bytes")


@canonical("beacon-round")
@attrs.frozen
class BeaconRound(Canonical):
    """One published round of a signing beacon, as drand's unchained mode defines it.

    The beacon signs :func:`beacon_message` of the round; the round's randomness is the
    SHA-256 of that signature. Ed25519 signatures are deterministic, so the beacon cannot choose
    among several valid values for a round once its key is fixed.
    """

    beacon: PublicKey = attrs.field(validator=attrs.validators.instance_of(PublicKey))
    round: int = attrs.field(validator=v.amount)
    signature: bytes = attrs.field(validator=_check_round_signature)

    @cached
    def randomness(self) -> Digest:
        """SHA-256 of the signature: the round's public random value."""
        return Digest._trusted(hashlib.sha256(self.signature).digest())

    def verify(self) -> None:
        """Raise ``SignatureError`` unless the beacon's key signed this round."""
        self.beacon.verify(beacon_message(self.beacon, self.round).raw, self.signature)


@canonical("allocation")
@attrs.frozen
class Allocation(Canonical):
    """One party's share in a settlement: an amount and any named coins."""

    party: Party = attrs.field(validator=attrs.validators.instance_of(Party))
    amount: int = attrs.field(validator=v.amount)
    coins: tuple[str, ...] = attrs.field(default=(), validator=_coin_ids)


def _check_allocation(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, tuple) or not all(isinstance(a, Allocation) for a in value):
        raise InvalidArgument("an allocation is a tuple of Allocation")
    keys = [a.party.key.raw for a in value]
    if keys != sorted(set(keys)):
        raise InvalidArgument("allocations must be sorted by party key, one per party")


@canonical("settlement")
@attrs.frozen
class Settlement(Canonical):
    """An outcome every party of a contract signs; it overrides any pending condition.

    ``version`` orders settlements of one contract: a settlement is refused unless its version
    exceeds every version already applied, so an old one cannot be replayed.
    """

    contract: Digest = attrs.field(validator=_digest)
    version: int = attrs.field(validator=v.positive)
    allocation: tuple[Allocation, ...] = attrs.field(validator=_check_allocation)

    def share(self, party: Party) -> Allocation | None:
        """The allocation of ``party``, if any."""
        for allocation in self.allocation:
            if allocation.party.key == party.key:
                return allocation
        return None
