"""Matching endpoints: ranking, explanations, owners only, analysed resumes only."""

from __future__ import annotations

import json

import pytest


def test_matches_rank_public_jobs_by_score_with_explanations(
    client, auth_headers, candidate, jobs, resume
):
    response = client.get(f"/api/v1/resumes/{resume.id}/matches", headers=auth_headers(candidate))
    assert response.status_code == 200, response.get_json()
    items = response.get_json()
    # Only public jobs sharing a skill: the Java job, the draft and the rejected one are out.
    assert [item["job"]["id"] for item in items] == [jobs["full"].id, jobs["partial"].id]
    full, partial = items
    assert full["score"] > partial["score"]
    assert set(full) == {"job", "score", "matched_skills", "missing_skills"}
    assert full["matched_skills"] == ["python", "docker", "postgresql", "kubernetes"]
    assert full["missing_skills"] == []
    assert partial["matched_skills"] == ["kubernetes"]
    assert partial["missing_skills"] == ["terraform", "aws"]
    assert full["job"]["company"]["id"] == jobs["full"].company_id
    assert json.loads(response.headers["X-Pagination"])["total"] == 2


def test_a_resume_with_all_required_skills_outranks_one_with_none(
    client, auth_headers, candidate, make, jobs, resume
):
    other = make("resume", user=candidate, data=b"Java and Spring developer.", skills=["java"])
    job = jobs["full"]
    good = client.get(
        f"/api/v1/jobs/{job.id}/match?resume_id={resume.id}", headers=auth_headers(candidate)
    ).get_json()
    bad = client.get(
        f"/api/v1/jobs/{job.id}/match?resume_id={other.id}", headers=auth_headers(candidate)
    ).get_json()
    assert good["score"] > 60 > bad["score"]
    assert bad["matched_skills"] == []
    assert bad["missing_skills"] == ["python", "docker", "postgresql", "kubernetes"]
    assert "Add python: a required skill of this job." in bad["recommendations"]
    assert good["nice_to_have_matched"] == []
    assert good["recommendations"] == ["Consider terraform: nice to have for this job."]


def test_matches_are_paginated(client, auth_headers, candidate, jobs, resume):
    response = client.get(
        f"/api/v1/resumes/{resume.id}/matches?page=2&page_size=1", headers=auth_headers(candidate)
    )
    assert [item["job"]["id"] for item in response.get_json()] == [jobs["partial"].id]
    assert json.loads(response.headers["X-Pagination"])["total_pages"] == 2


def test_someone_elses_resume_is_404_everywhere(client, auth_headers, make_user, jobs, resume):
    intruder = make_user(role="candidate")
    headers = auth_headers(intruder)
    urls = [
        f"/api/v1/resumes/{resume.id}/matches",
        f"/api/v1/jobs/{jobs['full'].id}/match?resume_id={resume.id}",
        f"/api/v1/matches/compare?resume_id={resume.id}&job_ids={jobs['full'].id}",
        "/api/v1/resumes/999999/matches",
    ]
    for url in urls:
        response = client.get(url, headers=headers)
        assert response.status_code == 404, url
        assert response.get_json()["error"] == "not_found"


def test_an_unanalysed_resume_is_409_with_a_clear_message(
    client, auth_headers, candidate, make, jobs
):
    pending = make("resume", user=candidate)
    response = client.get(f"/api/v1/resumes/{pending.id}/matches", headers=auth_headers(candidate))
    assert response.status_code == 409
    body = response.get_json()
    assert body["error"] == "conflict"
    assert "pending" in body["message"] and "done" in body["message"]
    response = client.get(
        f"/api/v1/jobs/{jobs['full'].id}/match?resume_id={pending.id}",
        headers=auth_headers(candidate),
    )
    assert response.status_code == 409


def test_the_job_must_be_visible_to_the_caller(client, auth_headers, candidate, jobs, resume):
    for key in ("draft", "rejected"):
        response = client.get(
            f"/api/v1/jobs/{jobs[key].id}/match?resume_id={resume.id}",
            headers=auth_headers(candidate),
        )
        assert response.status_code == 404, key
    response = client.get(f"/api/v1/jobs/{jobs['full'].id}/match", headers=auth_headers(candidate))
    assert response.status_code == 422


def test_compare_keeps_the_order_asked_for(client, auth_headers, candidate, jobs, resume):
    ids = [jobs["none"].id, jobs["full"].id, jobs["partial"].id]
    response = client.get(
        f"/api/v1/matches/compare?resume_id={resume.id}&job_ids={','.join(map(str, ids))}",
        headers=auth_headers(candidate),
    )
    assert response.status_code == 200, response.get_json()
    items = response.get_json()
    assert [item["job"]["id"] for item in items] == ids
    assert items[1]["score"] > items[2]["score"] > items[0]["score"]
    assert all("recommendations" in item and "missing_skills" in item for item in items)


@pytest.mark.parametrize("job_ids", ["", "a,b", "0", ",".join(str(n) for n in range(1, 12))])
def test_compare_refuses_bad_job_id_lists(client, auth_headers, candidate, resume, job_ids):
    response = client.get(
        f"/api/v1/matches/compare?resume_id={resume.id}&job_ids={job_ids}",
        headers=auth_headers(candidate),
    )
    assert response.status_code == 422
    assert response.get_json()["error"] == "validation_error"


def test_compare_with_a_hidden_job_is_404(client, auth_headers, candidate, jobs, resume):
    response = client.get(
        f"/api/v1/matches/compare?resume_id={resume.id}"
        f"&job_ids={jobs['full'].id},{jobs['draft'].id}",
        headers=auth_headers(candidate),
    )
    assert response.status_code == 404
    assert str(jobs["draft"].id) in response.get_json()["message"]


def test_matches_query_count_does_not_grow_with_jobs(
    client, auth_headers, candidate, make, company, resume, count_queries
):
    headers = auth_headers(candidate)
    url = f"/api/v1/resumes/{resume.id}/matches?page_size=100"

    def queries_for_matches() -> int:
        with count_queries() as queries:
            assert client.get(url, headers=headers).status_code == 200
        return len(queries)

    make("job", company=company, skills=["python"])
    few = queries_for_matches()
    for n in range(15):
        make("job", company=company, skills=["python", "docker"], title=f"Python dev {n}")
    assert queries_for_matches() == few
    assert few <= 8


def test_stats_summarise_the_candidates_top_matches(
    client, auth_headers, candidate, make, jobs, resume
):
    make("resume", user=candidate)  # not analysed: counted, not matched
    response = client.get("/api/v1/resumes/stats", headers=auth_headers(candidate))
    assert response.status_code == 200, response.get_json()
    stats = response.get_json()
    assert stats["resumes"] == 2
    assert stats["analyses"] == 1
    assert stats["matches_considered"] == 2
    assert stats["best_match"] == {
        "score": stats["best_score"],
        "resume_id": resume.id,
        "job_id": jobs["full"].id,
    }
    assert stats["average_score"] < stats["best_score"]
    assert stats["missing_skills"] == [
        {"skill": "aws", "count": 1},
        {"skill": "terraform", "count": 1},
    ]
    assert stats["recommendations"][0] == "Add aws: required by 50% of the jobs you match best."


def test_stats_and_skill_gap_are_for_candidates(client, auth_headers, make_user):
    employer = make_user(role="employer")
    for url in ("/api/v1/resumes/stats", "/api/v1/resumes/skill-gap"):
        assert client.get(url, headers=auth_headers(employer)).status_code == 403
        assert client.get(url).status_code == 401


def test_skill_gap_ranks_missing_skills_by_demand(client, auth_headers, make_user, make, company):
    user = make_user(role="candidate", skills=["Python"], desired_roles=["backend", "50%_off"])
    make("resume", user=user, data=b"Docker user.", skills=["docker"])
    make("job", company=company, title="Senior Backend Engineer", skills=["python", "aws", "go"])
    make("job", company=company, title="backend developer", skills=["python", "aws", "docker"])
    make("job", company=company, title="Frontend Engineer", skills=["react", "typescript"])
    make("job", company=company, title="Backend (draft)", status="draft", skills=["rust"])
    response = client.get("/api/v1/resumes/skill-gap", headers=auth_headers(user))
    assert response.status_code == 200, response.get_json()
    gap = response.get_json()
    assert gap["jobs_considered"] == 2
    assert gap["skills"] == ["docker", "python"]
    assert gap["missing_skills"] == [
        {"skill": "aws", "jobs": 2, "share": 100.0},
        {"skill": "go", "jobs": 1, "share": 50.0},
    ]
    assert [entry["skill"] for entry in gap["matched_skills"]] == ["python", "docker"]
    assert gap["coverage"] == 50.0  # 3 of the 6 demanded skill slots


def test_skill_gap_without_desired_roles_is_409(client, auth_headers, candidate):
    response = client.get("/api/v1/resumes/skill-gap", headers=auth_headers(candidate))
    assert response.status_code == 409
    assert "desired roles" in response.get_json()["message"]


def test_compare_query_count_does_not_grow_with_jobs(
    client, auth_headers, candidate, make, company, resume, count_queries
):
    headers = auth_headers(candidate)
    ids = [make("job", company=company, skills=["python"]).id for _ in range(10)]

    def queries_for(job_ids: list[int]) -> int:
        url = f"/api/v1/matches/compare?resume_id={resume.id}&job_ids={','.join(map(str, job_ids))}"
        with count_queries() as queries:
            response = client.get(url, headers=headers)
            assert response.status_code == 200
            assert len(response.get_json()) == len(job_ids)
        return len(queries)

    assert queries_for(ids[:1]) == queries_for(ids)
