"""The admin sign-in page and the panel in a real browser: only the app's own assets."""

from __future__ import annotations

import pytest

from tests.factories import DEFAULT_PASSWORD

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def test_admin_signs_in_through_the_form_and_nothing_loads_from_outside(
    live_server, browse, make_user
):
    make_user(role="admin", email="boss@example.com")
    page = browse(live_server.url)

    page.goto("/admin/")  # an anonymous visitor lands on the sign-in page
    assert page.page.url == page.url("/admin/login")
    page.screenshot("sign-in")
    page.assert_clean()

    page.page.fill("input[name=email]", "boss@example.com")
    page.page.fill("input[name=password]", DEFAULT_PASSWORD)
    with page.page.expect_navigation(wait_until="networkidle"):
        page.page.click("button[type=submit]")
    assert page.page.url == page.url("/admin/")
    assert page.page.locator(".navbar-brand").inner_text() == "JobHub admin"
    # Flask-Admin's Bootstrap, jQuery and its own scripts ran from /admin/static.
    assert page.page.evaluate("typeof window.jQuery === 'function' && !!jQuery.fn.dropdown")
    page.screenshot("panel")
    page.assert_clean()
