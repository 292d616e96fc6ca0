"""Sign-in for the admin panel: a browser session, separate from the API's JWTs."""

from __future__ import annotations

import hmac
import secrets

from flask import Blueprint, Response, redirect, render_template, request, session, url_for

from jobhub.admin.views import ADMIN_SESSION_KEY
from jobhub.extensions import limiter
from jobhub.security import verify_password
from jobhub.users.models import Role
from jobhub.users.services import get_user_by_email

blp = Blueprint("admin_auth", __name__, url_prefix="/admin")
_CSRF_KEY = "admin_csrf"


def _csrf_token() -> str:
    if _CSRF_KEY not in session:
        session[_CSRF_KEY] = secrets.token_urlsafe(32)
    return session[_CSRF_KEY]


@blp.get("/login")
def login_form() -> str:
    return render_template("admin/login.html", csrf_token=_csrf_token(), error=None)


@blp.post("/login")
@limiter.limit("10 per minute")
def login() -> Response | tuple[str, int]:
    sent = request.form.get("csrf_token", "")
    if not hmac.compare_digest(sent, session.get(_CSRF_KEY, "")):
        return render_template("admin/login.html", csrf_token=_csrf_token(), error="expired"), 400
    user = get_user_by_email(email=request.form.get("email", ""))
    password_ok = user is not None and verify_password(
        user.password_hash, request.form.get("password", "")
    )
    if not (password_ok and user.is_active and user.role == Role.ADMIN and not user.deleted_at):
        return render_template("admin/login.html", csrf_token=_csrf_token(), error="denied"), 401
    session.clear()  # a new session id for the signed-in admin (no fixation)
    session[ADMIN_SESSION_KEY] = user.id
    session.permanent = False
    return redirect(url_for("admin.index"))


@blp.post("/logout")
def logout() -> Response:
    session.clear()
    return redirect(url_for("admin_auth.login_form"))
