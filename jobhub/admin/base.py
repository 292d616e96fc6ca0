"""The panel's secure base views and forms: admins only, CSRF on every form and action.

Who is signed in comes from the login session the browser's cookie names (see
``jobhub.auth.services.panel_session_user``), checked once per request: a session ended
by sign-out, a password change or a deactivation is refused at once.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Response, g, redirect, request, session, url_for
from flask_admin import AdminIndexView, BaseView
from flask_admin.contrib.sqla import ModelView
from flask_admin.form import SecureForm

from jobhub.db import db

ADMIN_SESSION_KEY = "admin_user_id"
ADMIN_SID_KEY = "admin_session_id"


def panel_admin() -> Any:
    """The signed-in admin of this request, or None (looked up once per request)."""
    from jobhub.auth.services import panel_session_user

    if "panel_admin" not in g:
        user_id, session_id = session.get(ADMIN_SESSION_KEY), session.get(ADMIN_SID_KEY)
        ids_ok = isinstance(user_id, int) and isinstance(session_id, int)
        g.panel_admin = (
            panel_session_user(session_id=session_id, user_id=user_id) if ids_ok else None
        )
    return g.panel_admin


def admin_signed_in() -> bool:
    """True when the browser session is a live panel session of an active admin."""
    return panel_admin() is not None


def _to_sign_in() -> Response:
    if session.get(ADMIN_SID_KEY):
        session.clear()  # an ended session: drop the cookie's content as well
    if request.method != "GET" or request.path.rstrip("/") == "/admin":
        return redirect(url_for("admin_auth.login_form"))
    return redirect(url_for("admin_auth.login_form", next=request.full_path.rstrip("?")))


class PanelForm(SecureForm):
    """Every panel form: a session-bound CSRF token, valid as long as a sign-in."""

    class Meta(SecureForm.Meta):
        csrf_time_limit = timedelta(hours=12)


class SecureMixin:
    """Admins only; anyone else goes to the sign-in page and sees no data."""

    def is_accessible(self) -> bool:
        return admin_signed_in()

    def inaccessible_callback(self, name: str, **kwargs: object) -> Response:
        return _to_sign_in()


class SecureView(SecureMixin, BaseView):
    """A custom panel page."""


class SecureIndexView(SecureMixin, AdminIndexView):
    """The panel's home page."""


class SecureModelView(SecureMixin, ModelView):
    """A read-mostly list of rows: no create, edit or delete; actions carry CSRF."""

    form_base_class = PanelForm
    can_create = False
    can_edit = False
    can_delete = False
    can_view_details = True
    can_set_page_size = True
    page_size = 25

    def __init__(self, model: type, **kwargs: Any) -> None:
        super().__init__(model, db, **kwargs)
