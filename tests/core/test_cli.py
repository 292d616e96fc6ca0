"""The flask CLI, through its runner."""

from __future__ import annotations

from sqlalchemy import func, select

from jobhub.db import db
from jobhub.security import verify_password
from jobhub.users.models import Role, User


def _users(app) -> list[User]:
    with app.app_context():
        return list(db.session.scalars(select(User).order_by(User.id)))


def test_create_admin_with_password(app, runner):
    result = runner.invoke(
        args=["create-admin", "--email", " Root@Example.COM ", "--password", "Long-enough-pass-42"]
    )
    assert result.exit_code == 0, result.output
    assert "Created admin root@example.com" in result.output
    [admin] = _users(app)
    assert admin.role == Role.ADMIN and admin.email == "root@example.com"
    with app.app_context():
        assert verify_password(admin.password_hash, "Long-enough-pass-42")


def test_create_admin_prompts_for_the_password(app, runner):
    result = runner.invoke(
        args=["create-admin", "--email", "boss@example.com"],
        input="Prompted-pass-4242\nPrompted-pass-4242\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert verify_password(_users(app)[0].password_hash, "Prompted-pass-4242")


def test_create_admin_refuses_a_taken_email(app, runner, make_user):
    make_user(email="taken@example.com")
    result = runner.invoke(
        args=["create-admin", "--email", "taken@example.com", "--password", "Long-enough-pass-42"]
    )
    assert result.exit_code != 0
    assert "already exists" in result.output
    assert [user.role for user in _users(app)] == [Role.CANDIDATE]


def test_seed_is_idempotent(app, runner):
    first = runner.invoke(args=["seed", "--candidates", "3", "--employers", "2"])
    assert first.exit_code == 0, first.output
    assert "Seeded:" in first.output
    second = runner.invoke(args=["seed", "--candidates", "3", "--employers", "2"])
    assert second.exit_code == 0 and "already present" in second.output
    with app.app_context():
        counts = dict(db.session.execute(select(User.role, func.count()).group_by(User.role)).all())
    assert counts == {Role.ADMIN: 1, Role.CANDIDATE: 3, Role.EMPLOYER: 2}


def test_seed_sizes_are_validated(runner):
    result = runner.invoke(args=["seed", "--candidates", "-1"])
    assert result.exit_code == 2
