"""``oddsproof simulate``: sweep the dispute-economics model and report where cheating pays.

Reads a study (TOML or JSON; without one, the built-in default sweeps the claim bond against the
check rate), runs it on this machine's cores or a Dask cluster with a progress bar on stderr,
prints the table, and with ``--out`` writes ``results.csv``, ``summary.json`` and the plots.
Fields: ``docs/simulation.md``; example: ``examples/simulate.toml``.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import textwrap
from pathlib import Path
from typing import Any

import attrs

from oddsproof.economics import (
    SimulationConfig,
    dask_executor,
    format_table,
    load_config,
    run_config,
    summarize,
    write_csv,
    write_plots,
    write_summary,
)
from oddsproof.economics._report import plot_axes
from oddsproof.errors import InvalidArgument

from ._output import EXIT_OK, Output, add_json_flag

PLOTS_SKIPPED = "plots skipped: matplotlib is not installed (pip install 'oddsproof[plot]')"


def register(sub: Any) -> None:
    """Add ``simulate`` to the subcommand table."""
    cmd = sub.add_parser(
        "simulate",
        help="sweep the dispute economics: where does cheating pay?",
        description=textwrap.fill(
            "Simulate a marketplace of honest solvers, cheaters and adaptive cheaters, a "
            "verifier with a check budget, bettors and the arbitration ladder, over a grid of "
            "parameters, many runs per point. Prints, per point, a cheat's expected gain over "
            "honest work, the share of fraud that gets through, the honest overhead "
            "(verification and disputes as a share of the work paid), disputes per ladder "
            "level and bonds burned. Without CONFIG, a built-in study sweeps the claim bond "
            "against the check rate. Results depend only on the configuration and its seed, "
            "never on the number of workers.",
            width=78,
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=textwrap.dedent(
            """\
            examples:
              oddsproof simulate                              # the built-in study
              oddsproof simulate --out results/               # + results.csv, summary.json, plots
              oddsproof simulate examples/simulate.toml --workers 2 --json
              oddsproof simulate study.toml --executor dask --scheduler tcp://10.0.0.5:8786

            exit status: 0 done, 2 a bad configuration or option"""
        ),
    )
    cmd.add_argument("config", nargs="?", help="the study (.toml or .json); default: built in")
    cmd.add_argument("--out", metavar="DIR", help="write results.csv, summary.json and plots here")
    cmd.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    cmd.add_argument(
        "--executor",
        choices=("process", "dask"),
        default="process",
        help="process pool (default) or Dask (needs the dask extra)",
    )
    cmd.add_argument("--scheduler", metavar="ADDRESS", help="a running Dask scheduler to use")
    cmd.add_argument("--runs", type=int, help="override the study's runs per point")
    cmd.add_argument("--steps", type=int, help="override the study's rounds per run")
    cmd.add_argument("--seed", type=int, help="override the study's seed")
    cmd.add_argument("--quiet", action="store_true", help="no progress bar")
    add_json_flag(cmd)
    cmd.set_defaults(handler=_simulate)


def _configure(args: argparse.Namespace) -> SimulationConfig:
    config = load_config(args.config)
    changes = {
        k: getattr(args, k) for k in ("runs", "steps", "seed") if getattr(args, k) is not None
    }
    if changes:
        try:
            config = attrs.evolve(config, **changes)
        except InvalidArgument as exc:
            raise InvalidArgument(f"--{next(iter(changes))}: {exc}") from None
    if args.workers < 1 or args.workers > 1024:
        raise InvalidArgument(f"--workers must be between 1 and 1024, got {args.workers}")
    if args.scheduler and args.executor != "dask":
        raise InvalidArgument("--scheduler goes with --executor dask")
    return config


def _simulate(args: argparse.Namespace, out: Output) -> int:
    config = _configure(args)
    target = Path(args.out) if args.out else None
    if target is not None and target.exists() and not target.is_dir():
        raise InvalidArgument(f"--out {target}: not a directory")
    progress = None if args.quiet or not sys.stderr.isatty() else sys.stderr
    with contextlib.ExitStack() as stack:
        executor = None
        if args.executor == "dask":
            executor = stack.enter_context(
                dask_executor(args.scheduler, workers=max(args.workers, 1))
            )
        result = run_config(config, workers=args.workers, executor=executor, progress=progress)
    doc = summarize(result, config)
    files: list[str] = []
    plots_note = None
    if target is not None:
        target.mkdir(parents=True, exist_ok=True)
        files.append(str(write_csv(result, target / "results.csv")))
        x, series = plot_axes(result, config.x, config.series)
        plots = write_plots(result, target, x=x, series=series)
        if plots is None:
            plots_note = PLOTS_SKIPPED
        else:
            files += [str(p) for p in plots]
        doc["files"] = [*files, str(target / "summary.json")]
        doc["plots_skipped"] = plots_note
        files.append(str(write_summary(doc, target / "summary.json")))
    out.text(
        f"{len(result.points)} points × {result.runs} runs × {result.steps} rounds "
        f"(seed {result.seed}) in {result.seconds:.2f} s"
    )
    out.text()
    out.text(format_table(result))
    out.text()
    out.text(
        "cheat gain: a cheat's expected gain over honest work (± 2 standard errors); "
        "below 0, cheating does not pay"
    )
    for path in files:
        out.text(f"wrote {path}")
    if plots_note:
        out.text(plots_note)
    out.json(doc)
    return EXIT_OK
