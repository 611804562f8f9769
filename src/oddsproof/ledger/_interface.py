"""The ledger: accounts, named coins, escrow, bonds, burned value and conditional holdings.

Nothing changes the ledger except a journal :class:`Entry`. Entries are canonical objects, so an
entry's id is the tagged hash of its bytes; every entry carries a caller-chosen ``ref`` so that
two legitimate, otherwise identical operations (two payments of 5 from Alice to Bob) have
different ids, while a retried operation keeps its id. Applying an entry whose id is already in
the journal changes nothing and returns the original :class:`Receipt` (marked ``duplicate``):
that is how exactly-once survives retries and crash recovery. An entry that cannot apply raises a
typed :class:`OddsproofError` and changes nothing. Nothing is ever deleted: a mistake is undone by a
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
:class:`MemoryLedger` keeps them in dictionaries (``_memory``), :class:`SqliteLedger` in SQLite
(``_sqlite``); canonical objects and named heads live beside the journal (``_objects``).
"""

from __future__ import annotations

import abc
import enum
from collections.abc import Callable, Iterable, Iterator
from typing import Any, ClassVar, Self

import attrs

from oddsproof.errors import EncodingError, Refused, StoreError, WrongType
from oddsproof.wire import INT_LIMIT, Digest, PublicKey

from ._entries import (
    FAILED_CLAIM_REASON,
    REVERSIBLE,
    BondForfeit,
    BondPost,
    BondRelease,
    Burn,
    CoinMint,
    CoinMove,
    Correction,
    Entry,
    EscrowLock,
    Holding,
    HoldingPass,
    LedgerReason,
    Mint,
    Move,
    Payout,
    Refund,
    ResolveCondition,
)
from ._objects import ObjectStore, _Atomic, _check, _short
from ._records import (
    BondRecord,
    BondState,
    CoinRecord,
    HoldingRecord,
    HoldingState,
    JournalRecord,
    LedgerState,
    Receipt,
    Totals,
)


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


class Ledger(ObjectStore):
    """The ledger interface and its semantics, shared by every storage.

    Mutations happen only through :meth:`apply`, :meth:`apply_all`, :meth:`put` and
    :meth:`set_head`; group several in one atomic unit with ``with ledger.transaction():``.
    Subclasses provide storage primitives (the ``_``-prefixed abstract methods) and the
    transaction scopes; they never decide what an entry means.
    """

    _HANDLERS: ClassVar[dict[type[Entry], Callable[[Ledger, Any], tuple[Digest, ...]]]]

    # -- applying --------------------------------------------------------------------------

    def apply(self, entry: Entry) -> Receipt:
        """Apply one entry atomically, or return its original receipt if already applied.

        Raises an ``INSUFFICIENT_FUNDS`` :class:`~oddsproof.errors.Refused` or a
        :class:`~oddsproof.errors.Refused` (nothing changed) when the entry cannot apply. Inside
        :meth:`transaction`, a failing entry is rolled back alone.
        """
        if not isinstance(entry, Entry):
            raise WrongType(f"not a journal entry: {type(entry).__name__}")
        with _Atomic(self):
            return self._apply(entry, None)

    def apply_all(self, entries: Iterable[Entry]) -> tuple[Receipt, ...]:
        """Apply entries in order in one transaction: all of them, or (on any error) none."""
        try:
            items = tuple(entries)
        except TypeError as exc:
            raise WrongType("apply_all takes an iterable of entries") from exc
        for entry in items:
            if not isinstance(entry, Entry):
                raise WrongType(f"not a journal entry: {type(entry).__name__}")
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
            raise WrongType(f"no ledger semantics for kind {entry.KIND!r}")
        seq = self._append_entry(entry, cause)
        derived = handler(self, entry)
        return Receipt(entry_id, seq, False, derived)

    # -- the semantics ---------------------------------------------------------------------

    def _mint_value(self, amount: int) -> None:
        minted = self._counter("minted")
        if minted + amount >= INT_LIMIT:
            raise Refused(LedgerReason.LIMIT, "the minted total would reach 2**63")
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
            raise Refused(LedgerReason.EXISTS, f"coin {e.coin!r} already exists")
        self._mint_value(e.amount)
        self._put_coin(CoinRecord(e.coin, e.amount, e.owner, None, None, e.id))
        return ()

    def _plain_coin(self, coin: str, owner: PublicKey) -> CoinRecord:
        record = self._coin(coin)
        if record is None:
            raise Refused(LedgerReason.UNKNOWN, f"no coin {coin!r}")
        if not record.plain or record.owner != owner:
            raise Refused(
                LedgerReason.INSUFFICIENT_FUNDS,
                f"{_short(owner)} does not hold coin {coin!r} plainly",
            )
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
            raise Refused(LedgerReason.UNKNOWN, f"no coin {coin!r}")
        if record.contract != contract or record.owner != payer:
            raise Refused(
                LedgerReason.INSUFFICIENT_FUNDS,
                f"coin {coin!r} is not in this contract's escrow for {_short(payer)}",
            )
        return record

    def _do_payout(self, e: Payout) -> tuple[Digest, ...]:
        t = e.transfer
        payer, payee = t.payer.key, t.payee.key
        upheld: bool | None = None
        if t.condition is not None:
            upheld = self._resolution(t.condition)
            if upheld is False:
                raise Refused(LedgerReason.CLAIM_FAILED, f"claim {_short(t.condition)} has failed")
        coin: CoinRecord | None = None
        if t.coin is None:
            value = t.amount
            self._debit_escrow(e.contract, payer, value)
        else:
            coin = self._escrowed_coin(e.contract, payer, t.coin)
            if t.amount not in (0, coin.amount):
                raise Refused(
                    LedgerReason.NOT_ALLOWED,
                    f"coin {t.coin!r} is worth {coin.amount}, not {t.amount}",
                )
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
            raise Refused(LedgerReason.UNKNOWN, f"no bond {_short(bond)}")
        if record.state is not BondState.OPEN:
            raise Refused(
                LedgerReason.CLOSED, f"bond {_short(bond)} is already {record.state.value}"
            )
        return record

    def _do_bond_release(self, e: BondRelease) -> tuple[Digest, ...]:
        record = self._open_bond(e.bond)
        self._put_bond(attrs.evolve(record, state=BondState.RELEASED, closed_by=e.id))
        self._credit(record.owner, record.amount)
        return ()

    def _do_bond_forfeit(self, e: BondForfeit) -> tuple[Digest, ...]:
        record = self._open_bond(e.bond)
        if e.burn + e.reimburse != record.amount:
            raise Refused(
                LedgerReason.NOT_ALLOWED,
                f"burn {e.burn} + reimburse {e.reimburse} must equal the bond's {record.amount}",
            )
        if e.to is not None and e.to == record.owner:
            raise Refused(
                LedgerReason.NOT_ALLOWED, "a forfeited bond is never reimbursed to its own owner"
            )
        self._put_bond(attrs.evolve(record, state=BondState.FORFEITED, closed_by=e.id))
        self._set_counter("burned", self._counter("burned") + e.burn)
        if e.to is not None:
            self._credit(e.to, e.reimburse)
        return ()

    def _do_holding_pass(self, e: HoldingPass) -> tuple[Digest, ...]:
        parent = self._holding(e.holding)
        if parent is None:
            raise Refused(LedgerReason.UNKNOWN, f"no holding {_short(e.holding)}")
        if parent.owner != e.owner:
            raise Refused(
                LedgerReason.NOT_OWNER, f"holding {_short(e.holding)} is not {_short(e.owner)}'s"
            )
        if parent.state is not HoldingState.LIVE:
            raise Refused(
                LedgerReason.INSUFFICIENT_FUNDS,
                f"holding {_short(e.holding)} is {parent.state.value}",
            )
        coin = parent.holding.coin
        if coin is None and e.amount == 0:
            raise Refused(LedgerReason.NOT_ALLOWED, "a pass moves a positive amount")
        if coin is not None and e.amount != parent.amount:
            raise Refused(
                LedgerReason.NOT_ALLOWED,
                f"a holding of coin {coin!r} passes whole ({parent.amount})",
            )
        if e.amount > parent.amount:
            raise Refused(
                LedgerReason.INSUFFICIENT_FUNDS,
                f"holding {_short(e.holding)} holds {parent.amount}, not {e.amount}",
            )
        conditions = set(parent.conditions)
        if e.condition is not None:
            if self._resolution(e.condition) is False:
                raise Refused(LedgerReason.CLAIM_FAILED, f"claim {_short(e.condition)} has failed")
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
            raise Refused(LedgerReason.NOT_ALLOWED, f"cannot pass this holding on: {exc}") from exc
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
            raise Refused(
                LedgerReason.CLOSED,
                f"holding {_short(record.id)} is {record.state.value} with {record.amount} of"
                f" {holding.amount}; unwind what was passed on from it first",
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
                raise Refused(
                    LedgerReason.CLOSED, f"holding {_short(record.id)} has no live source"
                )
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
            raise Refused(LedgerReason.CLOSED, f"claim {_short(e.claim)} is already resolved")
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
            raise Refused(LedgerReason.UNKNOWN, f"no entry {_short(e.corrects)} to correct")
        earlier = self._corrected_by(e.corrects)
        if earlier is not None:
            raise Refused(LedgerReason.CLOSED, f"entry {_short(e.corrects)} was already corrected")
        original = target.entry
        if not isinstance(original, REVERSIBLE):
            raise Refused(LedgerReason.NOT_ALLOWED, f"a {original.KIND} entry cannot be corrected")
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
                raise Refused(
                    LedgerReason.NOT_ALLOWED, f"entry {_short(e.corrects)} created no holding"
                )
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
            raise WrongType("start is a journal position, 1 <= start < 2**63")
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

    # -- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:
        """Release the storage (a no-op in memory)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- storage primitives ----------------------------------------------------------------
    # Reads return records; listing reads return them sorted (balances by key, escrow by
    # contract then party, coins by id, bonds and holdings by id, journal by position).

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
        """Take ``amount`` from a balance or raise an ``INSUFFICIENT_FUNDS``
        :class:`~oddsproof.errors.Refused`."""

    @abc.abstractmethod
    def _escrow_amount(self, contract: Digest, key: PublicKey) -> int: ...
    @abc.abstractmethod
    def _escrow_rows(self, contract: Digest | None) -> list[tuple[Digest, PublicKey, int]]: ...
    @abc.abstractmethod
    def _credit_escrow(self, contract: Digest, key: PublicKey, amount: int) -> None: ...
    @abc.abstractmethod
    def _debit_escrow(self, contract: Digest, key: PublicKey, amount: int) -> None:
        """Take ``amount`` from an escrow or raise an ``INSUFFICIENT_FUNDS``
        :class:`~oddsproof.errors.Refused`."""

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
