"""Before launching a marketplace: at which claim bond and check rate does cheating stop paying?

Sweeps the dispute-economics model (``docs/simulation.md``) over the claim bond and the share
of claims the verifier audits, compares the Monte Carlo means with the closed form, finds the
break-even bond for each check rate, and writes the table, CSV and plots::

    python examples/economics_sweep.py --out sweep-results/
"""

from __future__ import annotations

import argparse
import sys
from fractions import Fraction
from pathlib import Path

from oddsproof.economics import (
    SimulationParams,
    expected_values,
    format_table,
    grid,
    simulate,
    write_csv,
    write_plots,
)

BONDS = [0, 500, 1000, 2000, 4000, 8000]
CHECK_RATES = [Fraction(1, 100), Fraction(1, 50), Fraction(1, 20), Fraction(1, 10)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write results.csv and the plots here")
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()

    market = SimulationParams(  # the defaults, spelled out where they matter here
        payment=1000,
        work_cost=800,
        fraud_fraction=Fraction(1, 10),  # a cheat fakes 10 % of the pieces and saves 80
        checks=10,  # k pieces per audit: catches such a cheat with 1 − 0.9^10 = 65 %
        honest=80,
        cheaters=10,
        adaptive=10,
    )
    points = grid(market, {"claim_bond": BONDS, "audit_rate": CHECK_RATES})
    result = simulate(
        points,
        runs=args.runs,
        steps=40,
        seed=1,
        workers=args.workers,
        progress=sys.stderr,
        swept=("claim_bond", "audit_rate"),
    )
    print(format_table(result))
    print()

    # Where cheating stops paying, per check rate: the closed form (exact given the model's
    # numbers) and whether the simulation agrees within four standard errors.
    for rate in CHECK_RATES:
        gains = [expected_values(market.replace(claim_bond=b, audit_rate=rate)) for b in BONDS]
        safe = [b for b, e in zip(BONDS, gains, strict=True) if e.cheat_gain <= 0]
        where = f"from a bond of {safe[0]}" if safe else f"not even at {BONDS[-1]}"
        print(f"check rate {float(rate):5.1%}: cheating stops paying {where}")
    agree = 0
    for p, params in enumerate(points):
        mean, se = result.estimate(p, "cheat_gain")
        agree += abs(mean - expected_values(params).cheat_gain) <= 4 * se
    print(f"Monte Carlo within 4 standard errors of the closed form: {agree}/{len(points)} points")

    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        print(f"wrote {write_csv(result, args.out / 'results.csv')}")
        plots = write_plots(result, args.out, x="claim_bond", series="audit_rate")
        if plots is None:
            print("plots skipped: pip install 'oddsproof[plot]'")
        for path in plots or []:
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
