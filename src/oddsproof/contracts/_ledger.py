"""The ledger: accounts, named coins, escrow, bonds, burned value and conditional holdings.

Nothing changes the ledger except a journal :class:`Entry`. Entries are canonical objects, so an
entry's id is the tagged hash of its bytes; every entry carries a caller-chosen ``ref`` so that
two legitimate, otherwise identical operations (two payments of 5 from Alice to Bob) have
different ids, while a retried operation keeps its id. Applying an entry whose id is already in
the journal changes nothing and returns the original :class:`Receipt` (marked ``duplicate``):
that is how exactly-once survives retries and crash recovery. An entry that cannot apply raises a
typed :class:`LedgerError` and changes nothing. Nothing is ever deleted: a mistake is undone by a
:class:`Correction`, a new entry naming the one it reverses.

Value lives in five places, and ``balances + conditional + escrow + bonds + burned == minted``
always holds (:class:`Totals`): plain balances and plainly held coins, conditional holdings,
contract escrow, open bonds, and burned value. Balances never go negative.

Conditional ownership: a contract payout made under a claim (``Transfer.condition``) does not
reach the payee's balance; it creates a :class:`Holding` that depends on the claim. Its owner can
pass it on (:class:`HoldingPass`), and each recipient's holding keeps every condition of the one
it came from, plus an optional new one, so chains Alice → Bob → Charlie form. A
:class:`ResolveCondition` settles a claim once: upheld, holdings whose conditions are all upheld
become plain; failed, every holding depending on the claim is unwound, deepest first, back to
where it came from by :class:`Correction` entries the ledger derives and journals. Collapsing
chains with recourse to bonds is the arbitration layer's job; the queries it needs are here
(:meth:`Ledger.holdings`, :meth:`Ledger.chain`, :meth:`Ledger.descendants`, :meth:`Ledger.bonds`).

:class:`Ledger` holds the semantics once, over a small set of storage primitives;
:class:`MemoryLedger` keeps them in dictionaries, ``SqliteLedger`` (``_store``) in SQLite.
"""

from __future__ import annotations

import abc
import enum
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import Any, ClassVar, Final, Self, TypeVar, overload

import attrs

from ._encoding import INT_LIMIT, Canonical, canonical, decode
from ._errors import ContractsError, EncodingError
from ._hashing import Digest
from ._identity import PublicKey
from ._terms import Transfer
from ._validators import _coin_id, _text

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
# Errors


class LedgerError(ContractsError):
    """Root of the ledger's errors: refused entries, missing funds, failing stores."""


class InsufficientFunds(LedgerError, ValueError):
    """An account, escrow or holding lacks the amount or the coin an entry takes from it."""


class EntryRefused(LedgerError, ValueError):
    """An entry that cannot apply in the present state (unknown coin, closed bond, ...)."""


class StoreError(LedgerError, OSError):
    """A store that cannot be opened, read or written, or a file that is not a ledger store."""


class LedgerArgumentError(LedgerError, TypeError):
    """A ledger method called with a value of the wrong type or range."""


# ---------------------------------------------------------------------------------------------
# Validators


def _amount(_inst: object, attr: attrs.Attribute[int], value: Any) -> None:
    if type(value) is not int or not 0 <= value < INT_LIMIT:
        raise EncodingError(f"{attr.name} must be an integer in 0 <= a < 2**63, got {value!r:.40}")


def _positive(_inst: object, attr: attrs.Attribute[int], value: Any) -> None:
    if type(value) is not int or not 1 <= value < INT_LIMIT:
        raise EncodingError(f"{attr.name} must be an integer in 1 <= a < 2**63, got {value!r:.40}")


def _ref(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, bytes) or not 1 <= len(value) <= MAX_REF:
        raise EncodingError(f"an entry's ref is 1 to {MAX_REF} bytes")


_key = attrs.validators.instance_of(PublicKey)
_optional_key = attrs.validators.optional(_key)
_digest = attrs.validators.instance_of(Digest)
_optional_digest = attrs.validators.optional(_digest)
_bool = attrs.validators.instance_of(bool)
_optional_coin = attrs.validators.optional(_coin_id)


def _coin_list(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, tuple) or len(value) > MAX_COINS:
        raise EncodingError(f"a stake names at most {MAX_COINS} coins, as a tuple")
    for coin in value:
        _coin_id(None, None, coin)
    if list(value) != sorted(set(value)):
        raise EncodingError("a stake's coins are sorted and distinct")


def _conditions(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, tuple) or not 1 <= len(value) <= MAX_CONDITIONS:
        raise EncodingError(f"a holding depends on 1 to {MAX_CONDITIONS} claims")
    if not all(isinstance(c, Digest) for c in value):
        raise EncodingError("a holding's conditions are claim ids (Digest)")
    raw = [c.raw for c in value]
    if raw != sorted(set(raw)):
        raise EncodingError("a holding's conditions are sorted and distinct")


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
    amount: int = attrs.field(validator=_positive)
    ref: bytes = attrs.field(validator=_ref)


@canonical("burn")
@attrs.frozen
class Burn(Entry):
    """Destroy ``amount`` units of ``owner``'s plain balance (they count as burned)."""

    owner: PublicKey = attrs.field(validator=_key)
    amount: int = attrs.field(validator=_positive)
    ref: bytes = attrs.field(validator=_ref)


@canonical("move")
@attrs.frozen
class Move(Entry):
    """Move ``amount`` units from ``payer``'s plain balance to ``payee``'s."""

    payer: PublicKey = attrs.field(validator=_key)
    payee: PublicKey = attrs.field(validator=_key)
    amount: int = attrs.field(validator=_positive)
    ref: bytes = attrs.field(validator=_ref)


@canonical("coin-mint")
@attrs.frozen
class CoinMint(Entry):
    """Create the named coin ``coin`` worth ``amount``, held plainly by ``owner``."""

    coin: str = attrs.field(validator=_coin_id)
    owner: PublicKey = attrs.field(validator=_key)
    amount: int = attrs.field(validator=_amount)
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
    amount: int = attrs.field(validator=_amount)
    coins: tuple[str, ...] = attrs.field(default=(), validator=_coin_list)

    @coins.validator
    def _something(self, _attr: object, value: tuple[str, ...]) -> None:
        if self.amount == 0 and not value:
            raise EncodingError("a stake locks a positive amount or at least one coin")


def _stakes(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, tuple) or not 1 <= len(value) <= MAX_STAKES:
        raise EncodingError(f"an escrow lock holds 1 to {MAX_STAKES} stakes")
    if not all(isinstance(s, Stake) for s in value):
        raise EncodingError("an escrow lock holds Stake values")
    keys = [s.party.raw for s in value]
    if keys != sorted(set(keys)):
        raise EncodingError("stakes are sorted by party key, one per party")
    coins = [c for s in value for c in s.coins]
    if len(coins) != len(set(coins)):
        raise EncodingError("a coin appears in two stakes")


@canonical("escrow-lock")
@attrs.frozen
class EscrowLock(Entry):
    """Lock every stake into the escrow of ``contract``, all or nothing (escrow before promise).

    Refused with :class:`InsufficientFunds` if any party lacks its amount or a coin.
    """

    contract: Digest = attrs.field(validator=_digest)
    stakes: tuple[Stake, ...] = attrs.field(validator=_stakes)
    ref: bytes = attrs.field(validator=_ref)


def _transfer(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, Transfer):
        raise EncodingError("a payout carries a Transfer")
    if not value.amount < INT_LIMIT:
        raise EncodingError("a transfer's amount must be below 2**63")


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
    amount: int = attrs.field(validator=_positive)
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
    burn: int = attrs.field(validator=_positive)
    reimburse: int = attrs.field(validator=_amount)
    to: PublicKey | None = attrs.field(validator=_optional_key)
    ref: bytes = attrs.field(validator=_ref)

    @to.validator
    def _recipient(self, _attr: object, value: PublicKey | None) -> None:
        if (value is None) != (self.reimburse == 0):
            raise EncodingError("a reimbursement needs a recipient, and a recipient an amount")


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
    amount: int = attrs.field(validator=_amount)
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
    reason: str = attrs.field(validator=_text(MAX_TEXT))
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
    amount: int = attrs.field(validator=_amount)
    coin: str | None = attrs.field(validator=_optional_coin)
    conditions: tuple[Digest, ...] = attrs.field(validator=_conditions)
    contract: Digest | None = attrs.field(validator=_optional_digest)
    payer: PublicKey | None = attrs.field(validator=_optional_key)
    parent: Digest | None = attrs.field(validator=_optional_digest)
    depth: int = attrs.field(validator=_amount)

    @depth.validator
    def _source(self, _attr: object, value: int) -> None:
        from_escrow = self.contract is not None and self.payer is not None
        if from_escrow == (self.parent is not None) or (self.contract is None) != (
            self.payer is None
        ):
            raise EncodingError("a holding comes from a contract's escrow or from a parent")
        if from_escrow != (value == 0):
            raise EncodingError("a holding has depth 0 exactly when it comes from escrow")


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


# ---------------------------------------------------------------------------------------------
# Records: what queries return


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


def _instance(tp: type | tuple[type, ...]) -> Callable[[Any, Any, Any], None]:
    return attrs.validators.instance_of(tp)


@attrs.frozen
class HoldingRecord:
    """A holding and its present amount and state (``amount`` is 0 unless live)."""

    holding: Holding = attrs.field(validator=_instance(Holding))
    amount: int = attrs.field(validator=_amount)
    state: HoldingState = attrs.field(validator=_instance(HoldingState))

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
    amount: int = attrs.field(validator=_amount)
    owner: PublicKey = attrs.field(validator=_key)
    contract: Digest | None = attrs.field(validator=_optional_digest)
    holding: Digest | None = attrs.field(validator=_optional_digest)
    minted_by: Digest = attrs.field(validator=_digest)

    @holding.validator
    def _one_place(self, _attr: object, value: Digest | None) -> None:
        if value is not None and self.contract is not None:
            raise EncodingError("a coin is in escrow or in a holding, not both")

    @property
    def plain(self) -> bool:
        """Whether its owner holds it outright."""
        return self.contract is None and self.holding is None


@attrs.frozen
class BondRecord:
    """A bond: its id (the posting entry's), owner, amount, subject, state, closing entry."""

    id: Digest = attrs.field(validator=_digest)
    owner: PublicKey = attrs.field(validator=_key)
    amount: int = attrs.field(validator=_positive)
    subject: Digest = attrs.field(validator=_digest)
    state: BondState = attrs.field(validator=_instance(BondState))
    closed_by: Digest | None = attrs.field(validator=_optional_digest)


@attrs.frozen
class JournalRecord:
    """One journal row: position, entry, and the entry that derived it (``None`` if applied
    directly)."""

    seq: int = attrs.field(validator=_positive)
    entry: Entry = attrs.field(validator=_instance(Entry))
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
    seq: int = attrs.field(validator=_positive)
    duplicate: bool = attrs.field(validator=_bool)
    derived: tuple[Digest, ...] = attrs.field(
        validator=attrs.validators.deep_iterable(_digest, _instance(tuple))
    )


@attrs.frozen
class Totals:
    """Where all value is. ``conserved`` is the invariant
    ``balances + conditional + escrow + bonds + burned == minted``.

    ``balances`` counts plain balances and plainly held coins; ``conditional`` the live
    holdings; ``escrow`` amounts and coins in contracts; ``bonds`` the open bonds.
    """

    minted: int = attrs.field(validator=_amount)
    balances: int = attrs.field(validator=_amount)
    conditional: int = attrs.field(validator=_amount)
    escrow: int = attrs.field(validator=_amount)
    bonds: int = attrs.field(validator=_amount)
    burned: int = attrs.field(validator=_amount)

    @property
    def conserved(self) -> bool:
        """Whether no value was created or lost outside minting and burning."""
        total = self.balances + self.conditional + self.escrow + self.bonds + self.burned
        return total == self.minted


def _tuple(_inst: object, attr: attrs.Attribute[tuple[Any, ...]], value: Any) -> None:
    if not isinstance(value, tuple):
        raise LedgerArgumentError(f"{attr.name} must be a tuple")


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
    totals: Totals = attrs.field(validator=_instance(Totals))


# ---------------------------------------------------------------------------------------------
# The ledger


def _check(value: object, tp: type, what: str) -> None:
    if not isinstance(value, tp):
        raise LedgerArgumentError(f"{what} must be a {tp.__name__}, got {type(value).__name__}")


def _check_filters(
    *,
    owner: object = None,
    subject: object = None,
    state: tuple[object, type[enum.Enum]] = (None, enum.Enum),
) -> None:
    if owner is not None:
        _check(owner, PublicKey, "owner")
    if subject is not None:
        _check(subject, Digest, "subject")
    if state[0] is not None:
        _check(state[0], state[1], "state")


def _check_head_name(name: object) -> str:
    if not isinstance(name, str) or not 1 <= len(name) <= MAX_TEXT or not name.isprintable():
        raise LedgerArgumentError(f"a head name is 1 to {MAX_TEXT} printable characters")
    return name


def _short(key: PublicKey | Digest) -> str:
    return key.raw.hex()[:16]


class _Atomic:
    """One all-or-nothing scope: the outermost is a transaction, inner ones are savepoints."""

    __slots__ = ("_depth", "_ledger")

    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger
        self._depth = -1

    def __enter__(self) -> None:
        ledger = self._ledger
        depth = ledger._depth
        ledger._begin(depth)
        ledger._depth = depth + 1
        self._depth = depth

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        ledger = self._ledger
        ledger._depth = self._depth
        if exc_type is None:
            try:
                ledger._commit(self._depth)
            except BaseException:
                ledger._rollback(self._depth)
                raise
        else:
            ledger._rollback(self._depth)


class Ledger(abc.ABC):
    """The ledger interface and its semantics, shared by every storage.

    Mutations happen only through :meth:`apply`, :meth:`apply_all`, :meth:`put` and
    :meth:`set_head`; group several in one atomic unit with ``with ledger.transaction():``.
    Subclasses provide storage primitives (the ``_``-prefixed abstract methods) and the
    transaction scopes; they never decide what an entry means.
    """

    _HANDLERS: ClassVar[dict[type[Entry], Callable[[Ledger, Any], tuple[Digest, ...]]]]

    def __init__(self) -> None:
        self._depth = 0

    # -- applying --------------------------------------------------------------------------

    def apply(self, entry: Entry) -> Receipt:
        """Apply one entry atomically, or return its original receipt if already applied.

        Raises :class:`InsufficientFunds` or :class:`EntryRefused` (nothing changed) when the
        entry cannot apply. Inside :meth:`transaction`, a failing entry is rolled back alone.
        """
        if not isinstance(entry, Entry):
            raise LedgerArgumentError(f"not a journal entry: {type(entry).__name__}")
        with _Atomic(self):
            return self._apply(entry, None)

    def apply_all(self, entries: Iterable[Entry]) -> tuple[Receipt, ...]:
        """Apply entries in order in one transaction: all of them, or (on any error) none."""
        try:
            items = tuple(entries)
        except TypeError as exc:
            raise LedgerArgumentError("apply_all takes an iterable of entries") from exc
        for entry in items:
            if not isinstance(entry, Entry):
                raise LedgerArgumentError(f"not a journal entry: {type(entry).__name__}")
        with _Atomic(self):
            return tuple(self._apply(entry, None) for entry in items)

    def transaction(self) -> _Atomic:
        """A context manager making everything inside it (entries, objects, heads) one atomic
        unit; it commits on normal exit and rolls back on an exception. Scopes nest."""
        return _Atomic(self)

    def _apply(self, entry: Entry, cause: Digest | None) -> Receipt:
        entry_id = entry.id
        seq = self._find_entry(entry_id)
        if seq is not None:
            return Receipt(entry_id, seq, True, self._derived_ids(entry_id))
        handler = self._HANDLERS.get(type(entry))
        if handler is None:
            raise LedgerArgumentError(f"no ledger semantics for kind {entry.KIND!r}")
        seq = self._append_entry(entry, cause)
        derived = handler(self, entry)
        return Receipt(entry_id, seq, False, derived)

    # -- the semantics ---------------------------------------------------------------------

    def _mint_value(self, amount: int) -> None:
        minted = self._counter("minted")
        if minted + amount >= INT_LIMIT:
            raise EntryRefused("the minted total would reach 2**63")
        self._set_counter("minted", minted + amount)

    def _do_mint(self, e: Mint) -> tuple[Digest, ...]:
        self._mint_value(e.amount)
        self._credit(e.to, e.amount)
        return ()

    def _do_burn(self, e: Burn) -> tuple[Digest, ...]:
        self._debit(e.owner, e.amount)
        self._set_counter("burned", self._counter("burned") + e.amount)
        return ()

    def _do_move(self, e: Move) -> tuple[Digest, ...]:
        self._debit(e.payer, e.amount)
        self._credit(e.payee, e.amount)
        return ()

    def _do_coin_mint(self, e: CoinMint) -> tuple[Digest, ...]:
        if self._coin(e.coin) is not None:
            raise EntryRefused(f"coin {e.coin!r} already exists")
        self._mint_value(e.amount)
        self._put_coin(CoinRecord(e.coin, e.amount, e.owner, None, None, e.id))
        return ()

    def _plain_coin(self, coin: str, owner: PublicKey) -> CoinRecord:
        record = self._coin(coin)
        if record is None:
            raise EntryRefused(f"no coin {coin!r}")
        if not record.plain or record.owner != owner:
            raise InsufficientFunds(f"{_short(owner)} does not hold coin {coin!r} plainly")
        return record

    def _do_coin_move(self, e: CoinMove) -> tuple[Digest, ...]:
        record = self._plain_coin(e.coin, e.owner)
        self._put_coin(attrs.evolve(record, owner=e.to))
        return ()

    def _do_escrow_lock(self, e: EscrowLock) -> tuple[Digest, ...]:
        for stake in e.stakes:
            if stake.amount:
                self._debit(stake.party, stake.amount)
                self._credit_escrow(e.contract, stake.party, stake.amount)
            for coin in stake.coins:
                record = self._plain_coin(coin, stake.party)
                self._put_coin(attrs.evolve(record, contract=e.contract))
        return ()

    def _escrowed_coin(self, contract: Digest, payer: PublicKey, coin: str) -> CoinRecord:
        record = self._coin(coin)
        if record is None:
            raise EntryRefused(f"no coin {coin!r}")
        if record.contract != contract or record.owner != payer:
            raise InsufficientFunds(
                f"coin {coin!r} is not in this contract's escrow for {_short(payer)}"
            )
        return record

    def _do_payout(self, e: Payout) -> tuple[Digest, ...]:
        t = e.transfer
        payer, payee = t.payer.key, t.payee.key
        upheld: bool | None = None
        if t.condition is not None:
            upheld = self._resolution(t.condition)
            if upheld is False:
                raise EntryRefused(f"claim {_short(t.condition)} has failed")
        coin: CoinRecord | None = None
        if t.coin is None:
            value = t.amount
            self._debit_escrow(e.contract, payer, value)
        else:
            coin = self._escrowed_coin(e.contract, payer, t.coin)
            if t.amount not in (0, coin.amount):
                raise EntryRefused(f"coin {t.coin!r} is worth {coin.amount}, not {t.amount}")
            value = coin.amount
        if t.condition is None:
            if coin is None:
                self._credit(payee, value)
            else:
                self._put_coin(attrs.evolve(coin, owner=payee, contract=None))
            return ()
        holding = Holding(e.id, payee, value, t.coin, (t.condition,), e.contract, payer, None, 0)
        self._new_holding(holding, coin)
        if upheld:
            self._settle(HoldingRecord(holding, value, HoldingState.LIVE))
        return ()

    def _new_holding(self, holding: Holding, coin: CoinRecord | None) -> None:
        self._put_holding(HoldingRecord(holding, holding.amount, HoldingState.LIVE), True)
        if coin is not None:
            self._put_coin(
                attrs.evolve(coin, owner=holding.owner, contract=None, holding=holding.id)
            )

    def _do_refund(self, e: Refund) -> tuple[Digest, ...]:
        for _, party, amount in self._escrow_rows(e.contract):
            if amount:
                self._debit_escrow(e.contract, party, amount)
                self._credit(party, amount)
        for coin in self._coin_rows(e.contract):
            self._put_coin(attrs.evolve(coin, contract=None))
        return ()

    def _do_bond_post(self, e: BondPost) -> tuple[Digest, ...]:
        self._debit(e.owner, e.amount)
        self._put_bond(BondRecord(e.id, e.owner, e.amount, e.subject, BondState.OPEN, None))
        return ()

    def _open_bond(self, bond: Digest) -> BondRecord:
        record = self._bond(bond)
        if record is None:
            raise EntryRefused(f"no bond {_short(bond)}")
        if record.state is not BondState.OPEN:
            raise EntryRefused(f"bond {_short(bond)} is already {record.state.value}")
        return record

    def _do_bond_release(self, e: BondRelease) -> tuple[Digest, ...]:
        record = self._open_bond(e.bond)
        self._put_bond(attrs.evolve(record, state=BondState.RELEASED, closed_by=e.id))
        self._credit(record.owner, record.amount)
        return ()

    def _do_bond_forfeit(self, e: BondForfeit) -> tuple[Digest, ...]:
        record = self._open_bond(e.bond)
        if e.burn + e.reimburse != record.amount:
            raise EntryRefused(
                f"burn {e.burn} + reimburse {e.reimburse} must equal the bond's {record.amount}"
            )
        if e.to is not None and e.to == record.owner:
            raise EntryRefused("a forfeited bond is never reimbursed to its own owner")
        self._put_bond(attrs.evolve(record, state=BondState.FORFEITED, closed_by=e.id))
        self._set_counter("burned", self._counter("burned") + e.burn)
        if e.to is not None:
            self._credit(e.to, e.reimburse)
        return ()

    def _do_holding_pass(self, e: HoldingPass) -> tuple[Digest, ...]:
        parent = self._holding(e.holding)
        if parent is None:
            raise EntryRefused(f"no holding {_short(e.holding)}")
        if parent.owner != e.owner:
            raise EntryRefused(f"holding {_short(e.holding)} is not {_short(e.owner)}'s")
        if parent.state is not HoldingState.LIVE:
            raise InsufficientFunds(f"holding {_short(e.holding)} is {parent.state.value}")
        coin = parent.holding.coin
        if coin is None and e.amount == 0:
            raise EntryRefused("a pass moves a positive amount")
        if coin is not None and e.amount != parent.amount:
            raise EntryRefused(f"a holding of coin {coin!r} passes whole ({parent.amount})")
        if e.amount > parent.amount:
            raise InsufficientFunds(
                f"holding {_short(e.holding)} holds {parent.amount}, not {e.amount}"
            )
        conditions = set(parent.conditions)
        if e.condition is not None:
            if self._resolution(e.condition) is False:
                raise EntryRefused(f"claim {_short(e.condition)} has failed")
            conditions.add(e.condition)
        try:
            child = Holding(
                e.id,
                e.to,
                e.amount,
                coin,
                tuple(sorted(conditions, key=lambda d: d.raw)),
                None,
                None,
                parent.id,
                parent.holding.depth + 1,
            )
        except EncodingError as exc:
            raise EntryRefused(f"cannot pass this holding on: {exc}") from exc
        left = parent.amount - e.amount
        state = HoldingState.SPENT if left == 0 else HoldingState.LIVE
        self._put_holding(attrs.evolve(parent, amount=left, state=state), False)
        self._new_holding(child, self._coin(coin) if coin is not None else None)
        return ()

    def _all_upheld(self, record: HoldingRecord) -> bool:
        return all(self._resolution(c) is True for c in record.conditions)

    def _settle(self, record: HoldingRecord) -> None:
        """Make a holding plain: its value joins its owner's balance (a coin stays a coin)."""
        coin = record.holding.coin
        if record.amount and coin is None:
            self._credit(record.owner, record.amount)
        if coin is not None:
            coin_record = self._coin(coin)
            if coin_record is not None and coin_record.holding == record.id:
                self._put_coin(attrs.evolve(coin_record, holding=None))
        self._put_holding(attrs.evolve(record, amount=0, state=HoldingState.SETTLED), False)

    def _unwind(self, record: HoldingRecord) -> None:
        """Return a whole, live holding to where it came from."""
        holding = record.holding
        if record.state is not HoldingState.LIVE or record.amount != holding.amount:
            raise EntryRefused(
                f"holding {_short(record.id)} is {record.state.value} with {record.amount} of"
                f" {holding.amount}; unwind what was passed on from it first"
            )
        coin = self._coin(holding.coin) if holding.coin is not None else None
        if holding.parent is None:
            assert holding.contract is not None
            assert holding.payer is not None
            if coin is None:
                self._credit_escrow(holding.contract, holding.payer, record.amount)
            else:
                self._put_coin(
                    attrs.evolve(coin, owner=holding.payer, contract=holding.contract, holding=None)
                )
        else:
            parent = self._holding(holding.parent)
            if parent is None or parent.state is HoldingState.UNWOUND:
                raise EntryRefused(f"holding {_short(record.id)} has no live source")
            if parent.state is HoldingState.SETTLED:
                if coin is None:
                    self._credit(parent.owner, record.amount)
                else:
                    self._put_coin(attrs.evolve(coin, owner=parent.owner, holding=None))
            else:
                self._put_holding(
                    attrs.evolve(
                        parent, amount=parent.amount + record.amount, state=HoldingState.LIVE
                    ),
                    False,
                )
                if coin is not None:
                    self._put_coin(attrs.evolve(coin, owner=parent.owner, holding=parent.id))
        self._put_holding(attrs.evolve(record, amount=0, state=HoldingState.UNWOUND), False)

    def _do_resolve(self, e: ResolveCondition) -> tuple[Digest, ...]:
        if self._resolution(e.claim) is not None:
            raise EntryRefused(f"claim {_short(e.claim)} is already resolved")
        self._put_resolution(e.claim, e.upheld, e.id)
        pending = [
            r
            for r in self._holdings_with(e.claim)
            if r.state in (HoldingState.LIVE, HoldingState.SPENT)
        ]
        if e.upheld:
            pending.sort(key=lambda r: (r.holding.depth, r.id.raw))
            for record in pending:
                if self._all_upheld(record):
                    self._settle(record)
            return ()
        # Deepest first: a holding's passes depend on the same claim and return to it first,
        # so it is whole again when its own turn comes. The order is part of the journal.
        pending.sort(key=lambda r: (-r.holding.depth, r.id.raw))
        derived: list[Digest] = []
        for record in pending:
            correction = Correction(record.holding.entry, FAILED_CLAIM_REASON, e.id.raw)
            if self._find_entry(correction.id) is not None:
                continue
            self._append_entry(correction, e.id)
            self._do_correction(correction)
            derived.append(correction.id)
        return tuple(derived)

    def _do_correction(self, e: Correction) -> tuple[Digest, ...]:
        target = self.entry(e.corrects)
        if target is None:
            raise EntryRefused(f"no entry {_short(e.corrects)} to correct")
        earlier = self._corrected_by(e.corrects)
        if earlier is not None:
            raise EntryRefused(f"entry {_short(e.corrects)} was already corrected")
        original = target.entry
        if not isinstance(original, REVERSIBLE):
            raise EntryRefused(f"a {original.KIND} entry cannot be corrected")
        self._put_correction(e.corrects, e.id)
        if isinstance(original, Mint):
            self._debit(original.to, original.amount)
            self._set_counter("minted", self._counter("minted") - original.amount)
        elif isinstance(original, Burn):
            self._set_counter("burned", self._counter("burned") - original.amount)
            self._credit(original.owner, original.amount)
        elif isinstance(original, Move):
            self._debit(original.payee, original.amount)
            self._credit(original.payer, original.amount)
        elif isinstance(original, CoinMove):
            record = self._plain_coin(original.coin, original.to)
            self._put_coin(attrs.evolve(record, owner=original.owner))
        elif isinstance(original, EscrowLock):
            self._reverse_lock(original)
        elif isinstance(original, Payout) and original.transfer.condition is None:
            self._reverse_plain_payout(original)
        else:
            holding_id = self._holding_by_entry(e.corrects)
            held = self._holding(holding_id) if holding_id is not None else None
            if held is None:
                raise EntryRefused(f"entry {_short(e.corrects)} created no holding")
            self._unwind(held)
        return ()

    def _reverse_lock(self, lock: EscrowLock) -> None:
        for stake in lock.stakes:
            if stake.amount:
                self._debit_escrow(lock.contract, stake.party, stake.amount)
                self._credit(stake.party, stake.amount)
            for coin in stake.coins:
                record = self._escrowed_coin(lock.contract, stake.party, coin)
                self._put_coin(attrs.evolve(record, contract=None))

    def _reverse_plain_payout(self, payout: Payout) -> None:
        t = payout.transfer
        payer, payee = t.payer.key, t.payee.key
        if t.coin is None:
            self._debit(payee, t.amount)
            self._credit_escrow(payout.contract, payer, t.amount)
        else:
            record = self._plain_coin(t.coin, payee)
            self._put_coin(attrs.evolve(record, owner=payer, contract=payout.contract))

    # -- queries ---------------------------------------------------------------------------

    def balance(self, key: PublicKey) -> int:
        """The plain balance of ``key`` (0 for an account never seen)."""
        _check(key, PublicKey, "key")
        return self._balance(key)

    def balances(self) -> dict[PublicKey, int]:
        """Every non-zero plain balance."""
        return {k: v for k, v in self._all_balances() if v}

    def escrow(self, contract: Digest, party: PublicKey | None = None) -> int:
        """The amount in ``contract``'s escrow held for ``party``, or for everyone (coins
        excluded: see :meth:`coins`)."""
        _check(contract, Digest, "contract")
        if party is not None:
            _check(party, PublicKey, "party")
            return self._escrow_amount(contract, party)
        return sum(amount for _, _, amount in self._escrow_rows(contract))

    def escrows(self, contract: Digest | None = None) -> dict[tuple[Digest, PublicKey], int]:
        """Every non-zero escrow amount, by (contract, party); of one contract if given."""
        if contract is not None:
            _check(contract, Digest, "contract")
        return {(c, p): a for c, p, a in self._escrow_rows(contract) if a}

    def coin(self, coin: str) -> CoinRecord | None:
        """The record of the named coin, if it exists."""
        _check(coin, str, "coin")
        return self._coin(coin)

    def coins(
        self, *, owner: PublicKey | None = None, contract: Digest | None = None
    ) -> tuple[CoinRecord, ...]:
        """Coins by id, optionally only those of ``owner`` or in ``contract``'s escrow."""
        if contract is not None:
            _check(contract, Digest, "contract")
        if owner is not None:
            _check(owner, PublicKey, "owner")
        rows = self._coin_rows(contract)
        return tuple(c for c in rows if owner is None or c.owner == owner)

    def bond(self, bond: Digest) -> BondRecord | None:
        """The bond posted by the entry ``bond``, if any."""
        _check(bond, Digest, "bond")
        return self._bond(bond)

    def bonds(
        self,
        *,
        owner: PublicKey | None = None,
        subject: Digest | None = None,
        state: BondState | None = None,
    ) -> tuple[BondRecord, ...]:
        """Bonds by id, filtered by owner, subject and state when given."""
        _check_filters(owner=owner, subject=subject, state=(state, BondState))
        return tuple(
            b
            for b in self._bond_rows()
            if (owner is None or b.owner == owner)
            and (subject is None or b.subject == subject)
            and (state is None or b.state is state)
        )

    def holding(self, holding: Digest) -> HoldingRecord | None:
        """A conditional holding by id."""
        _check(holding, Digest, "holding")
        return self._holding(holding)

    def holding_of(self, entry: Digest) -> HoldingRecord | None:
        """The holding the payout or pass ``entry`` created, if any."""
        _check(entry, Digest, "entry")
        found = self._holding_by_entry(entry)
        return self._holding(found) if found is not None else None

    def holdings(
        self,
        *,
        claim: Digest | None = None,
        owner: PublicKey | None = None,
        state: HoldingState | None = None,
    ) -> tuple[HoldingRecord, ...]:
        """Holdings by id: those depending on ``claim``, of ``owner``, in ``state``."""
        _check_filters(owner=owner, state=(state, HoldingState))
        if claim is not None:
            _check(claim, Digest, "claim")
            rows = sorted(self._holdings_with(claim), key=lambda r: r.id.raw)
        else:
            rows = self._holding_rows()
        return tuple(
            r
            for r in rows
            if (owner is None or r.owner == owner) and (state is None or r.state is state)
        )

    def chain(self, holding: Digest) -> tuple[HoldingRecord, ...]:
        """The holding and its ancestors, root first: the root came from a contract's escrow,
        each next one was passed on from the one before (Alice → Bob → Charlie)."""
        _check(holding, Digest, "holding")
        out: list[HoldingRecord] = []
        current: Digest | None = holding
        while current is not None:
            record = self._holding(current)
            if record is None:
                if not out:
                    return ()
                raise StoreError(f"holding {_short(current)} is missing from the ledger")
            out.append(record)
            current = record.holding.parent
        return tuple(reversed(out))

    def descendants(self, holding: Digest) -> tuple[HoldingRecord, ...]:
        """Every holding passed on from ``holding``, directly or not, parents before children
        (breadth first, by id within a generation)."""
        _check(holding, Digest, "holding")
        out: list[HoldingRecord] = []
        frontier = [holding]
        while frontier:
            children: list[HoldingRecord] = []
            for parent in frontier:
                for child in self._children(parent):
                    record = self._holding(child)
                    if record is not None:
                        children.append(record)
            children.sort(key=lambda r: r.id.raw)
            out.extend(children)
            frontier = [r.id for r in children]
        return tuple(out)

    def resolution(self, claim: Digest) -> bool | None:
        """``True`` if the claim was upheld, ``False`` if it failed, ``None`` if unresolved."""
        _check(claim, Digest, "claim")
        return self._resolution(claim)

    def has_entry(self, entry: Digest) -> bool:
        """Whether the entry with this id is in the journal."""
        _check(entry, Digest, "entry")
        return self._find_entry(entry) is not None

    def entry(self, entry: Digest) -> JournalRecord | None:
        """The journal row of the entry with this id."""
        _check(entry, Digest, "entry")
        seq = self._find_entry(entry)
        if seq is None:
            return None
        page = self._journal_page(seq, 1)
        return page[0] if page else None

    def journal(self, start: int = 1) -> Iterator[JournalRecord]:
        """Journal rows in order from position ``start`` (1 is the first)."""
        if type(start) is not int or not 1 <= start < INT_LIMIT:
            raise LedgerArgumentError("start is a journal position, 1 <= start < 2**63")
        while True:
            page = self._journal_page(start, 512)
            yield from page
            if len(page) < 512:
                return
            start = page[-1].seq + 1

    def corrected_by(self, entry: Digest) -> Digest | None:
        """The id of the correction that reversed ``entry``, if any."""
        _check(entry, Digest, "entry")
        return self._corrected_by(entry)

    def totals(self) -> Totals:
        """Where all value is; ``ledger.totals().conserved`` is the conservation invariant."""
        return self._totals()

    def state(self) -> LedgerState:
        """The whole observable state, read in one transaction."""
        with _Atomic(self):
            return LedgerState(
                balances=tuple((k, v) for k, v in self._all_balances() if v),
                escrow=tuple((c, p, a) for c, p, a in self._escrow_rows(None) if a),
                coins=tuple(self._coin_rows(None)),
                bonds=tuple(self._bond_rows()),
                holdings=tuple(self._holding_rows()),
                resolutions=tuple(self._resolution_rows()),
                corrections=tuple(self._correction_rows()),
                journal=tuple(self._journal_rows()),
                objects=tuple(self._object_ids()),
                heads=tuple(self._head_rows()),
                totals=self._totals(),
            )

    # -- objects and heads -----------------------------------------------------------------

    def put(self, obj: Canonical) -> Digest:
        """Store a canonical object under its id (content-addressed; storing twice is a no-op)."""
        _check(obj, Canonical, "obj")
        with _Atomic(self):
            self._put_object(obj.id, obj.KIND, obj.encoded)
        return obj.id

    def get_bytes(self, object_id: Digest) -> bytes | None:
        """The canonical bytes stored under ``object_id``."""
        _check(object_id, Digest, "object_id")
        return self._object(object_id)

    @overload
    def get(self, object_id: Digest) -> Canonical | None: ...
    @overload
    def get(self, object_id: Digest, expected: type[ObjT]) -> ObjT | None: ...
    def get(self, object_id: Digest, expected: type[Canonical] = Canonical) -> Canonical | None:
        """The object stored under ``object_id``, decoded; it must be an ``expected``."""
        data = self.get_bytes(object_id)
        if data is None:
            return None
        try:
            obj: Canonical = decode(data)
        except EncodingError as exc:
            raise StoreError(f"stored object {_short(object_id)} is damaged: {exc}") from exc
        if obj.id != object_id:
            raise StoreError(f"stored object {_short(object_id)} does not hash to its id")
        if not isinstance(obj, expected):
            raise LedgerArgumentError(
                f"object {_short(object_id)} is a {obj.KIND}, not a {expected.__name__}"
            )
        return obj

    def set_head(self, name: str, object_id: Digest) -> None:
        """Point the named head (say, "the current state of contract X") at an object id."""
        _check_head_name(name)
        _check(object_id, Digest, "object_id")
        with _Atomic(self):
            self._set_head(name, object_id)

    def head(self, name: str) -> Digest | None:
        """Where the named head points, if it was ever set."""
        _check_head_name(name)
        return self._head(name)

    def heads(self) -> dict[str, Digest]:
        """Every head."""
        return dict(self._head_rows())

    # -- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:  # noqa: B027 - a no-op by default, not abstract
        """Release the storage (a no-op in memory)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- storage primitives ----------------------------------------------------------------
    # Reads return records; listing reads return them sorted (balances by key, escrow by
    # contract then party, coins by id, bonds and holdings by id, journal by position).

    @abc.abstractmethod
    def _begin(self, depth: int) -> None: ...
    @abc.abstractmethod
    def _commit(self, depth: int) -> None: ...
    @abc.abstractmethod
    def _rollback(self, depth: int) -> None: ...

    @abc.abstractmethod
    def _find_entry(self, entry: Digest) -> int | None: ...
    @abc.abstractmethod
    def _derived_ids(self, entry: Digest) -> tuple[Digest, ...]: ...
    @abc.abstractmethod
    def _journal_page(self, start: int, limit: int) -> list[JournalRecord]: ...
    @abc.abstractmethod
    def _append_entry(self, entry: Entry, cause: Digest | None) -> int: ...
    @abc.abstractmethod
    def _journal_rows(self) -> list[tuple[int, Digest, Digest | None]]:
        """Every journal row's position, entry id and cause, without decoding entries."""

    @abc.abstractmethod
    def _balance(self, key: PublicKey) -> int: ...
    @abc.abstractmethod
    def _all_balances(self) -> list[tuple[PublicKey, int]]: ...
    @abc.abstractmethod
    def _credit(self, key: PublicKey, amount: int) -> None: ...
    @abc.abstractmethod
    def _debit(self, key: PublicKey, amount: int) -> None:
        """Take ``amount`` from a balance or raise :class:`InsufficientFunds`."""

    @abc.abstractmethod
    def _escrow_amount(self, contract: Digest, key: PublicKey) -> int: ...
    @abc.abstractmethod
    def _escrow_rows(self, contract: Digest | None) -> list[tuple[Digest, PublicKey, int]]: ...
    @abc.abstractmethod
    def _credit_escrow(self, contract: Digest, key: PublicKey, amount: int) -> None: ...
    @abc.abstractmethod
    def _debit_escrow(self, contract: Digest, key: PublicKey, amount: int) -> None:
        """Take ``amount`` from an escrow or raise :class:`InsufficientFunds`."""

    @abc.abstractmethod
    def _coin(self, coin: str) -> CoinRecord | None: ...
    @abc.abstractmethod
    def _coin_rows(self, contract: Digest | None) -> list[CoinRecord]: ...
    @abc.abstractmethod
    def _put_coin(self, record: CoinRecord) -> None: ...

    @abc.abstractmethod
    def _bond(self, bond: Digest) -> BondRecord | None: ...
    @abc.abstractmethod
    def _bond_rows(self) -> list[BondRecord]: ...
    @abc.abstractmethod
    def _put_bond(self, record: BondRecord) -> None: ...

    @abc.abstractmethod
    def _holding(self, holding: Digest) -> HoldingRecord | None: ...
    @abc.abstractmethod
    def _holding_rows(self) -> list[HoldingRecord]: ...
    @abc.abstractmethod
    def _holding_by_entry(self, entry: Digest) -> Digest | None: ...
    @abc.abstractmethod
    def _holdings_with(self, claim: Digest) -> list[HoldingRecord]: ...
    @abc.abstractmethod
    def _children(self, holding: Digest) -> list[Digest]: ...
    @abc.abstractmethod
    def _put_holding(self, record: HoldingRecord, new: bool) -> None: ...

    @abc.abstractmethod
    def _resolution(self, claim: Digest) -> bool | None: ...
    @abc.abstractmethod
    def _resolution_rows(self) -> list[tuple[Digest, bool, Digest]]: ...
    @abc.abstractmethod
    def _put_resolution(self, claim: Digest, upheld: bool, entry: Digest) -> None: ...

    @abc.abstractmethod
    def _corrected_by(self, entry: Digest) -> Digest | None: ...
    @abc.abstractmethod
    def _correction_rows(self) -> list[tuple[Digest, Digest]]: ...
    @abc.abstractmethod
    def _put_correction(self, corrected: Digest, correction: Digest) -> None: ...

    @abc.abstractmethod
    def _counter(self, name: str) -> int: ...
    @abc.abstractmethod
    def _set_counter(self, name: str, value: int) -> None: ...
    @abc.abstractmethod
    def _totals(self) -> Totals: ...

    @abc.abstractmethod
    def _object(self, object_id: Digest) -> bytes | None: ...
    @abc.abstractmethod
    def _object_ids(self) -> list[Digest]: ...
    @abc.abstractmethod
    def _put_object(self, object_id: Digest, kind: str, data: bytes) -> None: ...
    @abc.abstractmethod
    def _head(self, name: str) -> Digest | None: ...
    @abc.abstractmethod
    def _head_rows(self) -> list[tuple[str, Digest]]: ...
    @abc.abstractmethod
    def _set_head(self, name: str, object_id: Digest) -> None: ...


Ledger._HANDLERS = {
    Mint: Ledger._do_mint,
    Burn: Ledger._do_burn,
    Move: Ledger._do_move,
    CoinMint: Ledger._do_coin_mint,
    CoinMove: Ledger._do_coin_move,
    EscrowLock: Ledger._do_escrow_lock,
    Payout: Ledger._do_payout,
    Refund: Ledger._do_refund,
    BondPost: Ledger._do_bond_post,
    BondRelease: Ledger._do_bond_release,
    BondForfeit: Ledger._do_bond_forfeit,
    HoldingPass: Ledger._do_holding_pass,
    ResolveCondition: Ledger._do_resolve,
    Correction: Ledger._do_correction,
}


# ---------------------------------------------------------------------------------------------
# In memory

_MISSING: Final = object()
_APPENDED: Final = object()  # undo marker: pop the last item appended to a list


class MemoryLedger(Ledger):
    """The ledger in dictionaries: for tests, simulations, and as the model the SQLite store
    is checked against. Transactions keep an undo log; nothing is durable."""

    def __init__(self) -> None:
        super().__init__()
        self._journal: dict[int, tuple[Entry, Digest | None]] = {}
        self._seq_of: dict[Digest, int] = {}
        self._derived: dict[Digest, list[Digest]] = {}
        self._balances: dict[PublicKey, int] = {}
        self._escrow: dict[tuple[Digest, PublicKey], int] = {}
        self._coins: dict[str, CoinRecord] = {}
        self._bonds: dict[Digest, BondRecord] = {}
        self._holdings: dict[Digest, HoldingRecord] = {}
        self._by_entry: dict[Digest, Digest] = {}
        self._by_claim: dict[Digest, list[Digest]] = {}
        self._kids: dict[Digest, list[Digest]] = {}
        self._resolutions: dict[Digest, tuple[bool, Digest]] = {}
        self._corrections: dict[Digest, Digest] = {}
        self._counters: dict[str, int] = {"minted": 0, "burned": 0}
        self._objects: dict[Digest, bytes] = {}
        self._heads: dict[str, Digest] = {}
        self._undo: list[tuple[dict[Any, Any], Any, Any]] = []
        self._marks: list[int] = []

    def _set(self, table: dict[Any, Any], key: Any, value: Any) -> None:
        self._undo.append((table, key, table.get(key, _MISSING)))
        table[key] = value

    def _append(self, table: dict[Any, list[Any]], key: Any, item: Any) -> None:
        """Append to the list at ``table[key]`` in O(1), undoably (rebuilding a tuple per
        append made one resolution that derives n entries cost O(n**2))."""
        table.setdefault(key, []).append(item)
        self._undo.append((table, key, _APPENDED))

    def _begin(self, depth: int) -> None:
        self._marks.append(len(self._undo))

    def _commit(self, depth: int) -> None:
        self._marks.pop()
        if not self._marks:
            self._undo.clear()

    def _rollback(self, depth: int) -> None:
        mark = self._marks.pop()
        undo = self._undo
        while len(undo) > mark:
            table, key, old = undo.pop()
            if old is _APPENDED:
                items = table[key]
                items.pop()
                if not items:
                    del table[key]
            elif old is _MISSING:
                del table[key]
            else:
                table[key] = old

    def _find_entry(self, entry: Digest) -> int | None:
        return self._seq_of.get(entry)

    def _derived_ids(self, entry: Digest) -> tuple[Digest, ...]:
        return tuple(self._derived.get(entry, ()))

    def _journal_page(self, start: int, limit: int) -> list[JournalRecord]:
        end = min(len(self._journal), start + limit - 1)
        return [JournalRecord(s, *self._journal[s]) for s in range(start, end + 1)]

    def _journal_rows(self) -> list[tuple[int, Digest, Digest | None]]:
        return [(seq, entry.id, cause) for seq, (entry, cause) in self._journal.items()]

    def _append_entry(self, entry: Entry, cause: Digest | None) -> int:
        seq = len(self._journal) + 1
        self._set(self._journal, seq, (entry, cause))
        self._set(self._seq_of, entry.id, seq)
        if cause is not None:
            self._append(self._derived, cause, entry.id)
        return seq

    def _balance(self, key: PublicKey) -> int:
        return self._balances.get(key, 0)

    def _all_balances(self) -> list[tuple[PublicKey, int]]:
        return sorted(self._balances.items(), key=lambda kv: kv[0].raw)

    def _credit(self, key: PublicKey, amount: int) -> None:
        self._set(self._balances, key, self._balances.get(key, 0) + amount)

    def _debit(self, key: PublicKey, amount: int) -> None:
        have = self._balances.get(key, 0)
        if have < amount:
            raise InsufficientFunds(f"{_short(key)} has {have}, needs {amount}")
        self._set(self._balances, key, have - amount)

    def _escrow_amount(self, contract: Digest, key: PublicKey) -> int:
        return self._escrow.get((contract, key), 0)

    def _escrow_rows(self, contract: Digest | None) -> list[tuple[Digest, PublicKey, int]]:
        rows = [
            (c, p, a) for (c, p), a in self._escrow.items() if contract is None or c == contract
        ]
        return sorted(rows, key=lambda r: (r[0].raw, r[1].raw))

    def _credit_escrow(self, contract: Digest, key: PublicKey, amount: int) -> None:
        self._set(self._escrow, (contract, key), self._escrow.get((contract, key), 0) + amount)

    def _debit_escrow(self, contract: Digest, key: PublicKey, amount: int) -> None:
        have = self._escrow.get((contract, key), 0)
        if have < amount:
            raise InsufficientFunds(
                f"{_short(key)} has {have} in escrow of {_short(contract)}, needs {amount}"
            )
        self._set(self._escrow, (contract, key), have - amount)

    def _coin(self, coin: str) -> CoinRecord | None:
        return self._coins.get(coin)

    def _coin_rows(self, contract: Digest | None) -> list[CoinRecord]:
        return sorted(
            (c for c in self._coins.values() if contract is None or c.contract == contract),
            key=lambda c: c.coin,
        )

    def _put_coin(self, record: CoinRecord) -> None:
        self._set(self._coins, record.coin, record)

    def _bond(self, bond: Digest) -> BondRecord | None:
        return self._bonds.get(bond)

    def _bond_rows(self) -> list[BondRecord]:
        return sorted(self._bonds.values(), key=lambda b: b.id.raw)

    def _put_bond(self, record: BondRecord) -> None:
        self._set(self._bonds, record.id, record)

    def _holding(self, holding: Digest) -> HoldingRecord | None:
        return self._holdings.get(holding)

    def _holding_rows(self) -> list[HoldingRecord]:
        return sorted(self._holdings.values(), key=lambda r: r.id.raw)

    def _holding_by_entry(self, entry: Digest) -> Digest | None:
        return self._by_entry.get(entry)

    def _holdings_with(self, claim: Digest) -> list[HoldingRecord]:
        return [self._holdings[h] for h in self._by_claim.get(claim, ())]

    def _children(self, holding: Digest) -> list[Digest]:
        return list(self._kids.get(holding, ()))

    def _put_holding(self, record: HoldingRecord, new: bool) -> None:
        hid = record.id
        self._set(self._holdings, hid, record)
        if new:
            holding = record.holding
            self._set(self._by_entry, holding.entry, hid)
            for claim in holding.conditions:
                self._append(self._by_claim, claim, hid)
            if holding.parent is not None:
                self._append(self._kids, holding.parent, hid)

    def _resolution(self, claim: Digest) -> bool | None:
        found = self._resolutions.get(claim)
        return None if found is None else found[0]

    def _resolution_rows(self) -> list[tuple[Digest, bool, Digest]]:
        rows = [(c, u, e) for c, (u, e) in self._resolutions.items()]
        return sorted(rows, key=lambda r: r[0].raw)

    def _put_resolution(self, claim: Digest, upheld: bool, entry: Digest) -> None:
        self._set(self._resolutions, claim, (upheld, entry))

    def _corrected_by(self, entry: Digest) -> Digest | None:
        return self._corrections.get(entry)

    def _correction_rows(self) -> list[tuple[Digest, Digest]]:
        return sorted(self._corrections.items(), key=lambda kv: kv[0].raw)

    def _put_correction(self, corrected: Digest, correction: Digest) -> None:
        self._set(self._corrections, corrected, correction)

    def _counter(self, name: str) -> int:
        return self._counters[name]

    def _set_counter(self, name: str, value: int) -> None:
        self._set(self._counters, name, value)

    def _totals(self) -> Totals:
        coins = self._coins.values()
        return Totals(
            minted=self._counters["minted"],
            balances=sum(self._balances.values()) + sum(c.amount for c in coins if c.plain),
            conditional=sum(r.amount for r in self._holdings.values()),
            escrow=sum(self._escrow.values())
            + sum(c.amount for c in coins if c.contract is not None),
            bonds=sum(b.amount for b in self._bonds.values() if b.state is BondState.OPEN),
            burned=self._counters["burned"],
        )

    def _object(self, object_id: Digest) -> bytes | None:
        return self._objects.get(object_id)

    def _object_ids(self) -> list[Digest]:
        return sorted(self._objects, key=lambda d: d.raw)

    def _put_object(self, object_id: Digest, kind: str, data: bytes) -> None:
        if object_id not in self._objects:
            self._set(self._objects, object_id, data)

    def _head(self, name: str) -> Digest | None:
        return self._heads.get(name)

    def _head_rows(self) -> list[tuple[str, Digest]]:
        return sorted(self._heads.items())

    def _set_head(self, name: str, object_id: Digest) -> None:
        self._set(self._heads, name, object_id)


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
    amount: int = attrs.field(validator=_non_negative)
    coin: str | None = attrs.field(default=None, validator=attrs.validators.optional(_coin_id))
    condition: Digest | None = attrs.field(
        default=None, validator=attrs.validators.optional(_digest)
    )

    @amount.validator
    def _amount_or_coin(self, _attr: object, value: int) -> None:
        if self.coin is None and type(value) is int and value < 1:
            raise EncodingError("a transfer moves a positive amount or a named coin")
