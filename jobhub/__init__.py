"""JobHub: a job board and applicant tracking backend."""

from __future__ import annotations

from flask import Flask

from jobhub.config import Config, load_config


def create_app(config_class: type[Config] | Config | None = None) -> Flask:
    """Build the app: config → logging → extensions → blueprints → errors → cli."""
    from jobhub import errors, extensions, logs, security, web
    from jobhub.admin import init_admin
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

    import jobhub.models  # the complete metadata, for migrations
    import jobhub.tasks  # noqa: F401  (every task registered, in web and worker alike)

    blueprints = _import_blueprints()  # before socket.io binds its handlers

    extensions.db.init_app(app)
    extensions.migrate.init_app(app, extensions.db, render_as_batch=True, compare_type=True)
    extensions.redis_store.init_app(app)
    extensions.limiter.init_app(app)
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
    security.init_jwt(app)
    extensions.celery_init_app(app)
    extensions.api.init_app(app)
    extensions.api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    )
    for blueprint, url_prefix in blueprints:
        extensions.api.register_blueprint(blueprint, url_prefix=url_prefix)
    extensions.socketio_init_app(app)
    init_admin(app)
    web.trust_proxies(app)

    errors.register_error_handlers(app)
    register_commands(app)
    return app


def _import_blueprints() -> list:
    """Every domain's blueprint with its URL prefix; importing them registers their tasks."""
    from jobhub.analytics import receivers as _analytics_receivers  # noqa: F401  (cache drops)
    from jobhub.analytics.views import blp as analytics
    from jobhub.applications import receivers as _applications_receivers  # noqa: F401
    from jobhub.applications.views import blp as applications
    from jobhub.applications.views import interviews_blp as interviews
    from jobhub.auth.views import blp as auth
    from jobhub.companies.views import blp as companies
    from jobhub.health.views import blp as health
    from jobhub.jobs import receivers as _jobs_receivers  # noqa: F401  (account deletion)
    from jobhub.jobs.views import admin_blp as admin_jobs
    from jobhub.jobs.views import blp as jobs
    from jobhub.jobs.views import saved_searches_blp as saved_searches
    from jobhub.matching import receivers as _matching_receivers  # noqa: F401  (match scores)
    from jobhub.matching.views import blp as matching
    from jobhub.notifications.views import blp as notifications
    from jobhub.resumes.views import blp as resumes
    from jobhub.users.views import blp as users

    return [
        (health, "/"),
        (auth, "/api/v1/auth"),
        (users, "/api/v1/users"),
        (notifications, "/api/v1/notifications"),
        (companies, "/api/v1/companies"),
        (jobs, "/api/v1/jobs"),
        (admin_jobs, "/api/v1/admin"),
        (saved_searches, "/api/v1/saved-searches"),
        (applications, "/api/v1"),
        (interviews, "/api/v1/interviews"),
        (resumes, "/api/v1/resumes"),
        # Paths under /resumes, /jobs and /matches (SPEC §5 matching; stats; skill gap).
        (matching, "/api/v1"),
        # /analytics/… and the public /companies/{id}/responsiveness (SPEC §9).
        (analytics, "/api/v1"),
    ]
