"""POST /auth/token-exchange and /auth/identities, against a real identity provider stand-in:
a local RSA (and P-256) key pair and a JWKS + discovery HTTP server in a thread."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from prometheus_client import REGISTRY
from sqlalchemy import select

from jobhub.audit.models import AuditEntry
from jobhub.auth.identity.models import ExternalIdentity
from jobhub.db import db
from jobhub.users.models import User
from tests.factories import DEFAULT_PASSWORD
from tests.support.api import API, bearer, fresh_ip

URL = f"{API}/auth/token-exchange"
GRANT = "urn:ietf:params:oauth:grant-type:token-exchange"
ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token"
AUDIENCE = "jobhub-web"
DROP = object()  # a claim left out of the token


class Clock:
    """The JWKS cache's clock (``OIDC_CLOCK``), moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def _jwk(public_key, kid: str) -> dict:
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        data = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(public_key))
    else:
        data = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(public_key))
    return {**data, "kid": kid, "use": "sig"}


class Provider:
    """An OIDC provider: discovery at /.well-known/openid-configuration, keys at /jwks."""

    def __init__(self) -> None:
        self.keys: dict[str, object] = {}  # kid -> private key
        self.published: list[str] = []  # the kids the JWKS lists
        self.cache_control = ""
        self.hits: Counter[str] = Counter()
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                provider.hits[self.path] += 1
                if self.path == "/.well-known/openid-configuration":
                    body = {"issuer": provider.issuer, "jwks_uri": f"{provider.issuer}/jwks"}
                elif self.path == "/jwks":
                    body = {
                        "keys": [
                            _jwk(provider.keys[kid].public_key(), kid) for kid in provider.published
                        ]
                    }
                else:
                    self.send_error(404)
                    return
                payload = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                if provider.cache_control:
                    self.send_header("Cache-Control", provider.cache_control)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def add_key(self, kid: str, key=None, *, publish: bool = True):
        self.keys[kid] = key or rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if publish:
            self.published.append(kid)
        return self.keys[kid]

    def token(self, kid: str = "k1", *, alg: str = "RS256", **claims) -> str:
        now = int(time.time())
        payload = {
            "iss": self.issuer,
            "aud": AUDIENCE,
            "sub": "idp-user-1",
            "email": "alice@example.com",
            "email_verified": True,
            "name": "Alice Moreau",
            "iat": now,
            "exp": now + 300,
            **claims,
        }
        payload = {name: value for name, value in payload.items() if value is not DROP}
        return jwt.encode(payload, self.keys[kid], algorithm=alg, headers={"kid": kid})


@pytest.fixture(scope="module")
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def idp(rsa_key) -> Iterator[Provider]:
    provider = Provider()
    provider.add_key("k1", rsa_key)
    provider.thread.start()
    yield provider
    provider.server.shutdown()
    provider.server.server_close()


@pytest.fixture
def app_environ(app_environ, idp):
    """Provider ``oidc`` by discovery; ``strict`` by JWKS URL with two audiences and an
    authorized party; ``down`` at an address where nothing answers; ``mismatch`` whose
    discovery document names another issuer (a trailing slash)."""
    return {
        **app_environ,
        "OIDC_PROVIDERS": "oidc,strict,down,mismatch",
        "OIDC_MISMATCH_ISSUER": f"{idp.issuer}/",
        "OIDC_MISMATCH_AUDIENCE": AUDIENCE,
        "OIDC_OIDC_ISSUER": idp.issuer,
        "OIDC_OIDC_AUDIENCE": AUDIENCE,
        "OIDC_STRICT_ISSUER": idp.issuer,
        "OIDC_STRICT_AUDIENCE": f"{AUDIENCE},jobhub-mobile",
        "OIDC_STRICT_JWKS_URL": f"{idp.issuer}/jwks",
        "OIDC_STRICT_AUTHORIZED_PARTIES": "jobhub-mobile",
        "OIDC_DOWN_ISSUER": "http://127.0.0.1:9",
        "OIDC_DOWN_AUDIENCE": AUDIENCE,
    }


@pytest.fixture
def clock(app) -> Clock:
    app.config["OIDC_CLOCK"] = clock = Clock()
    return clock


def exchange(client, token: str, provider: str = "oidc", **fields):
    body = {
        "grant_type": GRANT,
        "subject_token": token,
        "subject_token_type": ID_TOKEN,
        "provider": provider,
        **fields,
    }
    return client.post(URL, json=body, environ_base=fresh_ip())


def refused(response, words: str) -> None:
    body = response.get_json()
    assert response.status_code == 401, body
    assert body["error"] == "unauthorized"
    assert words in body["message"], body["message"]


def exchanges(provider: str, outcome: str) -> float:
    labels = {"provider": provider, "outcome": outcome}
    return REGISTRY.get_sample_value("jobhub_token_exchanges_total", labels) or 0.0


def audit_rows(app) -> list[AuditEntry]:
    with app.app_context():
        query = select(AuditEntry).where(AuditEntry.action == "auth.token_exchange")
        return list(db.session.scalars(query.order_by(AuditEntry.id)))


def identities(app) -> list[ExternalIdentity]:
    with app.app_context():
        return list(db.session.scalars(select(ExternalIdentity).order_by(ExternalIdentity.id)))


# -- the happy paths -----------------------------------------------------------------


def test_a_valid_token_of_a_new_email_creates_a_candidate_and_signs_in(app, client, idp, clock):
    before = exchanges("oidc", "ok")
    response = exchange(client, idp.token())
    body = response.get_json()
    assert response.status_code == 200, body
    assert body["issued_token_type"] == "urn:ietf:params:oauth:token-type:access_token"
    assert body["token_type"] == "Bearer" and body["refresh_token"]
    assert body["user"]["email"] == "alice@example.com"
    assert body["user"]["role"] == "candidate" and body["user"]["full_name"] == "Alice Moreau"
    me = client.get(f"{API}/auth/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200 and me.get_json()["email_verified"] is True
    [identity] = identities(app)
    assert (identity.provider, identity.subject) == ("oidc", "idp-user-1")
    [entry] = audit_rows(app)
    assert entry.changes["outcome"] == "signed_up" and entry.actor_id == body["user"]["id"]
    assert exchanges("oidc", "ok") == before + 1
    # Discovery once, keys once: both cached.
    assert idp.hits == {"/.well-known/openid-configuration": 1, "/jwks": 1}


def test_a_new_account_has_no_password(app, client, idp, clock):
    assert exchange(client, idp.token()).status_code == 200
    login = client.post(
        f"{API}/auth/login",
        json={"email": "alice@example.com", "password": "!no-password"},
        environ_base=fresh_ip(),
    )
    assert login.status_code == 401


def test_role_employer_creates_an_employer_and_admin_is_refused(client, idp, clock):
    assert exchange(client, idp.token(), role="admin").status_code == 422
    response = exchange(client, idp.token(), role="employer")
    assert response.status_code == 200 and response.get_json()["user"]["role"] == "employer"


def test_a_verified_email_of_an_existing_account_links_to_it(app, client, idp, clock, make_user):
    user = make_user(email="alice@example.com", email_verified=True)
    first = exchange(client, idp.token(email="Alice@Example.com"))
    assert first.status_code == 200 and first.get_json()["user"]["id"] == user.id
    again = exchange(client, idp.token())
    assert again.status_code == 200 and again.get_json()["user"]["id"] == user.id
    assert len(identities(app)) == 1
    assert [row.changes["outcome"] for row in audit_rows(app)] == ["linked", "signed_in"]
    # The password still works: a verified account keeps it.
    login = client.post(
        f"{API}/auth/login",
        json={"email": "alice@example.com", "password": DEFAULT_PASSWORD},
        environ_base=fresh_ip(),
    )
    assert login.status_code == 200


def test_linking_an_unverified_account_removes_its_password(app, client, idp, clock, make_user):
    """Whoever registered the address with a password never proved it: that password goes."""
    user = make_user(email="alice@example.com", email_verified=False)
    response = exchange(client, idp.token())
    assert response.status_code == 200 and response.get_json()["user"]["id"] == user.id
    login = client.post(
        f"{API}/auth/login",
        json={"email": "alice@example.com", "password": DEFAULT_PASSWORD},
        environ_base=fresh_ip(),
    )
    assert login.status_code == 401
    with app.app_context():
        assert db.session.get(User, user.id).email_verified is True


def test_a_linked_identity_signs_in_even_after_an_email_change_at_the_provider(
    app, client, idp, clock
):
    first = exchange(client, idp.token()).get_json()
    second = exchange(client, idp.token(email="alice@new.example"))
    assert second.status_code == 200 and second.get_json()["user"]["id"] == first["user"]["id"]
    [identity] = identities(app)
    assert identity.email == "alice@new.example"


def test_sign_up_off_refuses_a_new_email_with_403(app, client, idp, clock, make_user):
    app.config["OIDC_SIGNUP"] = False
    response = exchange(client, idp.token())
    assert response.status_code == 403, response.get_json()
    assert "sign-up" in response.get_json()["message"]
    with app.app_context():
        assert db.session.scalar(select(User)) is None
    make_user(email="alice@example.com", email_verified=True)
    assert exchange(client, idp.token()).status_code == 200


def test_a_disabled_account_is_403(client, idp, clock, make_user):
    make_user(email="alice@example.com", email_verified=True, is_active=False)
    response = exchange(client, idp.token())
    assert response.status_code == 403 and response.get_json()["error"] == "account_disabled"


# -- refusals: every one is 401 with its reason, audited, nothing written -------------


def test_wrong_issuer(app, client, idp, clock):
    before = exchanges("oidc", "refused")
    refused(exchange(client, idp.token(iss="https://evil.example")), "issuer")
    assert identities(app) == []
    [entry] = audit_rows(app)
    assert entry.changes["outcome"] == "refused" and "issuer" in entry.changes["reason"]
    assert exchanges("oidc", "refused") == before + 1


def test_wrong_audience(client, idp, clock):
    refused(exchange(client, idp.token(aud="someone-else")), "audience")


def test_several_audiences_need_an_authorized_party(client, idp, clock):
    both = [AUDIENCE, "jobhub-mobile"]
    refused(exchange(client, idp.token(aud=both)), "azp")
    refused(exchange(client, idp.token(aud=both, azp="evil-client")), "azp")
    assert exchange(client, idp.token(aud=both, azp=AUDIENCE)).status_code == 200


def test_configured_authorized_parties_are_required(client, idp, clock):
    refused(exchange(client, idp.token(), provider="strict"), "azp")
    refused(exchange(client, idp.token(azp=AUDIENCE), provider="strict"), "azp")
    ok = exchange(client, idp.token(azp="jobhub-mobile"), provider="strict")
    assert ok.status_code == 200, ok.get_json()


def test_expired_and_the_leeway(client, idp, clock):
    now = int(time.time())
    refused(exchange(client, idp.token(iat=now - 900, exp=now - 120)), "expired")
    assert exchange(client, idp.token(iat=now - 900, exp=now - 30)).status_code == 200


def test_not_yet_valid(client, idp, clock):
    now = int(time.time())
    refused(exchange(client, idp.token(nbf=now + 300)), "not valid yet")
    refused(exchange(client, idp.token(iat=now + 300, exp=now + 900)), "not valid yet")
    assert exchange(client, idp.token(nbf=now + 30)).status_code == 200


def test_required_claims(client, idp, clock):
    refused(exchange(client, idp.token(exp=DROP)), "exp")
    refused(exchange(client, idp.token(sub=DROP)), "sub")


def test_unverified_or_missing_email(client, idp, clock):
    refused(exchange(client, idp.token(email_verified=False)), "not verified")
    refused(exchange(client, idp.token(email_verified=DROP)), "not verified")
    refused(exchange(client, idp.token(email=DROP)), "no email")


def test_a_forged_signature(client, idp, clock):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(
        jwt.decode(idp.token(), options={"verify_signature": False}),
        other,
        algorithm="RS256",
        headers={"kid": "k1"},
    )
    refused(exchange(client, forged), "signature")
    refused(exchange(client, "not-a-jwt"), "not a signed JWT")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _handmade(header: dict, payload: dict, sign) -> str:
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
    return f"{signing_input}.{_b64(sign(signing_input.encode()))}"


def test_alg_confusion_hs256_with_the_public_key_and_alg_none(client, idp, clock, rsa_key):
    claims = jwt.decode(idp.token(), options={"verify_signature": False})
    pem = rsa_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    hs256 = _handmade(
        {"alg": "HS256", "typ": "JWT", "kid": "k1"},
        claims,
        lambda data: hmac.new(pem, data, hashlib.sha256).digest(),
    )
    refused(exchange(client, hs256), "algorithm")
    none = _handmade({"alg": "none", "typ": "JWT", "kid": "k1"}, claims, lambda data: b"")
    refused(exchange(client, none), "algorithm")
    # RS256 is the only algorithm of an RSA key: an ES256 header on it is refused too.
    es_header = _handmade({"alg": "ES256", "kid": "k1"}, claims, lambda data: b"x" * 64)
    refused(exchange(client, es_header), "does not match")


def test_an_es256_key_verifies_es256_tokens(client, idp, clock):
    idp.add_key("ec1", ec.generate_private_key(ec.SECP256R1()))
    assert exchange(client, idp.token("ec1", alg="ES256")).status_code == 200


# -- keys: cached, refetched for an unknown kid at most once a minute -----------------


def test_an_unknown_kid_refetches_the_keys_rate_limited(app, client, idp, clock):
    app.config["RATELIMIT_LOGIN"] = "100 per minute"  # many exchanges of one email
    assert exchange(client, idp.token()).status_code == 200
    idp.add_key("k2")  # the provider rotates: the cached set does not have k2
    # The set was fetched just now: no refetch yet, so k2 is unknown.
    refused(exchange(client, idp.token("k2", sub="s2")), "signing key")
    assert idp.hits["/jwks"] == 1
    clock.advance(61)
    assert exchange(client, idp.token("k2", sub="s2")).status_code == 200
    assert idp.hits["/jwks"] == 2
    # A kid the provider never had: one refetch per minute at most, then still 401.
    idp.add_key("k3", publish=False)
    refused(exchange(client, idp.token("k3")), "signing key")
    assert idp.hits["/jwks"] == 2
    clock.advance(61)
    refused(exchange(client, idp.token("k3")), "signing key")
    refused(exchange(client, idp.token("k3")), "signing key")
    assert idp.hits["/jwks"] == 3


def test_the_keys_are_kept_for_their_max_age(client, idp, clock):
    idp.cache_control = "public, max-age=600"
    assert exchange(client, idp.token()).status_code == 200
    clock.advance(599)
    assert exchange(client, idp.token()).status_code == 200
    assert idp.hits["/jwks"] == 1
    clock.advance(2)
    assert exchange(client, idp.token()).status_code == 200
    assert idp.hits["/jwks"] == 2


def test_an_unreachable_provider_is_503_and_an_unknown_one_401(app, client, idp, clock):
    before = exchanges("other", "error")
    response = exchange(client, idp.token(), provider="down")
    assert response.status_code == 503, response.get_json()
    assert response.get_json()["error"] == "service_unavailable"
    assert exchanges("other", "error") == before + 1
    refused(exchange(client, idp.token(), provider="nobody"), "not a configured")


def test_a_discovery_document_of_another_issuer_is_not_used(client, idp, clock):
    response = exchange(client, idp.token(iss=f"{idp.issuer}/"), provider="mismatch")
    assert response.status_code == 503, response.get_json()
    assert idp.hits["/jwks"] == 0


def test_no_store_keys_are_fetched_each_time(client, idp, clock):
    idp.cache_control = "no-store"
    for _ in range(2):
        assert exchange(client, idp.token()).status_code == 200
    assert idp.hits["/jwks"] == 2


def test_the_exchange_is_rate_limited_like_login(client, idp, clock):
    token = idp.token()
    env = {"REMOTE_ADDR": "10.200.0.1"}
    body = {"grant_type": GRANT, "subject_token": token, "subject_token_type": ID_TOKEN}
    statuses = [
        client.post(URL, json={**body, "provider": "oidc"}, environ_base=env).status_code
        for _ in range(6)
    ]
    assert statuses == [200] * 5 + [429]


def test_the_exchange_is_rate_limited_per_email_across_ips(client, idp, clock):
    """As login's per-email limit: the token's (unverified) email claim picks the bucket."""
    statuses = [exchange(client, idp.token()).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    assert exchange(client, idp.token(email="bob@example.com")).status_code == 200


# -- two-factor sign-in --------------------------------------------------------------


def test_an_account_with_2fa_gets_the_login_challenge(app, api, client, idp, clock, make_user):
    import pyotp

    user = make_user(email="alice@example.com", email_verified=True)
    setup = api("POST", user, "/auth/2fa/setup")
    totp = app.config["TOTP_CLOCK"]()
    api("POST", user, "/auth/2fa/enable", json={"code": pyotp.TOTP(setup["secret"]).at(totp)})
    response = exchange(client, idp.token())
    body = response.get_json()
    assert response.status_code == 200, body
    assert body["mfa_required"] is True and body["mfa_token"]
    assert "access_token" not in body and "issued_token_type" not in body


# -- linked identities ---------------------------------------------------------------


def test_identities_are_listed_and_unlinked(app, api, client, idp, clock, make_user):
    user = make_user(email="alice@example.com", email_verified=True)
    assert exchange(client, idp.token()).status_code == 200
    listed = api.get(user, "/auth/identities")
    assert listed.status_code == 200
    [row] = listed.get_json()
    assert row["provider"] == "oidc" and row["subject"] == "idp-user-1"
    assert row["email"] == "alice@example.com" and row["linked_at"].endswith("Z")
    other = make_user(email="bob@example.com")
    assert api.get(other, "/auth/identities").get_json() == []
    assert api.delete(other, f"/auth/identities/{row['id']}").status_code == 404
    assert api.delete(user, f"/auth/identities/{row['id']}").status_code == 204
    assert identities(app) == []


def test_the_only_way_to_sign_in_cannot_be_unlinked(app, api, client, idp, clock):
    body = exchange(client, idp.token()).get_json()
    with app.app_context():
        user = db.session.get(User, body["user"]["id"])
        db.session.expunge(user)
    [row] = api("GET", user, "/auth/identities")
    response = api.delete(user, f"/auth/identities/{row['id']}")
    assert response.status_code == 409, response.get_json()
    assert len(identities(app)) == 1


def test_deleting_the_account_removes_its_identities(app, api, client, idp, clock, make_user):
    user = make_user(email="alice@example.com", email_verified=True)
    assert exchange(client, idp.token()).status_code == 200
    deleted = api.delete(user, "/users/me", json={"password": DEFAULT_PASSWORD})
    assert deleted.status_code == 200, deleted.get_json()
    assert identities(app) == []
    response = exchange(client, idp.token())
    # The address is free again: the same person may sign up afresh.
    assert response.status_code == 200 and response.get_json()["user"]["id"] != user.id


# -- configuration -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"OIDC_PROVIDERS": "acme", "OIDC_ACME_AUDIENCE": "x"}, "OIDC_ACME_ISSUER"),
        ({"OIDC_PROVIDERS": "acme", "OIDC_ACME_ISSUER": "https://idp.test"}, "OIDC_ACME_AUDIENCE"),
        (
            {
                "OIDC_PROVIDERS": "acme",
                "OIDC_ACME_ISSUER": "file:///etc",
                "OIDC_ACME_AUDIENCE": "x",
            },
            "OIDC_ACME_ISSUER",
        ),
        ({"OIDC_PROVIDERS": "Bad-Name"}, "OIDC_PROVIDERS"),
    ],
)
def test_a_provider_without_its_settings_stops_the_app(environ, named):
    from jobhub.config import ConfigError, TestingConfig

    with pytest.raises(ConfigError, match=named):
        TestingConfig(environ)


def test_provider_settings_are_read_per_provider():
    from jobhub.config import TestingConfig

    config = TestingConfig(
        {
            "OIDC_PROVIDERS": "google, clerk",
            "OIDC_GOOGLE_ISSUER": "https://accounts.google.com",
            "OIDC_GOOGLE_AUDIENCE": "web-client, ios-client",
            "OIDC_GOOGLE_AUTHORIZED_PARTIES": "web-client",
            "OIDC_CLERK_ISSUER": "https://clerk.example.test",
            "OIDC_CLERK_AUDIENCE": "jobhub",
            "OIDC_CLERK_JWKS_URL": "https://clerk.example.test/.well-known/jwks.json",
            "OIDC_SIGNUP": "false",
        }
    )
    google, clerk = config.OIDC_PROVIDERS["google"], config.OIDC_PROVIDERS["clerk"]
    assert google["audiences"] == ("web-client", "ios-client") and google["jwks_url"] is None
    assert google["authorized_parties"] == ("web-client",)
    assert clerk["jwks_url"] == "https://clerk.example.test/.well-known/jwks.json"
    assert config.OIDC_SIGNUP is False
