"""What ledger queries return: records of holdings, coins, bonds and journal positions,
receipts, totals and the whole state (frozen values, made by the ledger only)."""

from __future__ import annotations

import enum
from typing import Any

import attrs

from oddsproof.errors import InvalidArgument, WrongType
from oddsproof.errors import _validators as v
from oddsproof.wire import Digest, PublicKey

from ._entries import Entry, Holding, _bool, _coin_id, _digest, _key, _optional_digest


class HoldingState(enum.Enum):
    """Where a holding stands: live (holds value), spent (all passed on), settled (made plain),
    unwound (returned to its source)."""

    LIVE = "live"
    SPENT = "spent"
    SETTLED = "settled"
    UNWOUND = "unwound"


class BondState(enum.Enum):
    """An open bond holds value; a released or forfeited one is closed."""

    OPEN = "open"
    RELEASED = "released"
    FORFEITED = "forfeited"


@attrs.frozen
class HoldingRecord:
    """A holding and its present amount and state (``amount`` is 0 unless live)."""

    holding: Holding = attrs.field(validator=v.instance(Holding))
    amount: int = attrs.field(validator=v.amount)
    state: HoldingState = attrs.field(validator=v.instance(HoldingState))

    @property
    def id(self) -> Digest:
        """The holding's id."""
        return self.holding.id

    @property
    def owner(self) -> PublicKey:
        """Who holds it."""
        return self.holding.owner

    @property
    def conditions(self) -> tuple[Digest, ...]:
        """The claims it depends on."""
        return self.holding.conditions


@attrs.frozen
class CoinRecord:
    """A named coin and where it is: plain with its owner, in ``contract``'s escrow for its
    owner, or inside the conditional holding ``holding`` (whose owner it names)."""

    coin: str = attrs.field(validator=_coin_id)
    amount: int = attrs.field(validator=v.amount)
    owner: PublicKey = attrs.field(validator=_key)
    contract: Digest | None = attrs.field(validator=_optional_digest)
    holding: Digest | None = attrs.field(validator=_optional_digest)
    minted_by: Digest = attrs.field(validator=_digest)

    @holding.validator
    def _one_place(self, _attr: object, value: Digest | None) -> None:
        if value is not None and self.contract is not None:
            raise InvalidArgument("a coin is in escrow or in a holding, not both")

    @property
    def plain(self) -> bool:
        """Whether its owner holds it outright."""
        return self.contract is None and self.holding is None


@attrs.frozen
class BondRecord:
    """A bond: its id (the posting entry's), owner, amount, subject, state, closing entry."""

    id: Digest = attrs.field(validator=_digest)
    owner: PublicKey = attrs.field(validator=_key)
    amount: int = attrs.field(validator=v.positive)
    subject: Digest = attrs.field(validator=_digest)
    state: BondState = attrs.field(validator=v.instance(BondState))
    closed_by: Digest | None = attrs.field(validator=_optional_digest)


@attrs.frozen
class JournalRecord:
    """One journal row: position, entry, and the entry that derived it (``None`` if applied
    directly)."""

    seq: int = attrs.field(validator=v.positive)
    entry: Entry = attrs.field(validator=v.instance(Entry))
    cause: Digest | None = attrs.field(validator=_optional_digest)

    @property
    def id(self) -> Digest:
        """The entry's id."""
        return self.entry.id


@attrs.frozen
class Receipt:
    """What applying an entry did: its id, journal position, whether it had already been
    applied (then nothing changed), and the ids of the entries it derived, in order."""

    entry: Digest = attrs.field(validator=_digest)
    seq: int = attrs.field(validator=v.positive)
    duplicate: bool = attrs.field(validator=_bool)
    derived: tuple[Digest, ...] = attrs.field(
        validator=attrs.validators.deep_iterable(_digest, v.instance(tuple))
    )


@attrs.frozen
class Totals:
    """Where all value is. ``conserved`` is the invariant
    ``balances + conditional + escrow + bonds + burned == minted``.

    ``balances`` counts plain balances and plainly held coins; ``conditional`` the live
    holdings; ``escrow`` amounts and coins in contracts; ``bonds`` the open bonds.
    """

    minted: int = attrs.field(validator=v.amount)
    balances: int = attrs.field(validator=v.amount)
    conditional: int = attrs.field(validator=v.amount)
    escrow: int = attrs.field(validator=v.amount)
    bonds: int = attrs.field(validator=v.amount)
    burned: int = attrs.field(validator=v.amount)

    @property
    def conserved(self) -> bool:
        """Whether no value was created or lost outside minting and burning."""
        total = self.balances + self.conditional + self.escrow + self.bonds + self.burned
        return total == self.minted


def _tuple(_inst: object, attr: attrs.Attribute[tuple[Any, ...]], value: Any) -> None:
    if not isinstance(value, tuple):
        raise WrongType(f"{attr.name} must be a tuple")


@attrs.frozen
class LedgerState:
    """The whole observable state, in a canonical order, so two ledgers compare with ``==``.

    Zero balances and escrow amounts are left out (a store may keep rows at zero).
    """

    balances: tuple[tuple[PublicKey, int], ...] = attrs.field(validator=_tuple)
    escrow: tuple[tuple[Digest, PublicKey, int], ...] = attrs.field(validator=_tuple)
    coins: tuple[CoinRecord, ...] = attrs.field(validator=_tuple)
    bonds: tuple[BondRecord, ...] = attrs.field(validator=_tuple)
    holdings: tuple[HoldingRecord, ...] = attrs.field(validator=_tuple)
    resolutions: tuple[tuple[Digest, bool, Digest], ...] = attrs.field(validator=_tuple)
    corrections: tuple[tuple[Digest, Digest], ...] = attrs.field(validator=_tuple)
    journal: tuple[tuple[int, Digest, Digest | None], ...] = attrs.field(validator=_tuple)
    objects: tuple[Digest, ...] = attrs.field(validator=_tuple)
    heads: tuple[tuple[str, Digest], ...] = attrs.field(validator=_tuple)
    totals: Totals = attrs.field(validator=v.instance(Totals))
