"""Admin panel page loads on the 100,000-job seed: time and SQL statements per page.

``python -m bench.admin_panel [--jobs 100000] [--applications 100000] [--repeat 5]``

Creates its own PostgreSQL database, runs ``flask db upgrade`` and ``flask seed``, then
signs an admin in through the panel's form (Flask's test client, in process: the cost of
the page itself, without HTTP or queueing) and loads each page ``repeat`` times after a
warm-up (so the dashboard's numbers come from the analytics cache in Redis, as they do
in production until a write drops them; the first, uncached load is reported apart).
Reports the median and the worst wall time per page and the number of SQL statements
one load sends.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import redis
import sqlalchemy as sa

from bench.support import REDIS_URL, ROOT, SECRETS, database, flask, vacuum_analyze

NAME = "admin"
PASSWORD = "Quartz-Harbor-Violet-47"  # noqa: S105  (a throwaway database)
PAGES = {
    "dashboard": "/admin/",
    "queue": "/admin/moderation/",
    "queue, title search": "/admin/moderation/?q=engineer",
    "queue, page 3": "/admin/moderation/?page=3",
    "users": "/admin/users/",
    "users, search": "/admin/users/?search=smith",
    "users, role filter": "/admin/users/?flt0_0=employer",
    "users, page 50": "/admin/users/?page=49",
    "companies": "/admin/companies/",
    "companies, search": "/admin/companies/?search=tech",
    "applications": "/admin/applications/",
    "applications, status filter": "/admin/applications/?flt0_0=hired",
    "applications, page 100": "/admin/applications/?page=99",
    "jobs": "/admin/jobs/",
    "jobs, title search": "/admin/jobs/?search=engineer",
    "jobs, rejected": "/admin/jobs/?flt0_1=rejected",
    "reports": "/admin/reports/",
}


@dataclasses.dataclass
class Result:
    jobs: int
    applications: int
    seed_seconds: float
    pages: dict[str, dict[str, Any]]

    def lines(self) -> list[str]:
        out = [
            f"admin panel, {self.jobs:,} jobs, {self.applications:,} applications "
            f"(seeded in {self.seed_seconds:.1f} s); in-process page loads:",
            f"  {'page':<30} {'first ms':>9} {'median ms':>10} {'max ms':>8} {'SQL':>5}",
        ]
        for name, page in self.pages.items():
            out.append(
                f"  {name:<30} {page['first_ms']:>9.1f} {page['median_ms']:>10.1f} "
                f"{page['max_ms']:>8.1f} "
                f"{page['statements']:>5}"
            )
        return out


def _environ(database_url: str) -> dict[str, str]:
    return {
        **SECRETS,
        "JOBHUB_CONFIG": "development",
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,  # the dashboard's analytics cache, as in production
        "RATELIMIT_ENABLED": "false",
        "LOG_LEVEL": "WARNING",
    }


def _signed_in(app) -> Any:
    sys.path.insert(0, str(ROOT))
    from tests.support.panel import Panel

    panel = Panel(app.test_client())
    response = panel.sign_in_response("panel-owner@example.com", PASSWORD)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return panel


def _time_page(app, panel, path: str, repeat: int) -> dict[str, Any]:
    from jobhub.db import db

    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def count(*_args: Any) -> None:
        statements.append("")

    started = time.perf_counter()
    assert panel.get(path).status_code == 200, path  # warm-up (fills the caches)
    first_ms = (time.perf_counter() - started) * 1000
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        assert panel.get(path).status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        assert panel.get(path).status_code == 200
        times.append((time.perf_counter() - started) * 1000)
    return {
        "first_ms": round(first_ms, 1),
        "median_ms": round(statistics.median(times), 1),
        "max_ms": round(max(times), 1),
        "statements": len(statements),
    }


def measure(*, jobs: int, applications: int, repeat: int) -> Result:
    from jobhub import create_app
    from jobhub.config import load_config

    with database() as database_url:
        redis.Redis.from_url(REDIS_URL).flushdb()
        env = _environ(database_url)
        flask(env, "db", "upgrade")
        started = time.perf_counter()
        flask(env, "seed", "--jobs", str(jobs), "--applications", str(applications), timeout=3600)
        seed_seconds = time.perf_counter() - started
        args = ("--email", "panel-owner@example.com", "--password", PASSWORD)
        flask(env, "create-admin", *args, "--name", "Bench Admin")
        vacuum_analyze(database_url)
        app = create_app(load_config(env))
        panel = _signed_in(app)
        pages = {name: _time_page(app, panel, path, repeat) for name, path in PAGES.items()}
        with app.app_context():
            from jobhub.db import db

            db.engine.dispose()
    return Result(jobs=jobs, applications=applications, seed_seconds=seed_seconds, pages=pages)


def run(*, quick: bool = False) -> Result:
    """For ``python -m bench``: the full size, or a smoke run with --quick."""
    if quick:
        return measure(jobs=5_000, applications=5_000, repeat=3)
    return measure(jobs=100_000, applications=100_000, repeat=5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--output", type=Path, help="also write the results as JSON here")
    options = parser.parse_args(argv)
    result = measure(jobs=options.jobs, applications=options.applications, repeat=options.repeat)
    print("\n".join(result.lines()))
    if options.output:
        options.output.write_text(json.dumps(dataclasses.asdict(result), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
