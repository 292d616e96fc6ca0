"""Bulk job operations (SPEC §10): POST, PATCH and DELETE /jobs/bulk, all or nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from jobhub.db import db
from jobhub.jobs.models import Job

BULK = "/jobs/bulk"


@pytest.fixture
def company(make, employer):
    return make("company", owner=employer, verified=True)


@pytest.fixture
def other_company(make, make_user):
    return make("company", owner=make_user(role="employer"), verified=True)


def _item(company, n: int = 0, **fields):
    return {"company_id": company.id, "title": f"Engineer {n}", "description": "APIs.", **fields}


def _job_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Job))


def _titles(app, ids) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(Job.title).where(Job.id.in_(ids)).order_by(Job.id)))


def test_post_creates_every_job_in_order(api, employer, company):
    items = [_item(company, 0), _item(company, 1, status="published", skills=["JS"])]
    body = api("POST", employer, BULK, json={"items": items})
    results = body["results"]
    assert [(r["index"], r["status"]) for r in results] == [(0, "draft"), (1, "published")]
    second = api("GET", employer, f"/jobs/{results[1]['id']}")
    assert second["title"] == "Engineer 1" and second["skills"] == ["javascript"]
    assert second["moderation_status"] == "approved"


def test_one_invalid_item_is_a_422_by_index_and_nothing_is_created(app, api, employer, company):
    items = [_item(company, 0), {"company_id": company.id, "description": "No title."}]
    items.append(_item(company, 2, salary_min=900, salary_max=100, salary_currency="EUR"))
    response = api.post(employer, BULK, json={"items": items})
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "validation_error"
    assert set(body["errors"]) == {"1", "2"}
    assert "title" in body["errors"]["1"] and "salary_min" in body["errors"]["2"]
    assert _job_count(app) == 0


def test_another_companys_item_is_refused_and_nothing_is_created(
    app, api, employer, company, other_company
):
    missing = {**_item(company, 2), "company_id": 999999}
    items = [_item(company, 0), _item(other_company, 1), missing]
    response = api.post(employer, BULK, json={"items": items})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert set(errors) == {"1", "2"}
    assert errors["1"] == {"company_id": ["Only the company's members may post its jobs."]}
    assert errors["2"] == {"company_id": ["No such company."]}
    assert _job_count(app) == 0


def test_a_thousand_items_go_in_and_a_thousand_and_one_are_refused(app, api, employer, company):
    items = [_item(company, n) for n in range(1000)]
    body = api("POST", employer, BULK, json={"items": items})
    assert [r["index"] for r in body["results"]] == list(range(1000))
    assert len({r["id"] for r in body["results"]}) == 1000
    response = api.post(employer, BULK, json={"items": [*items, _item(company, 1000)]})
    assert response.status_code == 422
    assert "items" in response.get_json()["errors"]["json"]
    assert _job_count(app) == 1000


def test_candidates_and_the_anonymous_are_refused(api, candidate, company):
    body = {"items": [_item(company)]}
    assert api.post(candidate, BULK, json=body).status_code == 403
    assert api.post(None, BULK, json=body).status_code == 401


def test_patch_changes_every_job(app, api, employer, make, company):
    jobs = [make("job", company=company, status="draft") for _ in range(3)]
    items = [{"id": job.id, "title": f"Renamed {n}"} for n, job in enumerate(jobs)]
    items[2]["status"] = "published"
    body = api("PATCH", employer, BULK, json={"items": items})
    assert [(r["index"], r["id"], r["status"]) for r in body["results"]] == [
        (0, jobs[0].id, "draft"),
        (1, jobs[1].id, "draft"),
        (2, jobs[2].id, "published"),
    ]
    assert _titles(app, [job.id for job in jobs]) == ["Renamed 0", "Renamed 1", "Renamed 2"]


def test_patch_refuses_others_jobs_and_bad_moves_and_changes_nothing(
    app, api, employer, make, company, other_company
):
    mine = make("job", company=company, status="draft", title="Mine")
    theirs = make("job", company=other_company, title="Theirs public")
    hidden = make("job", company=other_company, status="draft", title="Theirs draft")
    items = [
        {"id": mine.id, "title": "Changed"},
        {"id": theirs.id, "title": "Changed"},
        {"id": hidden.id, "title": "Changed"},
    ]
    response = api.patch(employer, BULK, json={"items": items})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert set(errors) == {"1", "2"}
    assert errors["2"] == {"id": ["No such job."]}
    assert _titles(app, [mine.id]) == ["Mine"]
    # A move the status rules refuse, after a valid change: neither is kept.
    items = [{"id": mine.id, "title": "Changed"}, {"id": mine.id, "status": "closed"}]
    response = api.patch(employer, BULK, json={"items": items})
    assert response.get_json()["errors"] == {"1": {"id": ["Listed twice in this request."]}}
    other = make("job", company=company, status="draft", title="Other")
    items = [{"id": mine.id, "title": "Changed"}, {"id": other.id, "status": "closed"}]
    response = api.patch(employer, BULK, json={"items": items})
    assert response.status_code == 422
    assert "draft job cannot become closed" in response.get_json()["errors"]["1"]["status"][0]
    assert _titles(app, [mine.id, other.id]) == ["Mine", "Other"]


def test_delete_is_soft_and_all_or_nothing(app, api, employer, make, company, other_company):
    jobs = [make("job", company=company) for _ in range(2)]
    theirs = make("job", company=other_company)
    response = api.delete(employer, BULK, json={"ids": [jobs[0].id, theirs.id]})
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"1"}
    assert api.get(None, f"/jobs/{jobs[0].id}").status_code == 200
    body = api("DELETE", employer, BULK, json={"ids": [job.id for job in jobs]})
    assert [r["status"] for r in body["results"]] == ["deleted", "deleted"]
    assert api.get(None, f"/jobs/{jobs[0].id}").status_code == 404
    assert api.post(employer, f"/jobs/{jobs[0].id}/restore").status_code == 200


def test_malformed_bodies_are_422(api, employer):
    for body in ({"ids": []}, {"ids": [1, 1]}, {"ids": "1"}, {"ids": [0]}):
        response = api.delete(employer, BULK, json=body)
        assert response.status_code == 422, body
        assert "ids" in response.get_json()["errors"]["json"]
    assert api.post(employer, BULK, json={"items": [1]}).status_code == 422
