"""One client, in process: the cost of a search's first page and of a cursor page.

    DATABASE_URL=postgresql+psycopg://… python -m bench.search_profile [--requests 150] [--profile]

Against an existing, seeded database (``flask seed --jobs N``), through Flask's test
client, without Redis: the statements each request sends, the mean milliseconds per
request, and with ``--profile`` cProfile's top functions for the first page.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import time

from sqlalchemy import event


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=150)
    parser.add_argument("--profile", action="store_true")
    options = parser.parse_args(argv)

    from jobhub import create_app
    from jobhub.config import load_config
    from jobhub.db import db

    env = {**os.environ, "REDIS_URL": "", "RATELIMIT_ENABLED": "false", "LOG_LEVEL": "WARNING"}
    app = create_app(load_config(env))
    client = app.test_client()
    first = "/api/v1/jobs?sort=newest"
    cursor = json.loads(client.get(first).headers["X-Pagination"])["next_cursor"]
    urls = {"first page": first, "cursor page": f"{first}&cursor={cursor}"}
    with app.app_context():
        engine = db.engine
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    for name, url in urls.items():
        statements.clear()
        client.get(url)
        print(f"{name}: {len(statements)} statement(s):", [s.split()[0] for s in statements])
        for _ in range(20):
            client.get(url)
        started = time.perf_counter()
        for _ in range(options.requests):
            client.get(url)
        elapsed = (time.perf_counter() - started) / options.requests * 1000
        print(f"{name}: {elapsed:.1f} ms per request")
    if options.profile:
        profile = cProfile.Profile()
        profile.runcall(lambda: [client.get(first) for _ in range(options.requests)])
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
