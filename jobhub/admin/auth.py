"""Sign-in for the admin panel: a browser session, separate from the API's JWTs.

The sign-in is throttled per client IP and per account (the email sent), an unknown
email costs the same password hash as a known one, and a successful sign-in opens a
login session (``auth.services.start_panel_session``) that sign-out ends. An admin with
two-factor sign-in gives a code next (``/admin/login/2fa``, throttled per IP and per
admin); with ``ADMIN_REQUIRE_2FA`` an admin without it is refused until it is set up.
"""

from __future__ import annotations

import hmac
import secrets

from flask import Blueprint, Response, redirect, render_template, request, session, url_for

from jobhub import limits
from jobhub.admin.base import ADMIN_SESSION_KEY, ADMIN_SID_KEY, PanelForm
from jobhub.auth import services as auth
from jobhub.auth.models import AuthSession
from jobhub.extensions import limiter

blp = Blueprint(
    "admin_auth",
    __name__,
    url_prefix="/admin",
    static_folder="static",
    static_url_path="/panel-static",
)
_CSRF_KEY = "admin_csrf"
_MFA_KEY = "admin_mfa_token"  # between the password and the code (signed cookie, 5 minutes)


def _csrf_token() -> str:
    if _CSRF_KEY not in session:
        session[_CSRF_KEY] = secrets.token_urlsafe(32)
    return session[_CSRF_KEY]


def _next_url() -> str:
    """Where to go after signing in: a panel path sent along, else the dashboard."""
    target = request.form.get("next") or request.args.get("next") or ""
    if (
        target.startswith("/admin/")
        and not target.startswith("/admin/login")
        and "\\" not in target
    ):
        return target
    return url_for("admin.index")


def _form(error: str | None, status: int = 200, *, template: str = "login") -> tuple[str, int]:
    page = render_template(
        f"admin/{template}.html", csrf_token=_csrf_token(), error=error, next=_next_url()
    )
    return page, status


def _signed_in(panel_session: AuthSession) -> Response:
    target = _next_url()
    session.clear()  # a new session for the signed-in admin (no fixation)
    session[ADMIN_SESSION_KEY] = panel_session.user_id
    session[ADMIN_SID_KEY] = panel_session.id
    session.permanent = False
    return redirect(target)


def _pending_user_key() -> str:
    """The admin half-way through signing in (their ``mfa_token``): the code's throttle."""
    return limits.token_subject_key(session.get(_MFA_KEY))


@blp.get("/login")
def login_form() -> tuple[str, int]:
    return _form(None)


@blp.post("/login")
@limiter.limit(limits.login_limit, key_func=limits.client_ip_key)
@limiter.limit(limits.login_limit, key_func=limits.email_key)
def login() -> Response | tuple[str, int]:
    sent = request.form.get("csrf_token", "")
    if not hmac.compare_digest(sent, session.get(_CSRF_KEY, "")):
        return _form("expired", 400)
    panel_session = auth.start_panel_session(
        email=request.form.get("email", ""),
        password=request.form.get("password", ""),
        user_agent=request.user_agent.string,
        ip_address=request.remote_addr,
    )
    if panel_session is None:
        return _form("denied", 401)
    if panel_session == auth.PANEL_SETUP_REQUIRED:
        return _form("setup_required", 403)
    if isinstance(panel_session, auth.PanelCodeStep):
        session[_MFA_KEY] = panel_session.mfa_token
        return _form(None, template="login_code")
    return _signed_in(panel_session)


@blp.post("/login/2fa")
@limiter.limit(limits.mfa_limit, key_func=limits.client_ip_key)
@limiter.limit(limits.mfa_limit, key_func=_pending_user_key)
def login_code() -> Response | tuple[str, int]:
    """The second step for an admin with two-factor sign-in: a TOTP or recovery code."""
    sent = request.form.get("csrf_token", "")
    mfa_token = session.get(_MFA_KEY)
    if not hmac.compare_digest(sent, session.get(_CSRF_KEY, "")) or not mfa_token:
        return _form("expired", 400)
    panel_session = auth.complete_panel_session(
        mfa_token=mfa_token,
        code=request.form.get("code", "")[:64],
        user_agent=request.user_agent.string,
        ip_address=request.remote_addr,
    )
    if panel_session is None:
        return _form("wrong", 401, template="login_code")
    return _signed_in(panel_session)


@blp.post("/logout")
def logout() -> Response | tuple[str, int]:
    """Sign out (the form on every panel page): the login session ends for good."""
    if not PanelForm(request.form).validate():
        return _form("expired", 400)
    session_id = session.get(ADMIN_SID_KEY)
    if isinstance(session_id, int):
        auth.end_panel_session(session_id=session_id)
    session.clear()
    return redirect(url_for("admin_auth.login_form"))
