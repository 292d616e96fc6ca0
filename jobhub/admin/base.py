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
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_admin.form import SecureForm

from jobhub.db import db

MAX_ID = 2**31 - 1  # the id columns are 32-bit integers on PostgreSQL
MAX_PARAMETER = 2000
# Query and form parameters that name rows: whole numbers in the id columns' range.
ID_PARAMETERS = ("id", "rowid", "ids", "job_id")
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


def parse_id(value: str | None) -> int | None:
    """A row id sent by a form or a link, or None if it is not one (past 2^31 included)."""
    if not value or not value.isdigit() or len(value) > 10:
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def safe_next(target: str | None) -> str | None:
    """A panel path to return to, or None (never another site)."""
    if target and target.startswith("/admin/") and "\\" not in target and "//" not in target:
        return target
    return None


def bad_input() -> str | None:
    """Why this request's parameters cannot reach the database, or None.

    A NUL byte, an over-long value or an id out of range would be a database error on
    PostgreSQL; the panel answers 400 and changes nothing.
    """
    for source in (request.args, request.form):
        for name, values in source.lists():
            for value in values:
                if "\x00" in value or "\x00" in name or len(value) > MAX_PARAMETER:
                    return f"The value of {name[:40]!r} is not acceptable."
                if name in ID_PARAMETERS and value and parse_id(value) is None:
                    return f"{name} must be a row id."
    return None


class PanelForm(SecureForm):
    """Every panel form: a session-bound CSRF token, valid as long as a sign-in."""

    class Meta(SecureForm.Meta):
        csrf_time_limit = timedelta(hours=12)


class SecureMixin:
    """Admins only; anyone else goes to the sign-in page and sees no data. Parameters that
    could not reach the database are refused with 400 first."""

    def _handle_view(self, name: str, **kwargs: Any) -> Any:
        problem = bad_input()
        if problem is not None:
            return Response(problem, status=400, mimetype="text/plain")
        return super()._handle_view(name, **kwargs)

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
    page_size = 20

    def __init__(self, model: type, **kwargs: Any) -> None:
        super().__init__(model, db, **kwargs)


class EnumEqual(FilterEqual):
    """``column = value`` for our enums, which store values (Flask-Admin's own enum filter
    looks members up by name, and a value it cannot find was a 500)."""

    def __init__(self, column: Any, name: str) -> None:
        self.enum_class = column.type.enum_class
        options = [(member.value, member.value) for member in self.enum_class]
        super().__init__(column, name, options=options)

    def clean(self, value: Any) -> Any:
        return self.enum_class(value)  # ValueError for anything else: the filter is ignored


def enum_filters(*columns: Any) -> tuple[EnumEqual, ...]:
    """One equality filter per enum column, labelled by the column's name."""
    return tuple(EnumEqual(column, column.key.replace("_", " ").capitalize()) for column in columns)
