"""Flask-Admin: the moderation panel at /admin, for admins only."""

from __future__ import annotations

from flask import Flask

from jobhub.admin.auth import blp as admin_auth_blueprint
from jobhub.admin.views import SecureIndexView
from jobhub.web import csp_nonce


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
        # Flask-Admin's inline scripts carry this response's nonce, which the HTML CSP
        # allows (its script and style files are served from /admin/static).
        csp_nonce_generator=csp_nonce,
    )
