"""The ``inspect`` and ``plan`` commands: output, exit status, and one clean line on bad input.

Most tests call ``main`` in-process; a few run the installed ``oddsproof`` script in a
subprocess, which is the only way to prove that no traceback ever reaches a user's terminal.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import cbor2
import pytest

from oddsproof.cli import main
from oddsproof.contracts import Statement
from oddsproof.wire import DEFAULT_MAX_SIZE, Domain, Signed, to_json, to_primitive
from tests.strategies import IDENTITIES

ALICE, BOB = IDENTITIES[:2]
BODY = Statement(*(ALICE.party.id,) * 3, 16)
DOMAIN = Domain("cli-test")
ENVELOPE = Signed.create(BODY, DOMAIN, ALICE, BOB)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_clean_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {err!r}"
    assert "Traceback" not in err
    return lines[0]


def _tampered_envelope() -> bytes:
    prim = to_primitive(ENVELOPE)
    sig = bytearray(prim["signatures"][0]["sig"])
    sig[5] ^= 0x01
    prim["signatures"][0]["sig"] = bytes(sig)
    return cbor2.dumps(prim, canonical=True)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    unsorted = cbor2.dumps({"kind": "domain", "v": 1, "network": "x", "protocol": 1})
    contents = {
        "object": BODY.encoded,
        "envelope": ENVELOPE.encoded,
        "tampered": _tampered_envelope(),
        "empty": b"",
        "garbage": b"\xff\x00 not cbor",
        "unsorted": unsorted,
        "trailing": BODY.encoded + b"\x00",
        "hex": (ENVELOPE.encoded.hex() + "\n").encode(),
    }
    out = {}
    for name, data in contents.items():
        path = tmp_path / f"{name}.cbor"
        path.write_bytes(data)
        out[name] = path
    return out


# --- plan ------------------------------------------------------------------------------------


def test_plan_json_reports_the_issue_example(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(
        capsys, "plan", "--epsilon", "1e-9", "--fraud-fraction", "0.01", "--json"
    )
    assert status == 0
    assert err == ""
    document = json.loads(out)
    assert document["k"] == 2062
    assert document["epsilon"] == 1e-9
    assert document["fraud_fraction"] == 0.01
    assert {"k", "epsilon", "fraud_fraction"} <= set(document)
    assert document.get("pass_probability", 0) <= 1e-9


def test_plan_text(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "plan", "--epsilon", "1e-6", "--fraud-fraction", "0.05")
    assert status == 0
    assert err == ""
    assert out.startswith("k = 270 ")
    assert "{" not in out  # no JSON unless asked


@pytest.mark.parametrize(
    "args",
    [
        ["--epsilon", "0", "--fraud-fraction", "0.01"],
        ["--epsilon", "1", "--fraud-fraction", "0.01"],
        ["--epsilon", "-0.5", "--fraud-fraction", "0.01"],
        ["--epsilon", "nan", "--fraud-fraction", "0.01"],
        ["--epsilon", "inf", "--fraud-fraction", "0.01"],
        ["--epsilon", "1e-9", "--fraud-fraction", "1.5"],
        ["--epsilon", "1e-9", "--fraud-fraction", "0"],
        ["--epsilon", "abc", "--fraud-fraction", "0.01"],
        ["--epsilon", "1e-9"],
        ["--fraud-fraction", "0.01"],
        ["--epsilon", "1e-9", "--fraud-fraction", "0.01", "--bogus"],
    ],
    ids=" ".join,
)
def test_plan_bad_arguments(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    status, out, err = run(capsys, "plan", *args, "--json")
    assert status == 2
    assert out == ""
    line = assert_one_clean_line(err)
    assert "internal error" not in line


def test_plan_bad_argument_messages_name_the_problem(capsys: pytest.CaptureFixture[str]) -> None:
    _, _, err = run(capsys, "plan", "--epsilon", "2", "--fraud-fraction", "0.01")
    assert "epsilon" in err
    _, _, err = run(capsys, "plan", "--epsilon", "0.5", "--fraud-fraction", "-1")
    assert "fraud_fraction" in err or "fraud-fraction" in err


def test_unknown_command(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "no-such-command")
    assert status == 2
    assert_one_clean_line(err)


# --- inspect ---------------------------------------------------------------------------------


def test_inspect_an_object(capsys: pytest.CaptureFixture[str], files: dict[str, Path]) -> None:
    status, out, err = run(capsys, "inspect", "--json", str(files["object"]))
    assert status == 0
    assert err == ""
    report = json.loads(out)
    assert report["kind"] == "statement"
    assert report["version"] == 1
    assert report["id"] == BODY.id.hex()
    assert report["object"] == to_json(BODY)
    assert "signatures" not in report


def test_inspect_text_output(capsys: pytest.CaptureFixture[str], files: dict[str, Path]) -> None:
    status, out, _ = run(capsys, "inspect", str(files["envelope"]))
    assert status == 0
    assert out.startswith(f"signed v1  id {BODY.id.hex()}")
    assert "valid" in out
    assert ALICE.key.hex() in out
    assert BOB.key.hex() in out


def test_inspect_a_valid_envelope(
    capsys: pytest.CaptureFixture[str], files: dict[str, Path]
) -> None:
    status, out, err = run(capsys, "inspect", "--json", str(files["envelope"]))
    assert status == 0
    assert err == ""
    report = json.loads(out)
    assert report["kind"] == "signed"
    assert report["body_kind"] == "statement"
    assert report["id"] == BODY.id.hex()  # an envelope's id is its body's
    assert report["signatures"]["valid"] is True
    assert report["signatures"]["domain"] == {"network": "cli-test", "protocol": 1}
    assert report["signatures"]["signers"] == [k.hex() for k in ENVELOPE.signers]
    assert report["object"]["body"] == to_json(BODY)


def test_inspect_a_tampered_envelope(
    capsys: pytest.CaptureFixture[str], files: dict[str, Path]
) -> None:
    status, out, err = run(capsys, "inspect", "--json", str(files["tampered"]))
    assert status == 1
    report = json.loads(out)
    assert report["signatures"]["valid"] is False
    assert "does not verify" in report["signatures"]["error"]
    assert "signature" in assert_one_clean_line(err)


def test_inspect_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(ENVELOPE.encoded)))
    status, out, _ = run(capsys, "inspect", "--json", "-")
    assert status == 0
    assert json.loads(out)["signatures"]["valid"] is True


def test_inspect_hex(capsys: pytest.CaptureFixture[str], files: dict[str, Path]) -> None:
    status, out, _ = run(capsys, "inspect", "--hex", "--json", str(files["hex"]))
    assert status == 0
    assert json.loads(out)["id"] == BODY.id.hex()


def test_inspect_hex_from_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "  " + BODY.encoded.hex().upper() + "\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    status, out, _ = run(capsys, "inspect", "--hex", "--json", "-")
    assert status == 0
    assert json.loads(out)["kind"] == "statement"


@pytest.mark.parametrize(
    ("name", "flags", "reason"),
    [
        ("garbage", [], "malformed"),
        ("unsorted", [], "not canonical"),
        ("trailing", [], "trailing"),
        ("empty", [], "empty"),
        ("object", ["--hex"], "hexadecimal"),
        ("hex", [], "object map|malformed|trailing"),
        ("object", ["--max-size", "10"], "exceeds"),
        ("envelope", ["--max-size", str(len(ENVELOPE.encoded) - 1)], "exceeds"),
        ("object", ["--max-size", "0"], "max-size"),
        ("object", ["--max-size", "ten"], "max-size"),
    ],
)
def test_inspect_bad_input(
    capsys: pytest.CaptureFixture[str],
    files: dict[str, Path],
    name: str,
    flags: list[str],
    reason: str,
) -> None:
    status, out, err = run(capsys, "inspect", *flags, str(files[name]))
    assert status == 2
    assert out == ""
    line = assert_one_clean_line(err)
    assert re.search(reason, line), line


def test_inspect_oversize_hex_says_it_is_too_large(
    capsys: pytest.CaptureFixture[str], files: dict[str, Path]
) -> None:
    status, _, err = run(capsys, "inspect", "--hex", "--max-size", "100", str(files["hex"]))
    assert status == 2
    assert "exceeds" in assert_one_clean_line(err)


def test_inspect_at_exactly_the_size_limit(
    capsys: pytest.CaptureFixture[str], files: dict[str, Path]
) -> None:
    size = str(len(ENVELOPE.encoded))
    status, _, _ = run(capsys, "inspect", "--max-size", size, str(files["envelope"]))
    assert status == 0


def test_inspect_oversize_stdin_is_not_read_whole(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stream = io.BytesIO(b"\x00" * (DEFAULT_MAX_SIZE + 1000))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(stream))
    status, _, err = run(capsys, "inspect", "-")
    assert status == 2
    assert "exceeds" in assert_one_clean_line(err)
    assert stream.tell() <= DEFAULT_MAX_SIZE + 1 + io.DEFAULT_BUFFER_SIZE


@pytest.mark.parametrize("where", ["missing", "directory"])
def test_inspect_unreadable_paths(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, where: str
) -> None:
    path = tmp_path / "nothing-here.cbor"
    if where == "directory":
        path.mkdir()
    status, out, err = run(capsys, "inspect", str(path))
    assert status == 2
    assert out == ""
    assert str(path) in assert_one_clean_line(err)


def test_inspect_invalid_key_inside(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    prim = to_primitive(ALICE.party)
    prim["key"] = bytes(32)
    path = tmp_path / "zero-key.cbor"
    path.write_bytes(cbor2.dumps(prim, canonical=True))
    status, _, err = run(capsys, "inspect", str(path))
    assert status == 2
    assert "public key" in assert_one_clean_line(err)


def test_broken_pipe_exits_quietly(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    class ClosedPipe(io.StringIO):
        def write(self, _text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    status = main(["plan", "--epsilon", "1e-9", "--fraud-fraction", "0.01"])
    assert status == 0


# --- the installed script, in a subprocess ---------------------------------------------------


def _script() -> list[str]:
    installed = Path(sys.executable).parent / "oddsproof"
    if installed.exists():
        return [str(installed)]
    return [
        sys.executable,
        "-c",
        "import sys; from oddsproof.cli import main; sys.exit(main())",
    ]


def _run_script(*argv: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*_script(), *argv], input=stdin, capture_output=True, timeout=60, check=False
    )


def test_script_plan_json() -> None:
    done = _run_script("plan", "--epsilon", "1e-9", "--fraud-fraction", "0.01", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["k"] == 2062
    assert done.stderr == b""


@pytest.mark.parametrize(
    ("argv", "stdin", "status"),
    [
        (["plan", "--epsilon", "1.5", "--fraud-fraction", "0.01"], b"", 2),
        (["inspect", "-"], b"\xa1\x61v\x01\xff garbage", 2),
        (["inspect", "-"], cbor2.dumps({"v": 1, "kind": "nope"}), 2),
        (["inspect", "-"], b"", 2),
        (["inspect", "/nonexistent/file.cbor"], b"", 2),
        (["inspect", "-"], _tampered_envelope(), 1),
    ],
    ids=["bad-plan", "garbage", "unknown-kind", "empty", "missing-file", "tampered"],
)
def test_script_never_shows_a_traceback(argv: list[str], stdin: bytes, status: int) -> None:
    done = _run_script(*argv, stdin=stdin)
    assert done.returncode == status
    err = done.stderr.decode()
    assert b"Traceback" not in done.stderr
    assert len(err.splitlines()) == 1, err


def test_script_inspects_stdin() -> None:
    done = _run_script("inspect", "--json", "-", stdin=ENVELOPE.encoded)
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    assert report["signatures"]["valid"] is True
