"""Run every ``benchmarks/bench_*.py``, print a table and write ``benchmarks/results.json``.

Each module defines ``run(quick: bool) -> list[Result]``. ``--quick`` keeps every name but uses
smaller sizes (the whole quick run stays under two minutes); ``--only`` runs some modules and
merges their results into the existing file.
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _harness import Result  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, same names")
    parser.add_argument("--only", nargs="*", default=None, help="module names, e.g. envelope")
    args = parser.parse_args()
    modules = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if args.only:
        wanted = {f"bench_{name.removeprefix('bench_')}" for name in args.only}
        unknown = wanted - set(modules)
        if unknown:
            print(f"unknown benchmark modules: {sorted(unknown)}", file=sys.stderr)
            return 2
        modules = [m for m in modules if m in wanted]
    out = HERE / "results.json"
    results: dict[str, object] = {}
    if args.only and out.exists():
        results = json.loads(out.read_text())
    print(f"{'benchmark':34} {'value':>14} {'unit':14} {'goal':>10}  met  detail")
    for name in modules:
        start = time.perf_counter()
        module = importlib.import_module(name)
        produced: list[Result] = module.run(args.quick)
        for r in produced:
            results[r.name] = r.as_json()
            detail = ", ".join(f"{k}={_fmt(v)}" for k, v in r.detail.items())
            mark = "yes" if r.met else "NO"
            figures = f"{_fmt(r.value):>14} {r.unit:14} {_fmt(r.goal):>10}"
            print(f"{r.name:34} {figures}  {mark:3}  {detail}")
        print(f"  ({name}: {time.perf_counter() - start:.1f} s)")
    results["_meta"] = {
        "quick": args.quick,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    out.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"wrote {out.relative_to(HERE.parent)}")
    return 0


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


if __name__ == "__main__":
    raise SystemExit(main())
