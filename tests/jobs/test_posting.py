"""Posting and editing jobs: validation, skills, status moves, moderation on publish,
soft delete and restore, /jobs/mine."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from jobhub.db import db, utcnow
from jobhub.jobs.models import JobSkill

API = "/api/v1/jobs"


@pytest.fixture
def company(make, employer):
    return make("company", owner=employer, verified=True)


@pytest.fixture
def unverified(make, employer):
    return make("company", owner=employer, verified=False)


def _post(client, headers, company, **fields):
    payload = {"company_id": company.id, "title": "Backend Engineer", "description": "APIs."}
    return client.post(API, json={**payload, **fields}, headers=headers)


def test_post_a_draft_with_defaults(client, auth_headers, employer, company):
    response = _post(client, auth_headers(employer), company)
    assert response.status_code == 201, response.get_json()
    job = response.get_json()
    assert job["status"] == "draft" and job["moderation_status"] == "pending"
    assert (job["remote"], job["employment_type"], job["seniority"]) == (
        "onsite",
        "full_time",
        "mid",
    )
    assert job["published_at"] is None and job["views"] == 0
    assert job["company"] == {
        "id": company.id,
        "name": company.name,
        "slug": company.slug,
        "verified": True,
    }


def test_publishing_for_a_verified_company_approves_at_once(
    client, auth_headers, employer, company
):
    response = _post(client, auth_headers(employer), company, status="published")
    job = response.get_json()
    assert job["status"] == "published" and job["moderation_status"] == "approved"
    assert job["published_at"] and job["expires_at"] > job["published_at"]
    assert client.get(f"{API}/{job['id']}").status_code == 200


def test_an_unverified_company_waits_for_moderation(client, auth_headers, employer, unverified):
    job = _post(client, auth_headers(employer), unverified, status="published").get_json()
    assert job["moderation_status"] == "pending"
    assert client.get(f"{API}/{job['id']}").status_code == 404


def test_skills_are_normalised_through_the_taxonomy(app, client, auth_headers, employer, company):
    response = _post(
        client,
        auth_headers(employer),
        company,
        skills=["JS", "postgres", "k8s", "javascript", "Quantum Basket Weaving"],
        nice_to_have_skills=["Postgres", "react.js"],
    )
    job = response.get_json()
    assert job["skills"] == ["javascript", "postgresql", "kubernetes", "quantum basket weaving"]
    assert job["nice_to_have_skills"] == ["react"]
    with app.app_context():
        stored = db.session.scalars(select(JobSkill.skill).where(JobSkill.job_id == job["id"]))
        assert sorted(stored) == sorted(job["skills"])


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"salary_min": 90_000, "salary_max": 80_000, "salary_currency": "EUR"}, "salary_min"),
        ({"salary_min": 90_000}, "salary_currency"),
        ({"salary_min": 1, "salary_currency": "XYZ"}, "salary_currency"),
        ({"salary_min": -5, "salary_currency": "EUR"}, "salary_min"),
        ({"expires_at": "2001-01-01T00:00:00Z"}, "expires_at"),
        ({"country": "Germany"}, "country"),
        ({"remote": "sometimes"}, "remote"),
        ({"status": "closed"}, "status"),
        ({"title": "x"}, "title"),
        ({"skills": "python"}, "skills"),
        # 102 characters in lower case: longer than a stored skill (a 500 on PostgreSQL once)
        ({"skills": ["İ" * 51]}, "skills"),
        ({"nice_to_have_skills": ["İ" * 51]}, "nice_to_have_skills"),
        ({"country": "ß"}, "country"),  # "SS" in upper case, but not a code as sent
        ({"views": 1000}, "views"),
        ({"moderation_status": "approved"}, "moderation_status"),
    ],
)
def test_bad_job_input_is_422_and_nothing_is_created(
    client, auth_headers, employer, company, fields, field
):
    response = _post(client, auth_headers(employer), company, **fields)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]["json"]
    mine = client.get(f"{API}/mine", headers=auth_headers(employer))
    assert mine.get_json() == []


def test_codes_are_upper_cased(client, auth_headers, employer, company):
    job = _post(
        client,
        auth_headers(employer),
        company,
        country="de",
        salary_min=50_000,
        salary_max=70_000,
        salary_currency="eur",
    ).get_json()
    assert (job["country"], job["salary_currency"]) == ("DE", "EUR")


def test_only_members_post(client, auth_headers, make_user, company):
    stranger = make_user(role="employer")
    assert _post(client, auth_headers(stranger), company).status_code == 403
    candidate = make_user(role="candidate")
    assert _post(client, auth_headers(candidate), company).status_code == 403
    missing = client.post(
        API,
        json={"company_id": 99999, "title": "Backend Engineer", "description": "x"},
        headers=auth_headers(stranger),
    )
    assert missing.status_code == 422 and "company_id" in missing.get_json()["errors"]["json"]


def test_a_recruiter_posts_and_edits(client, auth_headers, make, make_user, company):
    recruiter = make_user(role="employer")
    make("member", company=company, user=recruiter)
    job = _post(client, auth_headers(recruiter), company).get_json()
    response = client.patch(
        f"{API}/{job['id']}",
        json={"title": "Senior Backend Engineer"},
        headers=auth_headers(recruiter),
    )
    assert response.status_code == 200 and response.get_json()["title"] == "Senior Backend Engineer"


def test_status_moves(client, auth_headers, employer, company):
    headers = auth_headers(employer)
    job = _post(client, headers, company).get_json()
    url = f"{API}/{job['id']}"
    closed_draft = client.patch(url, json={"status": "closed"}, headers=headers)
    assert closed_draft.status_code == 409
    assert closed_draft.get_json()["error"] == "invalid_transition"
    assert "allowed: published" in closed_draft.get_json()["message"]
    assert client.patch(url, json={"status": "published"}, headers=headers).status_code == 200
    closed = client.patch(url, json={"status": "closed"}, headers=headers).get_json()
    assert closed["status"] == "closed" and closed["closed_at"]
    assert client.get(url).status_code == 404
    assert client.patch(url, json={"status": "draft"}, headers=headers).status_code == 409
    reopened = client.patch(url, json={"status": "published"}, headers=headers).get_json()
    assert reopened["status"] == "published" and reopened["closed_at"] is None


def test_salary_checks_use_the_stored_values_too(client, auth_headers, employer, company):
    headers = auth_headers(employer)
    job = _post(
        client, headers, company, salary_min=50_000, salary_max=60_000, salary_currency="USD"
    ).get_json()
    response = client.patch(f"{API}/{job['id']}", json={"salary_min": 70_000}, headers=headers)
    assert response.status_code == 422
    assert client.get(f"{API}/{job['id']}", headers=headers).get_json()["salary_min"] == 50_000


def test_editing_an_unverified_companys_job_sends_it_back_to_moderation(
    client, auth_headers, make, make_user, employer, unverified
):
    admin = make_user(role="admin")
    job = _post(client, auth_headers(employer), unverified, status="published").get_json()
    client.post(
        f"/api/v1/admin/jobs/{job['id']}/moderate",
        json={"decision": "approve"},
        headers=auth_headers(admin),
    )
    assert client.get(f"{API}/{job['id']}").status_code == 200
    edited = client.patch(
        f"{API}/{job['id']}",
        json={"description": "Now with crypto."},
        headers=auth_headers(employer),
    ).get_json()
    assert edited["moderation_status"] == "pending"
    assert client.get(f"{API}/{job['id']}").status_code == 404
    # Moving the expiry is not a content change.
    later = (utcnow() + timedelta(days=10)).isoformat()
    client.post(
        f"/api/v1/admin/jobs/{job['id']}/moderate",
        json={"decision": "approve"},
        headers=auth_headers(admin),
    )
    moved = client.patch(
        f"{API}/{job['id']}", json={"expires_at": later}, headers=auth_headers(employer)
    ).get_json()
    assert moved["moderation_status"] == "approved"


def test_a_rejected_job_is_resubmitted_by_an_edit(
    client, auth_headers, make_user, employer, company
):
    admin = make_user(role="admin")
    job = _post(client, auth_headers(employer), company, status="published").get_json()
    rejected = client.post(
        f"/api/v1/admin/jobs/{job['id']}/moderate",
        json={"decision": "reject", "reason": "Misleading title."},
        headers=auth_headers(admin),
    ).get_json()
    assert rejected["moderation_status"] == "rejected"
    assert rejected["moderation_reason"] == "Misleading title."
    edited = client.patch(
        f"{API}/{job['id']}",
        json={"title": "Backend Engineer (Go)"},
        headers=auth_headers(employer),
    ).get_json()
    assert edited["moderation_status"] == "pending"


def test_soft_delete_and_restore(client, auth_headers, make, make_user, employer, company):
    job = make("job", company=company)
    headers = auth_headers(employer)
    assert client.delete(f"{API}/{job.id}", headers=headers).status_code == 204
    assert client.get(f"{API}/{job.id}", headers=headers).status_code == 404
    assert client.get(f"{API}/mine", headers=headers).get_json() == []
    trash = client.get(f"{API}/mine?deleted=true", headers=headers).get_json()
    assert [j["id"] for j in trash] == [job.id] and trash[0]["deleted_at"]
    stranger = make_user(role="employer")
    assert client.post(f"{API}/{job.id}/restore", headers=auth_headers(stranger)).status_code == 404
    restored = client.post(f"{API}/{job.id}/restore", headers=headers)
    assert restored.status_code == 200 and restored.get_json()["deleted_at"] is None
    assert client.get(f"{API}/{job.id}").status_code == 200
    again = client.post(f"{API}/{job.id}/restore", headers=headers)
    assert again.status_code == 409 and again.get_json()["error"] == "conflict"


def test_restoring_a_live_job_is_a_conflict_only_for_those_who_may_edit_it(
    client, auth_headers, make, make_user, employer, company
):
    job = make("job", company=company)
    draft = make("job", company=company, status="draft")
    response = client.post(f"{API}/{job.id}/restore", headers=auth_headers(employer))
    assert response.status_code == 409
    assert "nothing to restore" in response.get_json()["message"]
    candidate = make_user(role="candidate")
    # A public job the candidate sees: they may not edit it (403); a draft they cannot see.
    assert (
        client.post(f"{API}/{job.id}/restore", headers=auth_headers(candidate)).status_code == 403
    )
    assert (
        client.post(f"{API}/{draft.id}/restore", headers=auth_headers(candidate)).status_code == 404
    )
    assert client.post(f"{API}/999999/restore", headers=auth_headers(employer)).status_code == 404


def test_admins_delete_and_restore_any_job(client, auth_headers, make, make_user, company):
    admin = make_user(role="admin")
    job = make("job", company=company)
    assert client.delete(f"{API}/{job.id}", headers=auth_headers(admin)).status_code == 204
    assert client.post(f"{API}/{job.id}/restore", headers=auth_headers(admin)).status_code == 200


def test_my_jobs_lists_every_status_of_my_companies_only(
    client, auth_headers, make, make_user, employer, company
):
    make("job", company=company, status="draft", moderation_status="pending", title="Draft")
    make("job", company=company, status="closed", title="Closed")
    make("job", company=company, moderation_status="flagged", title="Flagged")
    other = make("company", owner=make_user(role="employer"))
    make("job", company=other, title="Not mine")
    headers = auth_headers(employer)
    response = client.get(f"{API}/mine", headers=headers)
    assert {j["title"] for j in response.get_json()} == {"Draft", "Closed", "Flagged"}
    assert json.loads(response.headers["X-Pagination"])["total"] == 3
    drafts = client.get(f"{API}/mine?status=draft", headers=headers).get_json()
    assert [j["title"] for j in drafts] == ["Draft"]
    candidate = make_user(role="candidate")
    assert client.get(f"{API}/mine", headers=auth_headers(candidate)).status_code == 403


def test_my_jobs_page_and_count_are_one_statement_whatever_the_page_size(
    client, auth_headers, employer, company, make, count_queries
):
    for _ in range(30):
        make("job", company=company)
    headers = auth_headers(employer)
    counts = []
    for size in (3, 30):
        with count_queries() as queries:
            response = client.get(f"{API}/mine?page_size={size}", headers=headers)
        assert len(response.get_json()) == size
        assert json.loads(response.headers["X-Pagination"])["total"] == 30
        assert all(job["company"]["id"] == company.id for job in response.get_json())
        counts.append(len(queries))
        # One statement lists the jobs, with their companies and the count; no N+1.
        assert len([q for q in queries if "FROM jobs" in q]) == 1, queries
    assert counts[0] == counts[1] <= 3, counts
    past = client.get(f"{API}/mine?page=3&page_size=20", headers=headers)
    assert past.get_json() == [] and json.loads(past.headers["X-Pagination"])["total"] == 30
