"""The admin panel's secure base views."""

from __future__ import annotations

from flask import Response, redirect, session, url_for
from flask_admin import AdminIndexView

ADMIN_SESSION_KEY = "admin_user_id"


def admin_signed_in() -> bool:
    """True when the browser session belongs to an active admin."""
    from jobhub.users.models import Role
    from jobhub.users.services import get_user

    user_id = session.get(ADMIN_SESSION_KEY)
    user = get_user(user_id=user_id) if user_id else None
    return bool(user and user.is_active and user.role == Role.ADMIN and not user.deleted_at)


class SecureIndexView(AdminIndexView):
    def is_accessible(self) -> bool:
        return admin_signed_in()

    def inaccessible_callback(self, name: str, **kwargs: object) -> Response:
        return redirect(url_for("admin_auth.login_form"))
