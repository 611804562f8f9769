"""Settlements into the SQLite ledger against raw ``sqlite3`` writes of the same rows.

A settlement is a :class:`Payout` of 1 unit from a contract's escrow to a payee. Through the
store it is built as an object, encoded, hashed, checked for a duplicate id, then applied: the
escrow row debited, the payee's account credited, the journal row inserted, all in one
``BEGIN IMMEDIATE`` transaction committed with ``synchronous=FULL`` in WAL mode. The raw side
runs the same three writes with pre-encoded rows in the same kind of transaction, on a file with
the same schema, in the same run (interleaved by ``side_by_side``).

``ledger_settle_ratio`` is the raw time per settlement over the store's (goal >= 0.5: the store
costs at most twice a bare durable write). ``ledger_batch_settle_per_s`` is the store's rate when
1000 settlements share one transaction (``apply_all``), where the fsync no longer dominates.
"""

from __future__ import annotations

import sqlite3
import statistics
import tempfile
from pathlib import Path

from _harness import Result, side_by_side, timed
from oddsproof.ledger import EscrowLock, Mint, Payout, SqliteLedger, Stake, Transfer
from oddsproof.wire import Digest, Identity

ALICE = Identity.from_seed("alice", b"\x01" * 32).party
BOB = Identity.from_seed("bob", b"\x02" * 32).party
CONTRACT = Digest(b"\xc0" * 32)
FUNDS = 1 << 40
BATCH = 1000


def _payouts(prefix: bytes, count: int) -> list[Payout]:
    return [
        Payout(CONTRACT, Transfer(ALICE, BOB, 1), prefix + i.to_bytes(8, "big"))
        for i in range(count)
    ]


def _funded(path: Path) -> SqliteLedger:
    ledger = SqliteLedger(path)
    ledger.apply(Mint(ALICE.key, FUNDS, b"fund"))
    ledger.apply(EscrowLock(CONTRACT, (Stake(ALICE.key, FUNDS),), b"lock"))
    return ledger


def run(quick: bool) -> list[Result]:
    rounds = 5 if quick else 15
    pool = 6_000 if quick else 20_000
    batches = 3 if quick else 10
    with tempfile.TemporaryDirectory(prefix="oddsproof-bench-") as tmp:
        directory = Path(tmp)
        ledger = _funded(directory / "ledger.db")
        _funded(directory / "raw.db").close()  # the same schema and starting rows
        raw = sqlite3.connect(directory / "raw.db", isolation_level=None)
        try:
            assert raw.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal"
            raw.execute("PRAGMA synchronous=FULL")
            settlements = iter(_payouts(b"s", pool))
            rows = iter(
                [(p.id.raw, p.KIND, p.encoded) for p in _payouts(b"r", pool)]  # pre-encoded
            )
            contract, alice, bob = CONTRACT.raw, ALICE.key.raw, BOB.key.raw

            def raw_settle() -> None:
                entry_id, kind, body = next(rows)
                raw.execute("BEGIN IMMEDIATE")
                raw.execute(
                    "UPDATE escrow SET amount = amount - 1"
                    " WHERE contract = ? AND party = ? AND amount >= 1",
                    (contract, alice),
                )
                raw.execute(
                    "INSERT INTO accounts (key, balance) VALUES (?, 1)"
                    " ON CONFLICT (key) DO UPDATE SET balance = balance + excluded.balance",
                    (bob,),
                )
                raw.execute(
                    "INSERT INTO journal (id, kind, body, cause) VALUES (?, ?, ?, NULL)",
                    (entry_id, kind, body),
                )
                raw.execute("COMMIT")

            times = side_by_side(
                {
                    "raw": raw_settle,
                    "store": lambda: ledger.apply(next(settlements)),
                },
                rounds=rounds,
            )
            batch_times = []
            for i in range(batches):
                group = _payouts(b"b" + i.to_bytes(4, "big"), BATCH)
                batch_times.append(timed(lambda group=group: ledger.apply_all(group)))
            assert ledger.totals().conserved
            journal = len(ledger.state().journal)
        finally:
            raw.close()
            ledger.close()
    batch_rate = BATCH / statistics.median(batch_times)
    return [
        Result(
            "ledger_settle_ratio",
            times["raw"] / times["store"],
            "ratio",
            0.5,
            "higher",
            {
                "raw_us": times["raw"] * 1e6,
                "store_us": times["store"] * 1e6,
                "store_per_s": 1 / times["store"],
                "synchronous": "FULL",
            },
        ),
        Result(
            "ledger_batch_settle_per_s",
            batch_rate,
            "settlements/s",
            10_000,
            "higher",
            {"batch": BATCH, "batches": batches, "journal_rows": journal},
        ),
    ]
