"""Email verification: a mailed single-use token confirms the address."""

from __future__ import annotations

from jobhub.db import db
from jobhub.users.models import User
from tests.support.api import bearer, register_body

REQUEST = "/api/v1/auth/verify-email/request"
CONFIRM = "/api/v1/auth/verify-email/confirm"
REGISTER = register_body()


def verified(app, user_id: int) -> bool:
    with app.app_context():
        return db.session.get(User, user_id).email_verified


def test_registration_mail_verifies_the_address_exactly_once(app, client, mailbox):
    user_id = client.post("/api/v1/auth/register", json=REGISTER).get_json()["id"]
    mail = mailbox.last("alice@example.com", "verify_email")
    assert "alice@example.com" in mail.text and "48 hours" in mail.text
    token = mailbox.token("alice@example.com", "verify_email")
    assert not verified(app, user_id)

    response = client.post(CONFIRM, json={"token": token})
    assert response.status_code == 200 and "verified" in response.get_json()["message"]
    assert verified(app, user_id)
    again = client.post(CONFIRM, json={"token": token})
    assert again.status_code == 400 and again.get_json()["error"] == "bad_request"


def test_request_mails_a_new_link_and_the_old_one_stops_working(
    app, client, make_user, login, mailbox
):
    user = make_user(email="bob@example.com", full_name="Bob Stone")
    pair = login("bob@example.com")
    for _ in range(2):
        response = client.post(REQUEST, headers=bearer(pair["access_token"]))
        assert response.status_code == 202
    first, second = mailbox.to("bob@example.com", template="verify_email")
    tokens = [m.text.split("token=")[1].split()[0] for m in (first, second)]
    assert client.post(CONFIRM, json={"token": tokens[0]}).status_code == 400
    assert client.post(CONFIRM, json={"token": tokens[1]}).status_code == 200
    assert verified(app, user.id)


def test_request_for_a_verified_address_sends_nothing(client, make_user, login, mailbox):
    make_user(email="bob@example.com", email_verified=True)
    pair = login("bob@example.com")
    response = client.post(REQUEST, headers=bearer(pair["access_token"]))
    assert response.status_code == 202
    assert mailbox.messages == []


def test_request_needs_a_token(client):
    assert client.post(REQUEST).status_code == 401


def test_a_token_mailed_to_an_address_no_longer_the_users_is_refused(app, client, mailbox):
    user_id = client.post("/api/v1/auth/register", json=REGISTER).get_json()["id"]
    token = mailbox.token("alice@example.com", "verify_email")
    with app.app_context():
        db.session.get(User, user_id).email = "alice.new@example.com"
        db.session.commit()
    assert client.post(CONFIRM, json={"token": token}).status_code == 400
    assert not verified(app, user_id)


def test_garbage_and_missing_tokens(client):
    assert client.post(CONFIRM, json={"token": "nope"}).status_code == 400
    assert client.post(CONFIRM, json={}).status_code == 422
