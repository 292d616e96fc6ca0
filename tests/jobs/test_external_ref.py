"""A job's ``external_ref`` (SPEC §10: application imports name jobs by it): settable on
POST/PATCH /jobs and by job imports, unique per company, single-line, shown to the
company's members and admins only, exported with the jobs."""

from __future__ import annotations

import csv
import io

import pytest

from tests.support.mail import eager_tasks


@pytest.fixture
def company(make, employer):
    return make("company", owner=employer, verified=True)


def _post(api, user, company, **fields):
    body = {"company_id": company.id, "title": "Backend Engineer", "description": "APIs."}
    return api.post(user, "/jobs", json={**body, **fields})


def test_members_and_admins_see_the_reference_others_do_not(
    api, employer, company, admin, make_user
):
    response = _post(api, employer, company, external_ref="REQ-2026-001", status="published")
    assert response.status_code == 201, response.get_json()
    job = response.get_json()
    assert job["external_ref"] == "REQ-2026-001"
    assert api("GET", employer, f"/jobs/{job['id']}")["external_ref"] == "REQ-2026-001"
    assert api("GET", admin, f"/jobs/{job['id']}")["external_ref"] == "REQ-2026-001"
    outsider = make_user(role="employer")
    for viewer in (None, outsider, make_user(role="candidate")):
        assert api("GET", viewer, f"/jobs/{job['id']}")["external_ref"] is None
        [hit] = api("GET", viewer, "/jobs?q=backend")
        assert (hit["id"], hit["external_ref"]) == (job["id"], None)
    [mine] = [hit for hit in api("GET", employer, "/jobs?q=backend") if hit["id"] == job["id"]]
    assert mine["external_ref"] == "REQ-2026-001"


def test_a_reference_is_unique_within_its_company(api, employer, company, make):
    first = _post(api, employer, company, external_ref="REQ-1").get_json()
    taken = _post(api, employer, company, external_ref="REQ-1", title="Second one")
    assert taken.status_code == 422
    assert taken.get_json()["errors"]["json"] == {
        "external_ref": ["Already used by another job of this company."]
    }
    assert [job["id"] for job in api("GET", employer, f"/jobs/mine?company_id={company.id}")] == [
        first["id"]
    ]
    other = make("company", owner=employer, verified=True)
    assert _post(api, employer, other, external_ref="REQ-1").status_code == 201
    second = _post(api, employer, company, external_ref="REQ-2").get_json()
    refused = api.patch(employer, f"/jobs/{second['id']}", json={"external_ref": "REQ-1"})
    assert refused.status_code == 422
    assert api("GET", employer, f"/jobs/{second['id']}")["external_ref"] == "REQ-2"
    # Freed by clearing it; jobs without a reference never clash.
    api("PATCH", employer, f"/jobs/{first['id']}", json={"external_ref": None})
    moved = api("PATCH", employer, f"/jobs/{second['id']}", json={"external_ref": "REQ-1"})
    assert moved["external_ref"] == "REQ-1"
    assert _post(api, employer, company).status_code == 201
    assert _post(api, employer, company).status_code == 201


@pytest.mark.parametrize("bad", ["REQ\n1", "R\tQ", "x" * 101, ""])
def test_a_reference_is_one_line_of_at_most_100_characters(api, employer, company, bad):
    response = _post(api, employer, company, external_ref=bad)
    assert response.status_code == 422
    assert "external_ref" in response.get_json()["errors"]["json"]
    assert api("GET", employer, f"/jobs/mine?company_id={company.id}") == []


def test_jobs_exports_carry_the_reference(app, api, employer, company):
    eager_tasks(app)
    _post(api, employer, company, external_ref="REQ-9", title="Exported")
    queued = api("POST", employer, "/exports", json={"resource": "jobs", "format": "csv"})
    assert api("GET", employer, f"/exports/{queued['id']}")["status"] == "done"
    text = api.get(employer, f"/exports/{queued['id']}/download").get_data(as_text=True)
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert (row["title"], row["external_ref"]) == ("Exported", "REQ-9")
