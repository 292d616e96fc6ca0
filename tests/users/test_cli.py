"""flask create-admin and flask seed go through the account service and its policy."""

from __future__ import annotations

from sqlalchemy import select

from jobhub.db import db
from jobhub.seed import DEMO_ADMIN, DEMO_PASSWORD
from jobhub.users.models import Role, User


def test_create_admin_refuses_a_weak_password_naming_the_rule(app, runner):
    result = runner.invoke(
        args=["create-admin", "--email", "root@example.com", "--password", "password1234"]
    )
    assert result.exit_code != 0
    assert "rule 'common'" in result.output or "rule 'guessable'" in result.output
    with app.app_context():
        assert db.session.scalar(select(User)) is None


def test_create_admin_refuses_a_password_containing_the_email(app, runner):
    result = runner.invoke(
        args=[
            "create-admin",
            "--email",
            "rootadmin@example.com",
            "--password",
            "my-rootadmin-Zebra-42",
        ]
    )
    assert result.exit_code != 0
    assert "json: password: Do not use your email address in your password." in result.output
    assert "rule: contains_email" in result.output


def test_created_admin_logs_in_and_lists_users(client, runner):
    result = runner.invoke(
        args=[
            "create-admin",
            "--email",
            "boss@example.com",
            "--password",
            "Granite-Falcon-Ledger-8",
        ]
    )
    assert result.exit_code == 0, result.output
    login = client.post(
        "/api/v1/auth/login",
        json={"email": "boss@example.com", "password": "Granite-Falcon-Ledger-8"},
    )
    assert login.status_code == 200
    body = login.get_json()
    assert body["user"]["role"] == "admin" and body["user"]["email_verified"] is True
    users = client.get("/api/v1/users", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert users.status_code == 200 and [u["email"] for u in users.get_json()] == [
        "boss@example.com"
    ]


def test_seeded_demo_accounts_log_in_with_the_documented_password(app, client, runner):
    assert runner.invoke(args=["seed", "--candidates", "6", "--employers", "4"]).exit_code == 0
    with app.app_context():
        emails = {u.email: u.role for u in db.session.scalars(select(User))}
    assert emails[DEMO_ADMIN[0]] == Role.ADMIN
    assert "alice.candidate@jobhub.local" in emails and "erin.employer@jobhub.local" in emails
    for email in (DEMO_ADMIN[0], "alice.candidate@jobhub.local", "erin.employer@jobhub.local"):
        response = client.post(
            "/api/v1/auth/login", json={"email": email, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 200, (email, response.get_json())
