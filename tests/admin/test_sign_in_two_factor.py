"""The admin panel's sign-in asks an admin with two-factor sign-in for a code, and refuses
an admin without it while ADMIN_REQUIRE_2FA is on."""

from __future__ import annotations

import pyotp
import pytest

from tests.auth.test_two_factor import T0, Clock, code
from tests.support.panel import Panel, csrf_token


@pytest.fixture
def clock(app) -> Clock:
    app.config["TOTP_CLOCK"] = clock = Clock(T0)
    return clock


@pytest.fixture
def admin_with_2fa(api, make_user, clock):
    """An admin with 2FA on (through the API); the clock then five minutes later."""
    admin = make_user(role="admin", email="boss@example.com")
    setup = api("POST", admin, "/auth/2fa/setup")
    enabled = api("POST", admin, "/auth/2fa/enable", json={"code": code(setup["secret"], T0)})
    clock.advance(300)
    return admin, setup["secret"], enabled["recovery_codes"]


def send_code(panel: Panel, page: str, value: str, *, ip: str | None = None):
    return panel.client.post(
        "/admin/login/2fa",
        data={"csrf_token": csrf_token(page), "code": value, "next": "/admin/"},
        environ_base={"REMOTE_ADDR": ip or panel.ip},
    )


def password_step(panel: Panel, user) -> str:
    response = panel.sign_in_response(user.email)
    assert response.status_code == 200, response.status_code
    page = response.get_data(as_text=True)
    assert 'name="code"' in page and 'action="/admin/login/2fa"' in page
    assert not panel.is_signed_in()
    return page


def test_an_admin_with_2fa_signs_in_with_the_password_then_a_code(
    app, client, admin_with_2fa, clock
):
    admin, secret, _ = admin_with_2fa
    panel = Panel(client)
    page = password_step(panel, admin)
    wrong = f"{(int(code(secret, clock())) + 500_000) % 1_000_000:06d}"
    refused = send_code(panel, page, wrong)
    assert refused.status_code == 401 and not panel.is_signed_in()
    done = send_code(panel, refused.get_data(as_text=True), code(secret, clock()))
    assert done.status_code == 302 and done.location.endswith("/admin/")
    assert panel.is_signed_in()
    # The same code again, in a new sign-in (another browser): refused (once per step).
    other = Panel(app.test_client())
    page = password_step(other, admin)
    assert send_code(other, page, code(secret, clock())).status_code == 401
    assert not other.is_signed_in()


def test_a_recovery_code_signs_in_once(app, client, admin_with_2fa):
    admin, _, codes = admin_with_2fa
    panel = Panel(client)
    assert send_code(panel, password_step(panel, admin), codes[0]).status_code == 302
    again = Panel(app.test_client())
    assert send_code(again, password_step(again, admin), codes[0]).status_code == 401


def test_the_code_step_needs_the_password_step_and_its_csrf_token(client, admin_with_2fa, clock):
    admin, secret, _ = admin_with_2fa
    fresh = Panel(client)
    login_page = fresh.get("/admin/login").get_data(as_text=True)
    assert send_code(fresh, login_page, code(secret, clock())).status_code == 400
    panel = Panel(client)
    password_step(panel, admin)
    no_csrf = panel.client.post(
        "/admin/login/2fa",
        data={"code": code(secret, clock())},
        environ_base={"REMOTE_ADDR": panel.ip},
    )
    assert no_csrf.status_code == 400 and not panel.is_signed_in()


def test_the_code_step_is_throttled_per_admin_across_addresses(client, admin_with_2fa):
    admin, _, _ = admin_with_2fa
    panel = Panel(client)
    page = password_step(panel, admin)
    statuses = []
    for n in range(6):  # each guess from an address of its own
        response = send_code(panel, page, "000001", ip=f"10.201.0.{n + 1}")
        statuses.append(response.status_code)
        page = response.get_data(as_text=True) if response.status_code == 401 else page
    assert statuses == [401] * 5 + [429]


def test_an_admin_without_2fa_is_refused_while_it_is_required(app, client, make_user):
    admin = make_user(role="admin")
    app.config["ADMIN_REQUIRE_2FA"] = True
    panel = Panel(client)
    response = panel.sign_in_response(admin.email)
    assert response.status_code == 403
    assert "two-factor" in response.get_data(as_text=True)
    assert not panel.is_signed_in()
    app.config["ADMIN_REQUIRE_2FA"] = False
    assert Panel(app.test_client()).sign_in(admin)


def test_admins_without_2fa_sign_in_as_before_when_it_is_not_required(client, make_user):
    panel = Panel(client)
    panel.sign_in(make_user(role="admin"))
    assert panel.is_signed_in()
    assert pyotp  # the codes above come from the same library the app uses
