"""Sweeps of the dispute-economics model: grids, configurations, seeding, executors, progress.

A sweep is a cartesian grid over any parameters of :class:`SimulationParams`, each point run
``runs`` times for ``steps`` rounds. Runs come in blocks of ``block``; block ``b`` of point
``p`` draws from its own generator, ``PCG64(SeedSequence(seed, spawn_key=(p, b)))`` (the
``SeedSequence.spawn`` tree: child ``p`` of the seed, its child ``b``), and every operation of
the kernel stays within one run's row, so the results for a seed are the same bytes whatever the
number of workers and however the blocks are grouped into tasks. The tasks go to any
:class:`concurrent.futures.Executor`: in-process by default, a process pool with ``workers``,
or a Dask ``Client.get_executor()`` (:func:`dask_executor`, the optional ``dask`` extra).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import itertools
import json
import math
import time
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any, Final, TextIO

import attrs
import numpy as np

from oddsproof.errors import InvalidArgument, OddsproofError

from ._model import (
    PARAMETER_NAMES,
    SUM_METRICS,
    SWEEPABLE,
    FloatArray,
    PointModel,
    SimLevel,
    SimulationParams,
    Unit,
    _as_tuple,
    _int_range,
    compile_point,
    run_units,
)

DEFAULT_BLOCK: Final = 50
"""Runs per random-number block (part of what a seed means: keep it to reproduce results)."""
MAX_POINTS: Final = 10_000
MAX_RUNS: Final = 1_000_000
MAX_STEPS: Final = 100_000
MAX_CONFIG: Final = 1 << 20
CHUNK_ELEMENTS: Final = 1 << 16
"""A task holds at most about this many (run × solver) cells, to bound its memory."""


def grid(
    base: SimulationParams, sweep: Mapping[str, Sequence[Any]]
) -> tuple[SimulationParams, ...]:
    """The cartesian product of ``sweep`` over ``base``, first key slowest (as nested loops
    written in the order given)."""
    if not isinstance(base, SimulationParams):
        raise InvalidArgument("grid takes SimulationParams as its base")
    names = list(sweep)
    for name in names:
        if name not in SWEEPABLE:
            raise InvalidArgument(f"cannot sweep {name!r}: not a scalar parameter")
        values = sweep[name]
        if isinstance(values, str | bytes) or not isinstance(values, Sequence) or not values:
            raise InvalidArgument(f"sweep.{name} is a non-empty list of values")
    size = math.prod(len(sweep[n]) for n in names)
    if size > MAX_POINTS:
        raise InvalidArgument(f"the grid has {size} points, more than {MAX_POINTS}")
    points = []
    for combo in itertools.product(*(sweep[n] for n in names)):
        changes = dict(zip(names, combo, strict=True))
        try:
            points.append(base.replace(**changes))
        except InvalidArgument as exc:
            raise InvalidArgument(f"sweep point {changes}: {exc}") from None
    return tuple(points)


# --- configuration -------------------------------------------------------------------------------


@attrs.frozen
class SimulationConfig:
    """A whole study: the base parameters, the sweep, the sizes, the seed, and which swept
    parameters the report plots (``x``: the bond axis, ``series``: the check-rate curves)."""

    base: SimulationParams = attrs.field(validator=attrs.validators.instance_of(SimulationParams))
    sweep: tuple[tuple[str, tuple[Any, ...]], ...] = attrs.field()
    runs: int = attrs.field(default=200, validator=_int_range(2, MAX_RUNS))
    steps: int = attrs.field(default=50, validator=_int_range(1, MAX_STEPS))
    seed: int = attrs.field(default=0, validator=_int_range(0, (1 << 63) - 1))
    block: int = attrs.field(default=DEFAULT_BLOCK, validator=_int_range(1, MAX_RUNS))
    x: str = attrs.field(default="claim_bond")
    series: str = attrs.field(default="audit_rate")

    @sweep.validator
    def _sweep(self, _attr: object, value: Any) -> None:
        if not isinstance(value, tuple) or not all(
            isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], tuple)
            for item in value
        ):
            raise InvalidArgument("sweep is a tuple of (name, values) pairs")
        grid(self.base, dict(value))  # every point valid

    @x.validator
    @series.validator
    def _axis(self, attr: attrs.Attribute[Any], value: Any) -> None:
        if value not in SWEEPABLE:
            raise InvalidArgument(f"report.{attr.name} names a parameter, got {value!r}")

    def points(self) -> tuple[SimulationParams, ...]:
        """The grid's parameter points, in order."""
        return grid(self.base, dict(self.sweep))

    @property
    def swept(self) -> tuple[str, ...]:
        """The names of the swept parameters."""
        return tuple(name for name, _ in self.sweep)


def _count(name: str, value: Any, low: int, high: int) -> int:
    if type(value) is not int or not low <= value <= high:
        raise InvalidArgument(f"{name} must be an integer in [{low}, {high}], got {value!r}")
    return value


DEFAULT_CONFIG: Final[Mapping[str, Any]] = {
    "runs": 100,
    "steps": 40,
    "seed": 2024,
    "block": DEFAULT_BLOCK,
    "params": {},
    "sweep": {
        "claim_bond": [0, 250, 500, 1000, 2000, 4000, 8000],
        "audit_rate": [0.01, 0.02, 0.05, 0.1, 0.2],
    },
    "report": {"x": "claim_bond", "series": "audit_rate"},
}
"""The built-in study of ``oddsproof simulate``: the default market (``SimulationParams()``)
swept over the claim bond and the check rate."""

_TOP_KEYS: Final = frozenset({"runs", "steps", "seed", "block", "params", "sweep", "report"})


def parse_config(doc: Any) -> SimulationConfig:
    """A :class:`SimulationConfig` from a parsed TOML or JSON document (see
    ``docs/simulation.md``); anything malformed is a :class:`InvalidArgument`."""
    if not isinstance(doc, Mapping):
        raise InvalidArgument("a configuration is a table (TOML) or an object (JSON)")
    unknown = sorted(set(doc) - _TOP_KEYS)
    if unknown:
        raise InvalidArgument(f"unknown configuration key {unknown[0]!r}")
    params = doc.get("params", {})
    if not isinstance(params, Mapping):
        raise InvalidArgument("params is a table of parameters")
    fields: dict[str, Any] = {}
    for name, value in params.items():
        if name not in PARAMETER_NAMES:
            raise InvalidArgument(f"unknown parameter params.{name}")
        fields[name] = _levels(value) if name == "levels" else value
    try:
        base = SimulationParams(**fields)
    except (TypeError, ValueError) as exc:  # InvalidArgument, or attrs' own (wrong types)
        raise InvalidArgument(f"params: {exc}") from None
    sweep = doc.get("sweep", {})
    if not isinstance(sweep, Mapping):
        raise InvalidArgument("sweep is a table of parameter: [values]")
    pairs = []
    for name, values in sweep.items():
        if not isinstance(values, list):
            raise InvalidArgument(f"sweep.{name} is a list of values")
        pairs.append((name, tuple(_as_tuple(v) for v in values)))
    report = doc.get("report", {})
    if not isinstance(report, Mapping) or set(report) - {"x", "series"}:
        raise InvalidArgument("report takes x and series (parameter names)")
    swept = [name for name, _ in pairs]
    x = report.get("x", swept[0] if swept else "claim_bond")
    series = report.get("series", swept[1] if len(swept) > 1 else "audit_rate")
    return SimulationConfig(
        base,
        tuple(pairs),
        runs=doc.get("runs", 200),
        steps=doc.get("steps", 50),
        seed=doc.get("seed", 0),
        block=doc.get("block", DEFAULT_BLOCK),
        x=x,
        series=series,
    )


def _levels(value: Any) -> tuple[SimLevel, ...]:
    if not isinstance(value, list) or not value:
        raise InvalidArgument("params.levels is a list of {fee, bond, window, accuracy}")
    levels = []
    for i, spec in enumerate(value):
        if not isinstance(spec, Mapping) or set(spec) - {"fee", "bond", "window", "accuracy"}:
            raise InvalidArgument(f"params.levels[{i}] takes fee, bond, window and accuracy")
        try:
            levels.append(SimLevel(**spec))
        except (InvalidArgument, TypeError) as exc:
            raise InvalidArgument(f"params.levels[{i}]: {exc}") from None
    return tuple(levels)


def load_config(path: str | Path | None = None) -> SimulationConfig:
    """The configuration in a ``.toml`` or ``.json`` file, or the built-in default
    (:data:`DEFAULT_CONFIG`) when ``path`` is ``None``."""
    if path is None:
        return parse_config(DEFAULT_CONFIG)
    file = Path(path)
    data = file.read_bytes()[: MAX_CONFIG + 1]  # OSError: the caller reports the file
    if len(data) > MAX_CONFIG:
        raise InvalidArgument(f"{file}: larger than {MAX_CONFIG} bytes")
    try:
        text = data.decode("utf-8")
        if file.suffix.lower() == ".toml":
            doc: Any = tomllib.loads(text)
        elif file.suffix.lower() == ".json":
            doc = json.loads(text)
        else:
            raise InvalidArgument(f"{file}: a configuration is a .toml or .json file")
    except (UnicodeDecodeError, json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InvalidArgument(f"{file}: not valid {file.suffix[1:].upper()}: {exc}") from None
    except RecursionError:
        raise InvalidArgument(f"{file}: nests too deeply") from None
    try:
        return parse_config(doc)
    except InvalidArgument as exc:
        raise InvalidArgument(f"{file}: {exc}") from None


# --- results -------------------------------------------------------------------------------------


@attrs.frozen(eq=False)
class SimulationResult:
    """Per-run totals of every point of a sweep: ``totals[metric]`` is (points × runs),
    ``levels[p]`` is (runs × levels of point p): disputes entering each level. Made by
    :func:`simulate`."""

    points: tuple[SimulationParams, ...]
    swept: tuple[str, ...]
    runs: int
    steps: int
    seed: int
    block: int
    totals: Mapping[str, FloatArray]
    levels: tuple[FloatArray, ...]
    seconds: float
    """Wall-clock time of the simulation (compiling the points included)."""

    def estimate(self, point: int, metric: str) -> tuple[float, float]:
        """(mean, standard error) of a summary metric at one point (see :data:`SUMMARY`)."""
        if metric not in SUMMARY:
            raise InvalidArgument(f"unknown metric {metric!r}")
        numerator, denominator = SUMMARY[metric]
        return _ratio(self._series(point, numerator), self._series(point, denominator))

    def _series(self, point: int, expr: str) -> FloatArray:
        if expr == "1":
            return np.ones(self.runs, dtype=np.float64)
        total = np.zeros(self.runs, dtype=np.float64)
        for term in expr.split("+"):
            sign, name = (-1.0, term[1:]) if term.startswith("-") else (1.0, term)
            total = total + sign * self.totals[name][point]
        return total

    def disputes(self, point: int) -> list[tuple[float, float]]:
        """(mean, standard error) per run of the disputes entering each level."""
        counts = self.levels[point]
        ones = np.ones(self.runs, dtype=np.float64)
        return [_ratio(counts[:, level], ones) for level in range(counts.shape[1])]

    def rows(self) -> list[dict[str, Any]]:
        """One flat record per point: the swept parameters, then every summary metric and its
        standard error (``_se``), then disputes per run entering each level (``disputes_l<i>``)."""
        out = []
        for p, params in enumerate(self.points):
            row: dict[str, Any] = {name: _plain_value(getattr(params, name)) for name in self.swept}
            for metric in SUMMARY:
                mean, se = self.estimate(p, metric)
                row[metric], row[f"{metric}_se"] = mean, se
            for level, (mean, se) in enumerate(self.disputes(p)):
                row[f"disputes_l{level}"], row[f"disputes_l{level}_se"] = mean, se
            out.append(row)
        return out

    @property
    def throughput(self) -> float:
        """Points × runs × steps simulated per second."""
        return len(self.points) * self.runs * self.steps / max(self.seconds, 1e-9)


def _plain_value(value: Any) -> Any:
    if isinstance(value, Fraction):
        return float(value)
    if isinstance(value, tuple):
        return "/".join(str(v) for v in value) if len(value) == 2 else list(value)
    return getattr(value, "value", value)


SUMMARY: Final[Mapping[str, tuple[str, str]]] = {
    "cheat_gain": ("cheat_gain", "cheats"),
    "fraud_through": ("cheats+-cheats_failed", "cheats"),
    "honest_overhead": ("verification_cost+honest_dispute_cost", "work_paid"),
    "cheat_share": ("cheats", "claims"),
    "honest_failed": ("honest_failed", "claims+-cheats"),
    "burned": ("burned", "1"),
    "fees": ("fees", "1"),
    "bettor_profit": ("bettor_profit", "1"),
    "disputes": ("disputes", "1"),
    "dispute_seconds": ("dispute_seconds", "disputes"),
}
"""Summary metrics as (numerator, denominator) sums over a point's runs (ratio estimators):
``cheat_gain`` is the mean gain of a cheating claim over doing the work; ``fraud_through`` the
share of cheating claims that stand; ``honest_overhead`` verification plus honest parties'
dispute costs over work paid; ``cheat_share`` cheats per claim; ``honest_failed`` honest claims
failed wrongly per honest claim; ``burned``, ``fees``, ``bettor_profit`` and ``disputes`` per
run; ``dispute_seconds`` the mean time from a dispute's opening to its decision."""


def _ratio(y: FloatArray, x: FloatArray) -> tuple[float, float]:
    """Σy/Σx over runs and its delta-method standard error."""
    sx = float(x.sum())
    if sx == 0:
        return math.nan, math.nan
    ratio = float(y.sum()) / sx
    n = y.size
    resid = y - ratio * x
    se = math.sqrt(float(np.dot(resid, resid)) / (n * (n - 1))) / (sx / n) if n > 1 else math.nan
    return ratio, se


# --- running -------------------------------------------------------------------------------------


class Progress:
    """A one-line progress bar on a text stream (stderr in the CLI), redrawn at most ten times a
    second and finished with a newline."""

    def __init__(self, total: int, stream: TextIO | None, *, label: str = "simulating") -> None:
        self.total = max(1, total)
        self.done = 0
        self._stream = stream
        self._label = label
        self._start = time.perf_counter()
        self._drawn = -1.0

    def advance(self, count: int = 1) -> None:
        """Count ``count`` more blocks done and redraw if due."""
        self.done += count
        now = time.perf_counter()
        if self.done >= self.total or now - self._drawn >= 0.1:
            self._draw(now)

    def _draw(self, now: float) -> None:
        if self._stream is None:
            return
        self._drawn = now
        width = 30
        filled = width * self.done // self.total
        bar = "#" * filled + "-" * (width - filled)
        elapsed = now - self._start
        line = f"\r{self._label} [{bar}] {self.done}/{self.total} blocks {elapsed:5.1f} s"
        self._stream.write(line)
        if self.done >= self.total:
            self._stream.write("\n")
        self._stream.flush()


def _chunks(
    units: list[Unit], models: Mapping[int, PointModel], per_chunk: int
) -> list[list[Unit]]:
    chunks: list[list[Unit]] = []
    current: list[Unit] = []
    cells = 0
    for unit in units:
        size = unit.runs * models[unit.point].solvers
        width = models[current[0].point].solvers if current else None
        full = len(current) >= per_chunk or cells + size > CHUNK_ELEMENTS
        if current and (full or width != models[unit.point].solvers):  # no padded rows
            chunks.append(current)
            current, cells = [], 0
        current.append(unit)
        cells += size
    if current:
        chunks.append(current)
    return chunks


def _run_chunk(
    models: dict[int, PointModel], units: list[Unit], steps: int
) -> list[dict[str, Any]]:
    """One task: a group of blocks, simulated together (module level, so it pickles)."""
    return run_units(models, units, steps=steps)


def simulate(
    points: SimulationParams | Sequence[SimulationParams],
    *,
    runs: int,
    steps: int,
    seed: int = 0,
    block: int = DEFAULT_BLOCK,
    workers: int = 1,
    executor: concurrent.futures.Executor | None = None,
    chunk_blocks: int | None = None,
    progress: TextIO | None = None,
    swept: Sequence[str] = (),
) -> SimulationResult:
    """Run every point ``runs`` times for ``steps`` rounds.

    Without ``executor``, one worker runs in this process and more start a process pool of
    ``workers``; any :class:`concurrent.futures.Executor` may be given instead (a Dask
    client's, say), ``workers`` then only shaping the tasks. ``chunk_blocks`` caps the blocks
    per task. The results depend on ``seed`` and ``block`` only, never on the workers or the
    chunking. ``progress`` is a stream for the progress bar (``None``: silent)."""
    started = time.perf_counter()
    plist = (points,) if isinstance(points, SimulationParams) else tuple(points)
    if not plist or not all(isinstance(p, SimulationParams) for p in plist):
        raise InvalidArgument("simulate takes SimulationParams or a non-empty sequence of them")
    if len(plist) > MAX_POINTS:
        raise InvalidArgument(f"at most {MAX_POINTS} points")
    _count("runs", runs, 2, MAX_RUNS)
    _count("steps", steps, 1, MAX_STEPS)
    _count("seed", seed, 0, (1 << 63) - 1)
    _count("block", block, 1, MAX_RUNS)
    _count("workers", workers, 1, 1024)
    if chunk_blocks is not None:
        _count("chunk_blocks", chunk_blocks, 1, MAX_POINTS * MAX_RUNS)
    if executor is not None and not isinstance(executor, concurrent.futures.Executor):
        raise InvalidArgument("executor is a concurrent.futures.Executor")
    memo: dict[Any, Any] = {}
    models = {p: compile_point(params, steps=steps, memo=memo) for p, params in enumerate(plist)}
    units = [
        Unit(p, b, min(block, runs - b * block), np.random.SeedSequence(seed, spawn_key=(p, b)))
        for p in range(len(plist))
        for b in range(-(-runs // block))
    ]
    in_process = executor is None and workers == 1
    per_chunk = chunk_blocks or (len(units) if in_process else -(-len(units) // (2 * workers)))
    chunks = _chunks(units, models, per_chunk)
    bar = Progress(len(units), progress)
    results: dict[tuple[int, int], dict[str, Any]] = {}

    def collect(chunk: list[Unit], outputs: list[dict[str, Any]]) -> None:
        for unit, output in zip(chunk, outputs, strict=True):
            results[unit.point, unit.block] = output
        bar.advance(len(chunk))

    if in_process:
        for chunk in chunks:
            collect(chunk, _run_chunk({u.point: models[u.point] for u in chunk}, chunk, steps))
    else:
        with contextlib.ExitStack() as stack:
            pool = executor
            if pool is None:
                pool = stack.enter_context(concurrent.futures.ProcessPoolExecutor(workers))
            _run_remote(pool, chunks, models, steps, collect)
    totals = {name: np.zeros((len(plist), runs), dtype=np.float64) for name in SUM_METRICS}
    levels = [np.zeros((runs, models[p].levels), dtype=np.float64) for p in range(len(plist))]
    for (p, b), output in sorted(results.items()):
        rows = slice(b * block, b * block + output["claims"].size)
        for name in SUM_METRICS:
            totals[name][p, rows] = output[name]
        levels[p][rows] = output["levels"]
    return SimulationResult(
        plist,
        tuple(swept),
        runs,
        steps,
        seed,
        block,
        totals,
        tuple(levels),
        time.perf_counter() - started,
    )


def _run_remote(
    pool: concurrent.futures.Executor,
    chunks: list[list[Unit]],
    models: Mapping[int, PointModel],
    steps: int,
    collect: Any,
) -> None:
    """Submit every chunk and collect them as they finish; a worker's failure becomes a
    :class:`InvalidArgument` (third-party exceptions never escape)."""
    futures: dict[concurrent.futures.Future[list[dict[str, Any]]], list[Unit]] = {}
    try:
        for chunk in chunks:
            needed = {u.point: models[u.point] for u in chunk}
            futures[pool.submit(_run_chunk, needed, chunk, steps)] = chunk
        for future in concurrent.futures.as_completed(futures):
            collect(futures[future], future.result())
    except OddsproofError:
        raise
    except Exception as exc:  # an executor's or a worker's failure, translated
        for future in futures:
            future.cancel()
        raise InvalidArgument(f"a simulation worker failed ({type(exc).__name__}): {exc}") from exc


def run_config(
    config: SimulationConfig,
    *,
    workers: int = 1,
    executor: concurrent.futures.Executor | None = None,
    progress: TextIO | None = None,
) -> SimulationResult:
    """Run a whole configuration (its grid, sizes and seed)."""
    if not isinstance(config, SimulationConfig):
        raise InvalidArgument("run_config takes a SimulationConfig")
    return simulate(
        config.points(),
        runs=config.runs,
        steps=config.steps,
        seed=config.seed,
        block=config.block,
        workers=workers,
        executor=executor,
        progress=progress,
        swept=config.swept,
    )


@contextlib.contextmanager
def dask_executor(
    address: str | None = None, *, workers: int = 2, processes: bool = True
) -> Iterator[concurrent.futures.Executor]:
    """A Dask ``Client.get_executor()`` for :func:`simulate`: connected to the scheduler at
    ``address``, or to a local cluster of ``workers`` started here (and closed on exit). Needs
    the ``dask`` extra (``pip install 'oddsproof[dask]'``)."""
    try:
        import distributed  # noqa: PLC0415 - optional dependency
    except ImportError:
        raise InvalidArgument(
            "the Dask executor needs the dask extra: pip install 'oddsproof[dask]'"
        ) from None
    _count("workers", workers, 1, 1024)
    with contextlib.ExitStack() as stack:
        try:
            if address is None:
                cluster = stack.enter_context(
                    distributed.LocalCluster(  # type: ignore[no-untyped-call]
                        n_workers=workers,
                        threads_per_worker=1,
                        processes=processes,
                        dashboard_address=None,
                    )
                )
                client = stack.enter_context(
                    distributed.Client(cluster)  # type: ignore[no-untyped-call]
                )
            else:
                client = stack.enter_context(
                    distributed.Client(address, timeout=10)  # type: ignore[no-untyped-call]
                )
        except OddsproofError:
            raise
        except Exception as exc:  # Dask's failures, translated
            raise InvalidArgument(f"cannot start the Dask client: {exc}") from exc
        yield client.get_executor()
