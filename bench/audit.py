"""Audit log benchmark: appends per second (one commit each, alone and with concurrent
writers serialised by the chain lock) and `flask audit verify` speed, on PostgreSQL.

    python -m bench.audit [--rows 2000] [--threads 8] [--verify-rows 100000]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import threading
import time

import sqlalchemy as sa

from bench.support import SECRETS, database

NAME = "audit"


@dataclasses.dataclass
class AuditResult:
    sequential_per_s: float
    concurrent_per_s: float
    threads: int
    verify_rows: int
    verify_s: float

    def lines(self) -> list[str]:
        return [
            f"append, one writer: {self.sequential_per_s:.0f} rows/s (one commit per row)",
            f"append, {self.threads} writers: {self.concurrent_per_s:.0f} rows/s in total",
            f"verify: {self.verify_rows} rows in {self.verify_s:.2f} s "
            f"({self.verify_rows / self.verify_s:.0f} rows/s)",
        ]


def _append(app, count: int, label: str) -> None:
    from jobhub.audit import services as audit
    from jobhub.db import db

    with app.app_context():
        for n in range(count):
            audit.record(
                action="job.moderated",
                target_type="job",
                target_id=f"{label}-{n}",
                changes={"moderation_status": ["pending", "approved"]},
            )
            db.session.commit()


def run(
    *, quick: bool = False, rows: int = 2000, threads: int = 8, verify_rows: int = 100_000
) -> AuditResult:
    from jobhub import create_app
    from jobhub.config import TestingConfig
    from jobhub.db import db

    if quick:
        rows, verify_rows = 200, 2000
    with database() as url:
        app = create_app(TestingConfig({"DATABASE_URL": url, **SECRETS}))
        with app.app_context():
            db.metadata.create_all(db.engine)
        started = time.perf_counter()
        _append(app, rows, "seq")
        sequential = rows / (time.perf_counter() - started)
        per_thread = rows // threads
        workers = [
            threading.Thread(target=_append, args=(app, per_thread, f"t{i}"))
            for i in range(threads)
        ]
        started = time.perf_counter()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        concurrent = per_thread * threads / (time.perf_counter() - started)
        _append(app, max(0, verify_rows - rows - per_thread * threads), "fill")
        from jobhub.audit.services import verify_chain

        with app.app_context():
            total = db.session.scalar(sa.text("SELECT count(*) FROM audit_log"))
            started = time.perf_counter()
            result = verify_chain()
            elapsed = time.perf_counter() - started
            assert result.ok and result.rows == total, result
            db.session.remove()
            db.engine.dispose()
    return AuditResult(sequential, concurrent, threads, total, elapsed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.audit", description=__doc__)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--verify-rows", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    result = run(
        quick=args.quick, rows=args.rows, threads=args.threads, verify_rows=args.verify_rows
    )
    print("\n".join(result.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
