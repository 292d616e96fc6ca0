"""PostgreSQL's time per search request on both relevance paths, one client, in process.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/DB
        python -m bench.search_paths [--samples 20] [--rounds 2]

On a database migrated and seeded beforehand (``flask db upgrade``, ``flask seed --jobs
100000``) whose server has the rum extension: the median ``EXPLAIN ANALYZE`` time
(planning + execution) of the statements each keyword kind's requests send
(``bench.search.explain`` over the same argument sets as bench/search.py), with the RUM
index, then with it dropped (``flask search rum-index --drop``), alternating rounds; the
index is made again at the end. No load generator: the SQL's own cost on each path.
"""

from __future__ import annotations

import argparse
import os

from bench import search
from bench.support import SECRETS, flask

KINDS = ("keyword", "keyword+filters", "broad keyword", "q=python")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--samples", type=int, default=20, help="requests per kind")
    parser.add_argument("--rounds", type=int, default=2)
    options = parser.parse_args(argv)
    env = {**SECRETS, "JOBHUB_CONFIG": "development", "DATABASE_URL": os.environ["DATABASE_URL"]}
    kinds = search._kinds([])
    timings: dict[tuple[str, str], list[float]] = {}
    try:
        for _round in range(options.rounds):
            for path in ("RUM", "GIN"):
                flask(env, "search", "rum-index", *(["--drop"] if path == "GIN" else []))
                app = search._app(env)
                if search.rum_in_use(app) != (path == "RUM"):
                    raise SystemExit("the rum extension is not available on this server")
                for kind in KINDS:
                    median = search.explain(app, kinds[kind], samples=options.samples)
                    timings.setdefault((kind, path), []).append(median)
                search._dispose(app)
    finally:
        flask(env, "search", "rum-index")
    print("| kind | RUM path ms | GIN path ms |")
    print("|---|---|---|")
    for kind in KINDS:
        rum, gin = (", ".join(f"{t:.1f}" for t in timings[kind, p]) for p in ("RUM", "GIN"))
        print(f"| {kind} | {rum} | {gin} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
