"""POST /auth/register: accounts for candidates and employers, under the password policy."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from jobhub import signals
from jobhub.db import db
from jobhub.users.models import User
from tests.support.api import REGISTER_PASSWORD, fresh_ip, register_body

URL = "/api/v1/auth/register"
GOOD_PASSWORD = REGISTER_PASSWORD


def register(client, **fields):
    return client.post(URL, json=register_body(**fields), environ_base=fresh_ip())


def test_registers_a_candidate_with_a_normalised_email(app, client, mailbox):
    response = register(client, email="  Alice@Example.COM ")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["email"] == "alice@example.com"
    assert body["role"] == "candidate"
    assert body["email_verified"] is False and body["is_active"] is True
    assert body["created_at"].endswith("Z")
    assert "password" not in str(body) and "password_hash" not in body
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.email == "alice@example.com"
        assert user.password_hash.startswith("$argon2id$")
    mail = mailbox.last("alice@example.com", "verify_email")
    assert mail.subject == "Confirm your email address"


def test_registers_an_employer(client, mailbox):
    response = register(client, email="erin@example.com", role="employer", full_name="Erin Walsh")
    assert response.status_code == 201
    assert response.get_json()["role"] == "employer"


def test_admin_cannot_be_self_registered(app, client):
    response = register(client, role="admin")
    assert response.status_code == 422
    assert "role" in response.get_json()["errors"]["json"]
    with app.app_context():
        assert db.session.scalar(select(User)) is None


def test_duplicate_email_is_409_whatever_its_case(client, make_user):
    make_user(email="alice@example.com")
    response = register(client, email="ALICE@example.com")
    assert response.status_code == 409
    assert response.get_json()["error"] == "duplicate"


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("Short-1a", "length"),
        ("x" * 129, "length"),
        ("qwerty123456", "common"),
        ("Password123!", "guessable"),
        ("aaaaaaaaaaaaaaaa", "guessable"),
        ("my-alice.moreau-key-93", "contains_email"),
        ("Moreau-Rocket-Table-93", "contains_name"),
    ],
)
def test_password_policy_names_the_rule(app, client, password, rule):
    response = register(client, email="alice.moreau@example.com", password=password)
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert body["error"] == "validation_error"
    assert body["errors"]["rule"] == rule
    assert rule in body["message"]
    assert body["errors"]["json"]["password"]
    with app.app_context():
        assert db.session.scalar(select(User)) is None


def test_long_unusual_password_is_accepted(client, mailbox):
    response = register(client, password="Tangerine Quartz Ledger 77 Oboe " * 4)
    assert response.status_code == 201


@pytest.mark.parametrize(
    "body",
    [
        {"email": "not-an-email", "password": GOOD_PASSWORD, "full_name": "A", "role": "candidate"},
        {"email": "a@example.com", "password": GOOD_PASSWORD, "full_name": "", "role": "candidate"},
        {"email": "a@example.com", "password": GOOD_PASSWORD, "full_name": "A B"},
        {"email": "a@example.com", "password": GOOD_PASSWORD, "full_name": "A B", "role": "x"},
        {
            "email": "a@example.com",
            "password": GOOD_PASSWORD,
            "full_name": "   ",
            "role": "employer",
        },
        {
            "email": "a@example.com",
            "password": GOOD_PASSWORD,
            "full_name": "A B",
            "role": "candidate",
            "is_active": False,
        },
    ],
)
def test_invalid_bodies_are_422_and_create_nothing(app, client, body):
    response = client.post(URL, json=body, environ_base=fresh_ip())
    assert response.status_code == 422, response.get_json()
    with app.app_context():
        assert db.session.scalar(select(User)) is None


def test_user_registered_signal_is_sent_with_the_new_user(app, client, mailbox):
    received = []

    def receiver(sender, *, user):
        received.append((sender, user.email, user.id))

    with signals.user_registered.connected_to(receiver):
        assert register(client).status_code == 201
    assert received == [(app, "alice@example.com", received[0][2])]
    assert received[0][2] is not None


def test_a_failing_receiver_rolls_the_registration_back(app, client):
    def receiver(sender, *, user):
        raise RuntimeError("boom")

    with signals.user_registered.connected_to(receiver):
        response = register(client)
    assert response.status_code == 500
    with app.app_context():
        assert db.session.scalar(select(User)) is None
