"""Auth API: register, login, refresh, logout, sessions, password and email flows."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_smorest import Blueprint

from jobhub import limits
from jobhub.auth import policies, services
from jobhub.auth.mfa import services as mfa
from jobhub.auth.schemas import (
    EXAMPLE_PASSWORD,
    LOGIN_EXAMPLE,
    REGISTER_EXAMPLE,
    EmailSchema,
    EndedSessionsSchema,
    LoginResultSchema,
    LoginSchema,
    LogoutSchema,
    MessageSchema,
    MfaCodeSchema,
    MfaDisableSchema,
    MfaLoginSchema,
    MfaSetupSchema,
    PasswordChangeSchema,
    PasswordResetSchema,
    RecoveryCodesSchema,
    RegisterSchema,
    SessionSchema,
    TokenPairSchema,
    TokenSchema,
)
from jobhub.extensions import limiter
from jobhub.pagination import PAGINATION
from jobhub.security import auth_required, authorize, current_token, current_user
from jobhub.users.models import Role
from jobhub.users.schemas import UserSchema

blp = Blueprint(
    "auth",
    __name__,
    description="Registration, login, token refresh and revocation, sessions, passwords.",
)

UNAUTHORIZED = "Missing, invalid, expired or revoked token."
RATE_LIMITED = "Too many attempts; see Retry-After."
FORGOT_ANSWER = "If an account uses this email, a reset link is on its way."
VERIFY_ANSWER = "If the address is not verified yet, a verification link is on its way."
_by_ip = {"key_func": limits.client_ip_key}
_by_email = {"key_func": limits.email_key}
_by_mfa_user = {"key_func": limits.mfa_token_user_key}
_by_bearer_user = {"key_func": limits.bearer_user_key}


@blp.route("/register", methods=["POST"])
@limiter.limit(limits.register_limit, **_by_ip)
@limiter.limit(limits.register_limit, **_by_email)
@blp.arguments(RegisterSchema, example=REGISTER_EXAMPLE)
@blp.response(201, UserSchema)
@blp.alt_response(409, response="DEFAULT_ERROR", description="The email is taken (`duplicate`).")
@blp.alt_response(422, response="DEFAULT_ERROR", description="Invalid field or password rule.")
@blp.alt_response(429, response="DEFAULT_ERROR", description=RATE_LIMITED)
def register(payload: dict) -> Any:
    """Create a candidate or employer account; a verification link is mailed."""
    return services.register(
        email=payload["email"],
        password=payload["password"],
        full_name=payload["full_name"],
        role=Role(payload["role"]),
    )


@blp.route("/login", methods=["POST"])
@limiter.limit(limits.login_limit, **_by_ip)
@limiter.limit(limits.login_limit, **_by_email)
@blp.arguments(LoginSchema, example=LOGIN_EXAMPLE)
@blp.response(200, LoginResultSchema)
@blp.alt_response(401, response="DEFAULT_ERROR", description="Wrong email or password.")
@blp.alt_response(403, response="DEFAULT_ERROR", description="Account disabled.")
@blp.alt_response(429, response="DEFAULT_ERROR", description=RATE_LIMITED)
def login(payload: dict) -> Any:
    """Log in: opens a session and returns an access and a refresh token.

    With two-factor sign-in on, the answer is `{mfa_required: true, mfa_token}` instead:
    send a code with it to `POST /auth/login/2fa`.
    """
    return services.login(
        email=payload["email"],
        password=payload["password"],
        user_agent=request.user_agent.string,
        ip_address=request.remote_addr,
    )


@blp.route("/login/2fa", methods=["POST"])
@limiter.limit(limits.mfa_limit, **_by_ip)
@limiter.limit(limits.mfa_limit, **_by_mfa_user)
@blp.arguments(MfaLoginSchema, example={"mfa_token": "eyJhbGciOi…", "code": "492039"})
@blp.response(200, TokenPairSchema)
@blp.alt_response(401, response="DEFAULT_ERROR", description="Wrong code or dead mfa_token.")
@blp.alt_response(403, response="DEFAULT_ERROR", description="Account disabled.")
@blp.alt_response(429, response="DEFAULT_ERROR", description=RATE_LIMITED)
def login_second_factor(payload: dict) -> Any:
    """Complete a two-factor login: the `mfa_token` and a TOTP code (or a recovery code).

    Each TOTP code works once (and codes of earlier steps no more); each recovery code once.
    """
    return services.complete_login(
        mfa_token=payload["mfa_token"],
        code=payload["code"],
        user_agent=request.user_agent.string,
        ip_address=request.remote_addr,
    )


@blp.route("/2fa/setup", methods=["POST"])
@limiter.limit(limits.sensitive_limit, **_by_ip)
@auth_required(setup_only=True)
@blp.response(200, MfaSetupSchema)
@blp.alt_response(401, response="DEFAULT_ERROR", description=UNAUTHORIZED)
@blp.alt_response(409, response="DEFAULT_ERROR", description="2FA is on already.")
@blp.alt_response(429, response="DEFAULT_ERROR", description=RATE_LIMITED)
def setup_second_factor() -> Any:
    """Start two-factor sign-in: a new TOTP secret and its `otpauth://` URI (for a QR code).

    Nothing changes at login until `/auth/2fa/enable` confirms a code of this secret.
    """
    return mfa.setup(user=current_user)


@blp.route("/2fa/enable", methods=["POST"])
@limiter.limit(limits.mfa_limit, **_by_ip)
@limiter.limit(limits.mfa_limit, **_by_bearer_user)
@auth_required(setup_only=True)
@blp.arguments(MfaCodeSchema, example={"code": "492039"})
@blp.response(200, RecoveryCodesSchema)
@blp.alt_response(401, response="DEFAULT_ERROR", description=UNAUTHORIZED)
@blp.alt_response(409, response="DEFAULT_ERROR", description="No setup pending, or 2FA on.")
@blp.alt_response(422, response="DEFAULT_ERROR", description="Wrong code.")
@blp.alt_response(429, response="DEFAULT_ERROR", description=RATE_LIMITED)
def enable_second_factor(payload: dict) -> Any:
    """Turn two-factor sign-in on with a code; returns 10 single-use recovery codes, once."""
    return mfa.enable(user=current_user, code=payload["code"])


@blp.route("/2fa/disable", methods=["POST"])
@limiter.limit(limits.mfa_limit, **_by_ip)
@limiter.limit(limits.mfa_limit, **_by_bearer_user)
@auth_required()
@blp.arguments(MfaDisableSchema, example={"password": EXAMPLE_PASSWORD, "code": "492039"})
@blp.response(204)
@blp.alt_response(401, response="DEFAULT_ERROR", description=UNAUTHORIZED)
@blp.alt_response(409, response="DEFAULT_ERROR", description="2FA is off.")
@blp.alt_response(422, response="DEFAULT_ERROR", description="Wrong password or code.")
@blp.alt_response(429, response="DEFAULT_ERROR", description=RATE_LIMITED)
def disable_second_factor(payload: dict) -> None:
    """Turn two-factor sign-in off: needs the password and a code (TOTP or recovery)."""
    mfa.disable(user=current_user, password=payload["password"], code=payload["code"])


@blp.route("/refresh", methods=["POST"])
@auth_required(refresh=True)
@blp.response(200, TokenPairSchema)
@blp.alt_response(401, response="DEFAULT_ERROR", description=UNAUTHORIZED)
@blp.alt_response(403, response="DEFAULT_ERROR", description="Account disabled.")
def refresh() -> Any:
    """Rotate tokens: send the refresh token as Bearer; the used one stops working.

    Presenting an already-used refresh token ends its whole session (401 `token_revoked`).
    """
    return services.refresh(
        user=current_user, payload=current_token(), ip_address=request.remote_addr
    )


@blp.route("/logout", methods=["POST"])
@auth_required()
@blp.arguments(LogoutSchema, required=False, example={"refresh_token": "eyJhbGciOi…"})
@blp.response(204)
@blp.alt_response(401, response="DEFAULT_ERROR", description=UNAUTHORIZED)
@blp.alt_response(422, response="DEFAULT_ERROR", description="refresh_token is not yours.")
def logout(payload: dict) -> None:
    """Log out: revokes this access token and ends its session (and the given refresh token)."""
    services.logout(
        user=current_user, payload=current_token(), refresh_token=payload.get("refresh_token")
    )


@blp.route("/me")
@auth_required(setup_only=True)
@blp.response(200, UserSchema)
@blp.alt_response(401, response="DEFAULT_ERROR", description=UNAUTHORIZED)
def me() -> Any:
    """The caller."""
    return current_user


@blp.route("/password/change", methods=["POST"])
@limiter.limit(limits.sensitive_limit, **_by_ip)
@auth_required()
@blp.arguments(
    PasswordChangeSchema,
    example={"current_password": EXAMPLE_PASSWORD, "new_password": "Quiet-Meadow-Rocket-58"},
)
@blp.response(204)
@blp.alt_response(401, response="DEFAULT_ERROR", description=UNAUTHORIZED)
@blp.alt_response(422, response="DEFAULT_ERROR", description="Wrong current password or rule.")
@blp.alt_response(429, response="DEFAULT_ERROR", description=RATE_LIMITED)
def change_password(payload: dict) -> None:
    """Change the password; every other session is ended."""
    services.change_password(
        user=current_user,
        payload=current_token(),
        current_password=payload["current_password"],
        new_password=payload["new_password"],
    )


@blp.route("/password/forgot", methods=["POST"])
@limiter.limit(limits.forgot_limit, **_by_ip)
@limiter.limit(limits.forgot_limit, **_by_email)
@blp.arguments(EmailSchema, example={"email": "alice@example.com"})
@blp.response(202, MessageSchema, example={"message": FORGOT_ANSWER})
@blp.alt_response(422, response="DEFAULT_ERROR", description="Not an email address.")
@blp.alt_response(429, response="DEFAULT_ERROR", description=RATE_LIMITED)
def forgot_password(payload: dict) -> Any:
    """Ask for a password reset link (valid 30 minutes, once); the answer never tells
    whether the account exists."""
    services.request_password_reset(email=payload["email"])
    return {"message": FORGOT_ANSWER}


@blp.route("/password/reset", methods=["POST"])
@limiter.limit(limits.sensitive_limit, **_by_ip)
@blp.arguments(
    PasswordResetSchema,
    example={"token": "3q2-7wEXAMPLEtoken", "new_password": "Quiet-Meadow-Rocket-58"},
)
@blp.response(200, MessageSchema, example={"message": "Your password has been reset."})
@blp.alt_response(400, response="DEFAULT_ERROR", description="Invalid, expired or used token.")
@blp.alt_response(422, response="DEFAULT_ERROR", description="The new password breaks a rule.")
@blp.alt_response(429, response="DEFAULT_ERROR", description=RATE_LIMITED)
def reset_password(payload: dict) -> Any:
    """Set a new password with the mailed token; every session of the account is ended."""
    services.reset_password(token=payload["token"], new_password=payload["new_password"])
    return {"message": "Your password has been reset; log in with it."}


@blp.route("/verify-email/request", methods=["POST"])
@limiter.limit(limits.sensitive_limit, **_by_ip)
@auth_required()
@blp.response(202, MessageSchema, example={"message": VERIFY_ANSWER})
@blp.alt_response(401, response="DEFAULT_ERROR", description=UNAUTHORIZED)
@blp.alt_response(429, response="DEFAULT_ERROR", description=RATE_LIMITED)
def request_verification() -> Any:
    """Mail the caller a new email verification link (valid 48 hours, once)."""
    services.request_email_verification(user=current_user)
    return {"message": VERIFY_ANSWER}


@blp.route("/verify-email/confirm", methods=["POST"])
@limiter.limit(limits.sensitive_limit, **_by_ip)
@blp.arguments(TokenSchema, example={"token": "3q2-7wEXAMPLEtoken"})
@blp.response(200, MessageSchema, example={"message": "Your email address is verified."})
@blp.alt_response(400, response="DEFAULT_ERROR", description="Invalid, expired or used token.")
@blp.alt_response(429, response="DEFAULT_ERROR", description=RATE_LIMITED)
def confirm_verification(payload: dict) -> Any:
    """Verify an email address with the mailed token."""
    services.confirm_email(token=payload["token"])
    return {"message": "Your email address is verified."}


@blp.route("/sessions")
@auth_required()
@blp.response(200, SessionSchema(many=True))
@blp.paginate(**PAGINATION)
@blp.alt_response(401, response="DEFAULT_ERROR", description=UNAUTHORIZED)
def list_sessions(pagination_parameters: Any) -> Any:
    """The caller's live sessions (one per login), most recently used first."""
    return services.list_sessions(
        user=current_user, payload=current_token(), pagination_parameters=pagination_parameters
    )


@blp.route("/sessions", methods=["DELETE"])
@auth_required()
@blp.response(200, EndedSessionsSchema)
@blp.alt_response(401, response="DEFAULT_ERROR", description=UNAUTHORIZED)
def end_other_sessions() -> Any:
    """End every session of the caller except the current one."""
    return {"ended": services.end_other_sessions(user=current_user, payload=current_token())}


@blp.route("/sessions/<int:session_id>", methods=["DELETE"])
@auth_required()
@blp.response(204)
@blp.alt_response(401, response="DEFAULT_ERROR", description=UNAUTHORIZED)
@blp.alt_response(404, response="DEFAULT_ERROR", description="No such live session of yours.")
def end_session(session_id: int) -> None:
    """End one of the caller's sessions: its tokens are refused at once."""
    session = services.get_live_session(session_id=session_id)
    authorize(
        session is not None and policies.can_manage_session(current_user, session),
        "No such session.",
        hidden=True,
    )
    services.end_session(user=current_user, session=session, payload=current_token())
