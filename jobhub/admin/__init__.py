"""Flask-Admin: the moderation panel at /admin, for admins only (wiring, not a domain).

Every view is built on the domains' services, so a panel action is the same call as
the API's (the same notification, the same audit row). ``base`` holds the secure base
views and forms, ``auth`` the sign-in, the other modules one page each.
"""

from __future__ import annotations

from flask import Flask

from jobhub.admin.auth import blp as admin_auth_blueprint
from jobhub.admin.base import PanelForm, panel_admin
from jobhub.admin.dashboard import DashboardView
from jobhub.web import csp_nonce


def init_admin(app: Flask) -> None:
    """One Admin per app (STACK-NOTES trap 5), with every panel view."""
    from flask_admin import Admin
    from flask_admin.theme import Bootstrap4Theme

    app.register_blueprint(admin_auth_blueprint)
    app.jinja_env.globals["panel_admin"] = panel_admin
    app.jinja_env.globals["panel_signout_form"] = PanelForm
    admin = Admin(
        app,
        name="JobHub admin",
        theme=Bootstrap4Theme(base_template="admin/jobhub/base.html", fluid=True),
        index_view=DashboardView(url="/admin", name="Dashboard"),
        # Flask-Admin's inline scripts carry this response's nonce, which the HTML CSP
        # allows (its script and style files are served from /admin/static).
        csp_nonce_generator=csp_nonce,
    )
    for view in _views():
        admin.add_view(view)


def _views() -> list:
    from jobhub.admin.audit import AuditLogView
    from jobhub.admin.moderation import ModerationQueueView
    from jobhub.admin.records import record_views

    return [
        ModerationQueueView(
            name="Moderation queue", endpoint="admin_moderation", url="/admin/moderation"
        ),
        *record_views(),
        AuditLogView(name="Audit log", endpoint="admin_audit", url="/admin/audit"),
    ]
