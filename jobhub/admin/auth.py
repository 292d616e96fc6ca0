"""Sign-in for the admin panel: a browser session, separate from the API's JWTs.

The sign-in is throttled per client IP and per account (the email sent), an unknown
email costs the same password hash as a known one, and a successful sign-in opens a
login session (``auth.services.start_panel_session``) that sign-out ends.
"""

from __future__ import annotations

import hmac
import secrets

from flask import Blueprint, Response, redirect, render_template, request, session, url_for

from jobhub import limits
from jobhub.admin.base import ADMIN_SESSION_KEY, ADMIN_SID_KEY, PanelForm
from jobhub.auth import services as auth
from jobhub.extensions import limiter

blp = Blueprint(
    "admin_auth",
    __name__,
    url_prefix="/admin",
    static_folder="static",
    static_url_path="/panel-static",
)
_CSRF_KEY = "admin_csrf"


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


def _form(error: str | None, status: int = 200) -> tuple[str, int]:
    page = render_template(
        "admin/login.html", csrf_token=_csrf_token(), error=error, next=_next_url()
    )
    return page, status


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
    target = _next_url()
    session.clear()  # a new session for the signed-in admin (no fixation)
    session[ADMIN_SESSION_KEY] = panel_session.user_id
    session[ADMIN_SID_KEY] = panel_session.id
    session.permanent = False
    return redirect(target)


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
