"""Employer side: every application carries its resume's match score against its job.

Tasks run in process here, on both backends (as in `make run`); the PostgreSQL run
also goes the whole way through a real Celery worker in test_applicant_scores_worker.py.
"""

from __future__ import annotations

import pytest

from jobhub.matching.tasks import score_applications
from jobhub.resumes.tasks import analyze_resume
from tests.matching.conftest import BACKEND_TEXT
from tests.support.mail import eager_tasks

API = "/api/v1"
PYTHON_ONLY = b"Python scripting for test automation."


@pytest.fixture(autouse=True)
def _tasks_in_process(app):
    eager_tasks(app)


@pytest.fixture
def candidates(make_user):
    return [make_user(role="candidate") for _ in range(4)]


def apply(api, user, job, resume=None) -> dict:
    body = {"resume_id": resume.id} if resume is not None else {}
    return api("POST", user, f"/jobs/{job.id}/applications", json=body)


def ranked(api, employer, job) -> list[dict]:
    return api("GET", employer, f"/applications?job_id={job.id}&sort=match")


def test_applicants_are_ranked_by_match_with_the_reasons(api, make, employer, jobs, candidates):
    full, partial, no_resume, pending = candidates
    job = jobs["full"]
    resumes = {
        "full": make(
            "resume",
            user=full,
            data=BACKEND_TEXT,
            skills=["python", "docker", "postgresql", "kubernetes"],
        ),
        "partial": make("resume", user=partial, data=PYTHON_ONLY, skills=["python"]),
        "pending": make("resume", user=pending),
    }
    ids = {
        "full": apply(api, full, job, resumes["full"])["id"],
        "partial": apply(api, partial, job, resumes["partial"])["id"],
        "no_resume": apply(api, no_resume, job)["id"],
        "pending": apply(api, pending, job, resumes["pending"])["id"],
    }

    listed = ranked(api, employer, job)
    # Scored first, best first; then the unscored ones, newest first.
    assert [a["id"] for a in listed] == [
        ids["full"],
        ids["partial"],
        ids["pending"],
        ids["no_resume"],
    ]
    best, second, *unscored = listed
    assert best["match_score"] > second["match_score"] > 0
    # The employer's score is the candidate's own /jobs/{id}/match for that resume.
    for application, user, resume in ((best, full, "full"), (second, partial, "partial")):
        seen = api("GET", user, f"/jobs/{job.id}/match?resume_id={resumes[resume].id}")
        assert application["match_score"] == seen["score"]
        explanation = application["match_explanation"]
        assert explanation["matched_skills"] == seen["matched_skills"]
        assert explanation["missing_skills"] == seen["missing_skills"]
        assert explanation["nice_to_have_matched"] == seen["nice_to_have_matched"]
        assert explanation["resume_id"] == resumes[resume].id
        assert 0 <= explanation["similarity"] <= 1
        assert explanation["scored_at"]
    assert best["match_explanation"]["missing_skills"] == []
    assert best["match_explanation"]["nice_to_have_missing"] == ["terraform"]
    assert second["match_explanation"]["matched_skills"] == ["python"]
    assert second["match_explanation"]["missing_skills"] == ["docker", "postgresql", "kubernetes"]
    for application in unscored:
        assert application["match_score"] is None
        assert application["match_explanation"] is None


def test_the_score_arrives_when_the_resume_is_analysed(app, api, make, employer, jobs, candidates):
    candidate = candidates[0]
    resume = make("resume", user=candidate, data=BACKEND_TEXT)
    application = apply(api, candidate, jobs["full"], resume)
    assert application["match_score"] is None

    with app.app_context():
        assert analyze_resume.apply(args=[resume.id]).get() == "done"

    (listed,) = ranked(api, employer, jobs["full"])
    seen = api("GET", candidate, f"/jobs/{jobs['full'].id}/match?resume_id={resume.id}")
    assert listed["match_score"] == seen["score"] > 60
    assert listed["match_explanation"]["matched_skills"] == [
        "python",
        "docker",
        "postgresql",
        "kubernetes",
    ]
    # The candidate sees the same score on their own application.
    own = api("GET", candidate, f"/applications/{application['id']}")
    assert own["match_score"] == listed["match_score"]
    assert own["match_explanation"] == listed["match_explanation"]


def test_editing_what_is_matched_rescores_the_applicants(api, make, employer, jobs, candidates):
    candidate = candidates[0]
    job = jobs["full"]
    resume = make(
        "resume",
        user=candidate,
        data=BACKEND_TEXT,
        skills=["python", "docker", "postgresql", "kubernetes"],
    )
    apply(api, candidate, job, resume)
    (before,) = ranked(api, employer, job)

    api("PATCH", employer, f"/jobs/{job.id}", json={"location": "Lisbon"})
    (after_location,) = ranked(api, employer, job)
    assert after_location["match_explanation"] == before["match_explanation"]  # not rescored

    api("PATCH", employer, f"/jobs/{job.id}", json={"skills": ["java", "spring"]})
    (after_skills,) = ranked(api, employer, job)
    assert after_skills["match_score"] < before["match_score"]
    assert after_skills["match_explanation"]["matched_skills"] == []
    assert after_skills["match_explanation"]["missing_skills"] == ["java", "spring"]
    assert after_skills["match_explanation"]["scored_at"] > before["match_explanation"]["scored_at"]


def test_scoring_again_changes_nothing(app, api, make, employer, jobs, candidates):
    job = jobs["full"]
    for n, candidate in enumerate(candidates[:3]):
        skills = ["python", "docker", "postgresql", "kubernetes"][: n + 1]
        resume = make("resume", user=candidate, data=BACKEND_TEXT, skills=skills)
        apply(api, candidate, job, resume)
    apply(api, candidates[3], job)  # no resume: nothing to score
    first = ranked(api, employer, job)

    with app.app_context():
        assert score_applications.apply(kwargs={"job_id": job.id}).get() == 3
        assert score_applications.apply(kwargs={"job_id": job.id}).get() == 3
    again = ranked(api, employer, job)
    assert [(a["id"], a["match_score"]) for a in again] == [
        (a["id"], a["match_score"]) for a in first
    ]
    assert [a["match_score"] is None for a in again] == [False, False, False, True]


def test_scoring_walks_a_large_job_in_batches(app, api, make, employer, jobs, monkeypatch):
    from jobhub.matching.applicants import services as applicants

    monkeypatch.setattr(applicants, "BATCH_SIZE", 2)
    job = jobs["partial"]
    for _ in range(5):
        candidate = make("user", role="candidate")
        resume = make("resume", user=candidate, data=BACKEND_TEXT, skills=["kubernetes"])
        make("application", job=job, candidate=candidate, resume_id=resume.id)
    assert all(a["match_score"] is None for a in ranked(api, employer, job))

    with app.app_context():
        assert score_applications.apply(kwargs={"job_id": job.id}).get() == 5
    scores = {a["match_score"] for a in ranked(api, employer, job)}
    assert len(scores) == 1 and None not in scores


def test_the_cli_fills_in_missing_scores(api, runner, make, employer, jobs):
    """Applications created before scoring existed (rows made directly here) get scores."""
    for job in (jobs["full"], jobs["partial"], jobs["partial"]):
        candidate = make("user", role="candidate")
        resume = make("resume", user=candidate, data=BACKEND_TEXT, skills=["kubernetes"])
        make("application", job=job, candidate=candidate, resume_id=resume.id)
    make("application", job=jobs["full"], candidate=make("user", role="candidate"))

    result = runner.invoke(args=["matching", "score-applications", "--job-id", jobs["full"].id])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Scored 1 application."
    assert [a["match_score"] is None for a in ranked(api, employer, jobs["partial"])] == [True] * 2

    result = runner.invoke(args=["matching", "score-applications"])
    assert result.output.strip() == "Scored 2 applications."
    assert None not in [a["match_score"] for a in ranked(api, employer, jobs["partial"])]
    assert runner.invoke(args=["matching", "score-applications"]).output.strip() == (
        "Scored 0 applications."
    )
    assert runner.invoke(args=["matching", "score-applications", "--all"]).output.strip() == (
        "Scored 3 applications."
    )
    bad = runner.invoke(args=["matching", "score-applications", "--job-id", "0"])
    assert bad.exit_code == 2
