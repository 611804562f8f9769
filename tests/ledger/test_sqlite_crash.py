"""Crash test: a writer process killed with SIGKILL at hundreds of random points loses,
duplicates and half-applies nothing.

A forked child applies a fixed sequence of entries (every kind, failed claims that derive
corrections included) to a SQLite store, one transaction each, and reports each commit on a
pipe. The parent kills it after a random delay, proves it died of SIGKILL, reopens the store and
checks that the top-level journal is exactly a prefix of the sequence, at least as long as the
writer had seen committed, and that the whole state equals the in-memory ledger's after that
prefix (conservation included). The next child resumes a few entries early, so re-applying
committed entries (no-ops) is exercised after every crash.

Negative control: a writer whose transactions are switched off (every statement commits on its
own, as a careless store would do) is killed the same way, and the same check must catch a
half-applied entry.

The children are forked from the test process rather than started afresh: a fork costs a
millisecond, a new interpreter importing the library a tenth of a second, and 200 kills must
stay well under a minute. A child only ever leaves through ``os._exit``.
"""

from __future__ import annotations

import os
import random
import select
import signal
import struct
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest

from oddsproof.errors import OddsproofError, Refused
from oddsproof.ledger import Entry, MemoryLedger, SqliteLedger
from oddsproof.wire import Digest
from tests.strategies import LEDGER_OP_KINDS, LedgerOp, entry_for

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")

SEQUENCE_LENGTH = 1200
KILLS = 200
MAX_DELAY = 0.03
"""Seconds: the writer commits an entry every fraction of a millisecond to a few ms."""


@cache
def sequence() -> tuple[Entry, ...]:
    """A fixed sequence of entries that all apply, in order, to an empty ledger."""
    rng = random.Random(20240611)
    model = MemoryLedger()
    out: list[Entry] = []
    while len(out) < SEQUENCE_LENGTH:
        op = LedgerOp(
            rng.choice(LEDGER_OP_KINDS),
            rng.randrange(12),
            rng.randrange(12),
            rng.randrange(12),
            rng.choice([1, 3, 10, 40]),
            rng.random() < 0.5,
        )
        epoch = len(out) // 80  # claims resolve once: fresh ones now and then
        claims = tuple(
            Digest(bytes([epoch % 256, epoch // 256, i]) * 8 + bytes(8)) for i in range(3)
        )
        entry = entry_for(op, model, len(out).to_bytes(4, "big") + b"crash", claims)
        if entry is None or model.has_entry(entry.id):
            continue
        try:
            model.apply(entry)
        except Refused:
            continue
        out.append(entry)
    return tuple(out)


class NonTransactionalLedger(SqliteLedger):
    """Deliberately broken: no BEGIN, COMMIT or ROLLBACK, so each statement of an entry
    commits on its own (autocommit)."""

    def _begin(self, depth: int) -> None:
        pass

    def _commit(self, depth: int) -> None:
        pass

    def _rollback(self, depth: int) -> None:
        pass


class PrefixModel:
    """The in-memory ledger after the first ``k`` entries of the sequence, advanced lazily."""

    def __init__(self) -> None:
        self.ledger = MemoryLedger()
        self.k = 0

    def at(self, k: int) -> MemoryLedger:
        if k < self.k:
            self.ledger, self.k = MemoryLedger(), 0
        entries = sequence()
        for entry in entries[self.k : k]:
            self.ledger.apply(entry)
        self.k = k
        return self.ledger


def check_store(path: Path, model: PrefixModel, committed: int) -> tuple[int, list[str]]:
    """How many entries of the sequence the store holds, and what is wrong with it."""
    entries = sequence()
    try:
        with SqliteLedger(path) as store:
            state = store.state()
            top = [entry for _, entry, cause in state.journal if cause is None]
            k = len(top)
            problems = []
            if top != [e.id for e in entries[:k]]:
                problems.append("the journal is not a prefix of the sequence (lost or duplicated)")
            if k < committed:
                problems.append(f"the writer saw {committed} commits, the store holds {k}")
            if not store.totals().conserved:
                problems.append(f"conservation is broken: {store.totals()}")
            if state != model.at(k).state():
                problems.append(f"the state after {k} entries is not the sequence's (half-applied)")
            return k, problems
    except OddsproofError as exc:
        return 0, [f"the store cannot be read: {exc}"]


def _child(path: Path, start: int, pipe: int, store: Callable[[Path], SqliteLedger]) -> None:
    code = 0
    try:
        with store(path) as ledger:
            for i, entry in enumerate(sequence()[start:], start):
                ledger.apply(entry)
                os.write(pipe, struct.pack(">I", i + 1))
    except BaseException:  # noqa: BLE001 - the exit code is the child's only report
        code = 3
    finally:
        os._exit(code)


class Reports:
    """The child's commit reports: one 4-byte write each (atomic on a pipe)."""

    def __init__(self, pipe: int) -> None:
        self.pipe = pipe
        self.data = b""

    @property
    def last(self) -> int:
        end = len(self.data) // 4 * 4
        return int(struct.unpack(">I", self.data[end - 4 : end])[0]) if end else 0

    def wait_beyond(self, held: int, timeout: float) -> None:
        """Block until the child reports a commit past ``held`` (or exits, or time runs out),
        so that the kill that follows lands while the writer makes progress."""
        deadline = time.monotonic() + timeout
        while self.last <= held:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self.pipe], [], [], remaining)[0]:
                return
            chunk = os.read(self.pipe, 65536)
            if not chunk:
                return
            self.data += chunk

    def drain(self) -> int:
        while chunk := os.read(self.pipe, 65536):
            self.data += chunk
        return self.last


def run_kills(
    directory: Path,
    store: Callable[[Path], SqliteLedger],
    *,
    kills: int,
    rng: random.Random,
    stop_at_first_problem: bool,
) -> tuple[int, int, list[str]]:
    """Fork writers and kill them; returns (kills proven, kills after progress, problems)."""
    sequence()  # built before forking, shared by every child
    generation = 0
    path = directory / "store-0.db"
    model = PrefixModel()
    held = 0
    proven = progressed = 0
    problems: list[str] = []
    attempts = 0
    while proven < kills and attempts < kills * 3:
        attempts += 1
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            os.close(read_end)
            _child(path, max(0, held - rng.randrange(4)), write_end, store)
        os.close(write_end)
        reports = Reports(read_end)
        if rng.random() < 0.75:  # most kills after fresh progress, the rest anywhere
            # Wait for the progress itself, not for a time: a loaded machine only makes it slower.
            # The limit only guards against a writer that hangs.
            reports.wait_beyond(held, timeout=300.0)
        time.sleep(rng.uniform(0, MAX_DELAY))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        committed = reports.drain()
        os.close(read_end)
        if os.WIFSIGNALED(status):
            assert os.WTERMSIG(status) == signal.SIGKILL
            proven += 1
        else:
            assert os.WIFEXITED(status)
            assert os.WEXITSTATUS(status) == 0, "the writer failed on its own"
        k, found = check_store(path, model, committed)
        if k > held:
            progressed += 1
        held = k
        problems += [f"kill {proven}: {p}" for p in found]
        if found and stop_at_first_problem:
            break
        if held == len(sequence()):  # the whole sequence is in: start a new store
            generation += 1
            path = directory / f"store-{generation}.db"
            model = PrefixModel()
            held = 0
    return proven, progressed, problems


def test_the_sequence_exercises_every_kind_and_derived_corrections() -> None:
    kinds = {e.KIND for e in sequence()}
    assert len(kinds) >= 13, kinds
    model = PrefixModel().at(len(sequence()))
    assert any(r.cause is not None for r in model.journal())


@pytest.mark.slow
def test_sigkill_at_random_points_loses_duplicates_and_half_applies_nothing(
    tmp_path: Path,
) -> None:
    proven, progressed, problems = run_kills(
        tmp_path, SqliteLedger, kills=KILLS, rng=random.Random(1), stop_at_first_problem=False
    )
    assert not problems, problems[:5]
    assert proven >= KILLS
    assert progressed >= KILLS // 2, "most kills should land while the writer was committing"


@pytest.mark.slow
def test_negative_control_a_non_transactional_writer_is_caught(tmp_path: Path) -> None:
    proven, _, problems = run_kills(
        tmp_path,
        NonTransactionalLedger,
        kills=KILLS,
        rng=random.Random(2),
        stop_at_first_problem=True,
    )
    assert proven >= 1
    assert problems, f"{proven} kills of a non-transactional writer went unnoticed"
    assert any("half-applied" in p or "conservation" in p for p in problems), problems
