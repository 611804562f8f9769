"""Journal entries: the only things that change a ledger (mints, moves, coins, escrow, payouts,
refunds, bonds, conditional passes, claim resolutions and corrections), and the values they carry
(:class:`Transfer`, :class:`Stake`, :class:`Holding`). Each is a canonical object whose id is
its tagged hash; the ``ref`` keeps two legitimate identical operations apart.
"""

from __future__ import annotations

from typing import Any, Final, TypeVar

import attrs

from oddsproof.errors import InvalidArgument, Reason, WrongType
from oddsproof.errors import _validators as v
from oddsproof.wire import INT_LIMIT, Canonical, Digest, Party, PublicKey, canonical

COIN_ID_LIMIT: Final = 64
"""Longest coin id, in characters (printable ASCII)."""


def _coin_id(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, str):
        raise WrongType(f"a coin id is text, got {type(value).__name__}")
    if not 1 <= len(value) <= COIN_ID_LIMIT or not value.isascii() or not value.isprintable():
        raise InvalidArgument(f"a coin id is 1 to {COIN_ID_LIMIT} printable ASCII characters")


def _coin_ids(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, tuple):
        raise WrongType("coins are a tuple of coin ids")
    for coin in value:
        _coin_id(_inst, _attr, coin)
    if len(set(value)) != len(value):
        raise InvalidArgument("a coin is named twice")


_party = attrs.validators.instance_of(Party)
_digest = attrs.validators.instance_of(Digest)
MAX_REF: Final = 64
"""Longest ``ref`` of an entry, in bytes."""
MAX_STAKES: Final = 64
MAX_COINS: Final = 64
MAX_CONDITIONS: Final = 64
"""Most claims one holding may depend on (the longest chain of conditional passes)."""
MAX_TEXT: Final = 200
FAILED_CLAIM_REASON: Final = "claim failed"
"""The ``reason`` of the corrections a failed :class:`ResolveCondition` derives."""

ObjT = TypeVar("ObjT", bound=Canonical)


# ---------------------------------------------------------------------------------------------
# Refusals


class LedgerReason(Reason):
    """Why the ledger refused an entry (nothing changed)."""

    INSUFFICIENT_FUNDS = "insufficient-funds"
    """An account, escrow or holding lacks the amount or the coin the entry takes from it."""
    UNKNOWN = "unknown"
    """The entry names a coin, bond, holding or entry the ledger does not have."""
    EXISTS = "exists"
    """The entry creates something that already exists (a coin id)."""
    CLOSED = "closed"
    """The entry acts on something already settled: a closed bond, a resolved claim, a
    corrected entry, a holding no longer live."""
    CLAIM_FAILED = "claim-failed"
    """The entry moves value conditional on a claim that has failed."""
    NOT_OWNER = "not-owner"
    """The entry moves something its named owner does not own."""
    NOT_ALLOWED = "not-allowed"
    """The entry breaks a rule of its kind (a coin passed in part, a bond reimbursed to its
    owner, a kind that cannot be corrected, a split that does not add up)."""
    LIMIT = "limit"
    """The entry would take a total past 2**63."""


# ---------------------------------------------------------------------------------------------
# Validators


def _ref(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, bytes) or not 1 <= len(value) <= MAX_REF:
        raise InvalidArgument(f"an entry's ref is 1 to {MAX_REF} bytes")


_key = attrs.validators.instance_of(PublicKey)
_optional_key = attrs.validators.optional(_key)
_digest = attrs.validators.instance_of(Digest)
_optional_digest = attrs.validators.optional(_digest)
_bool = attrs.validators.instance_of(bool)
_optional_coin = attrs.validators.optional(_coin_id)


def _coin_list(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, tuple) or len(value) > MAX_COINS:
        raise InvalidArgument(f"a stake names at most {MAX_COINS} coins, as a tuple")
    for coin in value:
        _coin_id(None, None, coin)
    if list(value) != sorted(set(value)):
        raise InvalidArgument("a stake's coins are sorted and distinct")


def _conditions(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, tuple) or not 1 <= len(value) <= MAX_CONDITIONS:
        raise InvalidArgument(f"a holding depends on 1 to {MAX_CONDITIONS} claims")
    if not all(isinstance(c, Digest) for c in value):
        raise InvalidArgument("a holding's conditions are claim ids (Digest)")
    raw = [c.raw for c in value]
    if raw != sorted(set(raw)):
        raise InvalidArgument("a holding's conditions are sorted and distinct")


# ---------------------------------------------------------------------------------------------
# Journal entries


class Entry(Canonical):
    """Base of every journal entry; ``ref`` (1 to 64 bytes) is the caller's idempotency key.

    Reuse a ref to retry an operation (the retry is a no-op); use a new ref for a new one.
    """

    ref: bytes


@canonical("mint")
@attrs.frozen
class Mint(Entry):
    """Create ``amount`` units in ``to``'s plain balance."""

    to: PublicKey = attrs.field(validator=_key)
    amount: int = attrs.field(validator=v.positive)
    ref: bytes = attrs.field(validator=_ref)


@canonical("burn")
@attrs.frozen
class Burn(Entry):
    """Destroy ``amount`` units of ``owner``'s plain balance (they count as burned)."""

    owner: PublicKey = attrs.field(validator=_key)
    amount: int = attrs.field(validator=v.positive)
    ref: bytes = attrs.field(validator=_ref)


@canonical("move")
@attrs.frozen
class Move(Entry):
    """Move ``amount`` units from ``payer``'s plain balance to ``payee``'s."""

    payer: PublicKey = attrs.field(validator=_key)
    payee: PublicKey = attrs.field(validator=_key)
    amount: int = attrs.field(validator=v.positive)
    ref: bytes = attrs.field(validator=_ref)


@canonical("coin-mint")
@attrs.frozen
class CoinMint(Entry):
    """Create the named coin ``coin`` worth ``amount``, held plainly by ``owner``."""

    coin: str = attrs.field(validator=_coin_id)
    owner: PublicKey = attrs.field(validator=_key)
    amount: int = attrs.field(validator=v.amount)
    ref: bytes = attrs.field(validator=_ref)


@canonical("coin-move")
@attrs.frozen
class CoinMove(Entry):
    """Hand the named coin ``coin``, held plainly by ``owner``, to ``to``."""

    coin: str = attrs.field(validator=_coin_id)
    owner: PublicKey = attrs.field(validator=_key)
    to: PublicKey = attrs.field(validator=_key)
    ref: bytes = attrs.field(validator=_ref)


@canonical("stake")
@attrs.frozen
class Stake(Canonical):
    """One party's part of an :class:`EscrowLock`: an amount and named coins (sorted)."""

    party: PublicKey = attrs.field(validator=_key)
    amount: int = attrs.field(validator=v.amount)
    coins: tuple[str, ...] = attrs.field(default=(), validator=_coin_list)

    @coins.validator
    def _something(self, _attr: object, value: tuple[str, ...]) -> None:
        if self.amount == 0 and not value:
            raise InvalidArgument("a stake locks a positive amount or at least one coin")


def _stakes(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, tuple) or not 1 <= len(value) <= MAX_STAKES:
        raise InvalidArgument(f"an escrow lock holds 1 to {MAX_STAKES} stakes")
    if not all(isinstance(s, Stake) for s in value):
        raise InvalidArgument("an escrow lock holds Stake values")
    keys = [s.party.raw for s in value]
    if keys != sorted(set(keys)):
        raise InvalidArgument("stakes are sorted by party key, one per party")
    coins = [c for s in value for c in s.coins]
    if len(coins) != len(set(coins)):
        raise InvalidArgument("a coin appears in two stakes")


@canonical("escrow-lock")
@attrs.frozen
class EscrowLock(Entry):
    """Lock every stake into the escrow of ``contract``, all or nothing (escrow before promise).

    Refused with an ``INSUFFICIENT_FUNDS`` :class:`~oddsproof.errors.Refused` if any party lacks its
    amount or a coin.
    """

    contract: Digest = attrs.field(validator=_digest)
    stakes: tuple[Stake, ...] = attrs.field(validator=_stakes)
    ref: bytes = attrs.field(validator=_ref)


@canonical("transfer")
@attrs.frozen
class Transfer(Canonical):
    """A movement of value a contract step produces: an amount, or a named coin.

    ``condition`` is the id of the claim the payee's ownership depends on, when the transfer was
    made under a :class:`Supplies` case: until that claim is upheld for good, the value is held
    conditionally and a failed claim unwinds it.
    """

    payer: Party = attrs.field(validator=_party)
    payee: Party = attrs.field(validator=_party)
    amount: int = attrs.field(validator=v.amount)
    coin: str | None = attrs.field(default=None, validator=attrs.validators.optional(_coin_id))
    condition: Digest | None = attrs.field(
        default=None, validator=attrs.validators.optional(_digest)
    )

    @amount.validator
    def _amount_or_coin(self, _attr: object, value: int) -> None:
        if self.coin is None and type(value) is int and value < 1:
            raise InvalidArgument("a transfer moves a positive amount or a named coin")


def _transfer(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, Transfer):
        raise InvalidArgument("a payout carries a Transfer")
    if not value.amount < INT_LIMIT:
        raise InvalidArgument("a transfer's amount must be below 2**63")


@canonical("payout")
@attrs.frozen
class Payout(Entry):
    """Pay ``transfer`` out of ``contract``'s escrow held for its payer.

    An amount leaves the payer's escrow; a coin transfer hands over the whole coin (its
    ``amount`` is 0 or the coin's amount). With ``transfer.condition`` set, the payee receives a
    conditional :class:`Holding` instead of plain value.
    """

    contract: Digest = attrs.field(validator=_digest)
    transfer: Transfer = attrs.field(validator=_transfer)
    ref: bytes = attrs.field(validator=_ref)


@canonical("refund")
@attrs.frozen
class Refund(Entry):
    """Close out ``contract``'s escrow: every remaining amount and coin returns to its owner."""

    contract: Digest = attrs.field(validator=_digest)
    ref: bytes = attrs.field(validator=_ref)


@canonical("bond-post")
@attrs.frozen
class BondPost(Entry):
    """Move ``amount`` of ``owner``'s balance into a bond backing ``subject`` (a claim, a
    dispute, an appeal). The bond's id is this entry's id."""

    owner: PublicKey = attrs.field(validator=_key)
    amount: int = attrs.field(validator=v.positive)
    subject: Digest = attrs.field(validator=_digest)
    ref: bytes = attrs.field(validator=_ref)


@canonical("bond-release")
@attrs.frozen
class BondRelease(Entry):
    """Return the open bond ``bond`` to its owner."""

    bond: Digest = attrs.field(validator=_digest)
    ref: bytes = attrs.field(validator=_ref)


@canonical("bond-forfeit")
@attrs.frozen
class BondForfeit(Entry):
    """Forfeit the open bond ``bond``: ``burn`` units are burned, ``reimburse`` go to ``to``.

    ``burn + reimburse`` must equal the bond, ``burn`` is at least 1 and ``to`` is not the bond's
    owner: a forfeited bond is never paid wholly to the other side, which would make disputing
    oneself free.
    """

    bond: Digest = attrs.field(validator=_digest)
    burn: int = attrs.field(validator=v.positive)
    reimburse: int = attrs.field(validator=v.amount)
    to: PublicKey | None = attrs.field(validator=_optional_key)
    ref: bytes = attrs.field(validator=_ref)

    @to.validator
    def _recipient(self, _attr: object, value: PublicKey | None) -> None:
        if (value is None) != (self.reimburse == 0):
            raise InvalidArgument("a reimbursement needs a recipient, and a recipient an amount")


@canonical("holding-pass")
@attrs.frozen
class HoldingPass(Entry):
    """``owner`` passes ``amount`` of the conditional holding ``holding`` on to ``to``.

    The new holding depends on every claim the old one does, plus ``condition`` if given. A
    holding of a coin passes whole (``amount`` equals the holding's).
    """

    holding: Digest = attrs.field(validator=_digest)
    owner: PublicKey = attrs.field(validator=_key)
    to: PublicKey = attrs.field(validator=_key)
    amount: int = attrs.field(validator=v.amount)
    condition: Digest | None = attrs.field(validator=_optional_digest)
    ref: bytes = attrs.field(validator=_ref)


@canonical("resolve-condition")
@attrs.frozen
class ResolveCondition(Entry):
    """Settle the claim ``claim`` for good, once: upheld or failed.

    Upheld, holdings whose claims are all upheld become plain. Failed, every live holding that
    depends on the claim is unwound by derived :class:`Correction` entries, deepest first.
    """

    claim: Digest = attrs.field(validator=_digest)
    upheld: bool = attrs.field(validator=_bool)
    ref: bytes = attrs.field(validator=_ref)


@canonical("correction")
@attrs.frozen
class Correction(Entry):
    """Reverse the earlier entry ``corrects`` (each entry is corrected at most once).

    Reversible: mint, burn, move, coin-move, escrow-lock, payout and holding-pass. A payout or
    pass that created a holding is reversed by unwinding the holding to where it came from,
    which needs the holding live and whole (its own passes unwound first).
    """

    corrects: Digest = attrs.field(validator=_digest)
    reason: str = attrs.field(validator=v.text(MAX_TEXT))
    ref: bytes = attrs.field(validator=_ref)


@canonical("holding")
@attrs.frozen
class Holding(Canonical):
    """A conditional holding as created; its id is the holding's id.

    ``entry`` created it (a payout or a pass); it came from the escrow of ``contract`` held for
    ``payer`` (depth 0), or from the holding ``parent`` (depth = parent's + 1). Its current
    amount and state live in the ledger (:class:`HoldingRecord`).
    """

    entry: Digest = attrs.field(validator=_digest)
    owner: PublicKey = attrs.field(validator=_key)
    amount: int = attrs.field(validator=v.amount)
    coin: str | None = attrs.field(validator=_optional_coin)
    conditions: tuple[Digest, ...] = attrs.field(validator=_conditions)
    contract: Digest | None = attrs.field(validator=_optional_digest)
    payer: PublicKey | None = attrs.field(validator=_optional_key)
    parent: Digest | None = attrs.field(validator=_optional_digest)
    depth: int = attrs.field(validator=v.amount)

    @depth.validator
    def _source(self, _attr: object, value: int) -> None:
        from_escrow = self.contract is not None and self.payer is not None
        if from_escrow == (self.parent is not None) or (self.contract is None) != (
            self.payer is None
        ):
            raise InvalidArgument("a holding comes from a contract's escrow or from a parent")
        if from_escrow != (value == 0):
            raise InvalidArgument("a holding has depth 0 exactly when it comes from escrow")


REVERSIBLE: Final[tuple[type[Entry], ...]] = (
    Mint,
    Burn,
    Move,
    CoinMove,
    EscrowLock,
    Payout,
    HoldingPass,
)
"""The entry kinds a :class:`Correction` can reverse."""
