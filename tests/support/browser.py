"""A real browser for page tests: Debian's chromium driven by Playwright, offline.

``make browser`` (part of ``make test``) installs ``/usr/bin/chromium``; Playwright comes
from requirements-dev.txt and never downloads a browser of its own. A test gets:

- ``live_server``: gunicorn in production mode (one per test module, PostgreSQL +
  Redis run), with ``PUBLIC_BASE_URL`` set to its own address and ``CORS_ORIGINS``
  naming a foreign front end, as a deployment has them;
- ``browse(base_url)``: a :class:`BrowserPage` in a fresh browser context. Every request
  to a host other than loopback (HTTP or WebSocket) is refused and recorded, console
  errors, uncaught page errors and CSP violations are collected, and when the test
  ends a screenshot of the page is written to the test's own ``tmp_path``.

``page.assert_clean()`` then proves the page loaded nothing from outside and reported
no error. Use them in a test marked ``postgres`` (production mode needs Redis)::

    def test_the_panel(live_server, browse, make_user):
        page = browse(live_server.url)
        page.goto("/admin/")
        page.page.fill("input[name=email]", ...)   # page.page is Playwright's Page
        page.screenshot("sign-in")
        page.assert_clean()
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from tests.support.backends import IN_CI
from tests.support.servers import Server, free_port, gunicorn

CHROMIUM = Path(os.environ.get("JOBHUB_TEST_CHROMIUM", "/usr/bin/chromium"))
# As root (no sandbox) and on a closed network: without the background-networking flags
# chromium keeps trying Google's hosts. The resolver rule makes any other host fail fast.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1, EXCLUDE [::1]",
]
# A foreign front end, as production has in CORS_ORIGINS; pages are not served from it.
FRONTEND_ORIGIN = "https://app.jobhub.test"
# Collected from inside the page: what the page's CSP refused (init scripts bypass CSP).
_CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline"} ` +
    `(${event.sourceFile || ""}:${event.lineNumber || 0})`
  );
});
"""


def is_loopback(url: str) -> bool:
    """True for URLs on this machine (127.0.0.0/8, ::1, localhost) and for data:/blob:."""
    parts = urlsplit(url)
    if parts.scheme in {"data", "blob", "about"}:
        return True
    host = (parts.hostname or "").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class BrowserPage:
    """A Playwright page plus what it tried to load and what it complained about.

    ``external_attempts``: every request the page made for another host, whatever
    stopped it; ``external_requests``: those that got past the page's own CSP and were
    stopped only by the test's network block (a page that is not self-contained).
    """

    page: object  # playwright.sync_api.Page
    base_url: str
    output_dir: Path
    external_attempts: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    screenshots: list[Path] = field(default_factory=list)

    def url(self, path: str) -> str:
        return urljoin(self.base_url, path)

    def goto(self, path: str, *, expect_status: int = 200) -> object:
        """Open ``path`` (relative to ``base_url``) and wait until the network is idle."""
        response = self.page.goto(self.url(path), wait_until="networkidle")
        assert response is not None, f"no response for {path}"
        assert response.status == expect_status, (path, response.status)
        return response

    def csp_violations(self) -> list[str]:
        return list(self.page.evaluate("window.__cspViolations || []"))

    def screenshot(self, name: str = "page") -> Path:
        path = self.output_dir / f"{name}.png"
        self.page.screenshot(path=str(path))
        self.screenshots.append(path)
        return path

    def assert_clean(self, *, known_refusals: dict[str, str] | None = None) -> None:
        """Nothing loaded from another host, no console or page error, no CSP refusal.

        ``known_refusals`` maps a substring of an expected CSP refusal to why it is
        harmless (third-party code that tries and falls back); the console error and the
        external attempt that such a refusal causes are expected with it.
        """
        known = tuple(known_refusals or {})
        violations = self.csp_violations()
        expected = [v for v in violations if any(k in v for k in known)]
        # What the CSP refused (a URL, or "eval"/"inline"), and what a known refusal explains.
        refused = {v.split(" refused ", 1)[1].split(" ", 1)[0] for v in violations}
        explained = {v.split(" refused ", 1)[1].split(" ", 1)[0] for v in expected}

        assert self.external_requests == [], f"not stopped by the CSP: {self.external_requests}"
        assert [v for v in violations if v not in expected] == [], violations
        assert [a for a in self.external_attempts if a.split(" ", 1)[1] not in refused] == []
        assert [e for e in self.console_errors if not any(u in e for u in explained)] == [], (
            self.console_errors
        )
        assert self.page_errors == [], self.page_errors


def _record_external(page: BrowserPage) -> Callable:
    def record(request) -> None:
        if not is_loopback(request.url):
            page.external_attempts.append(f"{request.method} {request.url}")

    return record


def _block_external(page: BrowserPage) -> Callable:
    def handle(route) -> None:
        page.external_requests.append(f"{route.request.method} {route.request.url}")
        route.abort("blockedbyclient")

    return handle


def _block_external_socket(page: BrowserPage) -> Callable:
    def handle(socket_route) -> None:
        page.external_attempts.append(f"WEBSOCKET {socket_route.url}")
        page.external_requests.append(f"WEBSOCKET {socket_route.url}")
        socket_route.close()

    return handle


def _console_error(page: BrowserPage) -> Callable:
    def record(message) -> None:
        if message.type == "error":
            where = message.location or {}
            page.console_errors.append(f"{message.text} ({where.get('url', '')})")

    return record


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """Debian's chromium, headless, launched once per test run."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: `make browser` installs Debian's chromium"
        if IN_CI:
            pytest.exit(f"CI=true and {message}", returncode=3)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def browse(chromium, tmp_path: Path) -> Iterator[Callable[[str], BrowserPage]]:
    """``browse(base_url)`` → a :class:`BrowserPage` in its own context, offline."""
    opened: list[tuple[object, BrowserPage]] = []

    def open_page(base_url: str) -> BrowserPage:
        context = chromium.new_context(
            viewport={"width": 1280, "height": 900}, service_workers="block"
        )
        page = BrowserPage(context.new_page(), base_url, tmp_path)
        context.route(lambda url: not is_loopback(url), _block_external(page))
        context.route_web_socket(lambda url: not is_loopback(url), _block_external_socket(page))
        context.add_init_script(_CSP_RECORDER)
        page.page.on("request", _record_external(page))
        page.page.on("console", _console_error(page))
        page.page.on("pageerror", lambda error: page.page_errors.append(str(error)))
        opened.append((context, page))
        return page

    yield open_page
    for context, page in opened:
        try:
            page.screenshot(f"last-{len(page.screenshots)}")
        finally:
            context.close()


@pytest.fixture(scope="module")
def live_server(backend, schema, tmp_path_factory) -> Iterator[Server]:
    """gunicorn (eventlet) in production mode, on PostgreSQL + Redis, for page tests."""
    if backend.redis_url is None:
        pytest.skip("production mode needs Redis: runs in the PostgreSQL + Redis run")
    with production_gunicorn(backend, tmp_path=tmp_path_factory.mktemp("live")) as server:
        yield server


def production_environ(backend, *, port: int, **extra: str) -> dict[str, str]:
    """A production deployment's environment, serving on ``port`` of loopback."""
    environ = backend.environ(
        JOBHUB_CONFIG="production",
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        CORS_ORIGINS=FRONTEND_ORIGIN,
    )
    return {**environ, **extra}


def production_gunicorn(
    backend, *, tmp_path: Path, async_mode: str = "eventlet", **extra: str
) -> AbstractContextManager[Server]:
    """``with production_gunicorn(backend, tmp_path=...) as server``: see ``live_server``."""
    port = free_port()
    environ = production_environ(backend, port=port, **extra)
    return gunicorn(environ, async_mode=async_mode, tmp_path=tmp_path, port=port)
