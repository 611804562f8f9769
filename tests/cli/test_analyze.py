"""``oddsproof analyze``: exit 0 for a sound contract, 1 with the offending path for a broken
one, 2 for bad input, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from oddsproof.cli import main
from oddsproof.contracts import FOREVER, Both, Case, Contract, Pay, Supplies, When
from oddsproof.wire import Domain, Signed, tagged_hash
from tests.strategies import IDENTITIES

ALICE, BOB, CHARLIE, DAVE = IDENTITIES[:4]
WANT = Supplies(BOB.party, tagged_hash("t", b"F"), tagged_hash("t", b"X"))


def contract(terms: object, **kw: object) -> Contract:
    return Contract((ALICE.party, BOB.party), terms, nonce=bytes(16), **kw)  # type: ignore[arg-type]


SOUND = contract(When((Case(WANT, Pay(ALICE.party, BOB.party, 5)),), 3600))
NEGATIVE = contract(
    When((Case(WANT, Both(Pay(ALICE.party, BOB.party, 5), Pay(DAVE.party, BOB.party, 2))),), 3600)
)
FOREVER_WAIT = contract(When((Case(WANT, Pay(ALICE.party, BOB.party, 5)),), FOREVER))
NESTED = contract(
    When((Case(WANT, When((Case(WANT, Pay(ALICE.party, BOB.party, 1)),), 3590)),), 3600),
    delta=60,
)


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(["analyze", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_a_sound_contract_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run([write(tmp_path, "ok.cbor", SOUND.encoded)], capsys)
    assert status == 0
    assert "SOUND" in out
    assert "when@0 case 0 → pay alice→bob 5" in out
    assert err == ""


def test_a_signed_contract_is_analysed_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    signed = Signed.create(SOUND, Domain("x"), ALICE)
    status, out, _ = run([write(tmp_path, "signed.cbor", signed.encoded)], capsys)
    assert status == 0
    assert SOUND.id.hex() in out


def test_a_party_that_can_go_negative_is_reported_with_its_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run([write(tmp_path, "neg.cbor", NEGATIVE.encoded)], capsys)
    assert status == 1
    assert "negative-balance" in out
    assert "path: when@0 case 0 → both.left → pay alice→bob 5 → both.right → pay dave→bob 2" in out
    assert "negative-balance" in err
    assert len(err.splitlines()) == 1


def test_a_wait_without_deadline_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run([write(tmp_path, "forever.cbor", FOREVER_WAIT.encoded)], capsys)
    assert status == 1
    assert "no-deadline" in out
    assert "path: when@0" in out
    status, out, _ = run([write(tmp_path, "ok.cbor", SOUND.encoded), "--horizon", "60"], capsys)
    assert status == 1
    assert "no-deadline" in out


def test_bad_nesting_and_delta(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "nested.cbor", NESTED.encoded)
    status, out, _ = run([path], capsys)
    assert status == 1
    assert "deadline-nesting" in out
    assert "path: when@0 case 0 → when@1" in out
    assert run([path, "--delta", "10"], capsys)[0] == 0


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["--json", write(tmp_path, "neg.cbor", NEGATIVE.encoded)], capsys)
    assert status == 1
    report = json.loads(out)
    assert report["sound"] is False
    (finding,) = report["findings"]
    assert finding["check"] == "negative-balance"
    assert finding["path"][-1] == "pay dave→bob 2"
    assert report["path_count"] == 2


def test_escrow_override(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "ok.cbor", SOUND.encoded)
    assert run([path, "--escrow", "alice=5"], capsys)[0] == 0
    status, out, _ = run([path, "--escrow", f"{ALICE.key.hex()}=4"], capsys)
    assert status == 1
    assert "escrows 4" in out
    assert run([path, "--escrow", "nobody=4"], capsys)[0] == 2
    assert run([path, "--escrow", "alice"], capsys)[0] == 2


@pytest.mark.parametrize(
    "data",
    [b"", b"\xff\x00garbage", SOUND.terms.encoded, bytes.fromhex("a1616b6474657374")],
    ids=["empty", "garbage", "not-a-contract", "unknown-kind"],
)
def test_bad_input_exits_2_on_one_line(
    data: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run([write(tmp_path, "bad.cbor", data)], capsys)
    assert status == 2
    assert out == ""
    assert len(err.splitlines()) == 1
    assert "Traceback" not in err


def test_missing_file_and_bad_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run([str(tmp_path / "missing.cbor")], capsys)[0] == 2
    path = write(tmp_path, "ok.cbor", SOUND.encoded)
    assert run([path, "--delta", "-1"], capsys)[0] == 2
    assert run([path, "--max-size", "0"], capsys)[0] == 2
    assert run([path, "--max-size", "10"], capsys)[0] == 2
    assert run([path, "--delta", "soon"], capsys)[0] == 2


def test_hex_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ok.hex"
    path.write_text(SOUND.encoded.hex() + "\n")
    assert run(["--hex", str(path)], capsys)[0] == 0
    path.write_text("not hex")
    assert run(["--hex", str(path)], capsys)[0] == 2


def test_help_has_examples(capsys: pytest.CaptureFixture[str]) -> None:
    try:
        status = main(["analyze", "--help"])
    except SystemExit as exited:  # argparse's own exit, if main lets it through
        status = int(exited.code or 0)
    assert status == 0
    out = capsys.readouterr().out
    assert "examples:" in out
    assert "oddsproof analyze offer.cbor" in out


def test_standard_input_through_the_real_entry_point() -> None:
    code = "import sys; from oddsproof.cli import main; sys.exit(main())"
    for data, status in ((NEGATIVE.encoded, 1), (SOUND.encoded, 0), (b"junk", 2)):
        done = subprocess.run(
            [sys.executable, "-c", code, "analyze", "-"],
            input=data,
            capture_output=True,
            check=False,
        )
        assert done.returncode == status
        assert b"Traceback" not in done.stderr
