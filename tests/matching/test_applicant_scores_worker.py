"""Match scores through a real Celery worker on Redis (PostgreSQL + Redis run only).

A candidate uploads a real PDF and applies with it at once, before its analysis ran:
the worker analyses the resume, then scores the application, and the employer sees
the applicant ranked with the reasons.
"""

from __future__ import annotations

import io

import pytest

from tests.support.documents import RESUME_LINES, pdf_bytes
from tests.support.servers import celery_worker, wait_for

API = "/api/v1"


@pytest.mark.postgres
@pytest.mark.slow
def test_a_real_worker_scores_an_application_once_its_resume_is_analysed(
    app_environ, client, auth_headers, candidate, employer, make, company, tmp_path
):
    job = make(
        "job",
        company=company,
        title="Python Backend Engineer",
        description="Django and FastAPI services on Kubernetes, data in PostgreSQL.",
        skills=["python", "django", "postgresql", "kubernetes", "rust"],
        nice_to_have_skills=["terraform"],
    )
    headers = auth_headers(candidate)
    with celery_worker(app_environ, tmp_path=tmp_path):
        upload = client.post(
            f"{API}/resumes",
            headers=headers,
            data={"file": (io.BytesIO(pdf_bytes(RESUME_LINES)), "cv.pdf", "application/pdf")},
            content_type="multipart/form-data",
        )
        assert upload.status_code == 201, upload.get_json()
        resume_id = upload.get_json()["id"]
        applied = client.post(
            f"{API}/jobs/{job.id}/applications", json={"resume_id": resume_id}, headers=headers
        )
        assert applied.status_code == 201, applied.get_json()
        listed: list[dict] = []

        def scored() -> bool:
            response = client.get(
                f"{API}/applications?job_id={job.id}&sort=match", headers=auth_headers(employer)
            )
            listed[:] = response.get_json()
            return listed[0]["match_score"] is not None

        wait_for(scored, timeout=60, what="the worker to analyse the resume and score it")

    (application,) = listed
    explanation = application["match_explanation"]
    assert explanation["resume_id"] == resume_id
    assert explanation["matched_skills"] == ["python", "django", "postgresql", "kubernetes"]
    assert explanation["missing_skills"] == ["rust"]
    assert explanation["nice_to_have_missing"] == ["terraform"]
    own = client.get(f"{API}/jobs/{job.id}/match?resume_id={resume_id}", headers=headers)
    assert application["match_score"] == own.get_json()["score"]
