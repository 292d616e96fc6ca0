"""Erasure (SPEC §10): the receipt of DELETE /users/me, and the derived data it reaches."""

from __future__ import annotations

from sqlalchemy import func, select

from jobhub import cache
from jobhub.analytics.services import CACHE_NAMESPACE
from jobhub.applications.models import Application
from jobhub.audit.models import AuditEntry
from jobhub.db import db
from jobhub.exports.models import Export
from jobhub.notifications.models import Notification
from jobhub.resumes.models import Resume, ResumeSkill
from tests.factories import DEFAULT_PASSWORD
from tests.support.mail import eager_tasks


def _probe(app, user_id: int) -> str | None:
    """A cached answer under the candidate's analytics scope: hit or miss."""
    with app.test_request_context():
        _, state = cache.cached(
            namespace=CACHE_NAMESPACE,
            name="probe",
            scopes=[f"candidate:{user_id}"],
            params={},
            compute=lambda: "{}",
            ttl=300,
        )
    return state


def test_the_receipt_names_what_was_erased_anonymised_and_retained(
    app, api, make, make_user, employer, company, mailbox, login
):
    eager_tasks(app)
    candidate = make_user(role="candidate", full_name="Chloé Dubois", email="chloe@example.com")
    login("chloe@example.com", DEFAULT_PASSWORD)
    job = make("job", company=company)
    resume = make("resume", user=candidate, skills=["python", "sql"])
    application = make(
        "application",
        job=job,
        candidate=candidate,
        resume_id=resume.id,
        cover_letter="Dear team",
        match_score=81.5,
        match_explanation={"matched": ["python"], "missing": ["go"]},
    )
    make("notification", user=candidate)
    make("saved_search", user=candidate)
    assert (
        api.post(candidate, "/exports", json={"resource": "account", "format": "zip"}).status_code
        == 202
    )
    # An audited action of the candidate with their name and IP in the log.
    api("PATCH", candidate, "/users/me", json={"full_name": "Chloé D."})
    _probe(app, candidate.id)
    assert _probe(app, candidate.id) == "hit"

    response = api.delete(
        candidate,
        "/users/me",
        json={"password": DEFAULT_PASSWORD},
        headers={"X-Forwarded-For": "203.0.113.9"},
    )
    assert response.status_code == 200, response.get_json()
    receipt = response.get_json()
    assert set(receipt) == {"erased", "anonymised", "retained"}
    erased = " | ".join(receipt["erased"])
    for part in (
        "resumes",
        "analyses",
        "notifications",
        "saved searches",
        "sessions",
        "cached analytics",
        "exports (1)",
    ):
        assert part in erased, part
    anonymised = " | ".join(receipt["anonymised"])
    for part in (
        "match scores",
        "match explanations",
        "cover letters",
        "audit log",
        "account: email, name",
    ):
        assert part in anonymised, part
    assert receipt["retained"] and all(set(item) == {"what", "why"} for item in receipt["retained"])
    assert any("stage history" in item["what"] for item in receipt["retained"])

    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Resume)) == 0
        assert db.session.scalar(select(func.count()).select_from(ResumeSkill)) == 0
        kept = db.session.get(Application, application.id)
        assert kept.anonymized_at is not None
        assert (kept.match_score, kept.match_explanation, kept.cover_letter) == (None, None, None)
        assert kept.resume_id is None
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(Notification)
                .where(Notification.user_id == candidate.id)
            )
            == 0
        )
        assert db.session.scalar(select(func.count()).select_from(Export)) == 0
        rows = db.session.scalars(
            select(AuditEntry).where(
                (AuditEntry.actor_id == candidate.id) | (AuditEntry.subject_id == candidate.id)
            )
        ).all()
        assert rows and all(row.ip is None and row.personal is None for row in rows)
        assert "user.erased" in {row.action for row in rows}
    assert _probe(app, candidate.id) == "miss"  # the cached answer is not served again


def test_an_employers_receipt_has_no_application_part(api, employer, company):
    response = api.delete(employer, "/users/me", json={"password": DEFAULT_PASSWORD})
    assert response.status_code == 200
    receipt = response.get_json()
    assert "company memberships" in receipt["erased"]
    assert not any("applications" in item for item in receipt["anonymised"])


def test_a_wrong_password_erases_nothing(app, api, candidate):
    response = api.delete(candidate, "/users/me", json={"password": "not-the-password"})
    assert response.status_code == 422
    assert api.get(candidate, "/users/me").status_code == 200
