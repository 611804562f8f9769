"""Reports of a sweep: a table for the terminal, CSV, a JSON summary, and plots.

The plots need the optional ``plot`` extra (matplotlib); without it :func:`write_plots` says so
and writes nothing, which is not an error. ``profit_vs_bond_checkrate.png`` shows a cheat's
expected gain against the bond, one curve per check rate, with the break-even line (gain 0), and
beside it the whole (bond × check rate) plane with the break-even contour;
``honest_overhead.png`` shows what honest parties pay (verification and disputes, as a share of
the work paid) and the share of fraud that gets through, against the check rate.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np

from oddsproof.errors import InvalidArgument

from ._sweep import SimulationConfig, SimulationResult

TABLE_COLUMNS: Final = (
    ("cheat_gain", "cheat gain", "{:,.1f}"),
    ("fraud_through", "fraud through", "{:.1%}"),
    ("honest_overhead", "honest overhead", "{:.2%}"),
    ("cheat_share", "cheats", "{:.1%}"),
    ("burned", "burned/run", "{:,.0f}"),
)
PROFIT_PLOT: Final = "profit_vs_bond_checkrate.png"
OVERHEAD_PLOT: Final = "honest_overhead.png"

LABELS: Final = {
    "claim_bond": "claim bond",
    "audit_rate": "check rate (share of claims audited)",
    "checks": "k (pieces checked per audit)",
    "payment": "payment",
    "lots": "bet lots",
}


def _label(name: str) -> str:
    return LABELS.get(name, name.replace("_", " "))


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def format_table(result: SimulationResult) -> str:
    """A plain-text table, one line per point: the swept parameters, a cheat's expected gain
    (± two standard errors), the share of fraud that gets through, the honest overhead, the
    share of claims that cheat, disputes per run entering each level, and bonds burned per run."""
    rows = result.rows()
    depth = max(levels.shape[1] for levels in result.levels)
    headers = [*result.swept, *(title for _, title, _ in TABLE_COLUMNS)]
    headers += [f"disputes L{i}" for i in range(depth)]
    lines = []
    for row in rows:
        cells = [_fmt(row[name]) for name in result.swept]
        for key, _, fmt in TABLE_COLUMNS:
            value = row[key]
            text = "n/a" if math.isnan(value) else fmt.format(value)
            if key == "cheat_gain" and not math.isnan(row["cheat_gain_se"]):
                text += f" ±{2 * row['cheat_gain_se']:,.1f}"
            cells.append(text)
        cells += [
            f"{row[f'disputes_l{i}']:.2f}" if f"disputes_l{i}" in row else "" for i in range(depth)
        ]
        lines.append(cells)
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(headers)]
    out = ["  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True))]
    out.append("  ".join("-" * w for w in widths))
    out += ["  ".join(c.rjust(w) for c, w in zip(line, widths, strict=True)) for line in lines]
    return "\n".join(out)


def write_csv(result: SimulationResult, path: str | Path) -> Path:
    """One row per point (every summary metric and its standard error), as
    :meth:`SimulationResult.rows` gives them; returns the path written."""
    target = Path(path)
    rows = result.rows()
    fields: list[str] = []
    for row in rows:
        fields += [key for key in row if key not in fields]
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return target


def summarize(result: SimulationResult, config: SimulationConfig | None = None) -> dict[str, Any]:
    """A JSON-ready document: sizes, seed, timing, the base parameters, and every point's row."""
    doc: dict[str, Any] = {
        "runs": result.runs,
        "steps": result.steps,
        "seed": result.seed,
        "block": result.block,
        "points": len(result.points),
        "swept": list(result.swept),
        "seconds": round(result.seconds, 3),
        "points_runs_steps_per_s": round(result.throughput, 1),
        "base": (config.base if config else result.points[0]).as_dict(),
        "rows": [{k: _json_number(v) for k, v in row.items()} for row in result.rows()],
    }
    if config is not None:
        doc["report"] = {"x": config.x, "series": config.series}
    return doc


def _json_number(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def write_summary(document: dict[str, Any], path: str | Path) -> Path:
    """Write a summary document as JSON; returns the path."""
    target = Path(path)
    target.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return target


# --- plots ---------------------------------------------------------------------------------------


def _plane(
    result: SimulationResult, x: str, series: str, metric: str
) -> tuple[list[Any], list[Any], Any, Any, str]:
    """The metric over the (x × series) plane, other swept parameters held at their first
    value: (x values, series values, means, standard errors, a note on what was held)."""
    rows = result.rows()
    held = {n: rows[0][n] for n in result.swept if n not in (x, series)}
    chosen = [(p, r) for p, r in enumerate(rows) if all(r[n] == v for n, v in held.items())]
    xs = sorted({_value(result, p, x) for p, _ in chosen})
    ss = sorted({_value(result, p, series) for p, _ in chosen})
    means = np.full((len(ss), len(xs)), np.nan)
    ses = np.full((len(ss), len(xs)), np.nan)
    for p, row in chosen:
        i, j = ss.index(_value(result, p, series)), xs.index(_value(result, p, x))
        means[i, j], ses[i, j] = row[metric], row[f"{metric}_se"]
    note = ", ".join(f"{n} = {_fmt(v)}" for n, v in held.items())
    return xs, ss, means, ses, note


def _value(result: SimulationResult, point: int, name: str) -> float:
    value = getattr(result.points[point], name)
    return float(value) if not isinstance(value, tuple) else float(value[0]) / float(value[1])


def write_plots(
    result: SimulationResult, directory: str | Path, *, x: str, series: str
) -> list[Path] | None:
    """Write the two PNGs into ``directory``; ``None`` (nothing written) when matplotlib is not
    installed. ``x`` is the bond axis and ``series`` the check rate (any parameters)."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415
        from matplotlib.figure import Figure  # noqa: PLC0415
    except ImportError:
        return None
    for name in (x, series):
        if not hasattr(result.points[0], name):
            raise InvalidArgument(f"cannot plot against {name!r}: not a parameter")
    target = Path(directory)
    mpl = (Figure, FigureCanvasAgg)
    return [
        _profit_plot(result, target / PROFIT_PLOT, (x, series), mpl),
        _overhead_plot(result, target / OVERHEAD_PLOT, (x, series), mpl),
    ]


def _series_label(series: str, value: float) -> str:
    if series in ("audit_rate", "cheat_rate", "false_challenge_rate", "bettor_insight"):
        return f"{value:.0%}" if value >= 0.1 else f"{value:.1%}"
    return _fmt(value)


def _profit_plot(
    result: SimulationResult, path: Path, axes_names: tuple[str, str], mpl: tuple[Any, Any]
) -> Path:
    x, series = axes_names
    figure, canvas = mpl
    xs, ss, means, ses, note = _plane(result, x, series, "cheat_gain")
    plane = len(xs) > 1 and len(ss) > 1
    fig = figure(figsize=(13 if plane else 7.5, 5.2), layout="constrained")
    canvas(fig)
    axes = fig.subplots(1, 2 if plane else 1, squeeze=False)[0]
    ax = axes[0]
    colours = _colours(len(ss))
    for i, s in enumerate(ss):
        ax.errorbar(
            xs,
            means[i],
            yerr=2 * ses[i],
            marker="o",
            ms=4,
            capsize=3,
            color=colours[i],
            label=_series_label(series, s),
        )
    ax.axhline(0.0, color="black", linestyle="--", linewidth=1.2, label="break-even (gain 0)")
    ax.set_xlabel(_label(x))
    ax.set_ylabel("expected gain of one cheat over honest work")
    ax.set_title("Does cheating pay? (±2 standard errors)")
    ax.legend(title=_label(series).split(" (")[0], fontsize=8, title_fontsize=8, loc="best")
    ax.grid(alpha=0.3)
    if plane:
        ax2 = axes[1]
        limit = float(np.nanmax(np.abs(means))) or 1.0
        mesh = ax2.pcolormesh(
            np.arange(len(xs)),
            np.arange(len(ss)),
            means,
            cmap="RdBu_r",
            vmin=-limit,
            vmax=limit,
            shading="nearest",
        )
        if np.nanmin(means) < 0 < np.nanmax(means):
            contour = ax2.contour(
                np.arange(len(xs)),
                np.arange(len(ss)),
                means,
                levels=[0.0],
                colors="black",
                linewidths=2,
            )
            ax2.clabel(contour, fmt={0.0: "break-even"}, fontsize=9)
        for i in range(len(ss)):
            for j in range(len(xs)):
                if not math.isnan(means[i, j]):
                    ax2.text(j, i, f"{means[i, j]:.0f}", ha="center", va="center", fontsize=7)
        ax2.set_xticks(range(len(xs)), [_fmt(v) for v in xs])
        ax2.set_yticks(range(len(ss)), [_series_label(series, v) for v in ss])
        ax2.set_xlabel(_label(x))
        ax2.set_ylabel(_label(series))
        ax2.set_title("Cheat's expected gain: red pays, blue does not")
        fig.colorbar(mesh, ax=ax2, label="expected gain per cheat")
    fig.suptitle(_title(result, note))
    fig.savefig(path, dpi=110)
    return path


def _overhead_plot(
    result: SimulationResult, path: Path, axes_names: tuple[str, str], mpl: tuple[Any, Any]
) -> Path:
    x, series = axes_names
    figure, canvas = mpl
    xs, ss, overhead, overhead_se, note = _plane(result, x, series, "honest_overhead")
    _, _, through, through_se, _ = _plane(result, x, series, "fraud_through")
    fig = figure(figsize=(13, 5.2), layout="constrained")
    canvas(fig)
    left, right = fig.subplots(1, 2)
    colours = _colours(len(xs))
    for j, xv in enumerate(xs):
        label = f"{_label(x)} {_fmt(xv)}"
        for ax, means, ses in ((left, overhead, overhead_se), (right, through, through_se)):
            ax.errorbar(
                ss,
                100 * means[:, j],
                yerr=200 * ses[:, j],
                marker="o",
                ms=4,
                capsize=3,
                color=colours[j],
                label=label,
            )
    left.set_title("Honest overhead: verification + disputes, % of work paid")
    left.set_ylabel("% of work paid")
    right.set_title("Share of fraudulent claims that get through")
    right.set_ylabel("% of cheating claims that stand")
    for ax in (left, right):
        ax.set_xlabel(_label(series))
        ax.grid(alpha=0.3)
        if len(ss) > 1 and min(ss) > 0 and max(ss) / min(ss) >= 10:
            ax.set_xscale("log")
            ax.minorticks_off()
        ax.set_xticks(ss, [_series_label(series, v) for v in ss])
    left.legend(fontsize=8, loc="best")
    fig.suptitle(_title(result, note))
    fig.savefig(path, dpi=110)
    return path


def _colours(n: int) -> list[Any]:
    from matplotlib import colormaps  # noqa: PLC0415 - only once matplotlib is known present

    cmap = colormaps["viridis"]
    return [cmap(0.9 * i / max(1, n - 1)) for i in range(n)]


def _title(result: SimulationResult, note: str) -> str:
    text = f"{result.runs} runs × {result.steps} rounds per point, seed {result.seed}"
    return text + (f"; {note}" if note else "")


def plot_axes(result: SimulationResult, x: str, series: str) -> tuple[str, str]:
    """The axes to plot: the configured ones, or the swept parameters when those are not."""
    swept: Sequence[str] = result.swept
    if swept and x not in swept:
        x = swept[0]
    if len(swept) > 1 and series not in swept:
        series = next(n for n in swept if n != x)
    return x, series
