"""The SQLite ledger store, the embedded default (stdlib ``sqlite3`` only).

The file runs in WAL mode with ``synchronous=FULL``: a transaction that returned has reached the
disk, and a writer killed at any instant leaves the last committed state. Every mutation runs in an
explicit ``BEGIN IMMEDIATE`` transaction (the write lock is taken up front, so two writers queue
instead of failing at commit); entries inside :meth:`Ledger.transaction` use savepoints, so a
failing entry is rolled back alone. CHECK constraints refuse negative or non-integer amounts as a
second line of defence behind the ledger's own checks; every integer is validated below 2**63 before
it reaches SQLite. Every ``sqlite3`` error becomes a typed :class:`StoreError` (or an
``INSUFFICIENT_FUNDS`` :class:`~oddsproof.errors.Refused` where the ledger asked for it); none
escapes.

Besides the ledger tables, the store keeps a content-addressed table of canonical objects and a
small table of named heads (name → object id), usable inside the same transactions as entries,
so that a contract runtime can apply a step's transfers and record the new contract state
together.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any, Final, TypeVar

from oddsproof.errors import OddsproofError, Refused, StoreError, WrongType
from oddsproof.wire import Digest, PublicKey, decode

from ._entries import Entry, Holding, LedgerReason
from ._interface import Ledger
from ._objects import _short
from ._records import (
    BondRecord,
    BondState,
    CoinRecord,
    HoldingRecord,
    HoldingState,
    JournalRecord,
    Totals,
)

APPLICATION_ID: Final = 0x6F647073
"""Written in the SQLite header (``PRAGMA application_id``): the file is an oddsproof store."""
STORE_FORMAT: Final = "oddsproof-ledger"
SCHEMA_VERSION: Final = 1

_AMOUNT = "typeof({0}) = 'integer' AND {0} >= 0"
_ID = "length({0}) = 32"

_SCHEMA: Final = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID",
    f"""CREATE TABLE counters (
        name TEXT PRIMARY KEY NOT NULL CHECK (name IN ('minted', 'burned')),
        value INTEGER NOT NULL CHECK ({_AMOUNT.format("value")})
    ) WITHOUT ROWID""",
    f"""CREATE TABLE journal (
        seq INTEGER PRIMARY KEY,
        id BLOB NOT NULL UNIQUE CHECK ({_ID.format("id")}),
        kind TEXT NOT NULL,
        body BLOB NOT NULL,
        cause BLOB CHECK (cause IS NULL OR {_ID.format("cause")})
    )""",
    "CREATE INDEX journal_cause ON journal (cause) WHERE cause IS NOT NULL",
    f"""CREATE TABLE accounts (
        key BLOB PRIMARY KEY NOT NULL CHECK ({_ID.format("key")}),
        balance INTEGER NOT NULL CHECK ({_AMOUNT.format("balance")})
    ) WITHOUT ROWID""",
    f"""CREATE TABLE escrow (
        contract BLOB NOT NULL CHECK ({_ID.format("contract")}),
        party BLOB NOT NULL CHECK ({_ID.format("party")}),
        amount INTEGER NOT NULL CHECK ({_AMOUNT.format("amount")}),
        PRIMARY KEY (contract, party)
    ) WITHOUT ROWID""",
    f"""CREATE TABLE coins (
        coin TEXT PRIMARY KEY NOT NULL,
        amount INTEGER NOT NULL CHECK ({_AMOUNT.format("amount")}),
        owner BLOB NOT NULL CHECK ({_ID.format("owner")}),
        contract BLOB,
        holding BLOB,
        minted_by BLOB NOT NULL,
        CHECK (contract IS NULL OR holding IS NULL)
    ) WITHOUT ROWID""",
    "CREATE INDEX coins_contract ON coins (contract) WHERE contract IS NOT NULL",
    f"""CREATE TABLE bonds (
        id BLOB PRIMARY KEY NOT NULL CHECK ({_ID.format("id")}),
        owner BLOB NOT NULL,
        amount INTEGER NOT NULL CHECK ({_AMOUNT.format("amount")} AND amount > 0),
        subject BLOB NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('open', 'released', 'forfeited')),
        closed_by BLOB
    ) WITHOUT ROWID""",
    f"""CREATE TABLE holdings (
        id BLOB PRIMARY KEY NOT NULL CHECK ({_ID.format("id")}),
        entry BLOB NOT NULL UNIQUE,
        parent BLOB,
        body BLOB NOT NULL,
        amount INTEGER NOT NULL CHECK ({_AMOUNT.format("amount")}),
        state TEXT NOT NULL CHECK (state IN ('live', 'spent', 'settled', 'unwound'))
    )""",
    "CREATE INDEX holdings_parent ON holdings (parent) WHERE parent IS NOT NULL",
    """CREATE TABLE holding_claims (
        claim BLOB NOT NULL,
        holding BLOB NOT NULL,
        PRIMARY KEY (claim, holding)
    ) WITHOUT ROWID""",
    """CREATE TABLE resolutions (
        claim BLOB PRIMARY KEY NOT NULL,
        upheld INTEGER NOT NULL CHECK (upheld IN (0, 1)),
        entry BLOB NOT NULL
    ) WITHOUT ROWID""",
    """CREATE TABLE corrections (
        corrected BLOB PRIMARY KEY NOT NULL,
        correction BLOB NOT NULL UNIQUE
    ) WITHOUT ROWID""",
    f"""CREATE TABLE objects (
        id BLOB PRIMARY KEY NOT NULL CHECK ({_ID.format("id")}),
        kind TEXT NOT NULL,
        body BLOB NOT NULL
    )""",
    f"""CREATE TABLE heads (
        name TEXT PRIMARY KEY NOT NULL,
        id BLOB NOT NULL CHECK ({_ID.format("id")})
    ) WITHOUT ROWID""",
    "INSERT INTO counters (name, value) VALUES ('minted', 0), ('burned', 0)",
)

_TOTALS: Final = """SELECT
    (SELECT value FROM counters WHERE name = 'minted'),
    (SELECT coalesce(sum(balance), 0) FROM accounts)
        + (SELECT coalesce(sum(amount), 0) FROM coins WHERE contract IS NULL AND holding IS NULL),
    (SELECT coalesce(sum(amount), 0) FROM holdings),
    (SELECT coalesce(sum(amount), 0) FROM escrow)
        + (SELECT coalesce(sum(amount), 0) FROM coins WHERE contract IS NOT NULL),
    (SELECT coalesce(sum(amount), 0) FROM bonds WHERE state = 'open'),
    (SELECT value FROM counters WHERE name = 'burned')"""

# Row reads of coins and bonds, in the column order ``_coin_record`` and ``_bond_record`` expect.
_COINS: Final = "SELECT coin, amount, owner, contract, holding, minted_by FROM coins"
_BONDS: Final = "SELECT id, owner, amount, subject, state, closed_by FROM bonds"

T = TypeVar("T")


def _translate(exc: BaseException, context: str = "") -> StoreError:
    """The typed error for a ``sqlite3`` (or binding) failure."""
    text = str(exc) or type(exc).__name__
    prefix = f"{context}: " if context else ""
    lowered = text.lower()
    if "closed" in lowered:
        return StoreError(f"{prefix}the store is closed")
    if "locked" in lowered or "busy" in lowered:
        return StoreError(f"{prefix}the store is locked by another writer ({text})")
    if "not a database" in lowered or "malformed" in lowered:
        return StoreError(f"{prefix}not an oddsproof ledger store, or a damaged one ({text})")
    if isinstance(exc, sqlite3.IntegrityError):
        return StoreError(f"{prefix}the store refused a write: {text}")
    return StoreError(f"{prefix}{text}")


def _opt_digest(raw: Any) -> Digest | None:
    return None if raw is None else Digest(raw)


class SqliteLedger(Ledger):
    """The ledger in a SQLite file (WAL, ``synchronous=FULL``, ``BEGIN IMMEDIATE``).

    ``SqliteLedger(path)`` opens the store at ``path``, creating it unless ``create=False``;
    a file that is not an oddsproof store raises :class:`StoreError`. ``":memory:"`` gives a
    private, non-durable store (no WAL) for tests. One object per thread; close it when done
    (it is a context manager). Several processes may share a file: writers queue on the write
    lock for up to ``timeout`` seconds, then get :class:`StoreError`.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, create: bool = True, timeout: float = 10.0
    ) -> None:
        super().__init__()
        if not isinstance(path, str | os.PathLike):
            raise WrongType(f"a store path is a str or path, got {type(path).__name__}")
        if type(timeout) not in (int, float) or not 0 <= timeout <= 3600:
            raise WrongType("timeout is a number of seconds from 0 to 3600")
        target = os.fspath(path)
        if not isinstance(target, str):
            raise WrongType("a store path is text")
        self._path = target
        memory = target in (":memory:", "")
        if not memory and not create and not os.path.isfile(target):
            raise StoreError(f"no ledger store at {target}")
        try:
            self._conn = sqlite3.connect(target, timeout=timeout, isolation_level=None)
        except (sqlite3.Error, ValueError) as exc:
            raise _translate(exc, f"cannot open {target}") from exc
        try:
            self._open(memory=memory, create=create)
        except (sqlite3.Error, OverflowError, UnicodeDecodeError) as exc:
            # (a damaged file can hold text that is not UTF-8: that is damage, not a bad argument)
            self._conn.close()
            raise _translate(exc, f"cannot open {target}") from exc
        except BaseException:
            self._conn.close()
            raise

    def _open(self, *, memory: bool, create: bool) -> None:
        conn = self._conn
        app = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if tables and app != APPLICATION_ID:
            raise StoreError(f"{self._path} is a SQLite database but not an oddsproof store")
        if not memory:
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StoreError(f"{self._path}: cannot switch to WAL mode (got {mode!r})")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA trusted_schema=OFF")
        if not tables:
            if not create:
                raise StoreError(f"{self._path} is empty, not a ledger store")
            conn.execute("BEGIN IMMEDIATE")
            try:
                # Another process may have created the store while we waited for the lock.
                if not conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                    for statement in _SCHEMA:
                        conn.execute(statement)
                    conn.execute(
                        "INSERT INTO meta (key, value) VALUES ('format', ?), ('schema', ?)",
                        (STORE_FORMAT, str(SCHEMA_VERSION)),
                    )
                    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        try:
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self._path} is not an oddsproof store") from exc
        if meta.get("format") != STORE_FORMAT:
            raise StoreError(f"{self._path} is not an oddsproof store")
        if meta.get("schema") != str(SCHEMA_VERSION):
            raise StoreError(
                f"{self._path} has store schema {meta.get('schema')!r};"
                f" this version reads schema {SCHEMA_VERSION}"
            )

    @property
    def path(self) -> str:
        """The file this store lives in."""
        return self._path

    def close(self) -> None:
        """Close the connection (idempotent); an open transaction is rolled back."""
        try:
            self._conn.close()
        except sqlite3.Error as exc:  # pragma: no cover - close does not fail in practice
            raise _translate(exc, "close") from exc

    # -- statements ------------------------------------------------------------------------

    def _run(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        try:
            return self._conn.execute(sql, params)
        except sqlite3.Error as exc:
            raise _translate(exc) from exc
        except OverflowError as exc:  # every integer is checked first; this is a backstop
            raise WrongType(f"an integer outside 0 <= i < 2**63: {exc}") from exc
        except UnicodeError as exc:  # text that is not valid Unicode (lone surrogates)
            raise WrongType(f"text SQLite cannot store: {exc}") from exc

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        try:
            return self._run(sql, params).fetchone()
        except (sqlite3.Error, UnicodeDecodeError) as exc:  # (undecodable text: a damaged file)
            raise _translate(exc) from exc

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        try:
            return self._run(sql, params).fetchall()
        except (sqlite3.Error, UnicodeDecodeError) as exc:  # (undecodable text: a damaged file)
            raise _translate(exc) from exc

    def _begin(self, depth: int) -> None:
        self._run("BEGIN IMMEDIATE" if depth == 0 else f"SAVEPOINT sp{depth}")

    def _commit(self, depth: int) -> None:
        self._run("COMMIT" if depth == 0 else f"RELEASE sp{depth}")

    def _rollback(self, depth: int) -> None:
        try:
            active = self._conn.in_transaction
        except sqlite3.Error as exc:
            raise _translate(exc) from exc
        if not active:
            if depth == 0:
                return
            # SQLite itself rolled the whole transaction back (an I/O error, a full disk):
            # nothing of the enclosing group survives, so the group must not go on.
            raise StoreError("SQLite aborted the enclosing transaction; nothing was written")
        if depth == 0:
            self._run("ROLLBACK")
        else:
            self._run(f"ROLLBACK TO sp{depth}")
            self._run(f"RELEASE sp{depth}")

    # -- journal ---------------------------------------------------------------------------

    def _find_entry(self, entry: Digest) -> int | None:
        row = self._one("SELECT seq FROM journal WHERE id = ?", (entry.raw,))
        return None if row is None else int(row[0])

    def _derived_ids(self, entry: Digest) -> tuple[Digest, ...]:
        rows = self._all("SELECT id FROM journal WHERE cause = ? ORDER BY seq", (entry.raw,))
        return tuple(Digest(r[0]) for r in rows)

    def _journal_page(self, start: int, limit: int) -> list[JournalRecord]:
        rows = self._all(
            "SELECT seq, body, cause FROM journal WHERE seq >= ? ORDER BY seq LIMIT ?",
            (start, limit),
        )
        try:
            return [JournalRecord(s, decode(b, Entry), _opt_digest(c)) for s, b, c in rows]
        except (OddsproofError, ValueError, TypeError) as exc:
            raise StoreError(f"a journal row is damaged: {exc}") from exc

    def _journal_rows(self) -> list[tuple[int, Digest, Digest | None]]:
        rows = self._all("SELECT seq, id, cause FROM journal ORDER BY seq")
        return self._rows(lambda r: (int(r[0]), Digest(r[1]), _opt_digest(r[2])), rows)

    def _append_entry(self, entry: Entry, cause: Digest | None) -> int:
        cursor = self._run(
            "INSERT INTO journal (id, kind, body, cause) VALUES (?, ?, ?, ?)",
            (entry.id.raw, entry.KIND, entry.encoded, None if cause is None else cause.raw),
        )
        seq = cursor.lastrowid
        assert seq is not None
        return seq

    # -- balances and escrow ---------------------------------------------------------------

    def _balance(self, key: PublicKey) -> int:
        row = self._one("SELECT balance FROM accounts WHERE key = ?", (key.raw,))
        return 0 if row is None else int(row[0])

    def _all_balances(self) -> list[tuple[PublicKey, int]]:
        rows = self._all("SELECT key, balance FROM accounts ORDER BY key")
        return self._rows(lambda r: (PublicKey(r[0]), int(r[1])), rows)

    def _credit(self, key: PublicKey, amount: int) -> None:
        self._run(
            "INSERT INTO accounts (key, balance) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET balance = balance + excluded.balance",
            (key.raw, amount),
        )

    def _debit(self, key: PublicKey, amount: int) -> None:
        cursor = self._run(
            "UPDATE accounts SET balance = balance - ? WHERE key = ? AND balance >= ?",
            (amount, key.raw, amount),
        )
        if cursor.rowcount != 1:
            have = self._balance(key)
            raise Refused(
                LedgerReason.INSUFFICIENT_FUNDS, f"{_short(key)} has {have}, needs {amount}"
            )

    def _escrow_amount(self, contract: Digest, key: PublicKey) -> int:
        row = self._one(
            "SELECT amount FROM escrow WHERE contract = ? AND party = ?", (contract.raw, key.raw)
        )
        return 0 if row is None else int(row[0])

    def _escrow_rows(self, contract: Digest | None) -> list[tuple[Digest, PublicKey, int]]:
        if contract is None:
            rows = self._all("SELECT contract, party, amount FROM escrow ORDER BY contract, party")
        else:
            rows = self._all(
                "SELECT contract, party, amount FROM escrow WHERE contract = ? ORDER BY party",
                (contract.raw,),
            )
        return self._rows(lambda r: (Digest(r[0]), PublicKey(r[1]), int(r[2])), rows)

    def _credit_escrow(self, contract: Digest, key: PublicKey, amount: int) -> None:
        self._run(
            "INSERT INTO escrow (contract, party, amount) VALUES (?, ?, ?)"
            " ON CONFLICT (contract, party) DO UPDATE SET amount = amount + excluded.amount",
            (contract.raw, key.raw, amount),
        )

    def _debit_escrow(self, contract: Digest, key: PublicKey, amount: int) -> None:
        cursor = self._run(
            "UPDATE escrow SET amount = amount - ?"
            " WHERE contract = ? AND party = ? AND amount >= ?",
            (amount, contract.raw, key.raw, amount),
        )
        if cursor.rowcount != 1:
            have = self._escrow_amount(contract, key)
            raise Refused(
                LedgerReason.INSUFFICIENT_FUNDS,
                f"{_short(key)} has {have} in escrow of {_short(contract)}, needs {amount}",
            )

    # -- coins and bonds -------------------------------------------------------------------

    @staticmethod
    def _rows(convert: Callable[[Any], T], rows: list[Any]) -> list[T]:
        try:
            return [convert(r) for r in rows]
        except (OddsproofError, ValueError, TypeError) as exc:
            raise StoreError(f"a stored row is damaged: {exc}") from exc

    @staticmethod
    def _coin_record(r: Any) -> CoinRecord:
        return CoinRecord(
            r[0], int(r[1]), PublicKey(r[2]), _opt_digest(r[3]), _opt_digest(r[4]), Digest(r[5])
        )

    def _coin(self, coin: str) -> CoinRecord | None:
        row = self._one(f"{_COINS} WHERE coin = ?", (coin,))
        return None if row is None else self._rows(self._coin_record, [row])[0]

    def _coin_rows(self, contract: Digest | None) -> list[CoinRecord]:
        if contract is None:
            rows = self._all(f"{_COINS} ORDER BY coin")
        else:
            rows = self._all(f"{_COINS} WHERE contract = ? ORDER BY coin", (contract.raw,))
        return self._rows(self._coin_record, rows)

    def _put_coin(self, record: CoinRecord) -> None:
        self._run(
            "INSERT INTO coins (coin, amount, owner, contract, holding, minted_by)"
            " VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (coin) DO UPDATE SET amount = excluded.amount,"
            " owner = excluded.owner, contract = excluded.contract,"
            " holding = excluded.holding, minted_by = excluded.minted_by",
            (
                record.coin,
                record.amount,
                record.owner.raw,
                None if record.contract is None else record.contract.raw,
                None if record.holding is None else record.holding.raw,
                record.minted_by.raw,
            ),
        )

    @staticmethod
    def _bond_record(r: Any) -> BondRecord:
        return BondRecord(
            Digest(r[0]),
            PublicKey(r[1]),
            int(r[2]),
            Digest(r[3]),
            BondState(r[4]),
            _opt_digest(r[5]),
        )

    def _bond(self, bond: Digest) -> BondRecord | None:
        row = self._one(f"{_BONDS} WHERE id = ?", (bond.raw,))
        return None if row is None else self._rows(self._bond_record, [row])[0]

    def _bond_rows(self) -> list[BondRecord]:
        rows = self._all(f"{_BONDS} ORDER BY id")
        return self._rows(self._bond_record, rows)

    def _put_bond(self, record: BondRecord) -> None:
        self._run(
            "INSERT INTO bonds (id, owner, amount, subject, state, closed_by)"
            " VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET state = excluded.state,"
            " closed_by = excluded.closed_by",
            (
                record.id.raw,
                record.owner.raw,
                record.amount,
                record.subject.raw,
                record.state.value,
                None if record.closed_by is None else record.closed_by.raw,
            ),
        )

    # -- holdings --------------------------------------------------------------------------

    @staticmethod
    def _holding_record(r: Any) -> HoldingRecord:
        return HoldingRecord(decode(r[0], Holding), int(r[1]), HoldingState(r[2]))

    def _holding(self, holding: Digest) -> HoldingRecord | None:
        row = self._one("SELECT body, amount, state FROM holdings WHERE id = ?", (holding.raw,))
        return None if row is None else self._rows(self._holding_record, [row])[0]

    def _holding_rows(self) -> list[HoldingRecord]:
        rows = self._all("SELECT body, amount, state FROM holdings ORDER BY id")
        return self._rows(self._holding_record, rows)

    def _holding_by_entry(self, entry: Digest) -> Digest | None:
        row = self._one("SELECT id FROM holdings WHERE entry = ?", (entry.raw,))
        return None if row is None else Digest(row[0])

    def _holdings_with(self, claim: Digest) -> list[HoldingRecord]:
        rows = self._all(
            "SELECT h.body, h.amount, h.state FROM holding_claims AS c"
            " JOIN holdings AS h ON h.id = c.holding WHERE c.claim = ?",
            (claim.raw,),
        )
        return self._rows(self._holding_record, rows)

    def _children(self, holding: Digest) -> list[Digest]:
        rows = self._all("SELECT id FROM holdings WHERE parent = ?", (holding.raw,))
        return [Digest(r[0]) for r in rows]

    def _put_holding(self, record: HoldingRecord, new: bool) -> None:
        if not new:
            self._run(
                "UPDATE holdings SET amount = ?, state = ? WHERE id = ?",
                (record.amount, record.state.value, record.id.raw),
            )
            return
        holding = record.holding
        self._run(
            "INSERT INTO holdings (id, entry, parent, body, amount, state)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                record.id.raw,
                holding.entry.raw,
                None if holding.parent is None else holding.parent.raw,
                holding.encoded,
                record.amount,
                record.state.value,
            ),
        )
        for claim in holding.conditions:
            self._run(
                "INSERT INTO holding_claims (claim, holding) VALUES (?, ?)",
                (claim.raw, record.id.raw),
            )

    # -- resolutions, corrections, counters ------------------------------------------------

    def _resolution(self, claim: Digest) -> bool | None:
        row = self._one("SELECT upheld FROM resolutions WHERE claim = ?", (claim.raw,))
        return None if row is None else bool(row[0])

    def _resolution_rows(self) -> list[tuple[Digest, bool, Digest]]:
        rows = self._all("SELECT claim, upheld, entry FROM resolutions ORDER BY claim")
        return self._rows(lambda r: (Digest(r[0]), bool(r[1]), Digest(r[2])), rows)

    def _put_resolution(self, claim: Digest, upheld: bool, entry: Digest) -> None:
        self._run(
            "INSERT INTO resolutions (claim, upheld, entry) VALUES (?, ?, ?)",
            (claim.raw, int(upheld), entry.raw),
        )

    def _corrected_by(self, entry: Digest) -> Digest | None:
        row = self._one("SELECT correction FROM corrections WHERE corrected = ?", (entry.raw,))
        return None if row is None else Digest(row[0])

    def _correction_rows(self) -> list[tuple[Digest, Digest]]:
        rows = self._all("SELECT corrected, correction FROM corrections ORDER BY corrected")
        return self._rows(lambda r: (Digest(r[0]), Digest(r[1])), rows)

    def _put_correction(self, corrected: Digest, correction: Digest) -> None:
        self._run(
            "INSERT INTO corrections (corrected, correction) VALUES (?, ?)",
            (corrected.raw, correction.raw),
        )

    def _counter(self, name: str) -> int:
        row = self._one("SELECT value FROM counters WHERE name = ?", (name,))
        if row is None:
            raise StoreError(f"the store lacks its {name} counter")
        return int(row[0])

    def _set_counter(self, name: str, value: int) -> None:
        self._run("UPDATE counters SET value = ? WHERE name = ?", (value, name))

    def _totals(self) -> Totals:
        row = self._one(_TOTALS)
        return self._rows(lambda r: Totals(*(int(v) for v in r)), [row])[0]

    # -- objects and heads -----------------------------------------------------------------

    def _object(self, object_id: Digest) -> bytes | None:
        row = self._one("SELECT body FROM objects WHERE id = ?", (object_id.raw,))
        return None if row is None else bytes(row[0])

    def _object_ids(self) -> list[Digest]:
        return [Digest(r[0]) for r in self._all("SELECT id FROM objects ORDER BY id")]

    def _put_object(self, object_id: Digest, kind: str, data: bytes) -> None:
        self._run(
            "INSERT OR IGNORE INTO objects (id, kind, body) VALUES (?, ?, ?)",
            (object_id.raw, kind, data),
        )

    def _head(self, name: str) -> Digest | None:
        row = self._one("SELECT id FROM heads WHERE name = ?", (name,))
        return None if row is None else Digest(row[0])

    def _head_rows(self) -> list[tuple[str, Digest]]:
        rows = self._all("SELECT name, id FROM heads ORDER BY name")
        return [(str(r[0]), Digest(r[1])) for r in rows]

    def _set_head(self, name: str, object_id: Digest) -> None:
        self._run(
            "INSERT INTO heads (name, id) VALUES (?, ?)"
            " ON CONFLICT (name) DO UPDATE SET id = excluded.id",
            (name, object_id.raw),
        )
