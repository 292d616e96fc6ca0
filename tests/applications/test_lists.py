"""Lists: who is listed, filters, sorting (newest, match), pages, constant query counts."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from jobhub.db import utcnow


@pytest.fixture
def crowd(make, world):
    """Six applications to the company's two jobs and one to the other company's job."""
    second_job = make("job", company=world.company, title="Frontend Engineer")
    now = utcnow()
    rows = []
    for n, (job, status, score) in enumerate(
        [
            (world.job, "applied", 55.0),
            (world.job, "screening", None),
            (world.job, "interviewing", 91.5),
            (second_job, "applied", 70.0),
            (second_job, "rejected", None),
            (world.job, "offered", 12.0),
        ]
    ):
        candidate = make("user", role="candidate", full_name=f"Applicant {n}")
        rows.append(
            make(
                "application",
                job=job,
                candidate=candidate,
                status=status,
                match_score=score,
                created_at=now - timedelta(hours=10 - n),
            )
        )
    mine = make("application", job=world.other_job, candidate=world.candidate)
    return rows, second_job, mine


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()]


def test_each_caller_lists_what_they_may_see(api, world, crowd):
    rows, _second_job, mine = crowd
    company_ids = [row.id for row in reversed(rows)]  # newest first
    assert _ids(api.get(world.member, "/applications")) == company_ids
    assert _ids(api.get(world.recruiter, "/applications")) == company_ids
    assert _ids(api.get(world.other_employer, "/applications")) == [mine.id]
    assert _ids(api.get(world.candidate, "/applications")) == [mine.id]
    assert _ids(api.get(world.other_candidate, "/applications")) == []
    assert _ids(api.get(world.admin, "/applications")) == [mine.id, *company_ids]


def test_filters_by_status_and_job(api, world, crowd):
    rows, second_job, _mine = crowd
    applied = _ids(api.get(world.member, "/applications?status=applied"))
    assert applied == [rows[3].id, rows[0].id]
    assert _ids(api.get(world.member, f"/applications?job_id={second_job.id}")) == [
        rows[4].id,
        rows[3].id,
    ]
    both = api.get(world.member, f"/applications?job_id={second_job.id}&status=rejected")
    assert _ids(both) == [rows[4].id]
    # Another company's job filters to nothing rather than revealing anything.
    assert _ids(api.get(world.member, f"/applications?job_id={world.other_job.id}")) == []


@pytest.mark.parametrize(
    "query", ["status=pending", "job_id=abc", "job_id=0", "sort=salary", "page_size=101"]
)
def test_bad_list_parameters_are_422(api, world, query):
    response = api.get(world.member, f"/applications?{query}")
    assert response.status_code == 422
    assert response.get_json()["error"] == "validation_error"


def test_sort_by_match_puts_scores_not_yet_computed_last(api, world, crowd):
    rows, _second_job, _mine = crowd
    ranked = _ids(api.get(world.member, "/applications?sort=match"))
    # 91.5, 70, 55, 12, then the unscored ones newest first.
    assert ranked == [rows[2].id, rows[3].id, rows[0].id, rows[5].id, rows[4].id, rows[1].id]
    scores = [a["match_score"] for a in api.get(world.member, "/applications?sort=match").json]
    assert scores == [91.5, 70.0, 55.0, 12.0, None, None]


def test_pages_and_their_header(api, world, crowd):
    rows, _second_job, _mine = crowd
    first = api.get(world.member, "/applications?page_size=4")
    second = api.get(world.member, "/applications?page_size=4&page=2")
    assert _ids(first) + _ids(second) == [row.id for row in reversed(rows)]
    header = json.loads(second.headers["X-Pagination"])
    assert header["total"] == 6 and header["total_pages"] == 2 and header["page"] == 2
    assert header["previous_page"] == 1 and "next_page" not in header


def test_the_list_costs_the_same_queries_whatever_the_page_size(api, make, world, count_queries):
    jobs = [make("job", company=world.company) for _ in range(3)]
    for n in range(30):
        candidate = make("user", role="candidate")
        make("application", job=jobs[n % 3], candidate=candidate, match_score=float(n))
    for user in (world.member, world.admin):
        counts = []
        for size in (2, 30):
            with count_queries() as queries:
                response = api.get(user, f"/applications?page_size={size}&sort=match")
            assert len(response.get_json()) == size
            counts.append(len(queries))
            # Page and count in one statement; jobs and candidates joined, no N+1.
            listing = [q for q in queries if "FROM applications" in q or "FROM jobs" in q]
            assert len(listing) == 1, listing
            assert "FROM users" not in " ".join(queries[queries.index(listing[0]) + 1 :])
        assert counts[0] == counts[1], counts
        assert counts[0] <= 3  # the caller (and its revocation check), then page and count


def test_history_and_notes_are_paged_oldest_first(api, world):
    application = api.apply(world.candidate, world.job)
    app_id = application["id"]
    for status in ("screening", "interviewing", "offered"):
        api.move(world.member, app_id, status)
    history = api.get(world.member, f"/applications/{app_id}/history?page_size=2&page=2")
    assert [m["to"] for m in history.get_json()] == ["interviewing", "offered"]
    assert json.loads(history.headers["X-Pagination"])["total"] == 4
    for body in ("First call went well.", "Salary expectations fit."):
        created = api.post(world.recruiter, f"/applications/{app_id}/notes", json={"body": body})
        assert created.status_code == 201
        assert created.get_json()["author"] == {
            "id": world.recruiter.id,
            "full_name": "Rui Recruiter",
        }
    notes = api.get(world.member, f"/applications/{app_id}/notes").get_json()
    assert [n["body"] for n in notes] == ["First call went well.", "Salary expectations fit."]


@pytest.mark.parametrize("payload", [{}, {"body": ""}, {"body": "   "}, {"body": "x" * 5001}])
def test_bad_notes_are_422(api, world, payload):
    application = api.apply(world.candidate, world.job)
    response = api.post(world.member, f"/applications/{application['id']}/notes", json=payload)
    assert response.status_code == 422
    assert api.get(world.member, f"/applications/{application['id']}/notes").get_json() == []
