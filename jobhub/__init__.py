"""JobHub: a job board and applicant tracking backend."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from jobhub.config import Config, load_config

if TYPE_CHECKING:
    from flask import Flask

# Importing the package (as gunicorn.conf.py does, in the master, before the eventlet
# worker monkey-patches) imports no Flask, Werkzeug or Celery: their locks and context
# proxies made eventlet print five tracebacks and "RLock(s) were not greened".


def create_app(config_class: type[Config] | Config | None = None) -> Flask:
    """Build the app: config → logging → receivers → extensions → blueprints → errors → cli."""
    from flask import Flask

    from jobhub import errors, inputs, logs, web
    from jobhub.cli import register_commands

    if config_class is None:
        config = load_config()
    elif isinstance(config_class, type):
        config = config_class()
    else:
        config = config_class

    app = Flask(__name__)
    app.config.from_object(config)
    logs.configure_logging(app.config["LOG_LEVEL"], json_lines=app.config["JSON_LOGS"])
    web.init_request_cycle(app)
    inputs.init_app(app)  # before any route: the bounded id converter, the JSON guard

    import jobhub.models  # the complete metadata, for migrations
    import jobhub.tasks  # noqa: F401  (every task registered, in web and worker alike)

    _connect_receivers()  # before socket.io binds its handlers
    _init_extensions(app)
    web.harden_socket_transport(app)
    web.trust_proxies(app)

    errors.register_error_handlers(app)
    register_commands(app)
    return app


def _init_extensions(app: Flask) -> None:
    """Every extension bound to the app, the blueprints registered on the API."""
    from jobhub import extensions, limits, security
    from jobhub.admin import init_admin
    from jobhub.apidocs import init_apidocs
    from jobhub.auth.services import is_token_revoked
    from jobhub.companies.api_keys import services as api_keys

    extensions.db.init_app(app)
    extensions.migrate.init_app(app, extensions.db, render_as_batch=True, compare_type=True)
    extensions.redis_store.init_app(app)
    extensions.limiter.init_app(app)
    limits.tolerate_header_failures(app)
    extensions.cors.init_app(
        app,
        resources={r"/api/*": {"origins": app.config["CORS_ORIGINS"]}},
        expose_headers=[
            "X-Request-ID",
            "X-Pagination",
            "X-Cache",
            "Retry-After",
            "X-RateLimit-Limit",
            "X-RateLimit-Remaining",
            "X-RateLimit-Reset",
        ],
    )
    security.init_jwt(app, find_user=_find_user, is_revoked=is_token_revoked)
    security.init_api_keys(app, find_key=api_keys.authenticate, on_use=api_keys.record_use)
    extensions.celery_init_app(app)
    extensions.api.init_app(app)
    extensions.api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    )
    extensions.api.spec.components.security_scheme("apiKeyAuth", API_KEY_SCHEME)
    for blueprint, url_prefix in _blueprints():
        extensions.api.register_blueprint(blueprint, url_prefix=url_prefix)
    init_apidocs(app)
    extensions.socketio_init_app(app)
    init_admin(app)


API_KEY_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "bearerFormat": "jh_<prefix>_<secret>",
    "description": "A company API key (POST /companies/{id}/api-keys), sent as "
    "`Authorization: Bearer jh_…`. It reaches only the operations that list this scheme, "
    "and of those only the ones whose scope (`x-api-key-scope`) the key holds; it acts for "
    "its own company only.",
}


def _find_user(user_id: int) -> Any:
    from jobhub.users.services import get_user

    return get_user(user_id=user_id)


# Signal receivers and socket.io handlers, imported (and so connected) in this order, which
# is the order blinker runs the receivers of one signal in: on ``account_deleted`` the
# resumes go first and the notifications last.
RECEIVERS = (
    # First: a deleted candidate's companies are told (candidate.erased) before the other
    # receivers withdraw and anonymise the applications.
    "jobhub.webhooks.receivers",
    "jobhub.resumes.receivers",
    "jobhub.applications.receivers",
    "jobhub.applications.interviews.receivers",
    "jobhub.auth.receivers",
    "jobhub.auth.identity.receivers",
    "jobhub.companies.receivers",
    "jobhub.jobs.receivers",
    "jobhub.jobs.saved_searches.receivers",
    "jobhub.notifications.receivers",
    "jobhub.notifications.views",
    "jobhub.matching.receivers",
    "jobhub.analytics.receivers",
    "jobhub.exports.receivers",
)


def _connect_receivers() -> None:
    """Every domain's receivers and the socket.io handlers (before socket.io binds them)."""
    for module in RECEIVERS:
        importlib.import_module(module)


def _blueprints() -> list:
    """Every domain's blueprint with its URL prefix."""
    from jobhub.analytics.views import blp as analytics
    from jobhub.applications.interviews.views import blp as interviews
    from jobhub.applications.views import blp as applications
    from jobhub.audit.views import blp as admin_audit
    from jobhub.auth.identity.views import blp as identity
    from jobhub.auth.views import blp as auth
    from jobhub.companies.api_keys.views import blp as api_keys
    from jobhub.companies.views import blp as companies
    from jobhub.exports.views import blp as exports
    from jobhub.health.views import blp as health
    from jobhub.imports.views import blp as imports
    from jobhub.jobs.moderation.views import blp as admin_jobs
    from jobhub.jobs.saved_searches.views import blp as saved_searches
    from jobhub.jobs.views import blp as jobs
    from jobhub.matching.views import blp as matching
    from jobhub.notifications.views import blp as notifications
    from jobhub.resumes.views import blp as resumes
    from jobhub.users.views import admin_blp as admin_users
    from jobhub.users.views import blp as users
    from jobhub.webhooks.views import blp as webhooks

    return [
        (health, "/"),
        (auth, "/api/v1/auth"),
        (identity, "/api/v1/auth"),
        (users, "/api/v1/users"),
        (notifications, "/api/v1/notifications"),
        (companies, "/api/v1/companies"),
        (api_keys, "/api/v1/companies"),
        (jobs, "/api/v1/jobs"),
        (admin_jobs, "/api/v1/admin"),
        (admin_audit, "/api/v1/admin"),
        (admin_users, "/api/v1/admin"),
        (saved_searches, "/api/v1/saved-searches"),
        (applications, "/api/v1"),
        (interviews, "/api/v1/interviews"),
        (resumes, "/api/v1/resumes"),
        # Paths under /resumes, /jobs and /matches (SPEC §5 matching; stats; skill gap).
        (matching, "/api/v1"),
        # /analytics/… and the public /companies/{id}/responsiveness (SPEC §9).
        (analytics, "/api/v1"),
        (exports, "/api/v1/exports"),
        (imports, "/api/v1/imports"),
        # /companies/{id}/webhooks, /webhooks/…, /webhook-deliveries/… (SPEC §11).
        (webhooks, "/api/v1"),
    ]
