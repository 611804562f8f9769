"""``oddsproof verify`` and ``oddsproof plan --pieces``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from oddsproof.cli import main
from oddsproof.games import (
    FraudProof,
    HonestSolver,
    ParallelSolver,
    check_certificate,
    check_fraud_proof,
)
from oddsproof.testing import FakingSolver, demo_scene, ray_tracer
from oddsproof.wire import Digest, Domain, Identity, Signed, decode

DOMAIN = Domain("oddsproof-test")
BOB = Identity.from_seed("bob", b"\x02" * 32)
SCENE = demo_scene(16, 12, samples=2, bounces=1)
NONCE = "05" * 32


def _files(tmp_path: Path, solver: ParallelSolver) -> dict[str, str]:
    claim = solver.solve(offer=Digest(b"\x0f" * 32), now=10)
    paths = {
        "claim": tmp_path / "claim.cbor",
        "scene": tmp_path / "scene.bin",
        "commitment": tmp_path / "commitment.cbor",
        "output": tmp_path / "image.bin",
    }
    paths["claim"].write_bytes(claim.encoded)
    paths["scene"].write_bytes(SCENE.to_bytes())
    paths["commitment"].write_bytes(solver.commitment.encoded)
    paths["output"].write_bytes(solver.committed.data)
    return {name: str(path) for name, path in paths.items()}


def _honest(tmp_path: Path) -> dict[str, str]:
    return _files(tmp_path, HonestSolver(BOB, ray_tracer(SCENE), SCENE.to_bytes(), domain=DOMAIN))


def _spot_args(files: dict[str, str]) -> list[str]:
    return [
        files["claim"],
        "--workload",
        "raytrace",
        "--input",
        files["scene"],
        "--commitment",
        files["commitment"],
        "--output",
        files["output"],
        "--nonce",
        NONCE,
    ]


def _one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


def test_verify_checks_signatures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = _honest(tmp_path)
    assert main(["verify", files["claim"]]) == 0
    assert "signatures: valid" in capsys.readouterr().out
    assert main(["verify", files["claim"], "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["signatures"]["valid"] is True
    assert report["claim"]["claimant"] == "bob"
    assert "spot_check" not in report


def test_verify_refuses_a_bad_signature(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = _honest(tmp_path)
    claim: Signed = decode(Path(files["claim"]).read_bytes())  # type: ignore[type-arg]
    stranger = Signed.create(claim.body, DOMAIN, Identity.from_seed("eve", b"\x09" * 32))
    Path(files["claim"]).write_bytes(stranger.encoded)
    assert main(["verify", files["claim"], "--json"]) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["signatures"]["valid"] is False
    assert captured.err.count("\n") == 1


def test_verify_spot_checks_an_honest_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = _honest(tmp_path)
    key = tmp_path / "charlie.key"
    charlie = Identity.from_seed("charlie", b"\x03" * 32)
    charlie.save(key)
    cert_path = tmp_path / "cert.cbor"
    args = [*_spot_args(files), "--key", str(key), "--certificate", str(cert_path), "--time", "50"]
    assert main(["verify", *args]) == 0
    out = capsys.readouterr().out
    assert "PASSED" in out
    assert "k = 2062 of 192 pieces" in out
    assert "one of 192 pieces" in out
    signed = decode(cert_path.read_bytes(), Signed)
    cert = check_certificate(signed, DOMAIN, verifier=charlie.party)  # type: ignore[arg-type]
    assert cert.passed
    assert cert.issued == 50
    assert main(["verify", *args, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["spot_check"]["passed"] is True
    assert report["spot_check"]["epsilon"] == [1, 10**9]
    assert report["spot_check"]["fraud_fraction"] == [1, 100]
    assert report["spot_check"]["verifier"] == charlie.key.hex()


def test_verify_catches_a_cheater(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    computation = ray_tracer(SCENE)
    cheater = FakingSolver(BOB, computation, SCENE.to_bytes(), domain=DOMAIN, fraction=0.25, seed=1)
    files = _files(tmp_path, cheater)
    proof_path = tmp_path / "fraud.cbor"
    status = main(["verify", *_spot_args(files), "--fraud-proof", str(proof_path), "--json"])
    assert status == 1
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert report["spot_check"]["outcome"] == "wrong-value"
    assert cheater.is_faked(report["spot_check"]["failed_index"])
    assert captured.err.count("\n") == 1
    proof = decode(proof_path.read_bytes(), FraudProof)
    check_fraud_proof(proof, computation, SCENE.to_bytes(), domain=DOMAIN)


def test_verify_refuses_an_output_that_is_not_the_committed_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = _honest(tmp_path)
    data = bytearray(Path(files["output"]).read_bytes())
    data[100] ^= 1
    Path(files["output"]).write_bytes(bytes(data))
    assert main(["verify", *_spot_args(files)]) == 1
    assert "not the committed one" in _one_line_error(capsys)
    Path(files["output"]).write_bytes(bytes(data[:-8]))
    assert main(["verify", *_spot_args(files)]) == 1


def test_verify_bad_input_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = _honest(tmp_path)
    other_scene = tmp_path / "other.bin"
    other_scene.write_bytes(demo_scene(16, 12, samples=3).to_bytes())
    garbage = tmp_path / "garbage"
    garbage.write_bytes(b"\xff\x00")
    spot = _spot_args(files)
    cases = [
        ["verify", files["claim"], "--workload", "raytrace"],  # incomplete spot check
        ["verify", str(garbage)],
        ["verify", files["commitment"]],  # not a claim
        ["verify", str(tmp_path / "missing.cbor")],
        ["verify", files["claim"], "--network", "elsewhere"],
        [*(["verify", *spot[:-2]]), "--nonce", "abcd"],
        ["verify", *spot[:4], str(other_scene), *spot[5:]],  # the claim names another input
        ["verify", *spot[:6], files["claim"], *spot[7:]],  # not a commitment
        ["verify", *spot, "--epsilon", "2"],
        ["verify", *spot, "--key", str(garbage)],
        ["verify", *spot[:4], str(garbage), *spot[5:]],  # not a scene
    ]
    for argv in cases:
        assert main(argv) == 2, argv
        _one_line_error(capsys)


def test_verify_help_has_examples(capsys: pytest.CaptureFixture[str]) -> None:
    try:
        status = main(["verify", "--help"])
    except SystemExit as exited:  # argparse's own exit, if main lets it through
        status = exited.code  # type: ignore[assignment]
    assert status == 0
    out = capsys.readouterr().out
    assert "examples:" in out
    assert "--commitment" in out


def test_plan_reports_the_verification_cost(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["plan", "--epsilon", "1e-9", "--fraud-fraction", "0.01"]
    assert main([*argv, "--pieces", "1048576"]) == 0
    out = capsys.readouterr().out
    assert "2062 of 1048576 pieces" in out
    assert "0.197%" in out
    assert main([*argv, "--pieces", "1048576", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["k"] == 2062
    assert doc["epsilon"] == 1e-9
    assert doc["fraud_fraction"] == 0.01
    assert doc["verification_fraction"] == 2062 / 1048576
    assert main([*argv, "--pieces", "1000", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["verification_fraction"] == 1.0
    assert main([*argv, "--json"]) == 0
    assert "pieces" not in json.loads(capsys.readouterr().out)
    for bad in ("0", "-3", "many"):
        assert main([*argv, "--pieces", bad]) == 2
        _one_line_error(capsys)
