"""Differential test: the SQLite ledger (a real file, WAL, ``synchronous=FULL``) and the
in-memory ledger, given the same operations, agree after every one.

Each step turns a random :class:`LedgerOp` into an entry against the in-memory model and applies
it to both; the outcome (receipt, or the error's type) and then the whole observable state
(:meth:`Ledger.state`: balances, escrow, coins, bonds, holdings, resolutions, corrections,
journal, objects, heads, totals) must be equal. Groups, rolled-back transactions, objects and
heads, and closing and reopening the file are steps too.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from oddsproof.contracts import Statement
from oddsproof.errors import Refused
from oddsproof.ledger import Ledger, MemoryLedger, Mint, Move, Receipt, SqliteLedger
from oddsproof.wire import INT_LIMIT
from tests.strategies import LEDGER_CLAIMS, LEDGER_PARTIES, LedgerOp, entry_for, ledger_ops

Outcome = tuple[str, object]


class _Rollback(Exception):
    """Raised inside a transaction to roll it back on purpose."""


def _outcome(ledger: Ledger, entries: list[object], *, group: bool) -> Outcome:
    try:
        if group:
            return ("ok", ledger.apply_all(entries))  # type: ignore[arg-type]
        receipt: Receipt = ledger.apply(entries[0])  # type: ignore[arg-type]
        return ("ok", receipt)
    except Refused as exc:
        return ("refused", type(exc))


class SqliteAgreesWithMemory(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.directory = Path(tempfile.mkdtemp(prefix="oddsproof-diff-"))
        self.path = self.directory / "ledger.db"
        self.model = MemoryLedger()
        self.store = SqliteLedger(self.path)
        self.counter = 0

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.directory, ignore_errors=True)

    def _ref(self) -> bytes:
        self.counter += 1
        return self.counter.to_bytes(4, "big")

    def _both(self, entries: list[object], *, group: bool) -> None:
        expected = _outcome(self.model, entries, group=group)
        actual = _outcome(self.store, entries, group=group)
        assert actual == expected
        event(f"{'group' if group else 'entry'} {expected[0]}")

    @rule(op=ledger_ops)
    def apply_one(self, op: LedgerOp) -> None:
        entry = entry_for(op, self.model, self._ref())
        if entry is not None:
            self._both([entry], group=False)

    @rule(ops=st.lists(ledger_ops, min_size=1, max_size=4))
    def apply_a_group(self, ops: list[LedgerOp]) -> None:
        # Entries are built against the state before the group, so later ones may fail and
        # roll the whole group back: both ledgers must do the same.
        entries = [entry_for(op, self.model, self._ref()) for op in ops]
        chosen = [e for e in entries if e is not None]
        if chosen:
            self._both(chosen, group=True)

    @rule(op=ledger_ops, fail=st.booleans())
    def transaction_with_objects_and_heads(self, op: LedgerOp, fail: bool) -> None:
        ref = self._ref()
        statement = Statement(
            LEDGER_CLAIMS[op.x % 3], LEDGER_CLAIMS[op.y % 3], LEDGER_CLAIMS[0], op.z
        )
        entry = entry_for(op, self.model, ref)
        results = []
        for ledger in (self.model, self.store):
            try:
                with ledger.transaction():
                    ledger.put(statement)
                    ledger.set_head(f"contract/{op.z % 3}", statement.id)
                    if entry is not None:
                        try:
                            results.append(ledger.apply(entry))
                        except Refused as exc:
                            results.append(type(exc))
                    if fail:
                        raise _Rollback
            except _Rollback:
                pass
        assert results[: len(results) // 2] == results[len(results) // 2 :]

    @rule(amount=st.integers(1, 100))
    def mint_then_fail_in_one_transaction(self, amount: int) -> None:
        """A successful entry followed by a failing one in a caught transaction."""
        a, b = LEDGER_PARTIES[0].key, LEDGER_PARTIES[1].key
        ref = self._ref()
        if self.model.totals().minted + amount >= INT_LIMIT:
            return
        for ledger in (self.model, self.store):
            with ledger.transaction():
                ledger.apply(Mint(a, amount, ref))
                with pytest.raises(Refused, match=r"^insufficient-funds"):
                    ledger.apply(Move(b, a, ledger.balance(b) + 1, ref))

    @rule()
    def reopen_the_file(self) -> None:
        self.store.close()
        self.store = SqliteLedger(self.path, create=False)

    @invariant()
    def states_agree(self) -> None:
        assert self.store.state() == self.model.state()
        assert self.store.totals().conserved


SqliteAgreesWithMemory.TestCase.settings = settings(
    max_examples=50, stateful_step_count=40, deadline=None
)
test_sqlite_agrees_with_memory = SqliteAgreesWithMemory.TestCase


def test_the_comparison_can_fail(tmp_path: Path) -> None:
    """Negative control: a difference in any one table shows in ``state()``."""
    with MemoryLedger() as model, SqliteLedger(tmp_path / "l.db") as store:
        for ledger in (model, store):
            ledger.apply(Mint(LEDGER_PARTIES[0].key, 10, b"1"))
        assert store.state() == model.state()
        store._run("UPDATE accounts SET balance = 9")
        assert store.state() != model.state()
        store._run("UPDATE accounts SET balance = 10")
        store._run("UPDATE counters SET value = 11 WHERE name = 'minted'")
        assert store.state() != model.state()
        assert not store.totals().conserved
