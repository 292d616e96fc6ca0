"""Extensions, created unbound and initialised by create_app()."""

from __future__ import annotations

import sys

import redis
from celery import Celery, Task
from celery.signals import worker_process_init
from flask import Flask, current_app, request
from flask_cors import CORS
from flask_jwt_extended import JWTManager
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_smorest import Api
from flask_socketio import SocketIO

from jobhub.db import db, dispose_connections
from jobhub.errors import ErrorEnvelopeSchema

__all__ = [
    "api",
    "celery_init_app",
    "cors",
    "db",
    "jwt",
    "limiter",
    "migrate",
    "redis_store",
    "socketio",
]

UNLIMITED_PATHS = ("/health", "/ready", "/api/openapi.json", "/api/docs", "/api/redoc")


class JobHubApi(Api):
    """flask-smorest's Api, documenting our error envelope instead of its own."""

    ERROR_SCHEMA = ErrorEnvelopeSchema


class RedisStore:
    """One Redis client per app, or None in the embedded default (no REDIS_URL)."""

    def init_app(self, app: Flask) -> None:
        url = app.config.get("REDIS_URL")
        client = None
        if url:
            client = redis.Redis.from_url(
                url, socket_timeout=2, socket_connect_timeout=2, health_check_interval=30
            )
        app.extensions["redis"] = client

    @staticmethod
    def client(app: Flask) -> redis.Redis | None:
        return app.extensions.get("redis")


def _exempt_from_default_limits() -> bool:
    return request.path.startswith(UNLIMITED_PATHS)


def _default_limit() -> str:
    # Read per request: the Limiter object outlives any one app (tests build many), and it
    # would otherwise keep the first app's RATELIMIT_DEFAULT for good.
    return current_app.config["RATELIMIT_DEFAULT"]


api = JobHubApi()
migrate = Migrate()
jwt = JWTManager()
cors = CORS()
limiter = Limiter(
    key_func=get_remote_address,
    default_limits=[_default_limit],
    default_limits_exempt_when=_exempt_from_default_limits,
)
socketio = SocketIO()
redis_store = RedisStore()


def resolve_async_mode(configured: str) -> str:
    """The socket.io async mode for this process.

    Only a process whose sockets the configured library patched (gunicorn's eventlet or
    gevent worker) can serve in that mode; Celery workers, the CLI and tests are plain
    threads and use ``threading``, which can still emit through the message queue.
    Flask-SocketIO would otherwise pick eventlet merely because it is installed.
    """
    if configured == "eventlet" and "eventlet" in sys.modules:
        from eventlet.patcher import is_monkey_patched

        if is_monkey_patched("socket"):
            return "eventlet"
    if configured == "gevent" and "gevent" in sys.modules:
        from gevent.monkey import is_module_patched

        if is_module_patched("socket"):
            return "gevent"
    return "threading"


def socketio_init_app(app: Flask) -> None:
    """Bind socket.io: after every handler is registered (STACK-NOTES trap 4)."""
    # Flask-SocketIO keeps options across init_app calls: an app without a queue built
    # after one with Redis (as in tests) would otherwise inherit that app's manager.
    socketio.server_options.pop("client_manager", None)
    socketio.init_app(
        app,
        async_mode=resolve_async_mode(app.config["JOBHUB_ASYNC_MODE"]),
        message_queue=app.config["SOCKETIO_MESSAGE_QUEUE"],
        channel=app.config["SOCKETIO_CHANNEL"],
        cors_allowed_origins=app.config["CORS_ORIGINS"] or [],
        ping_interval=app.config["SOCKETIO_PING_INTERVAL"],
        ping_timeout=app.config["SOCKETIO_PING_TIMEOUT"],
        logger=False,
        engineio_logger=False,
    )


def celery_init_app(app: Flask) -> Celery:
    """Flask's own Celery pattern: every task runs inside an app context."""

    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.set_default()
    celery_app.flask_app = app
    app.extensions["celery"] = celery_app
    return celery_app


@worker_process_init.connect
def _fresh_pool_in_worker_process(**_: object) -> None:
    """A prefork child must not reuse the parent's pooled connections."""
    from celery import current_app as current_celery

    flask_app = getattr(current_celery, "flask_app", None)
    if flask_app is not None:
        dispose_connections(flask_app)
