"""Auth services: registration, login, refresh, logout, sessions, password and email flows.

Revocation (``is_token_revoked``) is asked by the JWT loader on every request.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from flask_jwt_extended import create_access_token, decode_token
from flask_jwt_extended.exceptions import JWTExtendedException
from jwt.exceptions import PyJWTError

from jobhub import metrics, signals
from jobhub.auth.mfa import queries as mfa_queries
from jobhub.auth.mfa import services as mfa
from jobhub.auth.models import AuthSession, SessionEndReason, TokenPurpose
from jobhub.auth.onetime import queries as onetime_queries
from jobhub.auth.onetime import services as onetime
from jobhub.auth.sessions import queries as session_queries
from jobhub.auth.sessions import services as sessions
from jobhub.auth.sessions.queries import session_id_of
from jobhub.auth.sessions.services import SessionInfo, TokenPair
from jobhub.db import enqueue_after_commit, independent_transaction, on_rollback
from jobhub.errors import (
    AccountDisabled,
    BadRequest,
    Forbidden,
    TokenRevoked,
    Unauthorized,
    ValidationError,
)
from jobhub.mail.services import send_mail
from jobhub.pagination import paginated
from jobhub.security import SETUP_ONLY_CLAIM
from jobhub.users import services as users
from jobhub.users.models import Role, User

INVALID_CREDENTIALS = "The email or password is incorrect."
INVALID_TOKEN = "This link is invalid, expired or already used."


def _app() -> Any:
    return current_app._get_current_object()


def _logged_out(user_id: int, *, all_sessions: bool) -> None:
    signals.user_logged_out.send(_app(), user_id=user_id, all_sessions=all_sessions)


# -- revocation ----------------------------------------------------------------------


def revoke_token(*, payload: dict[str, Any]) -> None:
    """Revoke one decoded token until its expiry."""
    sessions.revoke(payload["jti"], datetime.fromtimestamp(payload["exp"], UTC))


def is_token_revoked(payload: dict[str, Any]) -> bool:
    """True when the token's id was revoked or its session was ended."""
    return session_queries.is_revoked(payload["jti"], session_id_of(payload))


# -- registration and login ----------------------------------------------------------


def register(*, email: str, password: str, full_name: str, role: Role) -> User:
    """Create a candidate or employer account and mail it an email verification link."""
    user = users.create_user(email=email, password=password, full_name=full_name, role=role)
    _send_verification(user)
    signals.user_registered.send(_app(), user=user)
    return user


def login(
    *, email: str, password: str, user_agent: str | None, ip_address: str | None
) -> TokenPair | mfa.MfaChallenge | SetupRequired:
    """Check the credentials and open a session; one answer for unknown email or wrong password.

    With a second factor on, no session yet: the ``mfa_token`` for ``complete_login``. An
    admin who must use one (``ADMIN_REQUIRE_2FA``) and has none gets a setup-only token.
    """
    user = users.authenticate(email=email, password=password)
    if user is None:
        metrics.auth_denial("credentials")
        raise Unauthorized(INVALID_CREDENTIALS)
    return sign_in(user=user, user_agent=user_agent, ip_address=ip_address)


def sign_in(
    *, user: User, user_agent: str | None, ip_address: str | None
) -> TokenPair | mfa.MfaChallenge | SetupRequired:
    """What a login answers once the user is authenticated (a password, or an identity
    provider's token): 403 if disabled, the 2FA challenge, a setup-only token, or a session.
    """
    if not user.is_active:
        raise AccountDisabled()
    if mfa_queries.is_enabled(user_id=user.id):
        return mfa.challenge(user=user)
    if mfa.must_set_up(user):
        return _setup_only(user)
    users.record_login(user=user)
    return sessions.start(user=user, user_agent=user_agent, ip_address=ip_address)


@dataclass(frozen=True)
class SetupRequired:
    """An admin without a second factor where one is required: a token for setting it up."""

    setup_token: str
    expires_in: int
    mfa_setup_required: bool = True


def _setup_only(user: User) -> SetupRequired:
    lifetime = timedelta(minutes=current_app.config["MFA_TOKEN_MINUTES"] * 2)
    token = create_access_token(
        identity=str(user.id), additional_claims={SETUP_ONLY_CLAIM: True}, expires_delta=lifetime
    )
    return SetupRequired(setup_token=token, expires_in=int(lifetime.total_seconds()))


def complete_login(
    *, mfa_token: str, code: str, user_agent: str | None, ip_address: str | None
) -> TokenPair:
    """The second step: a live ``mfa_token`` and a TOTP or recovery code open the session."""
    payload = mfa.read_challenge(mfa_token)
    user = users.get_user(user_id=int(payload["sub"])) if payload is not None else None
    if user is None or user.deleted_at is not None:
        raise Unauthorized("The mfa_token is invalid or expired; log in again.")
    if not user.is_active:
        raise AccountDisabled()
    if mfa.verify_second_factor(user=user, code=code) is None:
        raise Unauthorized(mfa.WRONG_CODE)
    if not mfa.consume_challenge(payload):
        raise Unauthorized("The mfa_token was used already; log in again.")
    users.record_login(user=user)
    return sessions.start(user=user, user_agent=user_agent, ip_address=ip_address)


def refresh(*, user: User, payload: dict[str, Any], ip_address: str | None) -> TokenPair:
    """Rotate a session's refresh token; a replayed one ends the whole session."""
    session_id = session_id_of(payload)
    if session_id is None:
        raise Unauthorized("This refresh token belongs to no session; log in again.")
    if mfa.must_set_up(user):
        raise Forbidden("Admins must set up two-factor sign-in; log in again to do so.")
    pair = sessions.rotate(
        user=user, session_id=session_id, used_jti=payload["jti"], ip_address=ip_address
    )
    if pair is not None:
        return pair
    # A refresh token used again was copied: its whole family ends. The request answers
    # 401 and so rolls back; the family's end must stay, so it is done in a transaction of
    # its own once that rollback has released the database (SQLite has one writer).
    user_id = user.id
    on_rollback(lambda: _end_replayed_family(user_id=user_id, session_id=session_id))
    raise TokenRevoked(
        "This refresh token was already used; every token of its session is now revoked."
    )


def _end_replayed_family(*, user_id: int, session_id: int) -> None:
    with independent_transaction():
        session = session_queries.get(session_id=session_id)
        if session is not None and session.user_id == user_id and session.ended_at is None:
            sessions.end([session], reason=SessionEndReason.TOKEN_REUSE)
            _logged_out(user_id, all_sessions=True)


def logout(*, user: User, payload: dict[str, Any], refresh_token: str | None) -> None:
    """Revoke this access token and end its session; also revoke ``refresh_token`` if given."""
    refresh_payload = _own_refresh_token(user, refresh_token) if refresh_token else None
    revoke_token(payload=payload)
    ended = [session_id_of(payload)]
    if refresh_payload is not None:
        revoke_token(payload=refresh_payload)
        ended.append(session_id_of(refresh_payload))
    for session_id in {sid for sid in ended if sid is not None}:
        session = session_queries.get(session_id=session_id)
        if session is not None and session.user_id == user.id:
            sessions.end([session], reason=SessionEndReason.LOGOUT)
    _logged_out(user.id, all_sessions=False)


def _own_refresh_token(user: User, token: str) -> dict[str, Any] | None:
    """The caller's decoded refresh token; None if it has expired; 422 if it is not one."""
    refused = ValidationError(errors={"json": {"refresh_token": ["Not your refresh token."]}})
    try:
        data = decode_token(token, allow_expired=True)
    except (PyJWTError, JWTExtendedException) as exc:
        raise refused from exc
    if data.get("type") != "refresh" or data.get("sub") != str(user.id):
        raise refused
    if datetime.fromtimestamp(data["exp"], UTC) <= datetime.now(UTC):
        return None
    return data


# -- admin panel sessions ------------------------------------------------------------
#
# A panel sign-in is a login session like an API login (listed, and ended, with them) that
# issues no token: the browser's signed cookie names the session, and every panel request
# checks that it is still live. Sign-out, a password change or reset, and deactivation end
# sessions, so a saved cookie stops working at once.


@dataclass(frozen=True)
class PanelCodeStep:
    """The password was right and the admin has a second factor: the code comes next."""

    mfa_token: str


PANEL_SETUP_REQUIRED = "setup_required"  # ADMIN_REQUIRE_2FA, and the admin has no 2FA


def start_panel_session(
    *, email: str, password: str, user_agent: str | None, ip_address: str | None
) -> AuthSession | PanelCodeStep | str | None:
    """Sign an active admin in to the panel; None for any other credentials (same work).

    An admin with a second factor gets a ``PanelCodeStep`` (no session yet); one who must
    set it up first (``ADMIN_REQUIRE_2FA``) gets ``PANEL_SETUP_REQUIRED`` and no session.
    """
    user = users.authenticate(email=email, password=password)
    if user is None or not user.is_active or user.role != Role.ADMIN:
        return None
    if mfa_queries.is_enabled(user_id=user.id):
        return PanelCodeStep(mfa_token=mfa.challenge(user=user).mfa_token)
    if mfa.must_set_up(user):
        return PANEL_SETUP_REQUIRED
    return _open_panel_session(user, user_agent=user_agent, ip_address=ip_address)


def complete_panel_session(
    *, mfa_token: str, code: str, user_agent: str | None, ip_address: str | None
) -> AuthSession | None:
    """The panel's code step: a live ``mfa_token`` of an admin and a right code (TOTP or
    recovery, each once) open the panel session; None otherwise."""
    payload = mfa.read_challenge(mfa_token)
    user = users.get_user(user_id=int(payload["sub"])) if payload is not None else None
    if user is None or user.deleted_at is not None or not user.is_active:
        return None
    if user.role != Role.ADMIN or mfa.verify_second_factor(user=user, code=code) is None:
        return None
    if not mfa.consume_challenge(payload):
        return None
    return _open_panel_session(user, user_agent=user_agent, ip_address=ip_address)


def _open_panel_session(
    user: User, *, user_agent: str | None, ip_address: str | None
) -> AuthSession:
    users.record_login(user=user)
    hours = current_app.config["ADMIN_SESSION_HOURS"]
    return sessions.open_session(
        user=user,
        refresh_jti=f"panel-{uuid.uuid4().hex}",  # never issued: no refresh token exists
        lifetime=timedelta(hours=hours),
        user_agent=user_agent,
        ip_address=ip_address,
    )


def panel_session_user(*, session_id: int, user_id: int) -> User | None:
    """The admin whose live panel session this is, or None (ended, expired, not an admin)."""
    session = session_queries.get(session_id=session_id)
    if session is None or session.user_id != user_id or not session_queries.is_active(session):
        return None
    user = users.get_user(user_id=user_id)
    if user is None or not user.is_active or user.deleted_at or user.role != Role.ADMIN:
        return None
    return user


def end_panel_session(*, session_id: int) -> None:
    """Sign out of the panel: the session ends, its cookie is refused from now on."""
    session = session_queries.get(session_id=session_id)
    if session is not None:
        sessions.end([session], reason=SessionEndReason.LOGOUT)


# -- sessions ------------------------------------------------------------------------


def list_sessions(
    *, user: User, payload: dict[str, Any], pagination_parameters: Any
) -> list[SessionInfo]:
    """One page of the caller's live sessions, the request's own marked ``current``."""
    page = paginated(session_queries.active_query(user_id=user.id), pagination_parameters)
    return sessions.describe(page, current_id=session_id_of(payload))


def get_live_session(*, session_id: int) -> AuthSession | None:
    session = session_queries.get(session_id=session_id)
    return session if session is not None and session_queries.is_active(session) else None


def end_session(*, user: User, session: AuthSession, payload: dict[str, Any]) -> None:
    """End one of the caller's sessions (the current one too: that is a logout)."""
    sessions.end([session], reason=SessionEndReason.ENDED)
    _logged_out(user.id, all_sessions=session.id != session_id_of(payload))


def end_other_sessions(*, user: User, payload: dict[str, Any]) -> int:
    """End every session of the caller but the request's own; the number ended."""
    count = sessions.end_all(
        user_id=user.id, reason=SessionEndReason.ENDED, keep_id=session_id_of(payload)
    )
    if count:
        _logged_out(user.id, all_sessions=True)
    return count


# -- passwords -----------------------------------------------------------------------


def change_password(
    *, user: User, payload: dict[str, Any], current_password: str, new_password: str
) -> None:
    """Set a new password after checking the current one; every other session ends."""
    users.check_password(user=user, password=current_password, field="current_password")
    users.set_password(user=user, new_password=new_password, field="new_password")
    onetime.revoke_unused(user_id=user.id, purpose=TokenPurpose.PASSWORD_RESET)
    sessions.end_all(
        user_id=user.id, reason=SessionEndReason.PASSWORD_CHANGED, keep_id=session_id_of(payload)
    )
    _send_password_changed(user, how="changed")
    _logged_out(user.id, all_sessions=True)


def request_password_reset(*, email: str) -> None:
    """Queue the reset for this address, whether or not an account has it: the request
    does the same work either way (no lookup), so neither its answer nor its timing tells
    (issue 11: 14.5 ms against 9.4 ms when the lookup and the mail ran here)."""
    enqueue_after_commit("auth.password_reset", email=email)


def send_password_reset(*, email: str) -> bool:
    """From the task: mail a reset link if an active account has this email."""
    user = users.get_user_by_email(email=email)
    if user is None or user.deleted_at is not None or not user.is_active:
        return False
    minutes = current_app.config["PASSWORD_RESET_TOKEN_MINUTES"]
    _mail_token(
        user,
        TokenPurpose.PASSWORD_RESET,
        timedelta(minutes=minutes),
        subject="Reset your JobHub password",
        template="password_reset",
        link="reset-password",
        valid_minutes=minutes,
    )
    return True


def reset_password(*, token: str, new_password: str) -> None:
    """Set a new password with a mailed token (once); every session of the account ends.

    A new password the policy refuses is a 422 that rolls back, the token's use with it.
    """
    user = _redeem(token, TokenPurpose.PASSWORD_RESET)
    users.set_password(user=user, new_password=new_password, field="new_password")
    onetime.revoke_unused(user_id=user.id, purpose=TokenPurpose.PASSWORD_RESET)
    # The reset link reached this mailbox: that proves the address as well.
    users.mark_email_verified(user=user)
    sessions.end_all(user_id=user.id, reason=SessionEndReason.PASSWORD_RESET)
    _send_password_changed(user, how="reset")
    _logged_out(user.id, all_sessions=True)


def _redeem(token: str, purpose: TokenPurpose) -> User:
    """Use a mailed token once; its user. 400 for an unknown, expired or used token, and for
    one whose account is gone, disabled or no longer at the address it was mailed to."""
    record = onetime_queries.find_valid(raw=token, purpose=purpose)
    user = users.get_user(user_id=record.user_id) if record is not None else None
    still_applies = (
        user is not None
        and user.deleted_at is None
        and user.is_active
        and user.email == record.email
    )
    if not still_applies or not onetime.consume(token=record):
        raise BadRequest(INVALID_TOKEN, errors={"json": {"token": [INVALID_TOKEN]}})
    return user


# -- email verification --------------------------------------------------------------


def request_email_verification(*, user: User) -> None:
    """Mail a new verification link, unless the address is verified already."""
    if not user.email_verified:
        _send_verification(user)


def confirm_email(*, token: str) -> User:
    """Mark the address the token was mailed to as verified (once)."""
    user = _redeem(token, TokenPurpose.EMAIL_VERIFICATION)
    users.mark_email_verified(user=user)
    return user


def _send_verification(user: User) -> None:
    hours = current_app.config["EMAIL_VERIFICATION_TOKEN_HOURS"]
    _mail_token(
        user,
        TokenPurpose.EMAIL_VERIFICATION,
        timedelta(hours=hours),
        subject="Confirm your email address",
        template="verify_email",
        link="verify-email",
        email=user.email,
        valid_hours=hours,
    )


def _mail_token(
    user: User,
    purpose: TokenPurpose,
    lifetime: timedelta,
    *,
    subject: str,
    template: str,
    link: str,
    **context: Any,
) -> None:
    """Issue a single-use token and mail it as a link (``PUBLIC_BASE_URL/<link>?token=``)."""
    token = onetime.issue(user_id=user.id, email=user.email, purpose=purpose, lifetime=lifetime)
    send_mail(
        to=user.email,
        subject=subject,
        template=template,
        context={
            "full_name": user.full_name,
            "token": token,
            "link": _link(link, token),
            **context,
        },
    )


def _send_password_changed(user: User, *, how: str) -> None:
    send_mail(
        to=user.email,
        subject="Your JobHub password was " + how,
        template="password_changed",
        context={
            "full_name": user.full_name,
            "how": how,
            "changed_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
        },
    )


def _link(path: str, token: str) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/{path}?token={token}"
