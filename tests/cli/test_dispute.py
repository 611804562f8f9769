"""``oddsproof dispute``: a scripted dispute from a scenario file."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from oddsproof.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "dispute.json"
SCENARIO: dict[str, Any] = json.loads(EXAMPLE.read_text())


def small(**changes: Any) -> dict[str, Any]:
    """The example scenario with a shorter chain (and ``changes``)."""
    doc = copy.deepcopy(SCENARIO)
    doc["computation"] = {"chain": "hash", "steps": 64, "interval": 8, "input": "seed"}
    doc["claim"] = {"at": 10, "faked_step": 40}
    doc.update(changes)
    return doc


def run(tmp_path: Path, doc: dict[str, Any], *extra: str) -> tuple[int, Any]:
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(doc))
    return main(["dispute", str(path), *extra]), path


def as_json(
    tmp_path: Path, doc: dict[str, Any], capsys: pytest.CaptureFixture[str], *extra: str
) -> dict[str, Any]:
    status, _ = run(tmp_path, doc, "--json", *extra)
    assert status == 0
    result: dict[str, Any] = json.loads(capsys.readouterr().out)
    return result


def test_the_example_runs_and_tells_every_step(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dispute", str(EXAMPLE)]) == 0
    text = capsys.readouterr().out
    assert "claim filed (step 700 faked)" in text
    assert "level 1: appeal to level 1 staked" in text
    assert "outcome: the claim is failed (resolved)" in text
    assert "recourse: reimbursed from the claim bond (who charlie, amount 100)" in text
    assert "conserved: True" in text


def test_json_reports_rulings_bonds_and_balances(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = as_json(tmp_path, small(), capsys)
    assert result["outcome"] is False
    assert result["conserved"] is True
    assert result["open_bonds"] == 0
    assert result["rulings"][-1]["final"] is True
    assert result["balances"]["charlie"] == 1_100  # reimbursed half of the 200 it lost
    assert result["balances"]["alice"] > 10_000
    assert all(b["state"] != "forfeited" for b in result["bonds"] if b["owner"] == "alice")


def test_an_honest_claim_wins_against_a_lying_challenger(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = small(claim={"at": 10, "faked_step": None})
    result = as_json(tmp_path, doc, capsys)
    assert result["outcome"] is True
    assert result["balances"]["bob"] >= 10_000 + 100  # kept 100 of 300, passed 200 on
    assert result["balances"]["charlie"] == 1_200  # what bob passed on became plain


def test_no_challenge_lets_the_window_close(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = as_json(tmp_path, small(challenge=None), capsys)
    assert result["outcome"] is True
    assert result["rulings"] == []
    said = [step["what"] for step in result["steps"]]
    assert said[-3:] == [
        "window closed unchallenged: claim upheld",
        "collapse: 2 holdings made plain",  # bob's remainder and what charlie got
        "claim bond released",
    ]


def test_a_store_resumes_and_a_second_run_repeats_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "court.db")
    first = as_json(tmp_path, small(), capsys, "--db", db)
    second = as_json(tmp_path, small(), capsys, "--db", db)
    assert second["steps"] == []
    assert second["balances"] == first["balances"]
    assert second["rulings"] == first["rulings"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"parties": None}, "parties must be"),
        ({"contract": {"buyer": "alice", "solver": "zed", "payment": 1}}, "'zed' is not"),
        ({"arbiters": [{"name": "judge", "kind": "oracle"}]}, "kind is judge"),
        ({"computation": {"steps": 10, "interval": 3}}, "divide"),
        ({"ladder": {"levels": [{"arbiter": "judge", "bond": 1, "window": 10}]}}, "3Δ"),
        ({"claim": {"faked_step": "seven"}}, "faked_step must be"),
    ],
)
def test_a_bad_scenario_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: dict[str, Any], message: str
) -> None:
    status, _ = run(tmp_path, small(**change))
    err = capsys.readouterr().err
    assert status == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_input_that_is_not_json_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{ not json")
    assert main(["dispute", str(path)]) == 2
    assert "not JSON" in capsys.readouterr().err


def test_help_shows_examples(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dispute", "--help"]) == 0
    assert "oddsproof dispute examples/dispute.json --json" in capsys.readouterr().out
