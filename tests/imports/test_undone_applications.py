"""An imported application that the import's undo soft-deleted (``deleted_at``) shows
nowhere: the API's lists and reads (candidate, employer, admin), the admin panel, the
analytics dashboards; one live application beside it keeps every count honest."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from jobhub.applications.interviews.reminders.tasks import send_interview_reminders
from jobhub.applications.models import Application
from jobhub.db import db, utcnow
from jobhub.notifications.models import Notification
from tests.imports.test_applications import _csv, _imported, company, jobs, known

__all__ = ["company", "jobs", "known"]  # the fixtures of the applications imports


def test_an_undone_imported_application_shows_nowhere(
    app, api, employer, company, jobs, known, make, admin, panel
):
    kept = make("application", job=jobs[1], candidate=known)
    row = f"{jobs[0].id},known@example.com,,screening,,,,,"
    body = _imported(api, employer, company, _csv(row))
    assert (body["status"], body["created"]) == ("done", 1), body
    [imported] = [a for a in api("GET", employer, "/applications") if a["id"] != kept.id]
    job_dashboard = f"/analytics/jobs/{jobs[0].id}"
    assert api("GET", employer, job_dashboard)["lifetime_applications"] == 1

    with app.app_context():
        application = db.session.get(Application, imported["id"])
        db.session.expunge(application)
    make(
        "interview",
        application=application,
        organizer=employer,
        interviewers=[employer],
        starts_at=utcnow() + timedelta(minutes=50),
        notice_minutes=7 * 24 * 60,
    )

    assert api("POST", employer, f"/imports/{body['id']}/undo")["status"] == "undone"
    undone = imported["id"]

    with app.app_context():
        assert send_interview_reminders.apply().get() == 0
        reminders = select(func.count()).where(Notification.type == "interview.reminder")
        assert db.session.scalar(reminders) == 0

    for user in (employer, known, admin):
        assert [a["id"] for a in api("GET", user, "/applications")] == [kept.id]
        assert api.get(user, f"/applications/{undone}").status_code == 404
    by_job = api("GET", employer, f"/applications?job_id={jobs[0].id}")
    assert by_job == []

    assert api("GET", employer, job_dashboard)["lifetime_applications"] == 0
    assert api("GET", known, "/analytics/me")["totals"]["applications"] == 1
    company_dashboard = api("GET", employer, f"/analytics/companies/{company.id}")
    assert company_dashboard["lifetime_applications"] == 1

    panel.sign_in(admin)
    listed = panel.page("/admin/applications/")
    assert f"details/?id={kept.id}" in listed
    assert f"details/?id={undone}" not in listed
    assert panel.get(f"/admin/applications/details/?id={undone}").status_code == 302
