"""The panel's lists and row actions: users, companies, applications, reports."""

from __future__ import annotations

import re

import pytest

from jobhub.companies.models import Company
from jobhub.db import db
from jobhub.jobs.models import Job
from jobhub.jobs.moderation.models import JobReport
from jobhub.users.models import User
from tests.support.api import API, bearer
from tests.support.panel import Panel

PAGES = (
    "/admin/users/",
    "/admin/companies/",
    "/admin/jobs/",
    "/admin/applications/",
    "/admin/reports/",
)


@pytest.fixture
def signed_in(panel, admin) -> Panel:
    panel.sign_in(admin)
    return panel


def _row(app, model, row_id):
    with app.app_context():
        row = db.session.get(model, row_id)
        db.session.expunge(row)
        return row


def _act(panel: Panel, page: str, name: str, ids: list[int]):
    return panel.post(page + "action/", {"action": name, "rowid": ids}, from_page=page)


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("role", [None, "candidate", "employer"])
def test_others_are_sent_to_sign_in(client, make_user, path, role):
    panel = Panel(client)
    if role:
        panel.sign_in_response(make_user(role=role).email)
    response = panel.get(path)
    assert response.status_code == 302 and "/admin/login" in response.location
    acted = panel.post_without_csrf(path + "action/", {"action": "verify", "rowid": ["1"]})
    assert acted.status_code == 302 and "/admin/login" in acted.location


@pytest.mark.parametrize("path", PAGES)
def test_every_list_opens_for_an_admin(signed_in, path, make, company, candidate):
    job = make("job", company=company)
    make("application", job=job, candidate=candidate)
    make("report", job=job, reporter=candidate)
    html = signed_in.page(path)
    assert "sign-out" in html
    # Every script, style, image and link is the app's own (nothing from a CDN).
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith(("/", "#", "?", "javascript:void")) for s in sources), [
        s for s in sources if not s.startswith(("/", "#", "?"))
    ]


def test_users_search_and_filter_and_never_show_a_password_hash(app, signed_in, make_user):
    alice = make_user(role="candidate", email="alice@example.com", full_name="Alice Moreau")
    make_user(role="employer", email="bob@example.com", full_name="Bob Stone")
    found = signed_in.page("/admin/users/?search=moreau")
    assert "alice@example.com" in found and "bob@example.com" not in found
    hashes = _row(app, User, alice.id).password_hash
    details = signed_in.page(f"/admin/users/details/?id={alice.id}")
    assert "alice@example.com" in details
    for html in (found, details):
        assert hashes not in html and "$argon2" not in html and "password" not in html.lower()


def test_deactivating_a_user_ends_their_api_session_at_once(app, signed_in, make_user, api):
    bob = make_user(role="employer", email="bob@example.com")
    tokens = api.login("bob@example.com")
    assert _act(signed_in, "/admin/users/", "deactivate", [bob.id]).status_code == 302
    assert _row(app, User, bob.id).is_active is False
    me = api.client.get(f"{API}/auth/me", headers=bearer(tokens["access_token"]))
    assert me.status_code in (401, 403)
    _act(signed_in, "/admin/users/", "activate", [bob.id])
    assert _row(app, User, bob.id).is_active is True


def test_deactivating_an_admin_ends_their_panel_session(client, signed_in, make_user):
    other = make_user(role="admin", email="other@example.com")
    theirs = Panel(client.application.test_client())
    theirs.sign_in(other)
    _act(signed_in, "/admin/users/", "deactivate", [other.id])
    assert not theirs.is_signed_in()
    assert signed_in.is_signed_in()


def test_an_admin_cannot_deactivate_themselves(app, signed_in, admin):
    _act(signed_in, "/admin/users/", "deactivate", [admin.id])
    assert _row(app, User, admin.id).is_active is True


def test_mark_a_user_verified(app, signed_in, make_user):
    bob = make_user(role="employer", email_verified=False)
    _act(signed_in, "/admin/users/", "verify", [bob.id])
    assert _row(app, User, bob.id).email_verified is True


def test_verify_and_unverify_companies(app, signed_in, make, employer):
    acme = make("company", owner=employer, verified=False)
    _act(signed_in, "/admin/companies/", "verify", [acme.id])
    assert _row(app, Company, acme.id).verified is True
    _act(signed_in, "/admin/companies/", "unverify", [acme.id])
    assert _row(app, Company, acme.id).verified is False


def test_row_actions_need_the_csrf_token(app, signed_in, make_user):
    bob = make_user(role="employer")
    for data in ({}, {"csrf_token": "forged"}):
        response = signed_in.post_without_csrf(
            "/admin/users/action/", {"action": "deactivate", "rowid": [bob.id], **data}
        )
        assert response.status_code == 302
    assert _row(app, User, bob.id).is_active is True


def test_applications_are_read_only(signed_in, make, company, candidate):
    job = make("job", company=company)
    application = make("application", job=job, candidate=candidate)
    html = signed_in.page("/admin/applications/")
    assert f"details/?id={application.id}" in html or str(application.id) in html
    for path in ("new/", f"edit/?id={application.id}"):
        assert signed_in.get("/admin/applications/" + path).status_code in (302, 403, 404)
    deleted = signed_in.post("/admin/applications/delete/", {"id": application.id})
    assert deleted.status_code in (302, 403, 404, 405)
    assert "applications" in signed_in.page(f"/admin/applications/details/?id={application.id}")


def test_dismissing_every_report_returns_a_flagged_job_to_the_board(
    app, signed_in, make, make_user, company, api
):
    job = make("job", company=company, moderation_status="flagged", moderated_at=None)
    with app.app_context():  # it had been approved before the reports flagged it
        db.session.get(Job, job.id).moderated_at = db.func.now()
        db.session.commit()
    reports = [make("report", job=job, reporter=make_user(role="candidate")) for _ in range(3)]
    _act(signed_in, "/admin/reports/", "dismiss", [r.id for r in reports[:2]])
    assert _row(app, Job, job.id).moderation_status.value == "flagged"
    _act(signed_in, "/admin/reports/", "dismiss", [reports[2].id])
    assert _row(app, Job, job.id).moderation_status.value == "approved"
    assert {_row(app, JobReport, r.id).status.value for r in reports} == {"dismissed"}
    assert api.get(None, f"/jobs/{job.id}").status_code == 200


def test_a_resolved_report_keeps_the_job_flagged(app, signed_in, make, make_user, company):
    job = make("job", company=company, moderation_status="flagged")
    report = make("report", job=job, reporter=make_user(role="candidate"))
    _act(signed_in, "/admin/reports/", "resolve", [report.id])
    assert _row(app, JobReport, report.id).status.value == "resolved"
    assert _row(app, Job, job.id).moderation_status.value == "flagged"
    filtered = signed_in.page("/admin/reports/?flt0_0=resolved")
    assert f"id={report.id}" in filtered
    assert f"id={report.id}" not in signed_in.page("/admin/reports/?flt0_0=open")
    assert signed_in.get("/admin/reports/?flt0_0=nonsense").status_code == 200


@pytest.mark.parametrize(
    "query", ["?search=a%00b", f"details/?id={2**31}", "details/?id=abc", "?page=99999999999"]
)
def test_bad_parameters_are_refused_or_harmless(signed_in, query):
    assert signed_in.get("/admin/users/" + query).status_code in (200, 302, 400, 422)


def test_jobs_search_filter_and_show_the_decision(signed_in, make, company):
    kept = make("job", company=company, title="Robot Wrangler")
    gone = make(
        "job",
        company=company,
        title="Fee Collector",
        moderation_status="rejected",
        moderation_reason="scam: Asks applicants for a fee.",
    )
    found = signed_in.page("/admin/jobs/?search=wrangler")
    assert "Robot Wrangler" in found and "Fee Collector" not in found
    rejected = signed_in.page("/admin/jobs/?flt0_1=rejected")
    assert "Fee Collector" in rejected and "Robot Wrangler" not in rejected
    details = signed_in.page(f"/admin/jobs/details/?id={gone.id}")
    assert "Asks applicants for a fee." in details
    assert kept.id
