"""One export run the way the Celery worker runs it, in a process of its own.

    python -m bench.export_worker --rows 10000 --format csv

Prints one JSON line: rows written, seconds, rows/s, the process's RSS before the export
and its peak RSS (``ru_maxrss``) after it. Reads DATABASE_URL etc. from the environment
(the benchmark passes its own).
"""

from __future__ import annotations

import argparse
import json
import resource
import time


def _rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, required=True, help="newest N applications")
    parser.add_argument("--format", default="csv")
    options = parser.parse_args()

    from sqlalchemy import select

    from jobhub import create_app
    from jobhub.applications.models import Application
    from jobhub.db import db, transaction
    from jobhub.exports import services
    from jobhub.exports.models import Export, ExportFormat, ExportResource
    from jobhub.exports.tasks import run_export
    from jobhub.users.models import Role, User

    app = create_app()
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.role == Role.ADMIN).limit(1))
        boundary = db.session.scalar(
            select(Application.created_at)
            .order_by(Application.created_at.desc())
            .offset(options.rows - 1)
            .limit(1)
        )
        filters = {"created_from": boundary} if boundary is not None else {}
        app.extensions["celery"].conf.task_always_eager = False  # run it here, below
        with transaction():
            export = services.create_export(
                owner=admin,
                resource=ExportResource.APPLICATIONS,
                format=ExportFormat(options.format),
                filters=filters,
            )
            export_id = export.id
        before = _rss_mib()
        started = time.perf_counter()
        outcome = run_export.run(export_id)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        row = db.session.get(Export, export_id)
        print(
            json.dumps(
                {
                    "outcome": outcome,
                    "rows": row.rows,
                    "size_bytes": row.size_bytes,
                    "seconds": round(seconds, 3),
                    "rows_per_second": round(row.rows / seconds) if seconds else None,
                    "rss_before_mib": round(before, 1),
                    "peak_rss_mib": round(peak, 1),
                }
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
