"""Ten SIGKILLs during 1,000 resume analyses: every analysis done exactly once, and what
a killed worker held running again within a minute of a worker being available.

1. A fresh PostgreSQL database and Redis database (``bench.support.backend``), local
   storage in a temporary directory, one candidate.
2. A producer thread uploads N resumes (N = 1,000, half PDF and half DOCX; 100 with
   ``--quick``) through the product's upload service at a steady pace over
   ``upload_seconds``, ten at a time; each upload queues its analysis after its commit, as a request
   does.
3. Real Celery workers (``celery_worker:celery``, prefork, concurrency 1, the product's
   settings: late acks, reject on worker lost, prefetch 1) run one after another. Each
   one lives at least ``MIN_LIFE`` seconds (long enough for its own orphan restore to
   run), then, as soon as it holds a message in kombu's ``unacked`` hash, it is killed
   with SIGKILL together with its pool child, as the OOM killer would. The next worker
   starts at once. After K kills (K = 10; 3 with ``--quick``) the last worker drains
   the queue.
4. Checked at the end, from the database: every resume ``done``, none failed, exactly
   one ``resume.analyzed`` notification per resume (the effect of a finished analysis;
   a second finish would raise a second one), and for each kill the resumes its worker
   held: how long after the next worker was ready each was claimed again
   (``analysis_started_at`` of its last claim). The kill schedule is fixed by the
   constants below and the seeded corpus, so a run is repeatable (the exact moments
   depend on the machine's speed).
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import platform
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis

from bench.resumes import corpus
from bench.support import backend
from tests.support.servers import celery_process, kill_process_tree, wait_for

NAME = "chaos-worker-kills"
FULL = {"resumes": 1000, "kills": 10, "upload_seconds": 330.0}
QUICK = {"resumes": 100, "kills": 3, "upload_seconds": 90.0}
MIN_LIFE = 25.0  # seconds a worker lives before its kill: its restore passes (2 s, 15 s) ran
HOLD_WAIT = 20.0  # seconds to wait for the worker to hold a message before giving up a kill
DRAIN_DEADLINE = 600.0
BURST = 10  # uploads arrive ten at a time, so the worker is often busy when killed


@dataclass
class Kill:
    at: float  # time.time() of the SIGKILL
    held: list[int]  # resume ids in the killed worker's unacked messages
    other_tasks: list[str] = field(default_factory=list)  # other tasks it held
    next_ready_at: float = 0.0
    reclaimed_after: dict[int, float] = field(default_factory=dict)  # id -> s after ready

    @property
    def waits(self) -> list[float]:
        """Seconds from the next worker's start to each lost analysis being claimed again;
        a resume whose analysis committed before the kill (killed between its commit and
        its ack) is left out: its redelivery found it done and skipped it."""
        return sorted(wait for wait in self.reclaimed_after.values() if wait >= 0)

    def line(self, number: int) -> str:
        done_before = len(self.reclaimed_after) - len(self.waits)
        worst = f"{max(self.waits):.1f} s" if self.waits else "-"
        others = f" and {', '.join(self.other_tasks)}" if self.other_tasks else ""
        skipped = f", {done_before} committed before the kill (redelivery skipped)"
        return (
            f"kill {number:>2}: held {len(self.held)} analyses "
            f"(resumes {', '.join(map(str, self.held)) or '-'}){others}"
            f"{skipped if done_before else ''}; "
            f"claimed again at most {worst} after the next worker was ready"
        )


@dataclass
class Result:
    resumes: int
    kills: list[Kill]
    done: int
    failed: int
    notified_once: int
    notified_twice_or_more: int
    rerun: int
    seconds: float
    worst_reclaim_s: float
    settings: dict[str, Any]

    @property
    def ok(self) -> bool:
        return (
            self.done == self.resumes
            and self.failed == 0
            and self.notified_once == self.resumes
            and self.notified_twice_or_more == 0
            and self.worst_reclaim_s < 60
        )

    def lines(self) -> list[str]:
        return [
            *(kill.line(n) for n, kill in enumerate(self.kills, 1)),
            f"{self.done}/{self.resumes} analyses done, {self.failed} failed, "
            f"{self.rerun} claimed more than once",
            f"resume.analyzed notifications: {self.notified_once} resumes with exactly one, "
            f"{self.notified_twice_or_more} with more",
            f"worst: a killed worker's task claimed again {self.worst_reclaim_s:.1f} s after a "
            f"worker was available; whole run {self.seconds:.0f} s",
            "RESULT: " + ("every analysis done exactly once" if self.ok else "FAILED"),
        ]


def _held_messages(client: redis.Redis) -> tuple[list[int], list[str]]:
    """Resume ids of the ``resumes.analyze`` messages kombu holds for workers
    (``unacked``), and the names of the other tasks held."""
    ids, others = [], []
    for raw in client.hvals("unacked"):
        message = json.loads(raw)[0]
        task = (message.get("headers") or {}).get("task")
        if task != "resumes.analyze":
            others.append(str(task))
            continue
        args = json.loads(base64.b64decode(message["body"]))[0]
        ids.append(int(args[0]))
    return sorted(ids), sorted(others)


def _holds_a_message(client: redis.Redis, *, timeout: float) -> bool:
    """Poll ``unacked`` closely (a message is held for a few tens of ms) until a deadline."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if client.hlen("unacked"):
            return True
        time.sleep(0.002)
    return False


def _timestamp(moment: datetime) -> float:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def run(*, quick: bool) -> Result:
    from sqlalchemy import func, select
    from werkzeug.datastructures import FileStorage

    from jobhub import create_app
    from jobhub.config import load_config
    from jobhub.db import db, transaction
    from jobhub.notifications.models import Notification
    from jobhub.resumes.models import AnalysisStatus, Resume
    from jobhub.resumes.services import upload_resume
    from jobhub.seed import bench
    from jobhub.users.models import User

    sizes = QUICK if quick else FULL
    files = corpus(sizes["resumes"] // 2, seed=19)
    began = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp, backend() as environ:
        environ = {
            **environ,
            "UPLOAD_DIR": str(Path(tmp) / "uploads"),
            "RESUME_QUOTA": "100000",
        }
        app = create_app(load_config(environ))
        broker = redis.Redis.from_url(environ["REDIS_URL"])
        with app.app_context():
            db.create_all()
            with transaction():
                owner_id = bench.candidate(
                    email="bench.chaos@jobhub.local",
                    full_name="Bench Chaos",
                    password=uuid.uuid4().hex + "-Sigkill-Run-9",
                ).id
            db.session.remove()

        uploaded: list[int] = []
        errors: list[BaseException] = []

        def produce() -> None:
            pause = sizes["upload_seconds"] / len(files) * BURST
            try:
                with app.app_context():
                    for index, (kind, data) in enumerate(files):
                        with transaction():  # the analysis is queued after this commit
                            name = f"cv{index}.{kind}"
                            upload = FileStorage(stream=io.BytesIO(data), filename=name)
                            owner = db.session.get(User, owner_id)
                            uploaded.append(upload_resume(owner=owner, upload=upload).id)
                        if index % BURST == BURST - 1:
                            time.sleep(pause)  # pacing the arrivals, not waiting for a result
                    db.session.remove()
            except BaseException as exc:  # reported by the main thread
                errors.append(exc)

        producer = threading.Thread(target=produce, name="uploads", daemon=True)
        producer.start()
        kills: list[Kill] = []
        for number in range(2 * sizes["kills"]):  # a round with nothing in flight kills none
            if len(kills) == sizes["kills"]:
                break
            log_path = Path(tmp) / f"worker-{number}.log"
            with celery_process(environ, log_path=log_path) as worker:
                if kills and not kills[-1].next_ready_at:
                    kills[-1].next_ready_at = time.time()
                time.sleep(MIN_LIFE)  # the schedule: each worker lives this long first
                if not _holds_a_message(broker, timeout=HOLD_WAIT):
                    continue  # nothing in flight: this worker stops normally
                kill_process_tree(worker)
                # Read after the kill: what is still held now was lost with the worker.
                held, others = _held_messages(broker)
                kills.append(Kill(at=time.time(), held=held, other_tasks=others))
        # The last worker: until every upload is in and every analysis finished.
        with celery_process(environ, log_path=Path(tmp) / "worker-last.log"):
            if kills and not kills[-1].next_ready_at:
                kills[-1].next_ready_at = time.time()
            producer.join(timeout=DRAIN_DEADLINE)
            if errors:
                raise errors[0]

            def drained() -> bool:
                with app.app_context():
                    pending = db.session.scalar(
                        select(func.count())
                        .select_from(Resume)
                        .where(
                            Resume.analysis_status.in_(
                                [AnalysisStatus.PENDING, AnalysisStatus.PROCESSING]
                            )
                        )
                    )
                    db.session.remove()
                return pending == 0

            wait_for(drained, timeout=DRAIN_DEADLINE, what="every analysis to finish")

        with app.app_context():
            rows = db.session.execute(
                select(
                    Resume.id,
                    Resume.analysis_status,
                    Resume.analysis_attempts,
                    Resume.analysis_started_at,
                )
            ).all()
            by_id = {row.id: row for row in rows}
            notices = db.session.scalars(
                select(Notification.data).where(Notification.type == "resume.analyzed")
            ).all()
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()

    per_resume: dict[int, int] = {}
    for data in notices:
        per_resume[int(data["resume_id"])] = per_resume.get(int(data["resume_id"]), 0) + 1
    for kill in kills:
        for resume_id in kill.held:
            started = by_id[resume_id].analysis_started_at
            kill.reclaimed_after[resume_id] = _timestamp(started) - kill.next_ready_at
    waits = [wait for kill in kills for wait in kill.waits]
    return Result(
        resumes=len(uploaded),
        kills=kills,
        done=sum(row.analysis_status is AnalysisStatus.DONE for row in rows),
        failed=sum(row.analysis_status is AnalysisStatus.FAILED for row in rows),
        notified_once=sum(1 for resume_id in by_id if per_resume.get(resume_id) == 1),
        notified_twice_or_more=sum(1 for count in per_resume.values() if count > 1),
        rerun=sum(row.analysis_attempts > 1 for row in rows),
        seconds=time.monotonic() - began,
        worst_reclaim_s=max(waits, default=0.0),
        settings={
            **sizes,
            "min_life_s": MIN_LIFE,
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average_1m": os.getloadavg()[0],
        },
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.chaos.worker_kills", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100 analyses, 3 kills")
    parser.add_argument("--json", metavar="FILE", help="also write the result as JSON")
    args = parser.parse_args(argv)
    result = run(quick=args.quick)
    for line in result.lines():
        print(line, flush=True)
    if args.json:
        from dataclasses import asdict

        Path(args.json).write_text(json.dumps(asdict(result), indent=2, default=str))
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
