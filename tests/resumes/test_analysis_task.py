"""The analysis task: results on real files, idempotency, failures, retries, the sweeper."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from jobhub.db import db, transaction, utcnow
from jobhub.notifications.models import Notification
from jobhub.resumes import pipeline
from jobhub.resumes.models import AnalysisStatus, Resume, ResumeSkill
from jobhub.resumes.tasks import GAVE_UP, MAX_RETRIES, analyze_resume, requeue_stuck_analyses
from jobhub.storage import StorageError, StorageUnavailable
from jobhub.storage.local import LocalStorage
from tests.resumes.conftest import UPLOAD_URL, stored_files
from tests.support.documents import (
    RESUME_LINES,
    docx_bytes,
    image_only_pdf,
    pdf_bytes,
)

EXPECTED_SKILLS = [
    "python",
    "go",
    "microservices",
    "django",
    "fastapi",
    "aws",
    "postgresql",
    "redis",
    "docker",
    "kubernetes",
    "javascript",
    "data pipelines",
    "pandas",
    "git",
]
EXPECTED_EDUCATION = [
    {
        "level": "bachelor",
        "degree": "B.Sc.",
        "field": "Computer Science",
        "institution": "University of Leeds",
        "year": 2016,
    }
]
EXPECTED_SUMMARY = "Backend developer with 6+ years of experience building APIs in Python and Go."


@pytest.fixture
def queued(monkeypatch) -> list[tuple[int, str | None]]:
    """Messages the app sends to the broker, held instead of run (both backends alike)."""
    messages: list[tuple[int, str | None]] = []
    monkeypatch.setattr(
        analyze_resume, "delay", lambda resume_id, token=None: messages.append((resume_id, token))
    )
    return messages


@pytest.fixture
def submit(upload, candidate, queued):
    """Upload a file; returns (resume id, token of its queued analysis)."""

    def post(data: bytes, name: str = "cv.pdf") -> tuple[int, str]:
        response = upload(candidate, data, name)
        assert response.status_code == 201, response.get_json()
        assert response.get_json()["analysis_status"] == "pending"
        resume_id = response.get_json()["id"]
        [message] = [m for m in queued if m[0] == resume_id]
        return message

    return post


def run(app, resume_id: int, token: str | None) -> str:
    with app.app_context():
        return analyze_resume.apply(args=[resume_id], kwargs={"token": token}).get()


def analysis(client, auth_headers, user, resume_id: int) -> dict:
    response = client.get(f"{UPLOAD_URL}/{resume_id}/analysis", headers=auth_headers(user))
    assert response.status_code == 200
    return response.get_json()


def notifications(client, auth_headers, user) -> list[dict]:
    response = client.get("/api/v1/notifications?type=resume.analyzed", headers=auth_headers(user))
    assert response.status_code == 200
    return response.get_json()


def row(app, resume_id: int) -> Resume:
    with app.app_context():
        resume = db.session.get(Resume, resume_id)
        db.session.expunge(resume)
        return resume


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (pdf_bytes(RESUME_LINES), "cv.pdf"),
        (docx_bytes(RESUME_LINES), "cv.docx"),
        ("\n".join(RESUME_LINES).encode("utf-16"), "cv.txt"),
    ],
    ids=["pdf", "docx", "utf16-text"],
)
def test_a_resume_is_analysed_exactly(app, client, auth_headers, candidate, submit, data, name):
    resume_id, token = submit(data, name)
    assert run(app, resume_id, token) == "done"
    body = analysis(client, auth_headers, candidate, resume_id)
    assert body["status"] == "done"
    assert body["skills"] == EXPECTED_SKILLS  # "I go", "a swift response", "R&D" are words
    assert body["years_experience"] == 8.0  # 2016-2020 and Mar 2020-Feb 2024
    assert body["education"] == EXPECTED_EDUCATION
    assert body["summary"] == EXPECTED_SUMMARY
    assert body["analyzed_at"].endswith("Z")
    with app.app_context():
        counts = dict(
            db.session.execute(
                select(ResumeSkill.skill, ResumeSkill.occurrences).where(
                    ResumeSkill.resume_id == resume_id
                )
            ).all()
        )
        text = db.session.get(Resume, resume_id).text
    assert counts["python"] == 3 and counts["go"] == 3
    assert "Northwind Labs" in text


def test_every_skill_shows_where_it_was_found(app, client, auth_headers, candidate, submit):
    resume_id, token = submit(pdf_bytes(RESUME_LINES), "cv.pdf")
    assert run(app, resume_id, token) == "done"
    body = analysis(client, auth_headers, candidate, resume_id)
    details = {item["skill"]: item for item in body["skill_details"]}
    assert [item["skill"] for item in body["skill_details"]] == body["skills"]
    go = details["go"]
    assert go["label"] == "Go" and go["category"] == "languages" and go["occurrences"] == 3
    assert {e["section"] for e in go["evidence"]} == {"summary", "experience", "skills"}
    assert all("Go" in e["snippet"] for e in go["evidence"])
    assert go["implied_by"] == [] and 0 < details["django"]["weight"] < go["weight"] <= 1
    for item in body["skill_details"]:  # each skill traced to the words of the resume
        assert item["evidence"], item["skill"]


def test_the_owner_is_notified_once(app, client, auth_headers, candidate, submit):
    resume_id, token = submit(pdf_bytes(RESUME_LINES), "Alex CV.pdf")
    assert notifications(client, auth_headers, candidate) == []
    assert run(app, resume_id, token) == "done"
    assert run(app, resume_id, token) == "skipped"
    [notice] = notifications(client, auth_headers, candidate)
    assert notice["type"] == "resume.analyzed"
    assert notice["title"] == "Your resume has been analysed"
    assert notice["body"] == ("Alex CV.pdf: we found 14 skills and about 8 years of experience.")
    assert notice["data"] == {
        "resume_id": resume_id,
        "status": "done",
        "skills": 14,
        "years_experience": 8.0,
    }


def test_running_twice_gives_one_result(app, submit):
    resume_id, token = submit(pdf_bytes(RESUME_LINES))
    assert run(app, resume_id, token) == "done"
    first = row(app, resume_id)
    assert run(app, resume_id, token) == "skipped"
    assert run(app, resume_id, None) == "skipped"
    second = row(app, resume_id)
    assert second.analyzed_at == first.analyzed_at
    assert second.analysis_attempts == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Notification)) == 1
        count = db.session.scalar(
            select(func.count()).select_from(ResumeSkill).where(ResumeSkill.resume_id == resume_id)
        )
    assert count == len(EXPECTED_SKILLS)


def test_a_redelivered_message_racing_the_first_writes_once(app, submit):
    resume_id, token = submit(pdf_bytes(RESUME_LINES))
    with app.app_context():
        with transaction():
            first = pipeline.claim(resume_id=resume_id, token=token, now=utcnow(), max_attempts=3)
        with transaction():  # the same message again (the broker redelivered it)
            second = pipeline.claim(resume_id=resume_id, token=token, now=utcnow(), max_attempts=3)
        result = pipeline.analyze(first, now=utcnow())
        with transaction():
            assert pipeline.finish(first, result, now=utcnow()) is not None
        with transaction():
            assert pipeline.finish(second, result, now=utcnow()) is None
        assert db.session.get(Resume, resume_id).analysis_status is AnalysisStatus.DONE
        assert db.session.scalar(select(func.count()).select_from(Notification)) == 1


def test_a_message_without_the_current_token_does_nothing(app, submit):
    resume_id, _token = submit(pdf_bytes(RESUME_LINES))
    assert run(app, resume_id, "0" * 32) == "skipped"
    assert row(app, resume_id).analysis_status is AnalysisStatus.PENDING


def test_a_deleted_resume_is_skipped(app, client, auth_headers, candidate, submit):
    resume_id, token = submit(pdf_bytes(RESUME_LINES))
    client.delete(f"{UPLOAD_URL}/{resume_id}", headers=auth_headers(candidate))
    assert run(app, resume_id, token) == "skipped"


class TestFailures:
    def failed_with(self, app, client, auth_headers, candidate, resume_id: int) -> str:
        body = analysis(client, auth_headers, candidate, resume_id)
        assert body["status"] == "failed"
        assert body["skills"] == [] and body["summary"] is None
        return body["error"]

    def test_a_scanned_pdf_fails_with_a_clear_reason(
        self, app, client, auth_headers, candidate, submit
    ):
        resume_id, token = submit(image_only_pdf(pages=2))
        assert run(app, resume_id, token) == "failed"
        error = self.failed_with(app, client, auth_headers, candidate, resume_id)
        assert error.startswith("No text could be extracted")
        assert "scanned images" in error
        [notice] = notifications(client, auth_headers, candidate)
        assert notice["title"] == "Your resume could not be analysed"
        assert notice["data"] == {"resume_id": resume_id, "status": "failed", "error": error}

    def test_an_empty_pdf_fails(self, app, client, auth_headers, candidate, submit):
        resume_id, token = submit(pdf_bytes([]))
        assert run(app, resume_id, token) == "failed"
        assert "No text" in self.failed_with(app, client, auth_headers, candidate, resume_id)

    @pytest.mark.parametrize(
        ("data", "name", "reason"),
        [
            (pdf_bytes(RESUME_LINES), "cv.pdf", "The PDF could not be read"),
            (docx_bytes(RESUME_LINES), "cv.docx", "The Word document could not be read"),
        ],
    )
    def test_a_file_corrupted_in_storage_fails(
        self, app, client, auth_headers, candidate, submit, upload_dir, data, name, reason
    ):
        resume_id, token = submit(data, name)
        [stored] = stored_files(upload_dir)
        stored.write_bytes(data[:40] + b"\x00garbage" * 50)
        assert run(app, resume_id, token) == "failed"
        assert self.failed_with(app, client, auth_headers, candidate, resume_id).startswith(reason)

    def test_a_missing_file_fails(self, app, client, auth_headers, candidate, submit, upload_dir):
        resume_id, token = submit(pdf_bytes(RESUME_LINES))
        for path in stored_files(upload_dir):
            path.unlink()
        assert run(app, resume_id, token) == "failed"
        error = self.failed_with(app, client, auth_headers, candidate, resume_id)
        assert error == "The stored file is missing; upload the resume again."

    def test_a_storage_error_fails(self, app, client, auth_headers, candidate, submit, monkeypatch):
        resume_id, token = submit(pdf_bytes(RESUME_LINES))

        def refused(*_args, **_kwargs):
            raise StorageError("access denied")

        monkeypatch.setattr(LocalStorage, "open", refused)
        assert run(app, resume_id, token) == "failed"
        error = self.failed_with(app, client, auth_headers, candidate, resume_id)
        assert error == "The stored file could not be read; upload the resume again."

    def test_a_crash_fails_without_leaking_details(
        self, app, client, auth_headers, candidate, submit, monkeypatch
    ):
        resume_id, token = submit(pdf_bytes(RESUME_LINES))

        def crash(*_args, **_kwargs):
            raise ZeroDivisionError("internal detail")

        monkeypatch.setattr(pipeline, "analyze_text", crash)
        assert run(app, resume_id, token) == "failed"
        error = self.failed_with(app, client, auth_headers, candidate, resume_id)
        assert "internal detail" not in error and "logged" in error


class TestRetries:
    @pytest.fixture(autouse=True)
    def eager_retries(self, app, monkeypatch):
        # The test config re-raises task exceptions, Retry included; the embedded default
        # (and a real worker) run the retry instead, as here.
        monkeypatch.setitem(app.extensions["celery"].conf, "task_eager_propagates", False)

    def test_a_transient_storage_error_is_retried(
        self, app, client, auth_headers, candidate, submit, monkeypatch
    ):
        resume_id, token = submit(pdf_bytes(RESUME_LINES))
        real_open = LocalStorage.open
        calls = []

        def flaky(storage, key):
            calls.append(key)
            if len(calls) < 3:
                raise StorageUnavailable("connection reset")
            return real_open(storage, key)

        monkeypatch.setattr(LocalStorage, "open", flaky)
        assert run(app, resume_id, token) == "done"
        assert len(calls) == 3
        assert analysis(client, auth_headers, candidate, resume_id)["skills"] == EXPECTED_SKILLS
        assert row(app, resume_id).analysis_attempts == 1  # retries are not attempts

    def test_a_storage_that_stays_down_ends_failed(
        self, app, client, auth_headers, candidate, submit, monkeypatch
    ):
        resume_id, token = submit(pdf_bytes(RESUME_LINES))
        calls = []

        def down(_storage, key):
            calls.append(key)
            raise StorageUnavailable("connection refused")

        monkeypatch.setattr(LocalStorage, "open", down)
        assert run(app, resume_id, token) == "failed"
        assert len(calls) == MAX_RETRIES + 1
        body = analysis(client, auth_headers, candidate, resume_id)
        assert body["status"] == "failed" and body["error"] == GAVE_UP


def _age(app, resume_id: int, *, status: AnalysisStatus, minutes: int, attempts: int = 1) -> None:
    with app.app_context(), transaction():
        resume = db.session.get(Resume, resume_id)
        resume.analysis_status = status
        resume.analysis_attempts = attempts
        resume.analysis_started_at = utcnow() - timedelta(minutes=minutes)
        resume.analysis_queued_at = utcnow() - timedelta(minutes=minutes)


class TestSweeper:
    def sweep(self, app) -> dict:
        with app.app_context():
            return requeue_stuck_analyses.apply().get()

    def test_a_resume_stuck_processing_is_requeued_under_a_new_token(self, app, submit, queued):
        resume_id, old_token = submit(pdf_bytes(RESUME_LINES))
        _age(app, resume_id, status=AnalysisStatus.PROCESSING, minutes=60)
        assert self.sweep(app) == {"requeued": 1, "failed": 0}
        requeued = row(app, resume_id)
        assert requeued.analysis_status is AnalysisStatus.PENDING
        new_token = queued[-1][1]
        assert queued[-1][0] == resume_id and new_token not in (None, old_token)
        assert run(app, resume_id, old_token) == "skipped"  # the lost run, if it ever wakes
        assert run(app, resume_id, new_token) == "done"
        assert row(app, resume_id).analysis_attempts == 2

    def test_a_resume_whose_message_was_lost_is_requeued(self, app, submit, queued):
        resume_id, _ = submit(pdf_bytes(RESUME_LINES))
        _age(app, resume_id, status=AnalysisStatus.PENDING, minutes=60, attempts=0)
        assert self.sweep(app) == {"requeued": 1, "failed": 0}
        assert run(app, resume_id, queued[-1][1]) == "done"

    def test_recent_and_finished_analyses_are_left_alone(self, app, submit, queued):
        running, _ = submit(pdf_bytes(RESUME_LINES))
        _age(app, running, status=AnalysisStatus.PROCESSING, minutes=5)
        finished, token = submit(pdf_bytes(RESUME_LINES))
        run(app, finished, token)
        _age(app, finished, status=AnalysisStatus.DONE, minutes=600)
        sent = len(queued)
        assert self.sweep(app) == {"requeued": 0, "failed": 0}
        assert len(queued) == sent
        assert row(app, running).analysis_status is AnalysisStatus.PROCESSING

    def test_a_resume_that_keeps_getting_stuck_fails_for_good(
        self, app, client, auth_headers, candidate, submit
    ):
        resume_id, _ = submit(pdf_bytes(RESUME_LINES))
        _age(app, resume_id, status=AnalysisStatus.PROCESSING, minutes=60, attempts=3)
        assert self.sweep(app) == {"requeued": 0, "failed": 1}
        body = analysis(client, auth_headers, candidate, resume_id)
        assert body["status"] == "failed"
        assert body["error"] == "The analysis did not finish after 3 attempts."
        assert len(notifications(client, auth_headers, candidate)) == 1

    def test_the_timeout_is_configurable(self, app, submit):
        resume_id, _ = submit(pdf_bytes(RESUME_LINES))
        _age(app, resume_id, status=AnalysisStatus.PROCESSING, minutes=5)
        app.config["RESUME_ANALYSIS_TIMEOUT"] = 60
        assert self.sweep(app) == {"requeued": 1, "failed": 0}

    def test_the_sweeper_is_on_the_beat_schedule(self, app):
        schedule = app.extensions["celery"].conf.beat_schedule
        assert any(e["task"] == "resumes.requeue_stuck_analyses" for e in schedule.values())
