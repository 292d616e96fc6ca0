"""The admin panel is for signed-in admins only."""

from __future__ import annotations

import re

import pytest

from jobhub import create_app
from jobhub.config import TestingConfig
from jobhub.db import db
from tests.factories import DEFAULT_PASSWORD


def _csrf(client) -> str:
    page = client.get("/admin/login")
    assert page.status_code == 200
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def _sign_in(client, email: str, password: str = DEFAULT_PASSWORD, csrf: str | None = None):
    token = _csrf(client) if csrf is None else csrf
    return client.post(
        "/admin/login", data={"email": email, "password": password, "csrf_token": token}
    )


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/login")


def test_admin_signs_in_and_sees_the_panel(client, make_user):
    make_user(role="admin", email="boss@example.com")
    response = _sign_in(client, "boss@example.com")
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/")
    panel = client.get("/admin/")
    assert panel.status_code == 200
    assert "JobHub admin" in panel.get_data(as_text=True)
    assert "HttpOnly" in response.headers["Set-Cookie"]


@pytest.mark.parametrize(
    ("role", "password"),
    [("admin", "wrong-password-123"), ("candidate", DEFAULT_PASSWORD), ("employer", None)],
)
def test_others_are_refused(client, make_user, role, password):
    make_user(role=role, email="someone@example.com")
    response = _sign_in(client, "someone@example.com", password or DEFAULT_PASSWORD)
    assert response.status_code == 401
    assert client.get("/admin/").status_code == 302


def test_deactivated_admin_is_refused(client, make_user):
    make_user(role="admin", email="gone@example.com", is_active=False)
    assert _sign_in(client, "gone@example.com").status_code == 401


def test_sign_in_without_csrf_token_is_refused(client, make_user):
    make_user(role="admin", email="boss@example.com")
    _csrf(client)
    assert _sign_in(client, "boss@example.com", csrf="forged").status_code == 400
    assert client.get("/admin/").status_code == 302


def test_sign_out_ends_the_session(client, make_user):
    make_user(role="admin", email="boss@example.com")
    _sign_in(client, "boss@example.com")
    assert client.get("/admin/").status_code == 200
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/admin/").text)
    assert client.post("/admin/logout").status_code == 400  # no CSRF token: refused
    assert client.post("/admin/logout", data={"csrf_token": token.group(1)}).status_code == 302
    assert client.get("/admin/").status_code == 302


def test_a_rotated_secret_key_keeps_admins_signed_in(backend, app, client, make_user):
    make_user(role="admin", email="boss@example.com")
    assert _sign_in(client, "boss@example.com").status_code == 302
    cookie = client.get_cookie("session").value
    new_key = "a-new-secret-key-0123456789abcdef0123456789"
    old_key = app.config["SECRET_KEY"]
    for fallbacks, status in ((old_key, 200), ("", 302)):
        rotated = create_app(
            TestingConfig(backend.environ(SECRET_KEY=new_key, SECRET_KEY_FALLBACKS=fallbacks))
        )
        other = rotated.test_client()
        other.set_cookie("session", cookie)
        assert other.get("/admin/").status_code == status
        with rotated.app_context():
            db.engine.dispose()
