"""GET /admin/audit and /admin/audit.csv: admins only, filters, pagination, CSV escaping."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest

from jobhub.audit import services as audit
from jobhub.db import db, utcnow
from tests.support.api import iso


def _write(app, *entries: dict) -> None:
    with app.app_context():
        for fields in entries:
            audit.record(**fields)
        db.session.commit()


def test_only_admins_read_the_log(api, candidate, employer):
    for user in (candidate, employer):
        assert api.get(user, "/admin/audit").status_code == 403
        assert api.get(user, "/admin/audit.csv").status_code == 403
    assert api.get(None, "/admin/audit").status_code == 401


def test_the_admins_own_change_is_in_the_log_with_its_request(api, admin, candidate):
    response = api.patch(
        admin,
        f"/admin/users/{candidate.id}",
        json={"email_verified": True},
        headers={"X-Request-ID": "trace-42"},
        environ_base={"REMOTE_ADDR": "192.0.2.5"},
    )
    assert response.status_code == 200, response.get_json()
    [entry] = api("GET", admin, "/admin/audit?request_id=trace-42")
    assert entry["action"] == "user.verified"
    assert (entry["actor_id"], entry["actor_role"]) == (admin.id, "admin")
    assert (entry["target_type"], entry["target_id"]) == ("user", str(candidate.id))
    assert entry["changes"] == {"email_verified": [False, True]}
    assert entry["ip"] == "192.0.2.5" and len(entry["hash"]) == 64
    assert entry["at"].endswith("Z")


def test_filters_and_pagination(app, api, admin, candidate):
    _write(
        app,
        *[{"action": "job.moderated", "target_type": "job", "target_id": n} for n in range(5)],
        {"action": "user.deactivated", "target_type": "user", "target_id": candidate.id},
    )
    response = api.get(admin, "/admin/audit?action=job.moderated&page_size=2&page=1")
    assert response.status_code == 200
    assert json.loads(response.headers["X-Pagination"])["total"] == 5
    assert [e["target_id"] for e in response.get_json()] == ["4", "3"]  # newest first
    assert len(api("GET", admin, "/admin/audit?target_type=job&target_id=2")) == 1
    assert api("GET", admin, f"/admin/audit?actor_id={admin.id}") == []
    future = iso(utcnow() + timedelta(hours=1))
    assert api("GET", admin, f"/admin/audit?since={future}") == []
    assert len(api("GET", admin, f"/admin/audit?until={future}")) == 6


@pytest.mark.parametrize(
    "query",
    [
        "actor_id=0",
        "actor_id=99999999999999999999",
        "actor_id=x",
        "action=a%00b",
        "target_id=" + "9" * 65,
        "since=yesterday",
        "since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z",
    ],
)
def test_bad_filters_are_422(api, admin, query):
    response = api.get(admin, f"/admin/audit?{query}")
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"] == "validation_error"


def test_an_actor_id_past_the_column_range_is_a_clear_422(api, admin):
    response = api.get(admin, f"/admin/audit?actor_id={2**40}")
    assert response.status_code == 422
    assert list(response.get_json()["errors"]["query"]) == ["actor_id"]


def test_csv_download_escapes_formulas(app, api, admin):
    _write(
        app,
        {"action": "company.updated", "target_type": "company", "target_id": "=HYPERLINK(1)"},
        {"action": "job.moderated", "target_type": "job", "target_id": 7, "changes": {"a": [1, 2]}},
    )
    response = api.get(admin, "/admin/audit.csv?target_type=company")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == list(audit.CSV_COLUMNS)
    assert len(rows) == 2 and rows[1][audit.CSV_COLUMNS.index("target_id")] == "'=HYPERLINK(1)"
    every = list(csv.reader(io.StringIO(api.get(admin, "/admin/audit.csv").get_data(as_text=True))))
    assert [r[audit.CSV_COLUMNS.index("action")] for r in every[1:]] == [
        "job.moderated",
        "company.updated",
    ]
    assert json.loads(every[1][audit.CSV_COLUMNS.index("changes")]) == {"a": [1, 2]}


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "plain", None])
def test_csv_cells(value):
    cell = audit.csv_cell(value)
    if value is None:
        assert cell == ""
    elif value == "plain":
        assert cell == "plain"
    else:
        assert cell == "'" + value
