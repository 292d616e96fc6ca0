"""One client, in process: the cost of a page of the lists users page through.

    python -m bench.lists [--requests 100] [--sqlite] [--profile PATH]

``GET /jobs/mine``, ``GET /applications`` and ``GET /notifications`` for an employer
whose company has 1,000 jobs (with 2 KB descriptions), 1,000 applications and 1,000
notifications, at 20 and 100 per page, through Flask's test client, without Redis. It
creates a PostgreSQL database of its own (``JOBHUB_BENCH_PG_URL``) and drops it after,
or with ``--sqlite`` a file in a temporary directory; no load generator, no farm-bench.
Prints the statements each request sends and the mean milliseconds per request; with
``--profile NAME`` cProfile's top functions for the named list's 20-row page.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import pstats
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import event

from bench.support import ROOT, SECRETS, database, flask

JOBS = 1_000
CANDIDATES = 50
DESCRIPTION = ("We build things people use every day. " * 55)[:2_000]
LISTS = {
    "jobs/mine": "/api/v1/jobs/mine",
    "applications": "/api/v1/applications",
    "notifications": "/api/v1/notifications",
}


@contextlib.contextmanager
def _database(sqlite: bool) -> Iterator[str]:
    if not sqlite:
        with database() as url:
            yield url
        return
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{Path(folder) / 'lists.db'}"


def _seed(app) -> int:
    """The employer's company, jobs, applicants and notifications; returns the employer id."""
    from jobhub.db import db
    from tests import factories

    with app.app_context():
        employer = factories.create_user(role="employer", email_verified=True)
        company = factories.create_company(owner=employer)
        jobs = [
            factories.create_job(company=company, description=DESCRIPTION, skills=["python"])
            for _ in range(JOBS)
        ]
        for n in range(CANDIDATES):
            candidate = factories.create_user(role="candidate", headline=f"Engineer {n}")
            for k in range(JOBS // CANDIDATES):
                job = jobs[(n * 7 + k * 13) % JOBS]
                factories.create_application(job=job, candidate=candidate, match_score=float(k))
        for _ in range(1_000):
            factories.create_notification(user=employer)
        db.session.commit()
        return employer.id


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--profile", choices=sorted(LISTS))
    options = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))

    from flask_jwt_extended import create_access_token

    from jobhub import create_app
    from jobhub.config import load_config
    from jobhub.db import db

    with _database(options.sqlite) as url:
        env = {
            **SECRETS,
            "JOBHUB_CONFIG": "development",
            "DATABASE_URL": url,
            "RATELIMIT_ENABLED": "false",
            "LOG_LEVEL": "WARNING",
            "REDIS_URL": "",
        }
        flask(env, "db", "upgrade")
        app = create_app(load_config(env))
        started = time.perf_counter()
        employer_id = _seed(app)
        kind = "sqlite" if options.sqlite else "postgresql"
        print(f"seeded in {time.perf_counter() - started:.0f} s ({kind})")
        with app.app_context():
            token = create_access_token(identity=str(employer_id))
            engine = db.engine
        headers = {"Authorization": f"Bearer {token}"}
        client = app.test_client()
        statements: list[str] = []
        event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        for name, path in LISTS.items():
            for size in (20, 100):
                url = f"{path}?page_size={size}&page=2"
                assert client.get(url, headers=headers).status_code == 200
                statements.clear()
                client.get(url, headers=headers)
                count = len(statements)
                for _ in range(10):
                    client.get(url, headers=headers)
                began = time.perf_counter()
                for _ in range(options.requests):
                    client.get(url, headers=headers)
                ms = (time.perf_counter() - began) / options.requests * 1000
                print(f"{name:14} page_size={size:<4} {count} statement(s)  {ms:6.1f} ms/request")
                if size == 20:
                    print("    ", [" ".join(s.split()[:2])[:40] for s in statements[:count]])
        if options.profile:
            url = f"{LISTS[options.profile]}?page_size=20&page=2"
            profile = cProfile.Profile()
            for _ in range(options.requests):
                profile.runcall(client.get, url, headers=headers)
            pstats.Stats(profile).sort_stats("tottime").print_stats(20)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
