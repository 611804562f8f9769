"""``oddsproof simulate``: the built-in study, files, JSON, and one-line errors."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from oddsproof.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "simulate.toml"
SMALL = ["--runs", "3", "--steps", "2", "--quiet"]


def test_the_built_in_study_prints_its_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", *SMALL]) == 0
    out = capsys.readouterr().out
    assert "35 points × 3 runs × 2 rounds (seed 2024)" in out
    assert "claim_bond  audit_rate" in out
    assert "below 0, cheating does not pay" in out


def test_out_writes_csv_summary_and_plots(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "results"
    assert main(["simulate", *SMALL, "--out", str(out_dir)]) == 0
    names = sorted(p.name for p in out_dir.iterdir())
    assert names == [
        "honest_overhead.png",
        "profit_vs_bond_checkrate.png",
        "results.csv",
        "summary.json",
    ]
    assert "wrote" in capsys.readouterr().out
    summary = json.loads((out_dir / "summary.json").read_text())
    assert summary["plots_skipped"] is None
    assert len(summary["rows"]) == 35


def test_json_is_one_document(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", *SMALL, "--json", "--seed", "9"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["seed"] == 9
    assert doc["swept"] == ["claim_bond", "audit_rate"]
    assert {"cheat_gain", "fraud_through", "honest_overhead", "disputes_l0"} <= set(doc["rows"][0])


def test_plots_are_skipped_without_matplotlib(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    assert main(["simulate", *SMALL, "--out", str(tmp_path)]) == 0
    assert "plots skipped: matplotlib is not installed" in capsys.readouterr().out
    assert not list(tmp_path.glob("*.png"))


def test_the_example_study_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", str(EXAMPLE), *SMALL, "--workers", "2"]) == 0
    assert "claim_bond  floor" in capsys.readouterr().out


def test_help_has_examples(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--help"]) == 0
    assert "oddsproof simulate --out results/" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "extra", "message"),
    [
        ("runs = [", [], "not valid TOML"),
        ("[params]\nbogus = 1", [], "unknown parameter params.bogus"),
        ("[sweep]\naudit_rate = [3]", [], "audit_rate"),
        ("", ["--runs", "1"], "runs"),
        ("", ["--workers", "0"], "--workers"),
        ("", ["--scheduler", "tcp://127.0.0.1:1"], "--scheduler goes with --executor dask"),
        ("", ["--executor", "thread"], "invalid choice"),
    ],
)
def test_bad_input_is_one_line_and_status_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str,
    extra: list[str],
    message: str,
) -> None:
    path = tmp_path / "study.toml"
    path.write_text(content)
    assert main(["simulate", str(path), "--quiet", *extra]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err
    assert len(captured.err.strip().splitlines()) == 1


def test_a_missing_file_or_a_file_as_out_dir(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["simulate", str(tmp_path / "none.toml")]) == 2
    assert "none.toml" in capsys.readouterr().err
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["simulate", *SMALL, "--out", str(blocker)]) == 2
    assert "not a directory" in capsys.readouterr().err
