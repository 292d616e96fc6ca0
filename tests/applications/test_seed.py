"""flask seed: demo applications by default, ``--applications N`` tops up, histories hold."""

from __future__ import annotations

from collections import defaultdict

from flask_jwt_extended import create_access_token
from sqlalchemy import func, select

from jobhub.applications.interviews.models import Interview, InterviewFeedback
from jobhub.applications.models import (
    ACTIVE_STATUSES,
    Application,
    ApplicationEvent,
    ApplicationStatus,
    is_allowed,
)
from jobhub.companies.models import CompanyMember
from jobhub.db import db
from jobhub.jobs.models import Job
from jobhub.resumes.models import AnalysisStatus, Resume
from jobhub.users.models import User
from tests.support.mail import eager_tasks


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_demo_candidates_apply_to_the_demo_companies(app, runner, client):
    first = runner.invoke(args=["seed", "--jobs", "150"])
    assert first.exit_code == 0, first.output
    assert "15 applications" in first.output
    users, members = _count(app, User), _count(app, CompanyMember)
    again = runner.invoke(args=["seed", "--jobs", "150"])
    assert "already present" in again.output
    assert (_count(app, Application), _count(app, User), _count(app, CompanyMember)) == (
        15,
        users,
        members,
    )
    with app.app_context():
        erin = db.session.scalar(select(User).where(User.email == "erin.employer@jobhub.local"))
        token = create_access_token(identity=str(erin.id))
    listed = client.get("/api/v1/applications", headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200
    assert all(item["candidate"]["email"].endswith("@jobhub.local") for item in listed.json)


def test_demo_candidates_apply_with_analysed_resumes_and_get_match_scores(app, runner):
    """As `make run` does it: the analysis and the scoring run in process after the seed."""
    eager_tasks(app)
    result = runner.invoke(args=["seed", "--jobs", "150"])
    assert result.exit_code == 0, result.output
    assert "5 resumes" in result.output
    with app.app_context():
        resumes = list(db.session.scalars(select(Resume)))
        assert len(resumes) == 5
        assert {r.analysis_status for r in resumes} == {AnalysisStatus.DONE}
        assert all(len(r.skills) >= 5 for r in resumes)
        applications = list(db.session.scalars(select(Application)))
        assert len(applications) == 15
        by_owner = {r.user_id: r.id for r in resumes}
        assert all(a.resume_id == by_owner[a.candidate_id] for a in applications)
        assert all(a.match_score is not None for a in applications)
        assert all(a.match_explanation["resume_id"] == a.resume_id for a in applications)
    assert "already present" in runner.invoke(args=["seed", "--jobs", "150"]).output


def test_applications_top_up_with_consistent_histories(app, runner):
    result = runner.invoke(args=["seed", "--jobs", "200", "--applications", "400"])
    assert result.exit_code == 0, result.output
    assert _count(app, Application) == 400
    assert _count(app, Interview) > 0 and _count(app, InterviewFeedback) > 0
    assert "already present" in runner.invoke(args=["seed", "--applications", "400"]).output
    more = runner.invoke(args=["seed", "--applications", "450"])
    assert "50 applications" in more.output and _count(app, Application) == 450

    with app.app_context():
        applications = {a.id: a for a in db.session.scalars(select(Application))}
        moves = defaultdict(list)
        for move in db.session.scalars(select(ApplicationEvent).order_by(ApplicationEvent.id)):
            moves[move.application_id].append(move)
        for application in applications.values():
            history = moves[application.id]
            assert history[0].from_status is None and history[0].to_status == "applied"
            assert history[-1].to_status == application.status
            for move in history[1:]:
                assert is_allowed(move.actor_side, move.from_status, move.to_status), move
            stamps = [move.created_at for move in history]
            assert stamps == sorted(stamps) and stamps[0] == application.created_at
            assert (application.status == ApplicationStatus.REJECTED) == (
                application.rejection_reason is not None
            )
        active = [
            (a.candidate_id, a.job_id) for a in applications.values() if a.status in ACTIVE_STATUSES
        ]
        assert len(active) == len(set(active))
        for job in db.session.scalars(select(Job)):
            not_withdrawn = sum(
                1 for a in applications.values() if a.job_id == job.id and a.status != "withdrawn"
            )
            assert job.applications_count == not_withdrawn
        # Every interview belongs to an application that reached the interview stage.
        for interview in db.session.scalars(select(Interview)):
            reached = {move.to_status for move in moves[interview.application_id]}
            assert ApplicationStatus.INTERVIEWING in reached
