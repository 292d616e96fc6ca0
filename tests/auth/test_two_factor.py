"""Two-factor sign-in (TOTP): setup, enable, the two-step login, replay, drift, recovery
codes, disable, rate limits and ADMIN_REQUIRE_2FA, through HTTP with a fixed clock."""

from __future__ import annotations

import pyotp
import pytest
from sqlalchemy import func, select

from jobhub.audit.models import AuditEntry
from jobhub.auth.mfa.services import matching_step
from jobhub.auth.models import AuthSession, RecoveryCode, TotpCredential
from jobhub.db import db
from tests.factories import DEFAULT_PASSWORD
from tests.support.api import API, bearer, fresh_ip

T0 = 1_800_000_015.0  # the middle of a 30-second step


class Clock:
    """The TOTP clock the app reads (``TOTP_CLOCK``): seconds since the epoch, moved by hand."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(app) -> Clock:
    app.config["TOTP_CLOCK"] = clock = Clock(T0)
    return clock


def code(secret: str, at: float) -> str:
    return pyotp.TOTP(secret).at(at)


def turn_on(api, user, clock) -> tuple[str, list[str]]:
    """Set up and enable 2FA for ``user``; its secret and recovery codes. The clock then
    stands five minutes later, so that the enabling code's step is well behind."""
    setup = api("POST", user, "/auth/2fa/setup")
    enabled = api("POST", user, "/auth/2fa/enable", json={"code": code(setup["secret"], clock())})
    clock.advance(300)
    return setup["secret"], enabled["recovery_codes"]


def password_step(client, email):
    response = client.post(
        f"{API}/auth/login",
        json={"email": email, "password": DEFAULT_PASSWORD},
        environ_base=fresh_ip(),
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def code_step(client, mfa_token, value):
    return client.post(
        f"{API}/auth/login/2fa",
        json={"mfa_token": mfa_token, "code": value},
        environ_base=fresh_ip(),
    )


def sessions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuthSession))


# -- the code check, on a fixed clock -------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "accepted"),
    [(0, True), (30, True), (-30, True), (60, False), (-60, False), (90, False)],
    ids=["now", "drift+1", "drift-1", "drift+2", "drift-2", "drift+3"],
)
def test_codes_are_accepted_within_one_step_of_drift(offset, accepted):
    secret = pyotp.random_base32()
    step = matching_step(secret, code(secret, T0 + offset), at=T0)
    assert (step is not None) is accepted
    if accepted:
        assert step == int((T0 + offset) // 30)


def test_a_wrong_or_malformed_code_matches_no_step():
    secret = pyotp.random_base32()
    right = code(secret, T0)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for value in (wrong, "", "12345", "1234567", "abcdef", right + "0"):
        assert matching_step(secret, value, at=T0) is None


# -- setup and enable --------------------------------------------------------------------


def test_setup_returns_a_secret_and_an_otpauth_uri_that_enable_confirms(app, api, candidate, clock):
    setup = api("POST", candidate, "/auth/2fa/setup")
    assert setup["otpauth_uri"].startswith("otpauth://totp/JobHub:")
    assert f"secret={setup['secret']}" in setup["otpauth_uri"]
    assert "issuer=JobHub" in setup["otpauth_uri"]
    wrong = api.post(candidate, "/auth/2fa/enable", json={"code": "000000"})
    if code(setup["secret"], clock()) != "000000":
        assert wrong.status_code == 422 and wrong.get_json()["error"] == "validation_error"
    enabled = api("POST", candidate, "/auth/2fa/enable", json={"code": code(setup["secret"], T0)})
    codes = enabled["recovery_codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    with app.app_context():
        credential = db.session.scalar(select(TotpCredential))
        # Stored encrypted: the secret itself is nowhere in the row; the codes only hashed.
        assert setup["secret"] not in credential.secret_encrypted
        stored = {row.code_hash for row in db.session.scalars(select(RecoveryCode))}
        assert len(stored) == 10 and not stored & set(codes)
    # Once on, the secret is never shown again: a new setup is refused.
    again = api.post(candidate, "/auth/2fa/setup")
    assert again.status_code == 409 and again.get_json()["error"] == "conflict"
    assert api.post(candidate, "/auth/2fa/enable", json={"code": "123456"}).status_code == 409


def test_enable_without_setup_is_409(api, candidate, clock):
    response = api.post(candidate, "/auth/2fa/enable", json={"code": "123456"})
    assert response.status_code == 409


# -- the two-step login ------------------------------------------------------------------


def test_login_with_2fa_takes_a_password_then_a_code(app, api, client, candidate, clock):
    secret, _ = turn_on(api, candidate, clock)
    first = password_step(client, candidate.email)
    assert first["mfa_required"] is True and "access_token" not in first
    assert sessions(app) == 0
    # The mfa_token is no access token.
    me = client.get(f"{API}/auth/me", headers=bearer(first["mfa_token"]))
    assert me.status_code == 401
    response = code_step(client, first["mfa_token"], code(secret, clock()))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["token_type"] == "Bearer" and body["user"]["id"] == candidate.id
    assert sessions(app) == 1
    me = client.get(f"{API}/auth/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200 and me.get_json()["id"] == candidate.id
    refreshed = client.post(f"{API}/auth/refresh", headers=bearer(body["refresh_token"]))
    assert refreshed.status_code == 200


def test_a_code_works_once_per_step_and_never_for_an_earlier_step(api, client, candidate, clock):
    secret, _ = turn_on(api, candidate, clock)
    now_code = code(secret, clock())
    assert (
        code_step(client, password_step(client, candidate.email)["mfa_token"], now_code).status_code
        == 200
    )
    replay = code_step(client, password_step(client, candidate.email)["mfa_token"], now_code)
    assert replay.status_code == 401 and replay.get_json()["error"] == "unauthorized"
    # The step before is older than the one just used: refused too, although within drift.
    earlier = code(secret, clock() - 30)
    if earlier != now_code:
        token = password_step(client, candidate.email)["mfa_token"]
        assert code_step(client, token, earlier).status_code == 401
    clock.advance(30)
    token = password_step(client, candidate.email)["mfa_token"]
    assert code_step(client, token, code(secret, clock())).status_code == 200


@pytest.mark.parametrize(
    ("offset", "status"),
    [(-30, 200), (30, 200), (-60, 401), (60, 401)],
    ids=["drift-1", "drift+1", "drift-2", "drift+2"],
)
def test_the_login_accepts_one_step_of_clock_drift(api, client, candidate, clock, offset, status):
    secret, _ = turn_on(api, candidate, clock)
    drifted = code(secret, clock() + offset)
    if status == 401 and drifted in {code(secret, clock() + k) for k in (-30, 0, 30)}:
        pytest.skip("the drifted code happens to equal a valid one")
    token = password_step(client, candidate.email)["mfa_token"]
    assert code_step(client, token, drifted).status_code == status


def test_a_wrong_code_is_401_and_opens_no_session(app, api, client, candidate, clock):
    secret, _ = turn_on(api, candidate, clock)
    right = code(secret, clock())
    wrong = f"{(int(right) + 500_000) % 1_000_000:06d}"
    token = password_step(client, candidate.email)["mfa_token"]
    response = code_step(client, token, wrong)
    assert response.status_code == 401 and response.get_json()["error"] == "unauthorized"
    assert sessions(app) == 0
    # The same mfa_token still completes with the right code, once.
    assert code_step(client, token, right).status_code == 200
    clock.advance(30)
    again = code_step(client, token, code(secret, clock()))
    assert again.status_code == 401


def test_a_forged_or_expired_mfa_token_is_401(app, api, client, candidate, clock):
    secret, _ = turn_on(api, candidate, clock)
    token = password_step(client, candidate.email)["mfa_token"]
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert code_step(client, forged, code(secret, clock())).status_code == 401
    assert code_step(client, "not-a-token", code(secret, clock())).status_code == 401
    app.config["MFA_TOKEN_MINUTES"] = -1
    expired = password_step(client, candidate.email)["mfa_token"]
    assert code_step(client, expired, code(secret, clock())).status_code == 401


def test_recovery_codes_work_once_each(app, api, client, candidate, clock):
    _, codes = turn_on(api, candidate, clock)
    for recovery in codes[:2]:
        token = password_step(client, candidate.email)["mfa_token"]
        # Typed in upper case with spaces: still the same code.
        typed = recovery.upper().replace("-", " ")
        assert code_step(client, token, typed).status_code == 200
        token = password_step(client, candidate.email)["mfa_token"]
        assert code_step(client, token, recovery).status_code == 401
    with app.app_context():
        used = db.session.scalar(
            select(func.count()).select_from(RecoveryCode).where(RecoveryCode.used_at.is_not(None))
        )
    assert used == 2


def test_disable_needs_the_password_and_a_code(api, client, candidate, clock):
    secret, codes = turn_on(api, candidate, clock)
    now_code = code(secret, clock())
    wrong_password = api.post(
        candidate, "/auth/2fa/disable", json={"password": "Not-The-Password-1", "code": now_code}
    )
    assert wrong_password.status_code == 422
    wrong_code = api.post(
        candidate, "/auth/2fa/disable", json={"password": DEFAULT_PASSWORD, "code": "x1"}
    )
    assert wrong_code.status_code == 422
    missing = api.post(candidate, "/auth/2fa/disable", json={"password": DEFAULT_PASSWORD})
    assert missing.status_code == 422
    done = api.post(
        candidate, "/auth/2fa/disable", json={"password": DEFAULT_PASSWORD, "code": codes[0]}
    )
    assert done.status_code == 204
    assert "access_token" in password_step(client, candidate.email)
    off = api.post(candidate, "/auth/2fa/disable", json={"password": DEFAULT_PASSWORD, "code": "1"})
    assert off.status_code == 409


def test_the_code_step_is_rate_limited_per_user_across_ips(api, client, candidate, clock):
    turn_on(api, candidate, clock)
    token = password_step(client, candidate.email)["mfa_token"]
    for _ in range(5):
        assert code_step(client, token, "000001").status_code == 401
    blocked = code_step(client, token, "000001")
    assert blocked.status_code == 429 and blocked.get_json()["error"] == "rate_limited"
    assert int(blocked.headers["Retry-After"]) > 0


def test_the_code_step_is_rate_limited_per_ip(api, client, make_user, clock):
    ip = fresh_ip()
    for n in range(5):
        response = client.post(
            f"{API}/auth/login/2fa",
            json={"mfa_token": f"junk-{n}", "code": "000001"},
            environ_base=ip,
        )
        assert response.status_code == 401
    blocked = client.post(
        f"{API}/auth/login/2fa", json={"mfa_token": "junk", "code": "1"}, environ_base=ip
    )
    assert blocked.status_code == 429


# -- ADMIN_REQUIRE_2FA ---------------------------------------------------------------------


def test_an_admin_without_2fa_gets_only_a_setup_token_when_it_is_required(
    app, api, client, admin, clock
):
    app.config["ADMIN_REQUIRE_2FA"] = True
    first = password_step(client, admin.email)
    assert first["mfa_setup_required"] is True and "access_token" not in first
    assert sessions(app) == 0
    setup_token = bearer(first["setup_token"])
    # Everything but the setup itself (and who am I) is refused.
    for method, path in [("GET", "/users"), ("GET", "/auth/sessions"), ("GET", "/jobs/1")]:
        response = client.open(f"{API}{path}", method=method, headers=setup_token)
        assert response.status_code == 403, (path, response.get_json())
        assert response.get_json()["error"] == "forbidden"
    assert client.get(f"{API}/auth/me", headers=setup_token).status_code == 200
    setup = client.post(f"{API}/auth/2fa/setup", headers=setup_token).get_json()
    enabled = client.post(
        f"{API}/auth/2fa/enable", headers=setup_token, json={"code": code(setup["secret"], T0)}
    )
    assert enabled.status_code == 200 and len(enabled.get_json()["recovery_codes"]) == 10
    clock.advance(60)
    second = password_step(client, admin.email)
    assert second["mfa_required"] is True
    done = code_step(client, second["mfa_token"], code(setup["secret"], clock()))
    assert done.status_code == 200
    users = client.get(f"{API}/users", headers=bearer(done.get_json()["access_token"]))
    assert users.status_code == 200


def test_an_admin_without_2fa_cannot_refresh_once_it_is_required(app, api, client, admin):
    pair = password_step(client, admin.email)
    app.config["ADMIN_REQUIRE_2FA"] = True
    response = client.post(f"{API}/auth/refresh", headers=bearer(pair["refresh_token"]))
    assert response.status_code == 403 and response.get_json()["error"] == "forbidden"


def test_other_roles_log_in_as_before_when_admins_must_use_2fa(app, client, employer):
    app.config["ADMIN_REQUIRE_2FA"] = True
    assert "access_token" in password_step(client, employer.email)


def test_enabling_disabling_and_recovery_codes_are_audited(app, api, client, candidate, clock):
    _, codes = turn_on(api, candidate, clock)
    token = password_step(client, candidate.email)["mfa_token"]
    assert code_step(client, token, codes[0]).status_code == 200
    disabled = api.post(
        candidate, "/auth/2fa/disable", json={"password": DEFAULT_PASSWORD, "code": codes[1]}
    )
    assert disabled.status_code == 204
    with app.app_context():
        actions = db.session.scalars(
            select(AuditEntry.action)
            .where(
                AuditEntry.action.in_(
                    ["auth.2fa_enabled", "auth.2fa_disabled", "auth.recovery_code_used"]
                )
            )
            .order_by(AuditEntry.id)
        ).all()
    assert actions == [
        "auth.2fa_enabled",
        "auth.recovery_code_used",
        "auth.recovery_code_used",
        "auth.2fa_disabled",
    ]


def test_a_deleted_account_keeps_no_second_factor(app, api, candidate, clock):
    turn_on(api, candidate, clock)
    deleted = api.delete(candidate, "/users/me", json={"password": DEFAULT_PASSWORD})
    assert deleted.status_code == 200, deleted.get_json()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TotpCredential)) == 0
        assert db.session.scalar(select(func.count()).select_from(RecoveryCode)) == 0
