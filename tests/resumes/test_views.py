"""Reading and deleting resumes: owners only, paginated lists, files removed after commit."""

from __future__ import annotations

import json

import pytest

from jobhub.db import db
from jobhub.resumes.models import Resume
from jobhub.resumes.tasks import analyze_resume
from tests.resumes.conftest import UPLOAD_URL, stored_files
from tests.support.documents import RESUME_LINES

TEXT = "\n".join(RESUME_LINES).encode()


@pytest.fixture
def uploaded(upload, candidate):
    """Upload a text resume as the candidate; returns its JSON."""

    def make(name: str = "cv.txt", user=None) -> dict:
        response = upload(user or candidate, TEXT, name, "text/plain")
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return make


def test_the_list_holds_only_your_resumes_newest_first(
    client, auth_headers, candidate, make_user, uploaded
):
    other = make_user(role="candidate")
    first, second = uploaded("first.txt"), uploaded("second.txt")
    uploaded("theirs.txt", user=other)
    response = client.get(UPLOAD_URL, headers=auth_headers(candidate))
    assert response.status_code == 200
    assert [item["id"] for item in response.get_json()] == [second["id"], first["id"]]
    assert set(response.get_json()[0]) == {
        "id",
        "filename",
        "file_format",
        "content_type",
        "size_bytes",
        "sha256",
        "analysis_status",
        "analyzed_at",
        "created_at",
    }
    pagination = json.loads(response.headers["X-Pagination"])
    assert pagination["total"] == 2


def test_the_list_is_paginated_with_a_constant_number_of_queries(
    app, client, auth_headers, candidate, uploaded, count_queries
):
    for index in range(5):
        uploaded(f"cv{index}.txt")
    headers = auth_headers(candidate)
    with count_queries() as few:
        small = client.get(f"{UPLOAD_URL}?page=1&page_size=2", headers=headers)
    with count_queries() as many:
        large = client.get(f"{UPLOAD_URL}?page=1&page_size=5", headers=headers)
    assert len(small.get_json()) == 2 and len(large.get_json()) == 5
    assert json.loads(small.headers["X-Pagination"])["total_pages"] == 3
    assert len(few) == len(many) <= 4  # user, count, page (no query per resume)


def test_an_employer_has_an_empty_list(client, auth_headers, make_user):
    response = client.get(UPLOAD_URL, headers=auth_headers(make_user(role="employer")))
    assert response.status_code == 200 and response.get_json() == []


def test_a_resume_is_visible_to_its_owner_only(client, auth_headers, make_user, uploaded):
    resume = uploaded()
    url = f"{UPLOAD_URL}/{resume['id']}"
    owner_view = client.get(url, headers=auth_headers(make_user(role="candidate")))
    assert owner_view.status_code == 404
    for role in ("candidate", "employer", "admin"):
        response = client.get(url, headers=auth_headers(make_user(role=role)))
        assert response.status_code == 404, role
        assert response.get_json()["error"] == "not_found"
    assert client.get(url).status_code == 401


def test_the_owner_reads_a_resume(client, auth_headers, candidate, uploaded):
    resume = uploaded()
    response = client.get(f"{UPLOAD_URL}/{resume['id']}", headers=auth_headers(candidate))
    assert response.status_code == 200
    assert response.get_json()["sha256"] == resume["sha256"]
    assert response.get_json()["created_at"].endswith("Z")


def test_deleting_removes_the_row_and_then_the_file(
    app, client, auth_headers, candidate, make_user, uploaded, upload_dir
):
    resume = uploaded()
    url = f"{UPLOAD_URL}/{resume['id']}"
    assert len(stored_files(upload_dir)) == 1
    stranger = client.delete(url, headers=auth_headers(make_user(role="candidate")))
    assert stranger.status_code == 404
    assert len(stored_files(upload_dir)) == 1
    response = client.delete(url, headers=auth_headers(candidate))
    assert response.status_code == 204
    assert stored_files(upload_dir) == []
    assert client.get(url, headers=auth_headers(candidate)).status_code == 404


def test_a_failed_deletion_keeps_the_file(
    app, client, auth_headers, candidate, uploaded, upload_dir, monkeypatch
):
    from jobhub.errors import Conflict
    from jobhub.resumes import services

    resume = uploaded()
    real_delete = services.delete_resume

    def delete_then_fail(**kwargs):  # the request fails after the service ran: it rolls back
        real_delete(**kwargs)
        raise Conflict("something else went wrong")

    monkeypatch.setattr(services, "delete_resume", delete_then_fail)
    response = client.delete(f"{UPLOAD_URL}/{resume['id']}", headers=auth_headers(candidate))
    assert response.status_code == 409
    assert len(stored_files(upload_dir)) == 1
    with app.app_context():
        assert db.session.get(Resume, resume["id"]) is not None


def test_the_analysis_of_your_resume(client, auth_headers, candidate, make_user, uploaded, app):
    resume = uploaded()
    with app.app_context():
        analyze_resume.apply(args=[resume["id"]])  # the eager run may have done it already
    url = f"{UPLOAD_URL}/{resume['id']}/analysis"
    response = client.get(url, headers=auth_headers(candidate))
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {
        "status",
        "skills",
        "skill_details",
        "years_experience",
        "education",
        "summary",
        "analyzed_at",
    }
    assert body["status"] == "done"
    assert "python" in body["skills"]
    assert body["analyzed_at"].endswith("Z")
    assert client.get(url, headers=auth_headers(make_user(role="admin"))).status_code == 404


def test_a_pending_analysis_is_reported_as_such(app, client, auth_headers, candidate, uploaded):
    resume = uploaded()
    with app.app_context():
        row = db.session.get(Resume, resume["id"])
        row.analysis_status = row.analysis_status.PENDING
        db.session.commit()
    body = client.get(
        f"{UPLOAD_URL}/{resume['id']}/analysis", headers=auth_headers(candidate)
    ).get_json()
    assert body["status"] == "pending"
    assert "error" not in body


def test_the_factory_makes_an_analysed_resume(app, client, auth_headers, candidate, upload_dir):
    from tests.factories import create_resume

    with app.app_context():
        resume = create_resume(user=candidate, skills=["python", "docker"])
        db.session.commit()
        resume_id = resume.id
    body = client.get(
        f"{UPLOAD_URL}/{resume_id}/analysis", headers=auth_headers(candidate)
    ).get_json()
    assert body["status"] == "done" and body["skills"] == ["python", "docker"]
    assert len(stored_files(upload_dir)) == 1
