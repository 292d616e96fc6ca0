"""Which Origin may open a socket.io connection: engine.io's handshake through the app's
whole WSGI stack (ProxyFix, socket.io, Flask), in process, on both backends.

The same rule against gunicorn in production mode: test_live_server.py.
"""

from __future__ import annotations

import pytest

from jobhub import create_app
from jobhub.config import TestingConfig
from jobhub.extensions import SocketOrigins, web_origin

HANDSHAKE = "/socket.io/?EIO=4&transport=polling"
FRONTEND = "https://app.jobhub.test"
PUBLIC = "https://jobs.jobhub.test"


def _handshake(app, origin: str | None, **headers: str):
    """engine.io's opening request, to the server at http://localhost (its own origin)."""
    if origin is not None:
        headers["Origin"] = origin
    return app.test_client().get(HANDSHAKE, base_url="http://localhost", headers=headers)


def _accepted(response) -> bool:
    if response.status_code == 200:
        assert response.get_data(as_text=True).startswith('0{"sid":')
        return True
    assert response.status_code == 400
    assert "Not an accepted origin" in response.get_data(as_text=True)
    return False


@pytest.fixture
def production_like(app_environ):
    """CORS_ORIGINS and PUBLIC_BASE_URL set, as in every production deployment."""
    env = {**app_environ, "CORS_ORIGINS": FRONTEND, "PUBLIC_BASE_URL": PUBLIC + "/"}
    return create_app(TestingConfig(env))


@pytest.mark.parametrize(
    ("origin", "accepted"),
    [
        (None, True),  # scripts and apps send none; their token decides
        ("http://localhost", True),  # the server's own: scheme and Host of the request
        (FRONTEND, True),  # CORS_ORIGINS
        (PUBLIC, True),  # PUBLIC_BASE_URL (its path and trailing slash do not matter)
        ("HTTPS://JOBS.jobhub.test:443", True),  # the same origin, written otherwise
        ("https://evil.example", False),
        ("http://jobs.jobhub.test", False),  # another scheme is another origin
        ("https://jobs.jobhub.test:8443", False),  # and so is another port
        ("https://app.jobhub.test.evil.example", False),
        ("http://localhost:8080", False),
        ("null", False),  # sandboxed frames and file:// pages
        ("", True),  # an empty header is no Origin at all
    ],
)
def test_origins_with_cors_origins_set(production_like, origin, accepted):
    assert _accepted(_handshake(production_like, origin)) is accepted


def test_an_accepted_cross_origin_gets_cors_headers(production_like):
    response = _handshake(production_like, FRONTEND)
    assert response.headers["Access-Control-Allow-Origin"] == FRONTEND
    assert "Access-Control-Allow-Origin" not in _handshake(production_like, None).headers


def test_without_cors_origins_only_own_and_public_origins(app):
    assert _accepted(_handshake(app, "http://localhost"))
    assert _accepted(_handshake(app, app.config["PUBLIC_BASE_URL"]))
    assert not _accepted(_handshake(app, "https://evil.example"))


def test_a_star_in_cors_origins_accepts_any_origin(app_environ):
    app = create_app(TestingConfig({**app_environ, "CORS_ORIGINS": "*"}))
    assert _accepted(_handshake(app, "https://anyone.example"))


def test_forwarded_headers_count_only_from_a_trusted_proxy(app_environ):
    proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "proxied.jobhub.test"}
    direct = create_app(TestingConfig({**app_environ, "CORS_ORIGINS": FRONTEND}))
    assert not _accepted(_handshake(direct, "https://proxied.jobhub.test", **proxied))

    behind_proxy = create_app(
        TestingConfig({**app_environ, "CORS_ORIGINS": FRONTEND, "PROXY_FIX_X_FOR": "1"})
    )
    # ProxyFix wraps socket.io too: the origin a browser sends through the proxy is ours.
    assert _accepted(_handshake(behind_proxy, "https://proxied.jobhub.test", **proxied))
    assert not _accepted(_handshake(behind_proxy, "http://proxied.jobhub.test", **proxied))


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://Jobs.Example.com/", "https://jobs.example.com"),
        ("https://jobs.example.com:443/path?q=1", "https://jobs.example.com"),
        ("http://jobs.example.com:80", "http://jobs.example.com"),
        ("http://127.0.0.1:5000", "http://127.0.0.1:5000"),
        ("http://[::1]:5000", "http://[::1]:5000"),
        ("https://jobs.example.com:99999", None),
        ("ftp://jobs.example.com", None),
        ("jobs.example.com", None),
        ("null", None),
        ("", None),
    ],
)
def test_web_origin_is_written_as_browsers_write_it(url, origin):
    assert web_origin(url) == origin


def test_the_own_origin_needs_a_host():
    origins = SocketOrigins([], public_base_url=None)
    assert not origins("http://localhost", {"wsgi.url_scheme": "http"})
    assert origins("http://localhost", {"wsgi.url_scheme": "http", "HTTP_HOST": "localhost"})
    assert not origins("http://localhost", None)
