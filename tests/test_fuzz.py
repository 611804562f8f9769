"""Fuzzing every decoder and every command-line input: random bytes and mutations of valid
inputs (the known-answer vectors of ``tests/data/vectors.json``, a key file, a SQLite store,
the example dispute scenario) must only ever raise the package's typed errors
(``OddsproofError`` and its subclasses), and the CLI, run in-process, must only ever exit 0, 1
or 2 without a traceback.

Mutations: bit flips, random bytes, truncations, splices of two inputs, edits of CBOR length
and integer fields (the low five bits of a head), insertions, deletions and duplications; for
JSON inputs, values replaced by random JSON values (huge, negative, wrong types), keys dropped
or added. Everything is seeded: the same inputs every run. The default run tries more than
10^4 inputs in total (``COUNTS``: 35 500, in about ten seconds); the ``slow`` run four
times as many.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from oddsproof.cli import _dispute as _cli_dispute
from oddsproof.cli import main
from oddsproof.contracts import Contract
from oddsproof.errors import OddsproofError
from oddsproof.ledger import Mint, SqliteLedger
from oddsproof.wire import Domain, Identity, Signed, decode, decode_primitive, verify_bytes

DATA = Path(__file__).parent / "data"
EXAMPLES = Path(__file__).parent.parent / "examples"
VECTORS = [
    bytes.fromhex(v["hex"]) for v in json.loads((DATA / "vectors.json").read_text())["vectors"]
]
SCENARIO = (EXAMPLES / "dispute.json").read_text(encoding="utf-8")
COUNTS = {
    "decode": 20_000,
    "decode_primitive": 5_000,
    "verify_bytes": 5_000,
    "store": 500,
    "key_file": 1_000,
    "scenario": 3_000,
    "cli": 1_000,
}
"""Inputs per target in the default run (the slow run multiplies by ten)."""


def test_the_default_run_tries_ten_thousand_inputs() -> None:
    assert sum(COUNTS.values()) >= 10_000


# --- inputs --------------------------------------------------------------------------------------


def random_bytes(rng: random.Random) -> bytes:
    """Random bytes: mostly short, sometimes long, often with a CBOR map or array head."""
    size = rng.choice([0, 1, 2, 3, 5, 8, 16, 33, 64, 100, 257, 1000, 4000])
    data = rng.randbytes(size)
    if data and rng.random() < 0.5:
        data = bytes([rng.choice([0xA0, 0xA1, 0xA3, 0xA8, 0xB8, 0x80, 0x82, 0x9F, 0xBF])]) + data
    return data


def mutate(rng: random.Random, data: bytes, corpus: list[bytes]) -> bytes:
    """One to three mutations of ``data``."""
    out = bytearray(data)
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        kind = rng.randrange(8)
        i = rng.randrange(len(out) + 1)
        if kind == 0 and out:  # flip bits
            j = min(i, len(out) - 1)
            out[j] ^= 1 << rng.randrange(8)
        elif kind == 1 and out:  # a random byte
            out[min(i, len(out) - 1)] = rng.randrange(256)
        elif kind == 2:  # truncate
            del out[i:]
        elif kind == 3:  # splice with another input
            other = rng.choice(corpus)
            out = out[:i] + other[rng.randrange(len(other) + 1) :]
        elif kind == 4 and out:  # a CBOR head's additional information: lengths and integers
            j = min(i, len(out) - 1)
            info = rng.choice([0, 1, 23, 24, 25, 26, 27, 28, 31, rng.randrange(32)])
            out[j] = (out[j] & 0xE0) | info
        elif kind == 5:  # insert
            out[i:i] = rng.randbytes(rng.choice([1, 2, 8, 32]))
        elif kind == 6:  # delete
            del out[i : i + rng.choice([1, 2, 8, 32])]
        else:  # duplicate a slice
            out[i:i] = out[i : i + rng.choice([1, 4, 16, 64])]
    return bytes(out)


def inputs(seed: int, count: int, corpus: list[bytes]) -> Iterator[bytes]:
    """``count`` inputs: a fifth random bytes, the rest mutations of the corpus."""
    rng = random.Random(seed)
    yield from corpus[: count // 10]  # the valid inputs themselves
    for n in range(count - min(len(corpus), count // 10)):
        yield random_bytes(rng) if n % 5 == 0 else mutate(rng, rng.choice(corpus), corpus)


def only_typed_errors(function: Callable[[bytes], object], data: Iterator[bytes]) -> int:
    """Feed every input to ``function``; fail on any exception outside ``OddsproofError``.
    Returns how many inputs were tried."""
    tried, foreign = 0, []
    for item in data:
        tried += 1
        try:
            function(item)
        except OddsproofError:
            pass
        except Exception as exc:  # noqa: BLE001 - exactly what the fuzzer looks for
            foreign.append(f"{type(exc).__name__}: {exc} <- {item[:80].hex()}")
    assert not foreign, f"{len(foreign)} untyped errors, e.g.:\n" + "\n".join(foreign[:5])
    return tried


@pytest.fixture(params=[1, pytest.param(4, marks=pytest.mark.slow)], ids=["default", "slow"])
def scale(request: pytest.FixtureRequest) -> int:
    """How many times ``COUNTS`` to try."""
    return int(request.param)


# --- decoders ------------------------------------------------------------------------------------


def test_decode(scale: int) -> None:
    count = COUNTS["decode"] * scale

    def both(data: bytes) -> None:
        decode(data)
        decode(data, Contract)  # the expected-class check too

    assert only_typed_errors(both, inputs(1, count, VECTORS)) == count


def test_decode_primitive(scale: int) -> None:
    count = COUNTS["decode_primitive"] * scale
    assert only_typed_errors(decode_primitive, inputs(2, count, VECTORS)) == count


def test_verify_bytes(scale: int) -> None:
    count = COUNTS["verify_bytes"] * scale
    domain = Domain("oddsproof-test")
    signed = [v for v in VECTORS if _is_signed(v)] or VECTORS
    assert only_typed_errors(lambda d: verify_bytes(d, domain), inputs(3, count, signed)) == count


def _is_signed(data: bytes) -> bool:
    try:
        return isinstance(decode(data), Signed)
    except OddsproofError:
        return False


def test_opening_junk_stores(scale: int, tmp_path: Path) -> None:
    """Random files and damaged copies of a real store: opening and reading them raises
    ``StoreError`` (an ``OddsproofError``), never a ``sqlite3`` error."""
    store = tmp_path / "good.db"
    with SqliteLedger(store) as ledger:
        for n in range(40):
            ledger.apply(Mint(Identity.from_seed("a", b"\x01" * 32).key, n + 1, bytes([n + 1])))
    good = store.read_bytes()
    count = COUNTS["store"] * scale
    target = tmp_path / "fuzzed.db"

    def open_and_read(data: bytes) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        target.write_bytes(data)
        with SqliteLedger(target, create=False, timeout=0.1) as opened:
            opened.totals()
            opened.state()
            list(opened.journal())

    rng = random.Random(4)

    def files() -> Iterator[bytes]:
        for n in range(count):
            if n % 4 == 0:
                yield random_bytes(rng)
            else:  # damage a few bytes of a page, or cut the file
                data = bytearray(good)
                for _ in range(rng.choice([1, 4, 16])):
                    data[rng.randrange(len(data))] = rng.randrange(256)
                yield bytes(data[: rng.randrange(len(data))]) if n % 7 == 0 else bytes(data)

    assert only_typed_errors(open_and_read, files()) == count


def test_loading_junk_key_files(scale: int, tmp_path: Path) -> None:
    good = tmp_path / "good.key"
    Identity.from_seed("alice", b"\x01" * 32).save(good)
    text = good.read_bytes()
    target = tmp_path / "fuzzed.key"
    count = COUNTS["key_file"] * scale

    def load(data: bytes) -> None:
        target.unlink(missing_ok=True)
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        Identity.load(target)

    corpus = [text, *json_mutations(random.Random(5), json.loads(text), 40)]
    assert only_typed_errors(load, inputs(6, count, corpus)) == count


# --- JSON scenarios -------------------------------------------------------------------------------


def random_json(rng: random.Random, depth: int = 0) -> Any:
    """A random JSON value, biased to the troublesome ones."""
    choices: list[Any] = [
        None, True, 0, -1, 1, 2**63, -(2**63), 10**30, 1.5, float("nan"), "", "alice", "x" * 300,
    ]  # fmt: skip
    if depth < 2:
        choices += [[], {}, [random_json(rng, depth + 1)], {"k": random_json(rng, depth + 1)}]
    return rng.choice(choices)


def json_mutations(rng: random.Random, doc: Any, count: int) -> list[bytes]:
    """``count`` mutations of a JSON document: a value replaced, a key dropped or added."""
    out = []
    for _ in range(count):
        copy = json.loads(json.dumps(doc))
        for _ in range(rng.choice([1, 1, 2, 3])):
            node, key = _pick(rng, copy)
            action = rng.randrange(3)
            if action == 0 or not isinstance(node, dict):
                if isinstance(node, list) and node:
                    node[rng.randrange(len(node))] = random_json(rng)
                elif isinstance(node, dict):
                    node[key] = random_json(rng)
            elif action == 1:
                node.pop(key, None)
            else:
                node[rng.choice(["extra", "steps", "at", "by", key + "_"])] = random_json(rng)
        out.append(json.dumps(copy, allow_nan=True).encode())
    return out


def _pick(rng: random.Random, doc: Any) -> tuple[Any, str]:
    node: Any = doc
    key = ""
    for _ in range(rng.randrange(4)):
        children = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
        containers = [(k, v) for k, v in children if isinstance(v, dict | list) and v]
        if not containers:
            break
        k, node = rng.choice(containers)
        key = str(k)
    if isinstance(node, dict) and node:
        key = rng.choice(list(node))
    return node, key


def test_loading_junk_scenarios(scale: int, tmp_path: Path) -> None:
    """``oddsproof dispute``'s scenario loader: only ``InvalidArgument`` (typed)."""
    target = tmp_path / "scenario.json"
    count = COUNTS["scenario"] * scale
    rng = random.Random(7)
    corpus = [SCENARIO.encode(), *json_mutations(rng, json.loads(SCENARIO), 300)]

    def load(data: bytes) -> None:
        target.write_bytes(data)
        _cli_dispute._load(str(target))

    def scenarios() -> Iterator[bytes]:
        for n in range(count):
            if n % 3 == 0:
                yield from json_mutations(rng, json.loads(SCENARIO), 1)
            else:
                yield mutate(rng, rng.choice(corpus), corpus) if n % 3 == 1 else random_bytes(rng)

    assert only_typed_errors(load, scenarios()) == count


# --- the command line -----------------------------------------------------------------------------


@contextlib.contextmanager
def stdin_bytes(data: bytes) -> Iterator[None]:
    saved = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(data))
    try:
        yield
    finally:
        sys.stdin = saved


TOKENS = [
    "--json", "--hex", "--max-size", "0", "-1", "10", "--delta", "--horizon", "--escrow",
    "alice=5", "=", "--max-steps", "--max-paths", "--epsilon", "--fraud-fraction", "--pieces",
    "1e-9", "0.01", "nan", "inf", "-0", "2", "1e400", "--network", "--workload", "raytrace",
    "--input", "--commitment", "--output", "--nonce", "zz", "00" * 32, "--key", "--db",
    "--certificate", "--fraud-proof", "--workers", "--runs", "--steps", "--seed", "--out", "-",
    "--help", "--version", "", "\x00", "é",
]  # fmt: skip


def cli_argvs(
    rng: random.Random, count: int, files: list[str]
) -> Iterator[tuple[list[str], bytes]]:
    """Command lines (and standard input) for every command, with fuzzed files and arguments."""
    commands = ["inspect", "analyze", "verify", "plan", "dispute", "simulate", "demo", "nope"]
    for n in range(count):
        command = commands[n % len(commands)]
        argv = [command]
        if command in ("inspect", "analyze", "verify", "dispute", "simulate"):
            argv.append(rng.choice(files))
        if command == "demo":
            argv.append(rng.choice(["--bogus", "extra", "--json=1"]))  # never the real story
        argv += [rng.choice(TOKENS) for _ in range(rng.choice([0, 0, 1, 2, 4]))]
        if command == "plan" and n % 4:
            argv += ["--epsilon", rng.choice(TOKENS), "--fraud-fraction", rng.choice(TOKENS)]
        if command == "simulate" and "--help" not in argv:
            argv = [a for a in argv if a not in ("--version",)]
        yield argv, rng.choice(VECTORS) if "-" in argv else b""


def test_the_command_line(
    scale: int, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every command, in-process, with fuzzed files, arguments and standard input: exit 0, 1
    or 2, and never a traceback. (In a scratch folder: fuzzed arguments name output files.)"""
    monkeypatch.chdir(tmp_path)
    rng = random.Random(8)
    count = COUNTS["cli"] * scale
    scenarios = [s for s in json_mutations(rng, json.loads(SCENARIO), 60) if _quick(s)]
    files = []
    for n in range(40):
        path = tmp_path / f"input-{n}"
        source = rng.choice([VECTORS, scenarios])
        raw = rng.choice(source)
        data = raw if n % 3 == 0 else mutate(rng, raw, source)
        if n % 5 == 0:
            data = data.hex().encode()
        path.write_bytes(data)
        files.append(str(path))
    files += [str(tmp_path / "missing"), str(tmp_path), str(EXAMPLES / "dispute.json")]
    bad = []
    tried = 0
    for argv, stdin in cli_argvs(rng, count, files):
        if argv[0] == "simulate" and len(argv) == 1:
            continue
        tried += 1
        with stdin_bytes(stdin):
            status = main(argv)
        out = capsys.readouterr()
        if status not in (0, 1, 2) or "Traceback" in out.err + out.out:
            bad.append(f"{argv} -> {status}: {out.err.strip()[:200]}")
    assert not bad, f"{len(bad)} bad exits, e.g.:\n" + "\n".join(bad[:5])
    assert tried >= count * 0.95


def _quick(scenario: bytes) -> bool:
    """A scenario small enough to run in a test (or one that will be refused anyway)."""
    try:
        doc = json.loads(scenario)
        steps = doc["computation"]["steps"]
    except (ValueError, KeyError, TypeError):
        return True
    return not isinstance(steps, int) or steps <= 4096


# --- the harness has teeth ------------------------------------------------------------------------


def test_the_harness_reports_an_untyped_error() -> None:
    """Negative control: a decoder that lets a ``KeyError`` escape is reported."""

    def leaky(data: bytes) -> None:
        if data[:1] == b"\xa1":
            raise KeyError("leaked")
        decode(data)

    with pytest.raises(AssertionError, match="untyped errors"):
        only_typed_errors(leaky, inputs(9, 500, VECTORS))
