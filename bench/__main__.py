"""Run the benchmarks: ``python -m bench [--quick] [--only NAME ...] [--json FILE]``.

Each benchmark is a module with ``NAME`` and ``run(*, quick) -> result``, where the
result has ``lines()`` (the summary printed here) and is a dataclass (for --json).
A benchmark whose PostgreSQL or Redis is unreachable is reported and skipped.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import json
import sys
import time

from bench.support import Unavailable

# Add a benchmark here: its module path.
BENCHMARKS = [
    "bench.socketio_delivery",
    "bench.search",
    "bench.spread",
    "bench.resumes",
    "bench.matches",
    "bench.matching",
    "bench.analytics",
    "bench.audit",
    "bench.admin_panel",
    "bench.exports",
    "bench.imports",
    "bench.chaos.worker_kills",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--only", action="append", metavar="NAME", help="run only these")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args(argv)

    modules = [importlib.import_module(path) for path in BENCHMARKS]
    selected = [m for m in modules if not args.only or m.NAME in args.only]
    unknown = set(args.only or ()) - {m.NAME for m in modules}
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")

    results: dict[str, object] = {}
    failed = False
    for module in selected:
        print(f"== {module.NAME} ({'quick' if args.quick else 'full'})", flush=True)
        started = time.monotonic()
        try:
            result = module.run(quick=args.quick)
        except Unavailable as exc:
            print(f"   skipped: {exc}", flush=True)
            failed = True
            continue
        for line in result.lines():
            print(f"   {line}", flush=True)
        print(f"   ({time.monotonic() - started:.0f} s)", flush=True)
        results[module.NAME] = dataclasses.asdict(result)
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(results, handle, indent=2, default=str)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
