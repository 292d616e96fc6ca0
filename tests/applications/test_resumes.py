"""Applying with a resume: only one's own, and the companies it was sent to may download it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from jobhub.applications.models import Application
from jobhub.db import db
from tests.factories import DEFAULT_PASSWORD


@pytest.fixture
def app_environ(backend, tmp_path: Path) -> dict[str, str]:
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    return backend.environ(UPLOAD_DIR=str(uploads))


@pytest.fixture
def resume(make, world):
    return make("resume", user=world.candidate, data=b"Carla Candidate\nPython, robots.\n")


def test_apply_with_ones_own_resume(api, world, resume):
    application = api.apply(world.candidate, world.job, resume_id=resume.id)
    assert application["resume_id"] == resume.id
    seen = api.get(world.member, f"/applications/{application['id']}").get_json()
    assert seen["resume_id"] == resume.id


@pytest.mark.parametrize("whose", ["another candidate's", "missing"])
def test_another_candidates_or_a_missing_resume_is_422(app, api, make, world, whose):
    others = make("resume", user=world.other_candidate)
    resume_id = 999_999 if whose == "missing" else others.id
    response = api.post(
        world.candidate, f"/jobs/{world.job.id}/applications", json={"resume_id": resume_id}
    )
    assert response.status_code == 422
    assert "resume_id" in response.get_json()["errors"]["json"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Application)) == 0


def test_the_companies_it_was_sent_to_may_download_it(api, make, world, resume):
    api.apply(world.candidate, world.job, resume_id=resume.id)
    # Applying elsewhere without this resume gives that company no access to it.
    api.apply(world.candidate, world.other_job)
    path = f"/resumes/{resume.id}/file"
    for user in (world.member, world.recruiter, world.admin, world.candidate):
        response = api.get(user, path)
        assert response.status_code == 200, user.full_name
        assert response.data == b"Carla Candidate\nPython, robots.\n"
    for user in (world.other_employer, world.other_candidate):
        assert api.get(user, path).status_code == 404
    other_resume = make("resume", user=world.candidate)
    assert api.get(world.member, f"/resumes/{other_resume.id}/file").status_code == 404


def test_a_deleted_resume_leaves_the_application(api, world, resume):
    application = api.apply(world.candidate, world.job, resume_id=resume.id)
    assert api.delete(world.candidate, f"/resumes/{resume.id}").status_code == 204
    seen = api.get(world.member, f"/applications/{application['id']}").get_json()
    assert seen["resume_id"] is None and seen["status"] == "applied"
    assert api.get(world.member, f"/resumes/{resume.id}/file").status_code == 404


def test_account_deletion_takes_the_resume_off_every_application(api, world, resume):
    application = api.apply(world.candidate, world.job, resume_id=resume.id)
    deleted = api.delete(world.candidate, "/users/me", json={"password": DEFAULT_PASSWORD})
    assert deleted.status_code == 200 and "erased" in deleted.get_json()
    seen = api.get(world.member, f"/applications/{application['id']}").get_json()
    assert seen["resume_id"] is None and seen["anonymized"] is True
    assert api.get(world.member, f"/resumes/{resume.id}/file").status_code == 404
