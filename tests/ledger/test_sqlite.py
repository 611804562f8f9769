"""The SQLite store: files, pragmas, constraints, persistence, and typed errors only.

The ledger's semantics are tested on both storages in ``test_ledger.py``; here is what only a
file can do: be reopened, be something else, be locked by another writer, be damaged.
"""

from __future__ import annotations

import contextlib
import inspect
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oddsproof.contracts import Statement
from oddsproof.errors import (
    InvalidArgument,
    OddsproofError,
    Refused,
    StoreError,
    WrongType,
)
from oddsproof.ledger import EscrowLock, Mint, Move, Payout, SqliteLedger, Stake, Transfer
from oddsproof.wire import INT_LIMIT, Digest
from tests.strategies import IDENTITIES

ALICE, BOB = (i.party for i in IDENTITIES[:2])
K1 = Digest(b"\x01" * 32)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "ledger.db"


@pytest.fixture
def store(path: Path) -> Iterator[SqliteLedger]:
    with SqliteLedger(path) as ledger:
        yield ledger


def raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def test_the_store_uses_wal_full_sync_and_marks_its_file(store: SqliteLedger) -> None:
    conn = store._conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x6F647073
    assert store.path.endswith("ledger.db")


def test_entries_survive_closing_and_reopening(path: Path) -> None:
    with SqliteLedger(path) as store:
        store.apply(Mint(ALICE.key, 10, b"1"))
        store.apply(Move(ALICE.key, BOB.key, 4, b"2"))
        store.put(Statement(K1, K1, K1, 0))
        store.set_head("h", K1)
        state = store.state()
    with SqliteLedger(path, create=False) as again:
        assert again.state() == state
        assert again.apply(Mint(ALICE.key, 10, b"1")).duplicate


def test_commits_are_visible_to_another_connection_at_once(store: SqliteLedger, path: Path) -> None:
    store.apply(Mint(ALICE.key, 10, b"1"))
    with SqliteLedger(path) as reader:
        assert reader.balance(ALICE.key) == 10


def test_check_constraints_refuse_negative_and_non_integer_amounts(
    store: SqliteLedger, path: Path
) -> None:
    store.apply(Mint(ALICE.key, 10, b"1"))
    conn = raw(path)
    try:
        for sql in (
            "UPDATE accounts SET balance = -1",
            "UPDATE accounts SET balance = 1.5",
            "UPDATE accounts SET balance = balance + 9223372036854775807",  # overflows to REAL
            "INSERT INTO escrow VALUES (zeroblob(32), zeroblob(32), -5)",
            "UPDATE counters SET value = -1 WHERE name = 'minted'",
        ):
            with pytest.raises(sqlite3.IntegrityError):
                conn.execute(sql)
    finally:
        conn.close()
    assert store.balance(ALICE.key) == 10


def test_opening_what_is_not_a_store_raises_store_error(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_bytes(b"this is not a database, just some text that is long enough" * 20)
    with pytest.raises(StoreError, match="not an oddsproof"):
        SqliteLedger(text)
    other = tmp_path / "other.db"
    conn = raw(other)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    with pytest.raises(StoreError, match="not an oddsproof store"):
        SqliteLedger(other)
    conn = raw(other)
    try:  # refused without being touched: not switched to WAL
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        conn.close()
    with pytest.raises(StoreError, match="no ledger store"):
        SqliteLedger(tmp_path / "missing.db", create=False)
    with pytest.raises(StoreError):
        SqliteLedger(tmp_path)  # a directory
    with pytest.raises(StoreError):
        SqliteLedger(tmp_path / "no" / "such" / "dir.db")
    with pytest.raises(WrongType):
        SqliteLedger(5)  # type: ignore[arg-type]
    with pytest.raises(WrongType):
        SqliteLedger(tmp_path / "x.db", timeout=-1)


def test_a_store_with_another_schema_version_is_refused(path: Path) -> None:
    SqliteLedger(path).close()
    conn = raw(path)
    conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema'")
    conn.close()
    with pytest.raises(StoreError, match="schema '99'"):
        SqliteLedger(path)


@settings(max_examples=30)
@given(st.binary(min_size=1, max_size=4096))
def test_random_file_contents_raise_store_error(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    target = tmp_path_factory.mktemp("junk") / "junk.db"
    target.write_bytes(data)
    try:
        with SqliteLedger(target, create=False) as opened:
            opened.totals()
    except StoreError:
        pass


def test_random_file_after_a_valid_header_raises_store_error(path: Path) -> None:
    SqliteLedger(path).close()
    data = bytearray(path.read_bytes())
    for i in range(100, len(data)):
        data[i] = (data[i] * 7 + i) % 256
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError), SqliteLedger(path) as damaged:
        damaged.state()


def test_a_damaged_journal_row_raises_store_error(store: SqliteLedger, path: Path) -> None:
    store.apply(Mint(ALICE.key, 10, b"1"))
    conn = raw(path)
    conn.execute("UPDATE journal SET body = x'a0'")
    conn.close()
    with pytest.raises(StoreError, match="damaged"):
        list(store.journal())


def test_a_closed_store_raises_store_error(path: Path) -> None:
    store = SqliteLedger(path)
    store.close()
    store.close()  # idempotent
    with pytest.raises(StoreError, match="closed"):
        store.apply(Mint(ALICE.key, 1, b"1"))
    with pytest.raises(StoreError, match="closed"):
        store.balance(ALICE.key)


def test_a_locked_store_raises_store_error_and_changes_nothing(path: Path) -> None:
    with SqliteLedger(path) as first, SqliteLedger(path, timeout=0) as second:
        first.apply(Mint(ALICE.key, 10, b"1"))
        with first.transaction():
            first.apply(Mint(ALICE.key, 5, b"2"))
            with pytest.raises(StoreError, match="locked"):
                second.apply(Mint(BOB.key, 1, b"3"))
        assert second.balances() == {ALICE.key: 15}
        second.apply(Mint(BOB.key, 1, b"3"))  # free again


def test_insufficient_funds_is_typed_and_rolls_back(store: SqliteLedger) -> None:
    store.apply(Mint(ALICE.key, 10, b"1"))
    lock = EscrowLock(K1, (Stake(ALICE.key, 10),), b"l")
    store.apply(lock)
    with pytest.raises(Refused, match=r"^insufficient-funds"):
        store.apply(Payout(K1, Transfer(ALICE, BOB, 11), b"p"))
    assert store.escrow(K1) == 10
    assert not store._conn.in_transaction


@pytest.mark.parametrize("value", [INT_LIMIT, 2**64, 2**300])
def test_huge_integers_never_reach_sqlite(store: SqliteLedger, value: int) -> None:
    with pytest.raises(InvalidArgument):
        store.apply(Mint(ALICE.key, value, b"x"))
    with pytest.raises(WrongType):
        next(store.journal(value))


def test_overflow_in_a_raw_binding_is_translated(store: SqliteLedger) -> None:
    """Backstop: an integer the checks missed still becomes a typed error, not OverflowError."""
    with pytest.raises(WrongType, match="2\\*\\*63"):
        store._run("SELECT ?", (2**64,))
    with pytest.raises(StoreError):
        store._run("SELECT * FROM no_such_table")


_junk = st.one_of(
    st.none(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.text(max_size=5),
    st.binary(max_size=40),
    st.just("\ud800"),
    st.just(K1),
    st.just(ALICE),
)
QUERIES = [
    "balance",
    "escrow",
    "escrows",
    "coin",
    "bond",
    "holding",
    "holding_of",
    "chain",
    "descendants",
    "resolution",
    "has_entry",
    "entry",
    "corrected_by",
    "get",
    "get_bytes",
    "head",
    "set_head",
    "put",
    "apply",
    "apply_all",
]


@settings(max_examples=300)
@given(name=st.sampled_from(QUERIES), data=st.data())
def test_junk_arguments_raise_only_typed_errors(name: str, data: st.DataObject) -> None:
    with SqliteLedger(":memory:") as store:
        method = getattr(store, name)
        required = [
            p for p in inspect.signature(method).parameters.values() if p.default is p.empty
        ]
        args = [data.draw(_junk) for _ in required]
        with contextlib.suppress(OddsproofError):
            method(*args)


def test_a_tampered_object_is_detected(store: SqliteLedger, path: Path) -> None:
    first, second = Statement(K1, K1, K1, 0), Statement(K1, K1, K1, 1)
    store.put(first)
    conn = raw(path)
    conn.execute("UPDATE objects SET body = ?", (second.encoded,))
    conn.close()
    with pytest.raises(StoreError, match="does not hash to its id"):
        store.get(first.id)
