"""Who may see which dashboard, bad arguments, the cache and its invalidation, and the
application's source recorded on apply."""

from __future__ import annotations

import pytest

from tests.support.api import Api as ApplicationsApi


@pytest.fixture
def people(make, make_user):
    owner = make_user(role="employer")
    outsider = make_user(role="employer")
    company = make("company", owner=owner)
    make("company", owner=outsider)
    return {
        "owner": owner,
        "outsider": outsider,
        "candidate": make_user(role="candidate"),
        "admin": make_user(role="admin"),
        "company": company,
        "job": make("job", company=company),
    }


@pytest.mark.parametrize(
    ("who", "me", "job", "company", "platform"),
    [
        ("owner", 403, 200, 200, 403),
        ("outsider", 403, 404, 404, 403),
        ("candidate", 200, 404, 404, 403),
        ("admin", 403, 200, 200, 200),
        (None, 401, 401, 401, 401),
    ],
)
def test_who_may_see_what(api, people, who, me, job, company, platform):
    user = people[who] if who else None
    assert api.get(user, "/analytics/me").status_code == me
    assert api.get(user, f"/analytics/jobs/{people['job'].id}").status_code == job
    assert api.get(user, f"/analytics/companies/{people['company'].id}").status_code == company
    assert api.get(user, "/analytics/platform").status_code == platform
    assert api.get(user, f"/companies/{people['company'].id}/responsiveness").status_code == 200


def test_unknown_job_and_company_are_404(api, people):
    assert api.get(people["admin"], "/analytics/jobs/987654").status_code == 404
    assert api.get(people["admin"], "/analytics/companies/987654").status_code == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"tz": "Mars/Olympus"}, "tz"),
        ({"tz": "../../etc/passwd"}, "tz"),
        ({"tz": "Europe/Berlin'; DROP TABLE users; --"}, "tz"),
        ({"interval": "year"}, "interval"),
        ({"from": "2026-03-02", "to": "2026-03-01"}, "from"),
        ({"from": "2020-01-01", "to": "2026-01-01"}, "from"),
        ({"from": "yesterday"}, "from"),
        ({"to": "0001-01-01"}, "to"),
    ],
)
def test_bad_arguments_are_422(api, people, query, field):
    response = api.get(people["admin"], "/analytics/platform", **query)
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "validation_error"
    assert field in str(body["errors"])


def test_cached_then_dropped_by_a_move(api, client, auth_headers, people):
    owner, candidate, job = people["owner"], people["candidate"], people["job"]
    path = f"/analytics/jobs/{job.id}"
    first = api.get(owner, path)
    assert (first.headers["X-Cache"], first.headers["Cache-Control"]) == (
        "miss",
        "private, no-store",
    )
    assert first.get_json()["applications"] == 0
    assert api.get(owner, path).headers["X-Cache"] == "hit"
    me = api.get(candidate, "/analytics/me")
    assert me.headers["X-Cache"] == "miss"

    moves = ApplicationsApi(client, auth_headers)
    application = moves.apply(candidate, job, source="saved_search")
    assert application["source"] == "saved_search"
    after = api.get(owner, path)
    assert after.headers["X-Cache"] == "miss"
    assert after.get_json()["applications"] == 1
    assert after.get_json()["sources"] == [
        {"source": "saved_search", "applications": 1, "hired": 0}
    ]
    assert api.get(candidate, "/analytics/me").get_json()["totals"]["applications"] == 1

    assert api.get(owner, path).headers["X-Cache"] == "hit"
    moves.move(owner, application["id"], "screening")
    after_move = api.get(owner, path)
    assert after_move.headers["X-Cache"] == "miss"
    assert after_move.get_json()["rates"]["response"] == 1.0
    # another range is another entry
    assert api.get(owner, path, interval="week").headers["X-Cache"] == "miss"


def test_cache_off(api, app, people):
    app.config["ANALYTICS_CACHE_SECONDS"] = 0
    response = api.get(people["admin"], "/analytics/platform")
    assert response.status_code == 200
    assert "X-Cache" not in response.headers


def test_source_on_apply(client, auth_headers, people):
    moves = ApplicationsApi(client, auth_headers)
    assert moves.apply(people["candidate"], people["job"])["source"] == "direct"
    response = moves.post(
        people["candidate"], f"/jobs/{people['job'].id}/applications", json={"source": "import"}
    )
    assert response.status_code == 422
    assert "source" in response.get_json()["errors"]["json"]
