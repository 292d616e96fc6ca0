"""Host headers, Retry-After and 401 wording (issue 11).

Absolute redirects and links come from trusted configuration only (PUBLIC_BASE_URL and
TRUSTED_HOSTS), never from a client's Host or X-Forwarded-Host; Retry-After is sent
with 429 and 503 only; a 401 says what went wrong in our words, not PyJWT's.
"""

from __future__ import annotations

import jwt
import pytest

from jobhub.security import INVALID_AUTH_MESSAGE, MISSING_AUTH_MESSAGE
from tests.core.test_errors import assert_envelope
from tests.support.api import fresh_ip

PUBLIC = "https://jobs.jobhub.test"


@pytest.fixture
def app_environ(app_environ):
    """Behind one proxy, with the public address configured (as production runs)."""
    return {
        **app_environ,
        "PUBLIC_BASE_URL": PUBLIC,
        "TRUSTED_HOSTS": "jobs.jobhub.test",
        "PROXY_FIX_X_FOR": "1",
    }


@pytest.mark.parametrize(
    "headers",
    [
        {"Host": "evil.example"},
        {"X-Forwarded-Host": "evil.example"},
        {"Host": "jobs.jobhub.test", "X-Forwarded-Host": "evil.example"},
    ],
)
def test_an_untrusted_host_is_400_and_never_a_redirect_there(client, headers):
    response = client.get("/admin", headers=headers)
    assert_envelope(response, 400, "bad_request")
    assert "Location" not in response.headers


def test_a_trusted_host_is_answered(client):
    response = client.get("/admin", headers={"Host": "jobs.jobhub.test"})
    assert response.status_code == 308
    assert response.headers["Location"].split("/")[2] == "jobs.jobhub.test"
    assert client.get("/health", headers={"Host": "127.0.0.1:5000"}).status_code == 200


def test_mailed_links_use_public_base_url_whatever_the_host(client, candidate, mailbox):
    response = client.post(
        "/api/v1/auth/password/forgot",
        json={"email": candidate.email},
        headers={"Host": "localhost"},
        environ_base=fresh_ip(),
    )
    assert response.status_code == 202
    mail = mailbox.last(candidate.email, "password_reset")
    assert f"{PUBLIC}/" in mail.text
    assert "localhost" not in mail.text


def test_retry_after_only_on_429(api, candidate, client):
    response = api.get(candidate, "/jobs")
    assert response.status_code == 200
    assert "Retry-After" not in response.headers
    ip = fresh_ip()
    body = {"email": candidate.email, "password": "wrong-password-0000"}
    statuses = []
    for _ in range(8):
        response = client.post("/api/v1/auth/login", json=body, environ_base=ip)
        statuses.append(response.status_code)
        if response.status_code != 429:
            assert "Retry-After" not in response.headers, response.status_code
    assert statuses[-1] == 429, statuses
    assert int(response.headers["Retry-After"]) > 0


@pytest.mark.parametrize(
    ("authorization", "message"),
    [
        (None, MISSING_AUTH_MESSAGE),
        ("Basic dXNlcjpwYXNz", MISSING_AUTH_MESSAGE),
        ("Bearer not-a-token", INVALID_AUTH_MESSAGE),
        ("Bearer a.b.c", INVALID_AUTH_MESSAGE),
        ("Bearer " + jwt.encode({"sub": "1"}, "another-key-0123456789abcdef0123"), None),
    ],
)
def test_401_messages_are_ours(client, authorization, message):
    headers = {"Authorization": authorization} if authorization else {}
    body = assert_envelope(client.get("/api/v1/auth/me", headers=headers), 401, "unauthorized")
    if message:
        assert body["message"] == message
    for pyjwt_words in ("segments", "Signature", "codec", "Invalid header", "Bad Authorization"):
        assert pyjwt_words not in body["message"]


def test_the_https_redirect_never_names_an_untrusted_host(app_environ):
    from jobhub import create_app
    from jobhub.config import TestingConfig

    client = create_app(TestingConfig({**app_environ, "FORCE_HTTPS": "true"})).test_client()
    response = client.get("/api/v1/jobs", headers={"Host": "evil.example"})
    assert_envelope(response, 400, "bad_request")
    response = client.get("/api/v1/jobs", headers={"Host": "jobs.jobhub.test"})
    assert response.status_code == 308
    assert response.headers["Location"] == "https://jobs.jobhub.test/api/v1/jobs"
