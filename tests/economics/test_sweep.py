"""Sweeps: grids, configurations, and results that depend on the seed alone, never on the
workers, the chunking or the executor (a process pool, a local Dask cluster)."""

from __future__ import annotations

import concurrent.futures
import io
import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from oddsproof.economics import (
    DEFAULT_CONFIG,
    SimulationParams,
    SimulationResult,
    dask_executor,
    grid,
    load_config,
    parse_config,
    simulate,
)
from oddsproof.errors import InvalidArgument

BASE = SimulationParams(honest=6, cheaters=3, adaptive=2)
SWEEP = {"claim_bond": [0, 500, 2000], "audit_rate": [0.02, 0.2]}


def same(a: SimulationResult, b: SimulationResult) -> bool:
    return all(a.totals[k].tobytes() == b.totals[k].tobytes() for k in a.totals) and all(
        x.tobytes() == y.tobytes() for x, y in zip(a.levels, b.levels, strict=True)
    )


def run(**options: object) -> SimulationResult:
    points = grid(BASE, SWEEP)
    return simulate(points, runs=30, steps=6, seed=7, block=8, **options)  # type: ignore[arg-type]


def test_grid_is_the_cartesian_product_first_key_slowest() -> None:
    points = grid(BASE, SWEEP)
    assert [(p.claim_bond, p.audit_rate) for p in points] == [
        (0, Fraction(1, 50)),
        (0, Fraction(1, 5)),
        (500, Fraction(1, 50)),
        (500, Fraction(1, 5)),
        (2000, Fraction(1, 50)),
        (2000, Fraction(1, 5)),
    ]


@pytest.mark.parametrize(
    ("sweep", "message"),
    [
        ({"levels": [1]}, "cannot sweep"),
        ({"bogus": [1]}, "cannot sweep"),
        ({"claim_bond": []}, "non-empty"),
        ({"claim_bond": [-1]}, "claim_bond"),
        ({"claim_bond": list(range(101)), "payment": list(range(1, 101))}, "more than"),
    ],
)
def test_bad_sweeps_are_refused(sweep: dict[str, list[int]], message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        grid(BASE, sweep)


def test_results_do_not_depend_on_workers_or_chunking() -> None:
    one = run()
    assert same(one, run(chunk_blocks=1))
    assert same(one, run(chunk_blocks=5))
    assert same(one, run(workers=2))
    assert not same(one, simulate(grid(BASE, SWEEP), runs=30, steps=6, seed=8, block=8))


def test_a_point_alone_gives_the_same_runs_as_in_a_grid() -> None:
    """A block's stream is keyed by (point, block), not by what else shares the task."""
    points = grid(BASE, SWEEP)
    together = simulate(points, runs=16, steps=4, seed=3, block=8)
    first = simulate(points[:1], runs=16, steps=4, seed=3, block=8)
    assert together.totals["cheat_gain"][0].tobytes() == first.totals["cheat_gain"][0].tobytes()


def test_blocks_are_seeded_from_the_spawn_tree() -> None:
    child = np.random.SeedSequence(7).spawn(3)[2].spawn(2)[1]
    direct = np.random.SeedSequence(7, spawn_key=(2, 1))
    assert (child.generate_state(4) == direct.generate_state(4)).all()


def test_a_dask_cluster_gives_the_same_bytes() -> None:
    with dask_executor(workers=1, processes=False) as executor:
        via_dask = run(executor=executor, workers=2)
    assert same(run(), via_dask)


def test_a_failing_executor_becomes_a_simulation_error() -> None:
    pool = concurrent.futures.ThreadPoolExecutor(1)
    pool.shutdown()
    with pytest.raises(InvalidArgument, match="worker failed"):
        run(executor=pool)


def test_progress_is_drawn_on_the_stream() -> None:
    stream = io.StringIO()
    run(progress=stream)
    text = stream.getvalue()
    assert "simulating [" in text
    assert text.endswith("blocks" + text.rsplit("blocks", 1)[1])
    assert "24/24 blocks" in text  # 6 points × 4 blocks of 8 runs (the last one of 6)


@pytest.mark.parametrize(
    ("options", "message"),
    [({"runs": 1}, "runs"), ({"steps": 0}, "steps"), ({"workers": 0}, "workers")],
)
def test_bad_sizes_are_refused(options: dict[str, int], message: str) -> None:
    sizes: dict[str, int] = {"runs": 4, "steps": 2, **options}
    with pytest.raises(InvalidArgument, match=message):
        simulate(BASE, **sizes)  # type: ignore[arg-type]


# --- configuration -------------------------------------------------------------------------------

TOML = """
runs = 12
steps = 3
seed = 5

[params]
honest = 10
audit_rate = "1/20"
levels = [
  { fee = 10, bond = 100, window = 86400, accuracy = 0.9 },
  { fee = 50, bond = 200, window = 86400 },
]

[sweep]
claim_bond = [0, 1000]
checks = [5, 10]

[report]
x = "claim_bond"
series = "checks"
"""


def test_toml_and_json_configurations(tmp_path: Path) -> None:
    toml_path = tmp_path / "study.toml"
    toml_path.write_text(TOML)
    config = load_config(toml_path)
    assert config.base.honest == 10
    assert config.base.audit_rate == Fraction(1, 20)
    assert config.base.levels[0].accuracy == Fraction(9, 10)
    assert config.swept == ("claim_bond", "checks")
    assert len(config.points()) == 4
    json_path = tmp_path / "study.json"
    json_path.write_text(json.dumps(DEFAULT_CONFIG))
    assert load_config(json_path) == load_config(None)


@pytest.mark.parametrize(
    ("text", "suffix", "message"),
    [
        ("runs = [", ".toml", "not valid TOML"),
        ("{", ".json", "not valid JSON"),
        ("runs: 3", ".yaml", ".toml or .json"),
        ("oops = 1", ".toml", "unknown configuration key 'oops'"),
        ("[params]\nbogus = 1", ".toml", "unknown parameter params.bogus"),
        ("[params]\npayment = 1.5", ".toml", "payment"),
        ("[params]\nlevels = [{ fee = 1 }]", ".toml", "levels\\[0\\]"),
        ("[sweep]\nclaim_bond = 5", ".toml", "list"),
        ("[sweep]\naudit_rate = [2]", ".toml", "audit_rate"),
        ("runs = 1", ".toml", "runs"),
        ("[report]\nx = 'levels'", ".toml", "report.x"),
    ],
)
def test_bad_configurations_say_what_is_wrong(
    tmp_path: Path, text: str, suffix: str, message: str
) -> None:
    path = tmp_path / f"study{suffix}"
    path.write_text(text)
    with pytest.raises(InvalidArgument, match=message):
        load_config(path)


def test_parse_config_refuses_a_non_table() -> None:
    with pytest.raises(InvalidArgument, match="table"):
        parse_config([1, 2])
