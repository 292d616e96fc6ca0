"""Swagger UI and ReDoc in a real browser, offline, against gunicorn in production mode.

Both pages must load only the app's own files and render every operation the OpenAPI
document names (tests/support/browser.py blocks and records anything else).
"""

from __future__ import annotations

import re
import time

import pytest
import requests

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

HTTP_METHODS = {"get", "put", "post", "patch", "delete"}
# ReDoc's own code tries both, and works on when the CSP refuses them.
REDOC_KNOWN_REFUSALS = {
    "img-src refused https://cdn.redoc.ly/": "its hard-coded 'API docs by Redocly' logo "
    "(the attribution link stays, as text)",
    "script-src refused eval": "its search probes for a worker built with Function(); "
    "refused, it indexes in the page",
}


@pytest.fixture(scope="module")
def spec(live_server) -> dict:
    return requests.get(f"{live_server.url}/api/openapi.json", timeout=10).json()


def _tagged(spec: dict) -> list[tuple[str, str, list[str]]]:
    return [
        (method.upper(), path, operation.get("tags", []))
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    ]


def _render_every_tag(page, *, tags: int, timeout: float = 30.0) -> None:
    """ReDoc renders tag sections as they scroll into view, each listing its first
    operations with a "Show N more..." button: scroll and click until all are shown."""
    lists = page.locator("[data-testid='items-navigation-list']")
    more = page.get_by_role("button", name=re.compile(r"^Show \d+ more"))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if more.count():
            more.first.click()
        elif lists.count() < tags:
            lists.last.scroll_into_view_if_needed()
            page.mouse.wheel(0, 2000)
            page.wait_for_timeout(50)
        else:
            return
    raise AssertionError(f"ReDoc rendered {lists.count()} of {tags} tags in {timeout}s")


@pytest.fixture(scope="module")
def operations(spec) -> set[tuple[str, str]]:
    """(METHOD, path) of every operation in the served OpenAPI document."""
    found = {(method, path) for method, path, _tags in _tagged(spec)}
    assert len(found) > 50, "the document lost its operations"
    return found


def test_swagger_ui_renders_every_operation_offline(live_server, browse, operations):
    page = browse(live_server.url)
    page.goto("/api/docs")
    page.page.wait_for_selector(".opblock", timeout=15_000)

    rendered = page.page.eval_on_selector_all(
        ".opblock",
        """blocks => blocks.map(block => [
            block.querySelector('.opblock-summary-method').textContent.trim(),
            block.querySelector('.opblock-summary-path').dataset.path,
        ])""",
    )
    assert {tuple(item) for item in rendered} == operations
    assert len(rendered) == len(operations)
    text = page.page.inner_text("#swagger-ui")
    assert "JobHub API" in text
    assert "Log in: opens a session and returns an access and a refresh token." in text
    page.screenshot("swagger-ui")
    page.assert_clean()


def test_redoc_renders_every_operation_offline(live_server, browse, spec, operations):
    page = browse(live_server.url)
    page.goto("/api/redoc")
    page.page.wait_for_selector("a[href*='/paths/']", timeout=15_000)
    _render_every_tag(page.page, tags=len({t for _, _, tags in _tagged(spec) for t in tags}))

    rendered = page.page.eval_on_selector_all(
        "[data-testid='items-navigation-list'] a[href*='/paths/']",
        """links => links.map(link => [
            link.querySelector('[data-component-name="Tag/Tag"]').textContent.trim(),
            link.querySelector('[data-component-name="Tag/Tag"] + span').textContent.trim(),
        ])""",
    )
    assert {(method.upper(), path) for method, path in rendered} == operations
    menu = page.page.eval_on_selector_all(
        "[data-testid='menu-item-label']", "items => items.map(item => item.textContent.trim())"
    )
    assert {tag["name"] for tag in spec["tags"]} <= set(menu)
    page.screenshot("redoc")

    page.page.click("a[href$='/paths/~1api~1v1~1auth~1login/post']")
    summary = "Log in: opens a session and returns an access and a refresh token."
    page.page.get_by_text(summary).first.wait_for()
    assert "password" in page.page.inner_text("body")
    page.screenshot("redoc-login")
    page.assert_clean(known_refusals=REDOC_KNOWN_REFUSALS)
