"""Deleting an account deletes its resumes and, after the commit, their files."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from jobhub.db import db, transaction
from jobhub.resumes.models import Resume
from jobhub.signals import account_deleted
from jobhub.users.models import User
from tests.factories import DEFAULT_PASSWORD
from tests.resumes.conftest import stored_files
from tests.support.documents import RESUME_LINES

TEXT = "\n".join(RESUME_LINES).encode()


def test_the_users_resumes_and_files_go(app, upload, candidate, make_user, upload_dir):
    other = make_user(role="candidate")
    for user in (candidate, candidate, other):
        assert upload(user, TEXT, "cv.txt").status_code == 201
    assert len(stored_files(upload_dir)) == 3
    with app.app_context(), transaction():
        account_deleted.send(app, user=db.session.get(User, candidate.id))
    with app.app_context():
        owners = db.session.scalars(select(Resume.user_id)).all()
    assert owners == [other.id]
    assert len(stored_files(upload_dir)) == 1


def test_nothing_goes_if_the_deletion_rolls_back(app, upload, candidate, upload_dir):
    assert upload(candidate, TEXT, "cv.txt").status_code == 201

    def delete_account_then_fail() -> None:
        with app.app_context(), transaction():
            account_deleted.send(app, user=db.session.get(User, candidate.id))
            raise RuntimeError("the account deletion failed later on")

    with pytest.raises(RuntimeError):
        delete_account_then_fail()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Resume)) == 1
    assert len(stored_files(upload_dir)) == 1


def test_deleting_ones_account_through_the_api_removes_the_files(
    app, client, auth_headers, upload, candidate, upload_dir
):
    assert upload(candidate, TEXT, "cv.txt").status_code == 201
    response = client.delete(
        "/api/v1/users/me", headers=auth_headers(candidate), json={"password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200, response.get_json()
    assert stored_files(upload_dir) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Resume)) == 0
