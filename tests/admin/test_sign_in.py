"""Panel sign-in hardening: throttles, sessions that end at once, a sign-out on every page."""

from __future__ import annotations

import statistics
import time

from jobhub.auth.models import AuthSession
from jobhub.db import db
from tests.factories import DEFAULT_PASSWORD
from tests.support.api import API, bearer, fresh_ip
from tests.support.panel import Panel

NEW_PASSWORD = "Quiet-Meadow-Lantern-58"


def test_the_account_is_throttled_whatever_address_the_guesses_come_from(app, client, make_user):
    """14 guesses from 14 addresses used to get through; per account, the 6th is refused."""
    make_user(role="admin", email="boss@example.com")
    statuses = [
        Panel(client).sign_in_response("boss@example.com", "wrong-guess-1").status_code
        for _ in range(6)
    ]
    assert statuses == [401] * 5 + [429]
    # Another account from those same addresses is not held back by it.
    make_user(role="admin", email="other@example.com")
    assert Panel(client).sign_in(make_user(role="admin", email="third@example.com"))


def test_one_address_is_throttled_across_accounts(client, make_user):
    panel = Panel(client)
    statuses = [panel.sign_in_response(f"nobody{n}@example.com", "x").status_code for n in range(6)]
    assert statuses == [401] * 5 + [429]


def test_an_unknown_email_costs_a_password_hash_too(app, client, make_user):
    """Same work for an unknown email (a dummy hash): it used to answer in 10 ms, not 44."""
    app.config["PASSWORD_HASH_MEMORY_KIB"] = 19 * 1024  # the production cost, for this test
    app.config["PASSWORD_HASH_TIME_COST"] = 2
    make_user(role="admin", email="boss@example.com")

    def timed(email: str) -> float:
        panel = Panel(client)
        started = time.perf_counter()
        assert panel.sign_in_response(email, "wrong-guess").status_code == 401
        return time.perf_counter() - started

    timed("warm-up@example.com")  # the dummy hash is made once per cost
    known = statistics.median(timed("boss@example.com") for _ in range(3))
    unknown = statistics.median(timed(f"nobody{n}@example.com") for n in range(3))
    assert unknown > known * 0.6, (known, unknown)


def test_every_panel_page_has_a_sign_out_form_and_who_is_signed_in(panel, make_user):
    admin = make_user(role="admin", email="boss@example.com")
    panel.sign_in(admin)
    html = panel.page("/admin/")
    assert 'id="sign-out"' in html and "boss@example.com" in html
    assert 'action="/admin/logout"' in html


def test_a_saved_cookie_stops_working_after_sign_out(app, client, panel, make_user):
    panel.sign_in(make_user(role="admin", email="boss@example.com"))
    saved = client.get_cookie("session").value
    assert panel.sign_out().status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", saved)
    assert thief.get("/admin/").status_code == 302
    with app.app_context():
        ended = db.session.scalars(db.select(AuthSession)).all()
        assert [s.end_reason.value for s in ended] == ["logout"]


def test_sign_out_without_the_csrf_token_is_refused(panel, make_user):
    panel.sign_in(make_user(role="admin"))
    assert panel.post_without_csrf("/admin/logout", {}).status_code == 400
    assert panel.is_signed_in()


def test_a_password_change_through_the_api_ends_the_panel_session(
    app, client, panel, api, make_user
):
    admin = make_user(role="admin", email="boss@example.com")
    panel.sign_in(admin)
    tokens = api.login("boss@example.com")
    response = client.post(
        f"{API}/auth/password/change",
        json={"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD},
        headers=bearer(tokens["access_token"]),
        environ_base=fresh_ip(),
    )
    assert response.status_code in (200, 204), response.get_json()
    assert not panel.is_signed_in()
    # The API session that changed it stays; the new password opens the panel again.
    assert client.get(f"{API}/auth/me", headers=bearer(tokens["access_token"])).status_code == 200
    assert panel.sign_in_response("boss@example.com", NEW_PASSWORD).status_code == 302


def test_a_password_reset_ends_the_panel_session(client, panel, make_user, mailbox):
    admin = make_user(role="admin", email="boss@example.com")
    panel.sign_in(admin)
    client.post(f"{API}/auth/password/forgot", json={"email": admin.email}, environ_base=fresh_ip())
    token = mailbox.token(admin.email, "password_reset")
    reset = client.post(
        f"{API}/auth/password/reset", json={"token": token, "new_password": NEW_PASSWORD}
    )
    assert reset.status_code == 200, reset.get_json()
    assert not panel.is_signed_in()


def test_the_panel_session_is_listed_with_the_api_sessions(panel, api, make_user):
    admin = make_user(role="admin", email="boss@example.com")
    panel.sign_in(admin)
    tokens = api.login("boss@example.com")
    sessions = api.client.get(f"{API}/auth/sessions", headers=bearer(tokens["access_token"]))
    assert len(sessions.get_json()) == 2
    # Ending the other sessions from the API signs the panel out too.
    ended = api.client.delete(f"{API}/auth/sessions", headers=bearer(tokens["access_token"]))
    assert ended.status_code in (200, 204)
    assert not panel.is_signed_in()


def test_after_sign_in_the_admin_lands_where_they_were_going(panel, make_user):
    admin = make_user(role="admin")
    assert panel.get("/admin/?page=2").location.endswith("/admin/login")
    response = panel.sign_in_response(admin.email, next="/admin/static/x.css")
    assert response.location.endswith("/admin/static/x.css")
    response = Panel(panel.client).sign_in_response(admin.email, next="https://evil.example/")
    assert response.location.endswith("/admin/")
