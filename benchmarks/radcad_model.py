"""The dispute model of ``bench_simulate.py``, written for radCAD 0.14 (run in its own venv).

``benchmarks/.venv-radcad/bin/python benchmarks/radcad_model.py SPEC.json`` reads the points
that ``bench_simulate.py`` compiled with oddsproof (k by earned trust, detection and check cost
per k, the dispute path tables, the scalars: the library's numbers, so both sides play the same
model), runs ``runs`` Monte Carlo runs of ``steps`` timesteps per point as a radCAD
``Simulation`` (a parameter sweep over the point index, the single-process backend, radCAD's
defaults otherwise: deep copies of the state at every substep), and prints one JSON object: the
seconds ``Simulation.run()`` took and per point the per-run totals the comparison needs.

It imports nothing from oddsproof (radCAD pins an old numpy, so it lives in its own virtual
environment) and draws its randomness from ``random.Random``, one per (point, run): the means
agree with oddsproof's within Monte Carlo error, not the bytes.

The model, per timestep, as one policy (the round) and one state update per variable:
each solver's k from its record (clean checks since its last failure, failures); the verifier's
audit rate capped by its budget; cheaters cheat with ``cheat_rate``, adaptive cheaters when the
expected gain at their k is positive; audited claims are spot-checked; a caught or bettor-spotted
cheat, or a griefed honest claim, goes to a dispute whose path is drawn level by level from the
accuracies and looked up in the table; then the totals and the records are updated.
"""

from __future__ import annotations

import json
import random
import sys
import time
from typing import Any

from radcad import Engine, Model, Simulation
from radcad.backends import Backend

POINTS: list[dict[str, Any]] = []
RNGS: dict[tuple[int, int], random.Random] = {}
SETTINGS = {"seed": 0}
TOTALS = (
    "claims",
    "cheats",
    "cheats_failed",
    "cheat_gain",
    "work_paid",
    "verification_cost",
    "honest_dispute_cost",
    "burned",
    "disputes",
)


def _rng(point: int, run: int) -> random.Random:
    key = (point, run)
    if key not in RNGS:
        RNGS[key] = random.Random(SETTINGS["seed"] * 1_000_003 + point * 10_007 + run)
    return RNGS[key]


def _gain(audit: float, det: float, m: dict[str, Any]) -> float:
    caught = audit * det
    challenged = caught + (1.0 - caught) * m["insight"]
    return m["gain"] - challenged * m["caught_loss"]


def _dispute(m: dict[str, Any], table: dict[str, list[Any]], rng: random.Random) -> int:
    pattern = 0
    for level, accuracy in enumerate(m["accuracy"]):
        if rng.random() < accuracy:
            pattern |= 1 << level
    return pattern


def p_round(params: dict[str, Any], substep: int, history: Any, state: dict[str, Any]) -> dict:
    """One round of every solver's claim: the signals are the new records and the increments."""
    m = POINTS[params["point"]]
    rng = _rng(params["point"], state["run"])
    clean, failed = state["clean"], state["failed"]
    last = len(m["k"]) - 1
    idx = [
        min(max(c - m["probation"] - m["cooloff"] * f, 0), last)
        for c, f in zip(clean, failed, strict=True)
    ]
    total_k = sum(m["k"][i] for i in idx)
    audit = m["audit_rate"]
    if total_k > 0 and m["budget"] is not None:
        audit = min(audit, m["budget"] / total_k)
    out = dict.fromkeys(TOTALS, 0.0)
    new_clean, new_failed = list(clean), list(failed)
    for s, kind in enumerate(m["kinds"]):
        i = idx[s]
        det, cost = m["detection"][i], m["check_cost"][i]
        u_cheat, u_audit, u_detect, u_challenge = (rng.random() for _ in range(4))
        if kind == 2:
            cheat = u_cheat < m["cheat_rate"]
        elif kind == 3:
            cheat = _gain(audit, det, m) > 0
        else:
            cheat = False
        audited = u_audit < audit
        caught = cheat and audited and u_detect < det
        fails = False
        if cheat and (caught or u_challenge < m["insight"]):
            table = m["against_cheat"]
            pattern = _dispute(m, table, rng)
            fails = table["honest_wins"][pattern]
            out["cheat_gain"] -= table["adversary_cost"][pattern]
        elif not cheat and u_challenge < m["grief"]:
            table = m["against_honest"]
            pattern = _dispute(m, table, rng)
            fails = not table["honest_wins"][pattern]
        else:
            table = None
        if table is not None:
            out["honest_dispute_cost"] += table["honest_cost"][pattern]
            out["burned"] += table["burned"][pattern]
            out["disputes"] += 1
        out["claims"] += 1
        if cheat:
            out["cheats"] += 1
            out["cheats_failed"] += fails
            out["cheat_gain"] += m["gain"] - (m["failure_loss"] if fails else 0.0)
        if audited:
            out["verification_cost"] += cost
        if fails:
            out["burned"] += m["bond_burned"]
        else:
            out["work_paid"] += m["payment"]
        if audited and caught:
            new_clean[s], new_failed[s] = 0, failed[s] + 1
        elif audited:
            new_clean[s] = clean[s] + 1
    out["clean"], out["failed"] = new_clean, new_failed
    return out


def _total(name: str) -> Any:
    def update(params: Any, substep: Any, history: Any, state: Any, signal: Any) -> Any:
        return name, state[name] + signal[name]

    return update


def _replace(name: str) -> Any:
    def update(params: Any, substep: Any, history: Any, state: Any, signal: Any) -> Any:
        return name, signal[name]

    return update


def main() -> int:
    with open(sys.argv[1]) as handle:
        spec = json.load(handle)
    POINTS.extend(spec["points"])
    SETTINGS["seed"] = spec["seed"]
    width = len(POINTS[0]["kinds"])
    initial = {"clean": [0] * width, "failed": [0] * width, **dict.fromkeys(TOTALS, 0.0)}
    blocks = [
        {
            "policies": {"round": p_round},
            "variables": {
                **{n: _total(n) for n in TOTALS},
                "clean": _replace("clean"),
                "failed": _replace("failed"),
            },
        }
    ]
    model = Model(
        initial_state=initial,
        state_update_blocks=blocks,
        params={"point": list(range(len(POINTS)))},
    )
    simulation = Simulation(model=model, timesteps=spec["steps"], runs=spec["runs"])
    simulation.engine = Engine(backend=Backend.SINGLE_PROCESS)
    start = time.perf_counter()
    rows = simulation.run()
    seconds = time.perf_counter() - start
    per_point: list[dict[str, list[float]]] = [{n: [] for n in TOTALS} for _ in range(len(POINTS))]
    for row in rows:
        if row["timestep"] == spec["steps"] and row["substep"] == 1:
            for n in TOTALS:
                per_point[row["subset"]][n].append(row[n])
    print(json.dumps({"seconds": seconds, "points": per_point}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
