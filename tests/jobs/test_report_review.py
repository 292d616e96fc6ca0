"""Admins review reports: list, resolve, dismiss (a flagged job whose reports are all
dismissed returns to the board); every step audited."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from jobhub.audit.models import AuditEntry
from jobhub.db import db


@pytest.fixture
def flagged(make, make_user, api, company):
    job = make("job", company=company)
    for _ in range(3):
        response = api.post(make_user(), f"/jobs/{job.id}/report", json={"reason": "spam"})
        assert response.status_code == 201
    assert api.get(None, f"/jobs/{job.id}").status_code == 404  # hidden while flagged
    return job


def _actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_dismissing_every_report_returns_the_job(app, api, admin, flagged):
    response = api.get(admin, "/admin/reports?status=open")
    assert json.loads(response.headers["X-Pagination"])["total"] == 3
    ids = [report["id"] for report in response.get_json()]
    for report_id in ids[:2]:
        assert api("POST", admin, f"/admin/reports/{report_id}/dismiss")["status"] == "dismissed"
    assert api.get(None, f"/jobs/{flagged.id}").status_code == 404  # one still open
    api("POST", admin, f"/admin/reports/{ids[2]}/dismiss")
    assert api.get(None, f"/jobs/{flagged.id}").status_code == 200
    assert _actions(app) == ["report.dismissed"] * 3 + ["job.unflagged"]


def test_a_resolved_report_keeps_the_job_flagged(app, api, admin, flagged):
    ids = [r["id"] for r in api("GET", admin, f"/admin/reports?job_id={flagged.id}")]
    assert api("POST", admin, f"/admin/reports/{ids[0]}/resolve")["status"] == "resolved"
    for report_id in ids[1:]:
        api("POST", admin, f"/admin/reports/{report_id}/dismiss")
    assert api.get(None, f"/jobs/{flagged.id}").status_code == 404
    assert api.post(admin, f"/admin/reports/{ids[0]}/dismiss").status_code == 409
    assert _actions(app) == ["report.resolved", "report.dismissed", "report.dismissed"]


def test_review_is_for_admins(api, employer, flagged, admin):
    assert api.get(employer, "/admin/reports").status_code == 403
    [first, *_] = api("GET", admin, "/admin/reports")
    assert api.post(employer, f"/admin/reports/{first['id']}/dismiss").status_code == 403
    assert api.post(admin, "/admin/reports/999999/dismiss").status_code == 404
    assert api.post(admin, f"/admin/reports/{2**40}/dismiss").status_code == 404
    assert api.post(admin, f"/admin/reports/{first['id']}/maybe").status_code == 404
    assert api.get(admin, "/admin/reports?status=bogus").status_code == 422
