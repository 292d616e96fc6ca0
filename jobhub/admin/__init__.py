"""Flask-Admin: the moderation panel at /admin, for admins only."""

from __future__ import annotations

from flask import Flask

from jobhub.admin.auth import blp as admin_auth_blueprint
from jobhub.admin.views import SecureIndexView


def init_admin(app: Flask) -> None:
    """One Admin per app (STACK-NOTES trap 5); views join as their domains arrive."""
    from flask_admin import Admin
    from flask_admin.theme import Bootstrap4Theme

    app.register_blueprint(admin_auth_blueprint)
    Admin(
        app,
        name="JobHub admin",
        theme=Bootstrap4Theme(),
        index_view=SecureIndexView(url="/admin"),
    )
