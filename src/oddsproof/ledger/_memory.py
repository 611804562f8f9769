"""The ledger in memory: dictionaries with an undo log for rollback (the reference store of the
differential tests)."""

from __future__ import annotations

from typing import Any, Final

from oddsproof.errors import Refused
from oddsproof.wire import Digest, PublicKey

from ._entries import Entry, LedgerReason
from ._interface import Ledger
from ._objects import _short
from ._records import BondRecord, BondState, CoinRecord, HoldingRecord, JournalRecord, Totals

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
            raise Refused(
                LedgerReason.INSUFFICIENT_FUNDS, f"{_short(key)} has {have}, needs {amount}"
            )
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
            raise Refused(
                LedgerReason.INSUFFICIENT_FUNDS,
                f"{_short(key)} has {have} in escrow of {_short(contract)}, needs {amount}",
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
