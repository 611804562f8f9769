"""``oddsproof demo`` tells the whole story, and every figure in it comes from the library."""

from __future__ import annotations

import json

import pytest

from oddsproof.cli import main


def test_the_demo_tells_every_chapter_and_the_books_balance(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["demo", "--json"]) == 0
    story = json.loads(capsys.readouterr().out)
    titles = [c["chapter"] for c in story["chapters"]]
    for word in ("offers", "Parallel", "conditionally", "bet", "lottery", "corrupt", "settle"):
        assert any(word in t for t in titles), word
    assert story["conserved"] == {
        "market": True,
        "lottery": True,
        "dispute": True,
        "settlement": True,
    }
    steps = [s for c in story["chapters"] for s in c["steps"]]
    outcomes = {s["solver"]: s["outcome"] for s in steps if "solver" in s}
    assert outcomes == {"bob": "pass", "mallory": "wrong-value"}
    workers = {s["worker"]: s for s in steps if "worker" in s}
    assert workers["bob"]["slashed"] == 0
    assert workers["mallory"]["slashed"] > 0
    assert any(s.get("upheld") is True for s in steps)  # the bet's final ruling


def test_the_demo_in_text_names_the_cheaters_caught(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    text = capsys.readouterr().out
    assert "wrong-value" in text
    assert "fraud confirmed" in text
    assert "caught at step" in text
    assert "claim failed" in text
