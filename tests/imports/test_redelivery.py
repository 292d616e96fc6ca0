"""An import whose worker died mid-run (acks_late redelivers its task): the redelivered
run validates and imports it again, the rows go in once, a lost run's late steps are
refused, and an import that keeps losing its worker fails after ``MAX_ATTEMPTS`` runs.

The lost run is played by the steps it committed (``services.claim``, the validation,
an insert rolled back as a killed connection's is); the redelivery is the real task. The
SIGKILLed worker itself is in ``test_worker_crash.py``."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from jobhub.db import db, utcnow
from jobhub.imports import schemas, services
from jobhub.imports.models import Import, ImportResource, ImportStatus
from jobhub.imports.tasks import MAX_ATTEMPTS, run_import
from jobhub.jobs.models import Job

HEADER = "title,description,status,remote,skills,salary_min,salary_max,salary_currency"
ROWS = [f"Engineer {n},Builds things.,draft,remote,python,,," for n in range(5)]
CONTENT = "\n".join([HEADER, *ROWS]) + "\n"


@pytest.fixture
def company(make, employer):
    return make("company", owner=employer, verified=True)


def _queued_import(app, employer, company, **fields) -> int:
    with app.app_context():
        row = Import(
            company_id=company.id,
            owner_id=employer.id,
            resource=ImportResource.JOBS,
            content=CONTENT,
            filename="jobs.csv",
            errors=[],
            **fields,
        )
        db.session.add(row)
        db.session.commit()
        return row.id


def _lost_claim(app, import_id: int) -> int:
    """A run that claimed the import (validating), then died; its number."""
    with app.app_context():
        row = services.claim(import_id=import_id, max_attempts=MAX_ATTEMPTS)
        assert row is not None
        attempt = row.attempts
        db.session.commit()
        return attempt


def _validated(app, company) -> schemas.Validated:
    with app.app_context():
        return schemas.validate_rows(
            ImportResource.JOBS, CONTENT, company_id=company.id, now=utcnow()
        )


def _lost_insert(app, company, import_id: int) -> tuple[int, schemas.Validated]:
    """A run that validated the import (importing), inserted its rows and died before
    the commit: the database rolls the insert back with the killed connection."""
    attempt = _lost_claim(app, import_id)
    validated = _validated(app, company)
    with app.app_context():
        status = services.record_validation(
            import_id=import_id,
            attempt=attempt,
            total=validated.total,
            valid=len(validated.rows),
            errors=validated.errors,
        )
        assert status == ImportStatus.IMPORTING
        db.session.commit()
        assert services.apply_rows(import_id=import_id, attempt=attempt, rows=validated.rows)
        db.session.rollback()
    return attempt, validated


def _row(app, import_id: int) -> Import:
    with app.app_context():
        row = db.session.get(Import, import_id)
        db.session.expunge(row)
        return row


def _job_count(app, company) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(Job).where(Job.company_id == company.id)
        )


def _finished_notices(api, employer) -> list[dict]:
    return [n["data"] for n in api("GET", employer, "/notifications?type=import.finished")]


def test_a_lost_validation_is_run_again(app, api, employer, company):
    import_id = _queued_import(app, employer, company)
    _lost_claim(app, import_id)
    assert _row(app, import_id).status == ImportStatus.VALIDATING  # before: for ever

    with app.app_context():
        assert run_import.apply(args=[import_id]).get() == "done"

    body = api("GET", employer, f"/imports/{import_id}")
    assert (body["status"], body["total"], body["created"]) == ("done", 5, 5)
    assert _row(app, import_id).attempts == 2
    assert _job_count(app, company) == 5
    assert _finished_notices(api, employer) == [
        {"import_id": import_id, "status": "done", "created": 5}
    ]


def test_a_lost_insert_is_run_again_and_inserts_once(app, api, employer, company):
    import_id = _queued_import(app, employer, company)
    lost, validated = _lost_insert(app, company, import_id)
    assert _row(app, import_id).status == ImportStatus.IMPORTING
    assert _job_count(app, company) == 0

    with app.app_context():
        assert run_import.apply(args=[import_id]).get() == "done"
        # The worker presumed dead was only slow: its insert comes after the new run's.
        assert services.apply_rows(import_id=import_id, attempt=lost, rows=validated.rows) is None
        db.session.commit()

    body = api("GET", employer, f"/imports/{import_id}")
    assert (body["status"], body["created"]) == ("done", 5)
    assert _job_count(app, company) == 5
    titles = [job["title"] for job in api("GET", employer, "/jobs/mine?per_page=50")]
    assert sorted(titles) == sorted(f"Engineer {n}" for n in range(5))


def test_a_lost_runs_late_steps_are_refused(app, employer, company):
    import_id = _queued_import(app, employer, company)
    lost = _lost_claim(app, import_id)
    validated = _validated(app, company)
    with app.app_context():
        assert run_import.apply(args=[import_id]).get() == "done"
        late = services.record_validation(
            import_id=import_id, attempt=lost, total=1, valid=0, errors=[]
        )
        assert late is None
        services.record_progress(import_id=import_id, attempt=lost, rows=1, total=1)
        services.fail(import_id=import_id, reason="late", attempt=lost)
        assert services.apply_rows(import_id=import_id, attempt=lost, rows=validated.rows) is None
        db.session.commit()
    row = _row(app, import_id)
    assert (row.status, row.total, row.created, row.error) == (ImportStatus.DONE, 5, 5, None)
    assert _job_count(app, company) == 5


def test_an_import_that_keeps_losing_its_worker_fails(app, api, employer, company):
    import_id = _queued_import(app, employer, company)
    _lost_claim(app, import_id)
    for _ in range(MAX_ATTEMPTS - 1):
        _lost_insert(app, company, import_id)

    with app.app_context():
        assert run_import.apply(args=[import_id]).get() == "skipped"

    body = api("GET", employer, f"/imports/{import_id}")
    assert body["status"] == "failed"
    assert f"after {MAX_ATTEMPTS} attempts" in body["error"]
    assert body["created"] == 0
    assert _job_count(app, company) == 0
    assert _finished_notices(api, employer) == [
        {"import_id": import_id, "status": "failed", "created": 0}
    ]


def test_a_finished_import_is_left_as_it_is(app, employer, company):
    import_id = _queued_import(app, employer, company)
    with app.app_context():
        assert run_import.apply(args=[import_id]).get() == "done"
        assert run_import.apply(args=[import_id]).get() == "skipped"
    assert _row(app, import_id).attempts == 1
    assert _job_count(app, company) == 5


def test_a_confirmed_dry_run_has_its_own_attempts(app, api, employer, company):
    import_id = _queued_import(app, employer, company, dry_run=True)
    _lost_claim(app, import_id)
    with app.app_context():
        assert run_import.apply(args=[import_id]).get() == "validated"
    assert _row(app, import_id).attempts == 2
    confirmed = api.post(employer, f"/imports/{import_id}/confirm")
    assert confirmed.status_code < 300, confirmed.get_json()
    body = api("GET", employer, f"/imports/{import_id}")
    assert (body["status"], body["created"]) == ("done", 5)
    assert _row(app, import_id).attempts == 1
    assert _job_count(app, company) == 5
