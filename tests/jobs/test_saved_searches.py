"""Saved searches: CRUD for candidates, and alerts raised in SQL when a job goes public."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from jobhub.db import db, utcnow
from jobhub.jobs.saved_searches.models import JobAlert
from jobhub.jobs.saved_searches.tasks import match_saved_searches
from jobhub.notifications.models import Notification
from jobhub.users.models import User
from tests.support.servers import celery_worker, wait_for

API = "/api/v1/saved-searches"


def test_crud(client, candidate, auth_headers):
    headers = auth_headers(candidate)
    created = client.post(
        API,
        json={
            "name": "Python in Berlin",
            "q": "python developer",
            "location": "Berlin",
            "remote": "hybrid",
            "skills": ["Django", "postgres"],
            "salary_min": 60000,
            "country": "de",
        },
        headers=headers,
    )
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["alert"] is True
    assert body["skills"] == ["django", "postgresql"]
    assert (body["country"], body["remote"]) == ("DE", "hybrid")
    url = f"{API}/{body['id']}"
    assert client.get(url, headers=headers).get_json()["name"] == "Python in Berlin"
    updated = client.patch(url, json={"alert": False, "location": None}, headers=headers)
    assert updated.get_json()["alert"] is False and updated.get_json()["location"] is None
    assert [s["id"] for s in client.get(API, headers=headers).get_json()] == [body["id"]]
    assert client.delete(url, headers=headers).status_code == 204
    assert client.get(url, headers=headers).status_code == 404


def test_saved_searches_are_private_and_for_candidates(client, make_user, auth_headers, make):
    owner = make_user(role="candidate")
    search = make("saved_search", user=owner)
    other = make_user(role="candidate")
    assert client.get(f"{API}/{search.id}", headers=auth_headers(other)).status_code == 404
    assert client.delete(f"{API}/{search.id}", headers=auth_headers(other)).status_code == 404
    assert client.get(API, headers=auth_headers(other)).get_json() == []
    employer = make_user(role="employer")
    assert client.get(API, headers=auth_headers(employer)).status_code == 403
    assert client.post(API, json={"name": "x"}, headers=auth_headers(employer)).status_code == 403
    assert client.get(API).status_code == 401


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"name": ""},
        {"name": "x", "sort": "best"},
        {"name": "x", "page": 2},
        {"name": "x", "remote": "moon"},
    ],
)
def test_bad_saved_search_is_422(client, candidate, auth_headers, payload):
    assert client.post(API, json=payload, headers=auth_headers(candidate)).status_code == 422


# -- alerts ----------------------------------------------------------------------------


def _alerts(app) -> set[tuple[int, int]]:
    with app.app_context():
        rows = db.session.execute(select(JobAlert.saved_search_id, JobAlert.job_id)).all()
        db.session.rollback()
        return {tuple(row) for row in rows}


@pytest.fixture
def searches(make, make_user):
    """Saved searches of several candidates, each matching (or not) the job below."""
    users = [make_user(role="candidate") for _ in range(9)]
    return {
        "everything": make("saved_search", user=users[0]),
        "keyword": make("saved_search", user=users[1], q="python"),
        "keyword_miss": make("saved_search", user=users[2], q="cobol"),
        "filters": make(
            "saved_search",
            user=users[3],
            location="berlin",
            country="DE",
            remote="hybrid",
            seniority="senior",
            salary_min=80_000,
            skills=["python", "django"],
        ),
        "skill_miss": make("saved_search", user=users[4], skills=["python", "rust"]),
        "salary_miss": make("saved_search", user=users[5], salary_min=200_000),
        "remote_miss": make("saved_search", user=users[6], remote="remote"),
        "alert_off": make("saved_search", user=users[7], q="python", alert=False),
        "disabled_user": make(
            "saved_search", user=make_user(role="candidate", is_active=False), q="python"
        ),
    }


MATCHING = {"everything", "keyword", "filters"}


def _job(make, **fields):
    company = make("company")
    return make(
        "job",
        company=company,
        title="Senior Python Engineer",
        description="Django services.",
        location="Berlin, Germany",
        country="DE",
        remote="hybrid",
        seniority="senior",
        salary_min=70_000,
        salary_max=95_000,
        salary_currency="EUR",
        skills=["python", "django", "postgresql"],
        **fields,
    )


def _matches(app) -> list[tuple[int, int, int]]:
    """(user_id, job_id, saved_search_id) of every job.match notification."""
    with app.app_context():
        notes = db.session.scalars(select(Notification).where(Notification.type == "job.match"))
        found = [(n.user_id, n.data["job_id"], n.data["saved_search_id"]) for n in notes]
        db.session.rollback()
        return sorted(found)


def test_matching_runs_in_sql_and_never_alerts_twice(app, make, searches):
    job = _job(make)
    with app.app_context():
        assert match_saved_searches.apply(args=[job.id]).get() == len(MATCHING)
        assert match_saved_searches.apply(args=[job.id]).get() == 0
    expected = {(searches[name].id, job.id) for name in MATCHING}
    assert _alerts(app) == expected
    assert _matches(app) == sorted(
        (searches[name].user_id, job.id, searches[name].id) for name in MATCHING
    )


def test_the_notification_names_the_job_and_the_search(app, client, make, auth_headers, searches):
    job = _job(make)
    with app.app_context():
        match_saved_searches.apply(args=[job.id]).get()
    search = searches["keyword"]
    with app.app_context():
        owner = db.session.get(User, search.user_id)
        db.session.expunge(owner)
    [note] = client.get("/api/v1/notifications", headers=auth_headers(owner)).get_json()[:1]
    assert note["type"] == "job.match"
    assert note["data"]["job_id"] == job.id and note["data"]["saved_search_id"] == search.id
    assert "Senior Python Engineer" in note["title"]


def test_a_job_that_is_not_public_alerts_nobody(app, make, searches):
    job = _job(make, moderation_status="pending")
    with app.app_context():
        assert match_saved_searches.apply(args=[job.id]).get() == 0
    assert _alerts(app) == set()


def test_publishing_raises_alerts_and_edits_do_not_repeat_them(
    app, client, backend, make, make_user, auth_headers, searches, tmp_path
):
    owner = make_user(role="employer")
    company = make("company", owner=owner, verified=True)
    headers = auth_headers(owner)
    payload = {
        "company_id": company.id,
        "title": "Senior Python Engineer",
        "description": "Django services.",
        "location": "Berlin, Germany",
        "country": "DE",
        "remote": "hybrid",
        "seniority": "senior",
        "salary_min": 70_000,
        "salary_max": 95_000,
        "salary_currency": "EUR",
        "skills": ["python", "django"],
    }
    expected_searches = {searches[name].id for name in MATCHING}

    def run() -> None:
        draft = client.post("/api/v1/jobs", json=payload, headers=headers).get_json()
        assert _alerts(app) == set()  # a draft alerts nobody
        url = f"/api/v1/jobs/{draft['id']}"
        assert client.patch(url, json={"status": "published"}, headers=headers).status_code == 200
        expected = {(search_id, draft["id"]) for search_id in expected_searches}
        wait_for(lambda: _alerts(app) == expected, timeout=30, what="the job.match alerts")
        wait_for(lambda: len(_matches(app)) == len(expected), timeout=10, what="notifications")
        client.patch(url, json={"description": "Django and FastAPI."}, headers=headers)
        client.patch(url, json={"status": "closed"}, headers=headers)
        client.patch(url, json={"status": "published"}, headers=headers)
        wait_for(lambda: _alerts(app) == expected, timeout=10, what="no duplicate alerts")
        assert len(_matches(app)) == len(expected)

    if backend.name == "postgres":
        with celery_worker(backend.environ(), tmp_path=tmp_path):
            run()
    else:
        run()


def test_searches_saved_after_the_job_went_public_are_not_alerted(app, make, searches):
    """However late the task runs, a search saved later finds the job by searching."""
    job = _job(make)
    before_every_search = min(search.created_at for search in searches.values()) - timedelta(
        seconds=1
    )
    with app.app_context():
        task = match_saved_searches.apply(args=[job.id, before_every_search.isoformat()])
        assert task.get() == 0
        after_every_search = utcnow() + timedelta(seconds=1)
        assert match_saved_searches.apply(
            args=[job.id, after_every_search.isoformat()]
        ).get() == len(MATCHING)
    assert _alerts(app) == {(searches[name].id, job.id) for name in MATCHING}


# -- names and ids at the edges (issue 11: what the schema forbids is a 422) ----------


@pytest.mark.parametrize(
    "name",
    ["", "a" * 101, "a" * 100 + " ", " " + "a" * 100],
    ids=["empty", "101", "trailing-space-101", "leading-space-101"],
)
def test_a_name_the_schema_forbids_is_422_on_create_and_update(api, candidate, name):
    """The name is taken as sent: a space does not bring 101 characters under 100."""
    response = api.post(candidate, "/saved-searches", json={"name": name})
    assert "name" in response.get_json()["errors"]["json"], response.get_json()
    assert response.status_code == 422
    created = api("POST", candidate, "/saved-searches", json={"name": "kept"})
    response = api.patch(candidate, f"/saved-searches/{created['id']}", json={"name": name})
    assert response.status_code == 422, response.get_json()
    assert api("GET", candidate, f"/saved-searches/{created['id']}")["name"] == "kept"
    assert [s["name"] for s in api("GET", candidate, "/saved-searches")] == ["kept"]


@pytest.mark.parametrize("name", [" ", "a" * 100, "\u3000"])
def test_a_name_the_schema_allows_is_accepted_as_sent(api, candidate, name):
    body = api("POST", candidate, "/saved-searches", json={"name": name})
    assert body["name"] == name


@pytest.mark.parametrize("company_id", [0, -1, 2**31, 99999999999999999999])
def test_an_out_of_range_company_id_is_one_422(api, candidate, company_id):
    response = api.post(candidate, "/saved-searches", json={"name": "x", "company_id": company_id})
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["errors"]["json"] == {
        "company_id": ["Must be an id between 1 and 2147483647."]
    }
    assert api("GET", candidate, "/saved-searches") == []


@pytest.mark.parametrize("field", ["country", "remote", "sort"])
def test_an_empty_filter_value_in_a_saved_search_is_422(api, candidate, field):
    response = api.post(candidate, "/saved-searches", json={"name": "x", field: ""})
    assert response.status_code == 422, response.get_json()
    assert list(response.get_json()["errors"]["json"]) == [field]


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"skills": ["İ" * 51]}, "skills"), ({"country": "ß"}, "country")],
    ids=["skill-longer-in-lower-case", "non-ascii-country"],
)
def test_a_value_that_only_fits_before_case_folding_is_422(api, candidate, fields, field):
    """Lower case "İ" is two characters: once a 500 on PostgreSQL (varchar(100))."""
    created = api("POST", candidate, "/saved-searches", json={"name": "kept"})
    response = api.post(candidate, "/saved-searches", json={"name": "x", **fields})
    assert (response.status_code, list(response.get_json()["errors"]["json"])) == (422, [field])
    url = f"/saved-searches/{created['id']}"
    response = api.patch(candidate, url, json={"name": "y", **fields})
    assert (response.status_code, list(response.get_json()["errors"]["json"])) == (422, [field])
    assert [s["name"] for s in api("GET", candidate, "/saved-searches")] == ["kept"]


def test_a_skill_of_100_characters_in_lower_case_is_kept(api, candidate):
    body = api("POST", candidate, "/saved-searches", json={"name": "x", "skills": ["İ" * 50]})
    assert body["skills"] == ["i\u0307" * 50]
