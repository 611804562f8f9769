"""Reports: the table, the CSV, the JSON summary and the plots (or a clear skip without
matplotlib)."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest

from oddsproof.economics import (
    SimulationParams,
    SimulationResult,
    format_table,
    grid,
    simulate,
    summarize,
    write_csv,
    write_plots,
    write_summary,
)

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def result() -> SimulationResult:
    base = SimulationParams(honest=8, cheaters=2, adaptive=2)
    points = grid(base, {"claim_bond": [0, 1000, 4000], "audit_rate": [0.01, 0.1]})
    return simulate(points, runs=6, steps=4, seed=1, swept=("claim_bond", "audit_rate"))


def test_the_table_has_a_line_per_point(result: SimulationResult) -> None:
    lines = format_table(result).splitlines()
    assert "claim_bond" in lines[0]
    assert "cheat gain" in lines[0]
    assert "disputes L2" in lines[0]
    assert len(lines) == 2 + 6
    assert "±" in lines[2]


def test_csv_rows_are_the_points(result: SimulationResult, tmp_path: Path) -> None:
    path = write_csv(result, tmp_path / "results.csv")
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 6
    assert rows[0]["claim_bond"] == "0"
    assert rows[-1]["audit_rate"] == "0.1"
    for key in ("cheat_gain", "cheat_gain_se", "fraud_through", "honest_overhead", "burned"):
        assert key in rows[0]
    assert float(rows[0]["cheat_gain"]) == result.estimate(0, "cheat_gain")[0]


def test_summary_is_json_without_nans(result: SimulationResult, tmp_path: Path) -> None:
    doc = summarize(result)
    path = write_summary(doc, tmp_path / "summary.json")
    loaded = json.loads(path.read_text())
    assert loaded["points"] == 6
    assert loaded["base"]["honest"] == 8
    assert "NaN" not in path.read_text()


def test_plots_are_written(result: SimulationResult, tmp_path: Path) -> None:
    paths = write_plots(result, tmp_path, x="claim_bond", series="audit_rate")
    assert paths is not None
    assert sorted(p.name for p in paths) == ["honest_overhead.png", "profit_vs_bond_checkrate.png"]
    for path in paths:
        assert path.read_bytes().startswith(PNG)


def test_plots_of_one_dimension(tmp_path: Path) -> None:
    points = grid(SimulationParams(honest=5), {"claim_bond": [0, 500]})
    one = simulate(points, runs=3, steps=2, swept=("claim_bond",))
    paths = write_plots(one, tmp_path, x="claim_bond", series="audit_rate")
    assert paths is not None
    assert all(p.stat().st_size > 1000 for p in paths)


def test_without_matplotlib_nothing_is_written(
    result: SimulationResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    assert write_plots(result, tmp_path, x="claim_bond", series="audit_rate") is None
    assert list(tmp_path.iterdir()) == []
