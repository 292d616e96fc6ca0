"""An export whose worker died mid-run (acks_late redelivers its task): the redelivered
run builds it again, one file is left, a lost run's late finish is refused, and an
export that keeps losing its worker fails after ``MAX_ATTEMPTS`` runs.

The lost run is played by its first committed step (``services.claim``, and the file it
may have stored before dying); the redelivery is the real task. The SIGKILLed worker
itself is in ``test_worker_crash.py``."""

from __future__ import annotations

import csv
import io

from jobhub.db import db
from jobhub.exports import services
from jobhub.exports.models import Export, ExportFormat, ExportResource, ExportStatus
from jobhub.exports.tasks import MAX_ATTEMPTS, run_export
from jobhub.storage import get_storage


def _queued_export(app, owner) -> int:
    with app.app_context():
        export = Export(
            owner_id=owner.id, resource=ExportResource.JOBS, format=ExportFormat.CSV, filters={}
        )
        db.session.add(export)
        db.session.commit()
        return export.id


def _lost_run(app, export_id: int, *, stored: bool) -> str:
    """A run that claimed the export (and maybe stored its file), then died."""
    with app.app_context():
        export = services.claim(export_id=export_id, max_attempts=MAX_ATTEMPTS)
        assert export is not None
        key = export.storage_key
        db.session.commit()
        if stored:
            get_storage().save(key, io.BytesIO(b"half a file"), content_type="text/csv", sha256="")
        return key


def _stored_exports(upload_dir) -> list[str]:
    return sorted(p.name for p in (upload_dir / "exports").glob("*") if p.is_file())


def _row(app, export_id: int) -> Export:
    with app.app_context():
        export = db.session.get(Export, export_id)
        db.session.expunge(export)
        return export


def test_a_lost_run_is_built_again_leaving_one_file(app, api, board, upload_dir):
    export_id = _queued_export(app, board.employer)
    lost_key = _lost_run(app, export_id, stored=True)
    assert _row(app, export_id).status == ExportStatus.RUNNING

    with app.app_context():
        assert run_export.apply(args=[export_id]).get() == "done"

    export = _row(app, export_id)
    assert export.status == ExportStatus.DONE
    assert export.attempts == 2
    assert export.storage_key != lost_key
    # Exactly one file: the lost run's is gone, the new run's holds every row.
    assert _stored_exports(upload_dir) == [export.storage_key.split("/", 1)[1]]
    download = api.get(board.employer, f"/exports/{export_id}/download")
    assert download.status_code == 200
    rows = list(csv.DictReader(io.StringIO(download.data.decode("utf-8"), newline="")))
    assert len(rows) == export.rows == len(board.jobs)
    notices = api("GET", board.employer, "/notifications?type=export.ready")
    assert [n["data"]["export_id"] for n in notices] == [export_id]


def test_a_lost_runs_late_finish_is_refused(app, board, upload_dir):
    export_id = _queued_export(app, board.employer)
    lost_key = _lost_run(app, export_id, stored=False)
    with app.app_context():
        assert run_export.apply(args=[export_id]).get() == "done"
        # The worker presumed dead was only slow: its finish comes after the new run's.
        late = services.finish(
            export_id=export_id, rows=1, size_bytes=1, sha256="0" * 64, storage_key=lost_key
        )
        assert late is None
        db.session.rollback()
    export = _row(app, export_id)
    assert export.status == ExportStatus.DONE
    assert export.storage_key != lost_key
    assert export.rows == len(board.jobs)


def test_an_export_that_keeps_losing_its_worker_fails(app, api, board, upload_dir):
    export_id = _queued_export(app, board.employer)
    for _ in range(MAX_ATTEMPTS):
        _lost_run(app, export_id, stored=True)

    with app.app_context():
        assert run_export.apply(args=[export_id]).get() == "skipped"

    body = api("GET", board.employer, f"/exports/{export_id}")
    assert body["status"] == "failed"
    assert f"after {MAX_ATTEMPTS} attempts" in body["error"]
    assert _stored_exports(upload_dir) == []  # the last lost run's file is deleted
    assert api.get(board.employer, f"/exports/{export_id}/download").status_code == 404


def test_a_finished_export_is_left_as_it_is(app, board, upload_dir):
    export_id = _queued_export(app, board.employer)
    with app.app_context():
        assert run_export.apply(args=[export_id]).get() == "done"
        assert run_export.apply(args=[export_id]).get() == "skipped"
    assert _row(app, export_id).attempts == 1
    assert len(_stored_exports(upload_dir)) == 1
