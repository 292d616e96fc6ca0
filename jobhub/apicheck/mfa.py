"""Two-factor sign-in, end to end on the throwaway account: set up, enable with a TOTP
code computed from the secret the API returned, sign in with a recovery code, disable
with another (the server accepts each TOTP step once; recovery codes need no waiting)."""

from __future__ import annotations

import pyotp

from jobhub.apicheck.checks import Case
from jobhub.apicheck.steps import Step
from jobhub.apicheck.world import World

V1 = "/api/v1"
PART = "throwaway"
SETUP_GAVE_NOTHING = "skipped: the two-factor setup gave no secret"


def _setup(world: World) -> Case:
    def capture(world: World, body: object) -> None:
        if isinstance(body, dict):
            world.mfa["secret"] = body.get("secret")

    return Case(f"POST {V1}/auth/2fa/setup", role=PART, capture=capture)


def _enable(world: World) -> Case | str:
    secret = world.mfa.get("secret")
    if not secret:
        return SETUP_GAVE_NOTHING

    def capture(world: World, body: object) -> None:
        if isinstance(body, dict):
            world.mfa["recovery_codes"] = list(body.get("recovery_codes") or [])

    code = pyotp.TOTP(secret).now()
    return Case(f"POST {V1}/auth/2fa/enable", role=PART, body={"code": code}, capture=capture)


def _login(world: World) -> Case | None:
    if len(world.mfa.get("recovery_codes", [])) < 2:
        return None  # the login step is checked already; nothing to sign in to

    def capture(world: World, body: object) -> None:
        if isinstance(body, dict):
            world.mfa["mfa_token"] = body.get("mfa_token")

    account = world.accounts[PART]
    body = {"email": account.email, "password": account.password}
    return Case(f"POST {V1}/auth/login", role="anonymous", body=body, capture=capture)


def _second_factor(world: World) -> Case | str:
    token, codes = world.mfa.get("mfa_token"), world.mfa.get("recovery_codes", [])
    if not token or not codes:
        return "skipped: the sign-in asked for no second factor"

    def capture(world: World, body: object) -> None:
        if isinstance(body, dict) and body.get("access_token"):
            world.accounts[PART].token = body["access_token"]
            world.accounts[PART].refresh_token = body.get("refresh_token")

    body = {"mfa_token": token, "code": codes[0]}
    return Case(f"POST {V1}/auth/login/2fa", role="anonymous", body=body, capture=capture)


def _disable(world: World) -> Case | str:
    codes = world.mfa.get("recovery_codes", [])
    if len(codes) < 2:
        return "skipped: enabling two-factor sign-in gave no recovery codes"
    body = {"password": world.accounts[PART].password, "code": codes[1]}
    return Case(f"POST {V1}/auth/2fa/disable", role=PART, body=body)


MFA: list[Step] = [
    (f"POST {V1}/auth/2fa/setup", _setup),
    (f"POST {V1}/auth/2fa/enable", _enable),
    (f"POST {V1}/auth/login", _login),
    (f"POST {V1}/auth/login/2fa", _second_factor),
    (f"POST {V1}/auth/2fa/disable", _disable),
]
