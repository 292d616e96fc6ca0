"""The analysis through a real Celery worker on Redis (PostgreSQL + Redis run only)."""

from __future__ import annotations

import pytest

from tests.resumes.conftest import UPLOAD_URL
from tests.resumes.test_analysis_task import EXPECTED_EDUCATION, EXPECTED_SKILLS
from tests.support.documents import RESUME_LINES, docx_bytes, pdf_bytes
from tests.support.servers import celery_worker, wait_for


@pytest.mark.postgres
@pytest.mark.slow
def test_a_real_worker_analyses_uploaded_resumes(
    app, backend, client, auth_headers, candidate, upload, upload_dir, tmp_path
):
    headers = auth_headers(candidate)
    with celery_worker(backend.environ(UPLOAD_DIR=str(upload_dir)), tmp_path=tmp_path):
        ids = [
            upload(candidate, pdf_bytes(RESUME_LINES), "cv.pdf").get_json()["id"],
            upload(candidate, docx_bytes(RESUME_LINES), "cv.docx").get_json()["id"],
        ]
        results: dict[int, dict] = {}

        def finished() -> bool:
            for resume_id in ids:
                body = client.get(f"{UPLOAD_URL}/{resume_id}/analysis", headers=headers).get_json()
                if body["status"] in ("done", "failed"):
                    results[resume_id] = body
            return len(results) == len(ids)

        wait_for(finished, timeout=60, what="the worker to analyse both resumes")
    for body in results.values():
        assert body["status"] == "done", body
        assert body["skills"] == EXPECTED_SKILLS
        assert body["years_experience"] == 8.0
        assert body["education"] == EXPECTED_EDUCATION
        # Evidence written by the worker and read back from PostgreSQL (JSON columns).
        details = {item["skill"]: item for item in body["skill_details"]}
        assert list(details) == EXPECTED_SKILLS
        assert {e["section"] for e in details["go"]["evidence"]} == {
            "summary",
            "experience",
            "skills",
        }
    notices = client.get("/api/v1/notifications?type=resume.analyzed", headers=headers).get_json()
    assert sorted(notice["data"]["resume_id"] for notice in notices) == sorted(ids)
