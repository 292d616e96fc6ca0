"""Extensions, created unbound and initialised by create_app()."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

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

from jobhub.apidocs import contract
from jobhub.db import db, dispose_connections
from jobhub.errors import ErrorEnvelopeSchema
from jobhub.inputs import install_parsers

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

UNLIMITED_PATHS = ("/health", "/ready", "/metrics", "/api/openapi.json", "/api/docs", "/api/redoc")


class JobHubApi(Api):
    """flask-smorest's Api, documenting our error envelope instead of its own, the error
    responses every operation shares and ``X-Pagination`` as the string it is
    (jobhub/apidocs/contract.py)."""

    ERROR_SCHEMA = ErrorEnvelopeSchema

    def _init_spec(self, **kwargs: object) -> None:
        plugin = contract.ErrorResponsesPlugin(unlimited_paths=UNLIMITED_PATHS)
        super()._init_spec(extra_plugins=[plugin], **kwargs)
        self.ma_plugin.converter.add_attribute_function(contract.enum_choices2properties)
        self.ma_plugin.converter.add_attribute_function(contract.text_bounds2properties)

    def _register_responses(self) -> None:
        super()._register_responses()
        self.spec.components.response(
            contract.RATE_LIMITED,
            contract.error_response(**contract.RATE_LIMITED_DOC),
            lazy=True,
        )

    def _register_pagination_header(self) -> None:
        self.spec.components.header("PAGINATION", contract.PAGINATION_HEADER, lazy=True)


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


# Every view module imports this one (directly or through jobhub.security) before it is
# decorated, and flask-smorest binds its parser at decoration: install ours first.
install_parsers()
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


_DEFAULT_PORTS = {"http": 80, "https": 443}


def web_origin(url: str) -> str | None:
    """``scheme://host[:port]`` of a URL or an ``Origin`` header, as browsers write it
    (lower case, no default port, IPv6 in brackets); None when it is no web origin."""
    parts = urlsplit(url.strip())
    try:
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname
    if parts.scheme not in _DEFAULT_PORTS or not host:
        return None
    host = f"[{host}]" if ":" in host else host
    if port is None or port == _DEFAULT_PORTS[parts.scheme]:
        return f"{parts.scheme}://{host}"
    return f"{parts.scheme}://{host}:{port}"


class SocketOrigins:
    """The browser origins a socket.io connection may come from (engine.io asks per request).

    ``CORS_ORIGINS``, the origin of ``PUBLIC_BASE_URL`` (what browsers send behind a
    proxy) and the server's own: the scheme and ``Host`` of the request as the app sees
    them, after ``ProxyFix`` when ``PROXY_FIX_X_FOR`` trusts a proxy. A page on another
    site cannot make its browser send our ``Host`` with its own ``Origin``, so the own
    origin admits nothing cross-site. Clients that send no ``Origin`` (scripts, apps)
    are not asked; their token is checked like everyone's.
    """

    def __init__(self, configured: Iterable[str], *, public_base_url: str | None) -> None:
        configured = list(configured)
        self.any_origin = "*" in configured
        origins = {web_origin(url) for url in [*configured, public_base_url or ""]}
        self.allowed = frozenset(origin for origin in origins if origin)

    def __call__(self, origin: str | None, environ: Mapping[str, str] | None = None) -> bool:
        candidate = web_origin(origin or "")
        if candidate is None:
            return False
        if self.any_origin or candidate in self.allowed:
            return True
        return environ is not None and candidate == self.own_origin(environ)

    @staticmethod
    def own_origin(environ: Mapping[str, str]) -> str | None:
        host = environ.get("HTTP_HOST")
        if not host:
            return None
        return web_origin(f"{environ.get('wsgi.url_scheme', 'http')}://{host}")


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
        cors_allowed_origins=SocketOrigins(
            app.config["CORS_ORIGINS"], public_base_url=app.config.get("PUBLIC_BASE_URL")
        ),
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
