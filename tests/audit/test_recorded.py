"""What the domains write to the audit log, in the transaction of the change."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from jobhub.audit.models import AuditEntry
from jobhub.db import db
from tests.factories import DEFAULT_PASSWORD


def _entries(app, action: str | None = None) -> list[AuditEntry]:
    with app.app_context():
        query = select(AuditEntry).order_by(AuditEntry.id)
        if action:
            query = query.where(AuditEntry.action == action)
        rows = list(db.session.scalars(query))
        db.session.expunge_all()
        return rows


@pytest.fixture
def public_job(make, company):
    return make("job", company=company)


@pytest.fixture
def applied(make, api, candidate, public_job):
    resume = make("resume", user=candidate)
    application = api.apply(candidate, public_job, resume_id=resume.id)
    return application, resume


def test_pipeline_moves_are_recorded(app, api, employer, candidate, applied):
    application, _ = applied
    api.move(employer, application["id"], "screening")
    api.move(employer, application["id"], "rejected", reason="not_qualified")
    first, second = _entries(app, "application.status_changed")
    assert first.changes == {"status": ["applied", "screening"]}
    assert second.changes == {
        "status": ["screening", "rejected"],
        "rejection_reason": [None, "not_qualified"],
    }
    assert (first.actor_id, first.actor_role, first.target_id) == (
        employer.id,
        "employer",
        str(application["id"]),
    )
    assert first.subject_id == candidate.id


def test_a_refused_move_records_nothing(app, api, employer, applied):
    application, _ = applied
    response = api.patch(
        employer, f"/applications/{application['id']}/status", json={"status": "hired"}
    )
    assert response.status_code == 409
    assert _entries(app, "application.status_changed") == []


def test_employer_resume_downloads_are_recorded(app, api, employer, candidate, applied):
    _, resume = applied
    assert api.get(candidate, f"/resumes/{resume.id}/file").status_code == 200
    assert _entries(app, "resume.downloaded") == []  # the owner's own download is not
    assert api.get(employer, f"/resumes/{resume.id}/file").status_code == 200
    [entry] = _entries(app, "resume.downloaded")
    assert (entry.actor_id, entry.target_type, entry.target_id, entry.subject_id) == (
        employer.id,
        "resume",
        str(resume.id),
        candidate.id,
    )


def test_company_verification_and_membership(app, api, admin, employer, company, make_user):
    api("PATCH", admin, f"/companies/{company.id}", json={"verified": not company.verified})
    recruiter = make_user(role="employer")
    api(
        "POST",
        employer,
        f"/companies/{company.id}/members",
        json={"email": recruiter.email, "role": "recruiter"},
    )
    assert (
        api.delete(employer, f"/companies/{company.id}/members/{recruiter.id}").status_code == 204
    )
    actions = [entry.action for entry in _entries(app)]
    verb = "company.unverified" if company.verified else "company.verified"
    assert actions == [verb, "company.member_added", "company.member_removed"]
    added, removed = _entries(app)[1:]
    assert added.changes == {"member_id": [None, recruiter.id], "role": [None, "recruiter"]}
    assert removed.changes == {"member_id": [recruiter.id, None], "role": ["recruiter", None]}
    assert added.subject_id == recruiter.id and added.actor_id == employer.id


def test_erasure_is_recorded_and_redacts_the_users_personal_values(
    app, api, runner, admin, candidate
):
    response = api.patch(
        admin,
        f"/admin/users/{candidate.id}",
        json={"email_verified": True},
        environ_base={"REMOTE_ADDR": "192.0.2.80"},
    )
    assert response.status_code == 200
    erased = api.delete(
        candidate,
        "/users/me",
        json={"password": DEFAULT_PASSWORD},
        environ_base={"REMOTE_ADDR": "192.0.2.81"},
    )
    assert erased.status_code in (200, 204), erased.get_json()
    verified, gone = _entries(app)
    assert (verified.action, gone.action) == ("user.verified", "user.erased")
    assert verified.ip is None and gone.ip is None  # both are about the erased user
    assert verified.redacted_at is not None and verified.changes == {
        "email_verified": [False, True]
    }
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "2 rows verified" in result.output, result.output
