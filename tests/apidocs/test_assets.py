"""The docs pages and the admin sign-in reference only the app's own files, under a CSP
that allows nothing but 'self'; the vendored Swagger UI and ReDoc are the pinned ones."""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import jobhub.apidocs
from tests.factories import DEFAULT_PASSWORD

ASSETS = Path(jobhub.apidocs.__file__).parent / "static"
PAGES = ["/api/docs", "/api/redoc", "/admin/login"]


class _Links(HTMLParser):
    """Every URL a page makes the browser fetch or follow (src, href, module imports)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value or "" for name, value in attrs if name in {"src", "href", "action"}]


def _urls(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.urls


def _directives(csp: str) -> dict[str, list[str]]:
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in csp.split(";")) if part
    }


@pytest.mark.parametrize("path", PAGES)
def test_pages_load_only_their_own_files(client, path):
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "text/html"
    urls = _urls(response.get_data(as_text=True))
    assert urls, "the page references no file at all"
    for url in urls:  # a path on this host, or the empty favicon that stops /favicon.ico
        assert (url.startswith("/") and not url.startswith("//")) or url == "data:,", url
    for url in (u for u in urls if u.startswith("/api/docs/assets/")):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("path", PAGES)
def test_html_csp_allows_only_self(client, path):
    response = client.get(path)
    directives = _directives(response.headers["Content-Security-Policy"])
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    for name, sources in directives.items():
        for source in sources:
            assert source in {"'self'", "'none'", "data:"} or source.startswith("'nonce-"), (
                name,
                source,
            )
    html = response.get_data(as_text=True)
    nonces = {s for d in directives.values() for s in d if s.startswith("'nonce-")}
    for nonce in nonces:  # a nonce is only sent with the page that uses it
        assert nonce.removeprefix("'nonce-").removesuffix("'") in html


def test_each_response_gets_its_own_nonce(client):
    first, second = (client.get("/api/redoc").headers["Content-Security-Policy"] for _ in "ab")
    nonce = re.compile(r"'nonce-([^']+)'")
    assert nonce.search(first) and nonce.search(first).group(1) != nonce.search(second).group(1)


def test_swagger_ui_runs_no_inline_script(client):
    html = client.get("/api/docs").get_data(as_text=True)
    assert "'nonce-" not in client.get("/api/docs").headers["Content-Security-Policy"]
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert 'data-spec-url="/api/openapi.json"' in html


def test_redoc_sends_no_telemetry(client):
    assert 'disable-telemetry="true"' in client.get("/api/redoc").get_data(as_text=True)


def test_the_admin_panel_runs_only_its_own_scripts(client, make_user):
    make_user(role="admin", email="boss@example.com")
    form = client.get("/admin/login").get_data(as_text=True)
    field = re.search(r'<input[^>]*name="csrf_token"[^>]*>', form).group(0)
    csrf = re.search(r'value="([^"]+)"', field).group(1)
    client.post(
        "/admin/login",
        data={"email": "boss@example.com", "password": DEFAULT_PASSWORD, "csrf_token": csrf},
    )
    panel = client.get("/admin/")
    assert panel.status_code == 200
    directives = _directives(panel.headers["Content-Security-Policy"])
    assert directives["default-src"] == ["'self'"] and "'unsafe-inline'" not in str(directives)
    html = panel.get_data(as_text=True)
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts
    for tag in scripts:  # a served file, or an inline script carrying the CSP's nonce
        nonce = re.search(r'nonce="([^"]+)"', tag)
        assert re.search(r'src="/(?!/)', tag) or (
            nonce and f"'nonce-{nonce.group(1)}'" in directives["script-src"]
        ), tag
    assert all(url.startswith("/") and not url.startswith("//") for url in _urls(html))


def test_vendored_files_are_the_pinned_ones():
    manifest = (ASSETS / "VENDORED").read_text().splitlines()
    assert manifest[0].startswith("swagger-ui-dist 5.35.0") and "redoc 3.0.1" in manifest[0]
    listed = {}
    for line in manifest[1:]:
        digest, name = line.split()
        listed[name] = digest
    assert {"swagger-ui/LICENSE", "redoc/LICENSE", "redoc/redoc.standalone.js"} <= set(listed)
    for name, digest in listed.items():
        assert hashlib.sha256((ASSETS / name).read_bytes()).hexdigest() == digest, name


def test_docs_assets_are_not_rate_limited(app_environ):
    from jobhub import create_app
    from jobhub.config import TestingConfig

    app = create_app(TestingConfig({**app_environ, "RATELIMIT_DEFAULT": "2 per minute"}))
    client = app.test_client()
    statuses = {client.get("/api/docs/assets/swagger-init.js").status_code for _ in range(5)}
    assert statuses == {200}
    assert {client.get("/api/v1/jobs").status_code for _ in range(3)} >= {429}
