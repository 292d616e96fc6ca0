"""Configuration: the only module that reads the process environment.

A config object is built from a mapping (``os.environ`` by default), so tests can
hand in exactly the environment they mean. ``create_app`` accepts a config class
or an instance.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import dotenv_values

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"
ASYNC_MODES = ("eventlet", "gevent")
MAIL_BACKENDS = ("smtp", "console", "memory")
STORAGE_BACKENDS = ("local", "s3")
# Placeholders that must never reach production (they appear in docs and compose files).
KNOWN_DEFAULT_SECRETS = {"", "change-me", "changeme", "secret", "dev", "development"}
MIN_SECRET_LENGTH = 32
LOOPBACK_HOSTS = ("localhost", "127.0.0.1")


class ConfigError(RuntimeError):
    """The environment cannot run the app; the message names the variable."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc


def _list(value: str | None) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]


def _instance_secret(name: str) -> str:
    """A random secret generated once per instance folder, so restarts and workers agree."""
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / f".{name.lower()}"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


class Config:
    """Settings shared by every environment; subclasses change defaults and checks."""

    NAME = "base"
    DEBUG = False
    TESTING = False

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        env = dict(os.environ if environ is None else environ)
        self.environ = env
        self.JOBHUB_CONFIG = self.NAME
        self.SECRET_KEY = env.get("SECRET_KEY") or self.default_secret("SECRET_KEY")
        self.JWT_SECRET_KEY = env.get("JWT_SECRET_KEY") or self.default_secret("JWT_SECRET_KEY")
        # Rotation without logging anyone out: old keys still verify, the current one signs.
        self.SECRET_KEY_FALLBACKS = _list(env.get("SECRET_KEY_FALLBACKS"))
        self.JWT_PREVIOUS_SECRET_KEYS = _list(env.get("JWT_PREVIOUS_SECRET_KEYS"))
        for section in (
            self._database,
            self._redis_and_sockets,
            self._http,
            self._rate_limits,
            self._tokens,
            self._notifications,
            self._mail,
            self._storage,
            self._resumes,
            self._api_docs,
            self._jobs,
            self._webhooks,
            self._identity,
        ):
            section(env)
        self.CELERY = self.celery_settings(env)

    def _database(self, env: Mapping[str, str]) -> None:
        """The database URL and pool."""
        self.SQLALCHEMY_DATABASE_URI = env.get("DATABASE_URL") or self.default_database_url()
        self.SQLALCHEMY_ENGINE_OPTIONS = self.engine_options(env)
        self.SQLALCHEMY_RECORD_QUERIES = False

    def _redis_and_sockets(self, env: Mapping[str, str]) -> None:
        """Redis, and the async server with its socket.io queue."""
        # Redis: one URL for every shared store; unset means in-process equivalents.
        self.REDIS_URL = env.get("REDIS_URL") or None

        # Async server: one switch for gunicorn's worker class and socket.io's mode.
        self.JOBHUB_ASYNC_MODE = (env.get("JOBHUB_ASYNC_MODE") or "eventlet").lower()
        if self.JOBHUB_ASYNC_MODE not in ASYNC_MODES:
            raise ConfigError(
                f"JOBHUB_ASYNC_MODE must be one of {', '.join(ASYNC_MODES)}, "
                f"got {self.JOBHUB_ASYNC_MODE!r}"
            )
        self.SOCKETIO_MESSAGE_QUEUE = self.REDIS_URL
        # Redis pub/sub ignores the database number: deployments sharing a Redis need
        # their own channel.
        self.SOCKETIO_CHANNEL = env.get("SOCKETIO_CHANNEL") or "jobhub-socketio"
        self.SOCKETIO_PING_INTERVAL = _int(env, "SOCKETIO_PING_INTERVAL", 25)
        self.SOCKETIO_PING_TIMEOUT = _int(env, "SOCKETIO_PING_TIMEOUT", 20)
        # Abuse limits: open connections per user (every process), and client events.
        self.SOCKETIO_MAX_CONNECTIONS_PER_USER = _int(env, "SOCKETIO_MAX_CONNECTIONS_PER_USER", 10)
        self.SOCKETIO_EVENT_RATE = env.get("SOCKETIO_EVENT_RATE") or "30 per 10 seconds"

    def _http(self, env: Mapping[str, str]) -> None:
        """HTTP: CORS, proxies, HTTPS, body size, the admin cookie, logging."""
        self.CORS_ORIGINS = _list(env.get("CORS_ORIGINS"))
        self.PROXY_FIX_X_FOR = _int(env, "PROXY_FIX_X_FOR", 0)
        self.FORCE_HTTPS = _bool(env.get("FORCE_HTTPS"))
        self.MAX_CONTENT_LENGTH = _int(env, "MAX_CONTENT_LENGTH", 6 * 1024 * 1024)
        self.SESSION_COOKIE_SAMESITE = "Lax"  # the admin panel's session cookie
        self.SESSION_COOKIE_SECURE = self.FORCE_HTTPS
        # An admin panel sign-in lasts this long at most (sign-out, a password change or
        # deactivation end it sooner: it is a login session, checked on every request).
        self.ADMIN_SESSION_HOURS = _int(env, "ADMIN_SESSION_HOURS", 12)
        self.LOG_LEVEL = (env.get("LOG_LEVEL") or "INFO").upper()
        # GET /metrics: this bearer token, or loopback only (docs/metrics.md).
        self.METRICS_TOKEN = env.get("METRICS_TOKEN") or ""
        # prometheus_client reads the same variable itself, at import.
        self.PROMETHEUS_MULTIPROC_DIR = env.get("PROMETHEUS_MULTIPROC_DIR") or None
        self.JSON_LOGS = _bool(env.get("JSON_LOGS"), default=True)

    def _rate_limits(self, env: Mapping[str, str]) -> None:
        """Rate limits (Flask-Limiter reads the RATELIMIT_* keys)."""
        self.RATELIMIT_ENABLED = _bool(env.get("RATELIMIT_ENABLED"), default=True)
        self.RATELIMIT_STORAGE_URI = self.REDIS_URL or "memory://"
        self.RATELIMIT_DEFAULT = env.get("RATELIMIT_DEFAULT") or "300 per minute"
        self.RATELIMIT_HEADERS_ENABLED = True
        self.RATELIMIT_KEY_PREFIX = "jobhub-rl"
        self.RATELIMIT_STRATEGY = "fixed-window"
        # Account endpoints: each limit applies per client IP and, where the body names an
        # email, per normalised email too (jobhub/limits.py).
        self.RATELIMIT_LOGIN = env.get("RATELIMIT_LOGIN") or "5 per minute"
        self.RATELIMIT_REGISTER = env.get("RATELIMIT_REGISTER") or "10 per hour"
        self.RATELIMIT_PASSWORD_FORGOT = env.get("RATELIMIT_PASSWORD_FORGOT") or "5 per hour"
        self.RATELIMIT_ACCOUNT_SENSITIVE = env.get("RATELIMIT_ACCOUNT_SENSITIVE") or "20 per hour"
        # The second step of a two-factor login (and 2FA enable/disable): per IP and per user.
        self.RATELIMIT_MFA = env.get("RATELIMIT_MFA") or "5 per minute"

    def _tokens(self, env: Mapping[str, str]) -> None:
        """JWTs, password hashing and the mailed single-use tokens."""
        self.JWT_ALGORITHM = "HS256"
        self.JWT_DECODE_ALGORITHMS = ["HS256"]
        self.JWT_TOKEN_LOCATION = ["headers"]
        self.JWT_ACCESS_TOKEN_EXPIRES = timedelta(minutes=_int(env, "JWT_ACCESS_TOKEN_MINUTES", 15))
        self.JWT_REFRESH_TOKEN_EXPIRES = timedelta(days=_int(env, "JWT_REFRESH_TOKEN_DAYS", 14))
        # How long Redis may vouch for a session the database confirmed live (revocation).
        self.REVOCATION_CONFIRM_SECONDS = _int(env, "REVOCATION_CONFIRM_SECONDS", 300)
        self.JWT_ENCODE_ISSUER = self.JWT_DECODE_ISSUER = env.get("JWT_ISSUER") or "jobhub"
        self.JWT_ENCODE_AUDIENCE = self.JWT_DECODE_AUDIENCE = (
            env.get("JWT_AUDIENCE") or "jobhub-api"
        )
        # Argon2id, OWASP's minimum: 19 MiB, 2 iterations, 1 lane.
        self.PASSWORD_HASH_MEMORY_KIB = 19 * 1024
        self.PASSWORD_HASH_TIME_COST = 2
        # Single-use tokens mailed for password reset and email verification.
        self.PASSWORD_RESET_TOKEN_MINUTES = _int(env, "PASSWORD_RESET_TOKEN_MINUTES", 30)
        self.EMAIL_VERIFICATION_TOKEN_HOURS = _int(env, "EMAIL_VERIFICATION_TOKEN_HOURS", 48)
        # Two-factor sign-in (TOTP): the mfa_token between the password and the code, the
        # issuer shown in authenticator apps, and whether admins must use a second factor.
        self.MFA_TOKEN_MINUTES = _int(env, "MFA_TOKEN_MINUTES", 5)
        self.MFA_ISSUER = env.get("MFA_ISSUER") or "JobHub"
        self.ADMIN_REQUIRE_2FA = _bool(env.get("ADMIN_REQUIRE_2FA"))
        # Seconds since the epoch for TOTP; tests hand in a fixed clock.
        self.TOTP_CLOCK = time.time

    def _notifications(self, env: Mapping[str, str]) -> None:
        """Notifications: read ones older than this are deleted by a daily task."""
        self.NOTIFICATION_RETENTION_DAYS = _int(env, "NOTIFICATION_RETENTION_DAYS", 180)
        # Exports: files are kept this long, then the beat task deletes them (410 after).
        self.EXPORT_RETENTION_HOURS = _int(env, "EXPORT_RETENTION_HOURS", 72)
        # Rows read per round trip (and per progress step) by the export task.
        self.EXPORT_BATCH_SIZE = max(1, _int(env, "EXPORT_BATCH_SIZE", 2000))
        # PostgreSQL builds the applications' CSV and JSON lines cells itself and streams
        # them with COPY (jobhub.exports.cells); off: every cell goes through Python.
        self.EXPORT_PG_COPY = _bool(env.get("EXPORT_PG_COPY"), True)
        self.IMPORT_PROGRESS_ROWS = max(1, _int(env, "IMPORT_PROGRESS_ROWS", 5000))
        # PostgreSQL: imports lock the rows they reference once and skip the per-row
        # foreign-key checks, when the role may (jobhub.staging.references_held).
        self.IMPORT_TRUSTED_REFERENCES = _bool(env.get("IMPORT_TRUSTED_REFERENCES"), default=True)
        if self.EXPORT_RETENTION_HOURS < 1:
            raise ConfigError("EXPORT_RETENTION_HOURS must be at least 1")
        # Accounts idle this many days are erased after a warning mail 30 days before;
        # 0 (the default) turns the policy off.
        self.ACCOUNT_INACTIVE_DAYS = _int(env, "ACCOUNT_INACTIVE_DAYS", 0)
        if self.ACCOUNT_INACTIVE_DAYS and self.ACCOUNT_INACTIVE_DAYS <= 30:
            raise ConfigError("ACCOUNT_INACTIVE_DAYS must be 0 (off) or more than 30")

    def _mail(self, env: Mapping[str, str]) -> None:
        """Mail: the backend and SMTP."""
        self.MAIL_BACKEND = (env.get("MAIL_BACKEND") or "console").lower()
        if self.MAIL_BACKEND not in MAIL_BACKENDS:
            raise ConfigError(
                f"MAIL_BACKEND must be one of {', '.join(MAIL_BACKENDS)}, got {self.MAIL_BACKEND!r}"
            )
        self.MAIL_SERVER = env.get("MAIL_SERVER") or "localhost"
        self.MAIL_PORT = _int(env, "MAIL_PORT", 25)
        self.MAIL_USE_TLS = _bool(env.get("MAIL_USE_TLS"))
        self.MAIL_USERNAME = env.get("MAIL_USERNAME") or None
        self.MAIL_PASSWORD = env.get("MAIL_PASSWORD") or None
        self.MAIL_DEFAULT_SENDER = (
            env.get("MAIL_DEFAULT_SENDER") or "JobHub <no-reply@jobhub.local>"
        )
        self.MAIL_TIMEOUT = _int(env, "MAIL_TIMEOUT", 10)
        self._public_address(env)

    def _public_address(self, env: Mapping[str, str]) -> None:
        """Where users reach the app: every absolute link (mails, invites) is built from
        PUBLIC_BASE_URL, never from a request's Host; TRUSTED_HOSTS (plus that URL's host)
        are the only Host / X-Forwarded-Host values answered (others get a 400)."""
        port = _int(env, "PORT", 5000)
        self.PUBLIC_BASE_URL = env.get("PUBLIC_BASE_URL") or self.default_public_base_url(port)
        public = urlsplit(self.PUBLIC_BASE_URL)
        if public.scheme not in ("http", "https") or not public.hostname:
            raise ConfigError(
                f"PUBLIC_BASE_URL must be an http(s) URL such as https://jobs.example.com, "
                f"got {self.PUBLIC_BASE_URL!r}"
            )
        trusted = _list(env.get("TRUSTED_HOSTS"))
        if trusted or self.require_trusted_hosts():
            # Loopback stays answerable: health checks and the image's HEALTHCHECK use it.
            trusted += [public.hostname, *LOOPBACK_HOSTS]
        # Flask refuses any other Host (400, before routing: no redirect can name it).
        self.TRUSTED_HOSTS = list(dict.fromkeys(trusted)) or None

    def _storage(self, env: Mapping[str, str]) -> None:
        """File storage: local directory or an S3-compatible bucket."""
        self.STORAGE_BACKEND = (env.get("STORAGE_BACKEND") or "local").lower()
        self.UPLOAD_DIR = env.get("UPLOAD_DIR") or str(INSTANCE_DIR / "uploads")
        self.S3_BUCKET = env.get("S3_BUCKET") or None
        self.S3_ENDPOINT_URL = env.get("S3_ENDPOINT_URL") or None
        if self.STORAGE_BACKEND not in STORAGE_BACKENDS:
            raise ConfigError(
                f"STORAGE_BACKEND must be one of {', '.join(STORAGE_BACKENDS)}, "
                f"got {self.STORAGE_BACKEND!r}"
            )
        if self.STORAGE_BACKEND == "s3" and not self.S3_BUCKET:
            raise ConfigError("S3_BUCKET must be set when STORAGE_BACKEND is s3")
        # An S3-compatible server at its own address (MinIO, Ceph) wants path-style URLs.
        self.S3_ADDRESSING_STYLE = (
            env.get("S3_ADDRESSING_STYLE") or ("path" if self.S3_ENDPOINT_URL else "auto")
        ).lower()
        self.S3_KEY_PREFIX = env.get("S3_KEY_PREFIX") or ""
        # Passed to boto3 explicitly; unset means boto3's own chain (instance or task role).
        self.AWS_ACCESS_KEY_ID = env.get("AWS_ACCESS_KEY_ID") or None
        self.AWS_SECRET_ACCESS_KEY = env.get("AWS_SECRET_ACCESS_KEY") or None
        self.AWS_SESSION_TOKEN = env.get("AWS_SESSION_TOKEN") or None
        self.AWS_REGION = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1"

        # Backups (`flask backup`): where they are written, and pg_dump / pg_restore.
        self.BACKUP_DIR = env.get("BACKUP_DIR") or str(INSTANCE_DIR / "backups")
        self.PG_BIN_DIR = env.get("PG_BIN_DIR") or None

    def _resumes(self, env: Mapping[str, str]) -> None:
        """Resumes: size, quota and the analysis queue."""
        self.RESUME_MAX_BYTES = _int(env, "RESUME_MAX_BYTES", 5 * 1024 * 1024)
        self.RESUME_QUOTA = _int(env, "RESUME_QUOTA", 20)
        # A resume pending or processing longer than this is re-queued by the beat sweeper;
        # keep it above CELERY_TASK_TIME_LIMIT, or a running analysis is taken over.
        self.RESUME_ANALYSIS_TIMEOUT = _int(env, "RESUME_ANALYSIS_TIMEOUT", 900)
        self.RESUME_ANALYSIS_MAX_ATTEMPTS = _int(env, "RESUME_ANALYSIS_MAX_ATTEMPTS", 3)

    def _api_docs(self, env: Mapping[str, str]) -> None:
        """API docs (flask-smorest)."""
        self.API_TITLE = "JobHub API"
        self.API_VERSION = "v1"
        self.OPENAPI_VERSION = "3.0.3"
        self.OPENAPI_URL_PREFIX = "/api"
        self.OPENAPI_JSON_PATH = "openapi.json"
        self.OPENAPI_SWAGGER_UI_PATH = "docs"
        # The app's own copies (jobhub/apidocs serves them under /api/docs/assets).
        self.OPENAPI_SWAGGER_UI_URL = "/api/docs/assets/swagger-ui/"
        self.OPENAPI_REDOC_PATH = "redoc"
        self.OPENAPI_REDOC_URL = "/api/docs/assets/redoc/redoc.standalone.js"
        self.API_SPEC_OPTIONS = {
            "info": {
                "description": (
                    "Job board and applicant tracking API. Errors share one envelope: "
                    "`code`, `status`, `error`, `message`, `errors`, `request_id`.\n\n"
                    "Bad input is a 4xx on every operation: a path id past 2^31-1 is 404; "
                    "integers outside the 32-bit range, datetimes outside 1900-2999, NUL and "
                    "other control characters (in any JSON string or query string) and line "
                    "breaks in single-line fields are 422 `validation_error`; JSON nested "
                    "over 32 levels, number literals over 40 characters, NaN and lone "
                    "surrogates are 400 `bad_request`; a non-JSON body on a JSON operation "
                    "is 415 `unsupported_media_type`; a query string over 4096 bytes or an "
                    "untrusted Host is 400. Validation errors list at most 20 fields per "
                    "location (then `_more`)."
                )
            },
        }

    def _jobs(self, env: Mapping[str, str]) -> None:
        """Jobs: anonymous search results cached in Redis (0 turns it off); default lifetime."""
        self.SEARCH_CACHE_SECONDS = _int(env, "SEARCH_CACHE_SECONDS", 30)
        self.JOB_DEFAULT_LIFETIME_DAYS = _int(env, "JOB_DEFAULT_LIFETIME_DAYS", 60)
        # Analytics answers: cached (Redis, or in process without it); 0 turns it off.
        self.ANALYTICS_CACHE_SECONDS = _int(env, "ANALYTICS_CACHE_SECONDS", 300)

    def _webhooks(self, env: Mapping[str, str]) -> None:
        """Webhooks (SPEC §11): private targets, https, the attempt timeout, the clock."""
        # Development only: lets endpoints on loopback and private networks be registered.
        self.WEBHOOKS_ALLOW_PRIVATE = _bool(env.get("WEBHOOKS_ALLOW_PRIVATE"))
        # https only in production; elsewhere WEBHOOKS_REQUIRE_HTTPS=true asks for it.
        self.WEBHOOKS_REQUIRE_HTTPS = self.NAME == "production" or _bool(
            env.get("WEBHOOKS_REQUIRE_HTTPS")
        )
        self.WEBHOOKS_TIMEOUT_SECONDS = float(env.get("WEBHOOKS_TIMEOUT_SECONDS") or 15)
        # How long an attempt holds its delivery: a worker lost mid-attempt (killed, OOM)
        # leaves it to be sent again (same webhook-id) once the lease lapses. Longer than
        # the timeout, so that an attempt still running is never sent twice.
        lease = env.get("WEBHOOKS_LEASE_SECONDS")
        self.WEBHOOKS_LEASE_SECONDS = (
            float(lease) if lease else self.WEBHOOKS_TIMEOUT_SECONDS * 2 + 30
        )
        if self.WEBHOOKS_LEASE_SECONDS <= self.WEBHOOKS_TIMEOUT_SECONDS:
            raise ConfigError("WEBHOOKS_LEASE_SECONDS must be longer than WEBHOOKS_TIMEOUT_SECONDS")
        self.WEBHOOKS_RETENTION_DAYS = _int(env, "WEBHOOKS_RETENTION_DAYS", 30)
        # When deliveries are due and endpoints fail; tests hand in a movable clock.
        self.WEBHOOKS_CLOCK = lambda: datetime.now(UTC)

    def _identity(self, env: Mapping[str, str]) -> None:
        """External identity providers (OIDC) for POST /auth/token-exchange."""
        self.OIDC_PROVIDERS = {
            name: _oidc_provider(env, name) for name in _list(env.get("OIDC_PROVIDERS"))
        }
        # A valid token of an unknown email creates an account unless this is false.
        self.OIDC_SIGNUP = _bool(env.get("OIDC_SIGNUP"), default=True)
        self.OIDC_LEEWAY_SECONDS = 60  # exp, nbf and iat
        # JWKS (and discovery) documents: kept for their Cache-Control max-age, else this;
        # a kid not in the cached set refetches it at most once per OIDC_JWKS_REFETCH_SECONDS.
        self.OIDC_JWKS_CACHE_SECONDS = _int(env, "OIDC_JWKS_CACHE_SECONDS", 3600)
        self.OIDC_JWKS_REFETCH_SECONDS = _int(env, "OIDC_JWKS_REFETCH_SECONDS", 60)
        self.OIDC_HTTP_TIMEOUT = _int(env, "OIDC_HTTP_TIMEOUT", 5)
        # Seconds (monotonic) for the JWKS cache; tests hand in a clock they advance.
        self.OIDC_CLOCK = time.monotonic

    # -- defaults that subclasses override ------------------------------------------

    def default_secret(self, name: str) -> str:
        return _instance_secret(name)

    def default_public_base_url(self, port: int) -> str:
        return f"http://127.0.0.1:{port}"

    def require_trusted_hosts(self) -> bool:
        """Whether the Host is checked without TRUSTED_HOSTS set (production: always)."""
        return False

    def default_database_url(self) -> str:
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{INSTANCE_DIR / 'jobhub.db'}"

    def engine_options(self, env: Mapping[str, str]) -> dict:
        url = env.get("DATABASE_URL") or ""
        if not url or url.startswith("sqlite"):
            return {}
        return {
            "pool_size": _int(env, "DB_POOL_SIZE", 5),
            "max_overflow": _int(env, "DB_MAX_OVERFLOW", 10),
            "pool_pre_ping": True,
            "pool_recycle": 1800,
            # A database host that does not answer fails the request in seconds (503),
            # not after the kernel's TCP timeout.
            "connect_args": {
                "connect_timeout": _int(env, "DB_CONNECT_TIMEOUT", 5),
                # psycopg prepares a statement run five times, and PostgreSQL then settles
                # on a generic plan blind to the values: a search took 65 ms instead of
                # 6 ms. Every statement is planned for its own values (set once per
                # connection, not per request).
                "options": "-c plan_cache_mode=force_custom_plan",
            },
        }

    def celery_settings(self, env: Mapping[str, str]) -> dict:
        # Here, not at the top: gunicorn.conf.py imports this module before the worker
        # monkey-patches, and the schedule imports Celery.
        from jobhub.beat import BEAT_SCHEDULE

        eager = not (self.REDIS_URL or env.get("CELERY_BROKER_URL"))
        hard_limit = _int(env, "CELERY_TASK_TIME_LIMIT", 600)
        return {
            # CELERY_BROKER_URL: another broker (RabbitMQ: amqp://user:pass@host:5672//).
            "broker_url": env.get("CELERY_BROKER_URL") or self.REDIS_URL or "memory://",
            "result_backend": self.REDIS_URL,
            "task_always_eager": eager,
            "task_default_queue": env.get("CELERY_DEFAULT_QUEUE") or "celery",
            "task_eager_propagates": self.TESTING,
            "task_serializer": "json",
            "result_serializer": "json",
            "accept_content": ["json"],
            "task_ignore_result": True,
            "result_expires": 3600,
            # Lose no work: acknowledge after the task ran, requeue if the worker dies.
            "task_acks_late": True,
            "task_reject_on_worker_lost": True,
            "worker_prefetch_multiplier": 1,
            "task_soft_time_limit": hard_limit - 30,
            "task_time_limit": hard_limit,
            # Above the hard limit, or Redis redelivers a task that is still running.
            "broker_transport_options": {"visibility_timeout": hard_limit * 3},
            "broker_connection_retry_on_startup": True,
            "worker_hijack_root_logger": False,
            "timezone": "UTC",
            "beat_schedule": BEAT_SCHEDULE,
        }


def _http_url(name: str, value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{name} must be an http(s) URL, got {value!r}")
    return value


def _oidc_provider(env: Mapping[str, str], name: str) -> dict:
    """One provider of OIDC_PROVIDERS from its OIDC_<NAME>_* variables."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9_]{0,31}", name):
        raise ConfigError(f"OIDC_PROVIDERS: {name!r} is not a provider name (a-z, 0-9, _)")
    prefix = f"OIDC_{name.upper()}_"
    issuer = env.get(prefix + "ISSUER") or ""
    audiences = _list(env.get(prefix + "AUDIENCE"))
    if not issuer or not audiences:
        raise ConfigError(f"{prefix}ISSUER and {prefix}AUDIENCE must be set for {name!r}")
    jwks_url = env.get(prefix + "JWKS_URL") or None
    return {
        "name": name,
        "issuer": _http_url(prefix + "ISSUER", issuer),
        "audiences": tuple(audiences),
        "jwks_url": _http_url(prefix + "JWKS_URL", jwks_url) if jwks_url else None,
        "authorized_parties": tuple(_list(env.get(prefix + "AUTHORIZED_PARTIES"))),
    }


class DevelopmentConfig(Config):
    NAME = "development"


class TestingConfig(Config):
    """Tests hand in their own mapping, so nothing leaks in from the developer's shell."""

    NAME = "testing"
    TESTING = True
    __test__ = False  # not a pytest test class, despite its name

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        super().__init__({} if environ is None else environ)
        # Hashing at OWASP cost in every test would dominate the suite's run time.
        self.PASSWORD_HASH_MEMORY_KIB = 1024
        self.PASSWORD_HASH_TIME_COST = 1
        self.MAIL_BACKEND = self.environ.get("MAIL_BACKEND") or "memory"
        self.JSON_LOGS = False
        # Files a test stores stay out of the project's instance folder.
        self.UPLOAD_DIR = self.environ.get("UPLOAD_DIR") or str(
            Path(tempfile.gettempdir()) / "jobhub-test-uploads"
        )

    def default_secret(self, name: str) -> str:
        return f"testing-{name.lower()}-not-a-secret-0123456789abcdef"

    def default_database_url(self) -> str:
        return "sqlite://"


class ProductionConfig(Config):
    NAME = "production"

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        super().__init__(environ)
        for name in ("SECRET_KEY", "JWT_SECRET_KEY"):
            _check_secret(name, self.environ.get(name, ""))
        for name in ("SECRET_KEY_FALLBACKS", "JWT_PREVIOUS_SECRET_KEYS"):
            for value in getattr(self, name):
                _check_secret(name, value)
        if not self.environ.get("DATABASE_URL"):
            raise ConfigError("DATABASE_URL must be set in production")
        if not self.REDIS_URL:
            raise ConfigError("REDIS_URL must be set in production")

    def default_secret(self, name: str) -> str:
        return ""

    def default_public_base_url(self, port: int) -> str:
        raise ConfigError(
            "PUBLIC_BASE_URL must be set in production: the address users reach the app at "
            "(e.g. https://jobs.example.com); links in mails and redirects are built from it"
        )

    def require_trusted_hosts(self) -> bool:
        return True


def _check_secret(name: str, value: str) -> None:
    if value.strip().lower() in KNOWN_DEFAULT_SECRETS:
        raise ConfigError(f"{name} must be set to a random secret in production")
    if len(value) < MIN_SECRET_LENGTH:
        raise ConfigError(f"{name} must be at least {MIN_SECRET_LENGTH} characters in production")


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def load_config(environ: Mapping[str, str] | None = None) -> Config:
    """Build the config named by ``JOBHUB_CONFIG``, reading ``.env`` outside production."""
    env = dict(os.environ if environ is None else environ)
    name = (env.get("JOBHUB_CONFIG") or "development").lower()
    if name not in CONFIGS:
        raise ConfigError(f"JOBHUB_CONFIG must be one of {', '.join(CONFIGS)}, got {name!r}")
    if name == "development" and environ is None:
        dotenv_file = PROJECT_ROOT / ".env"
        if dotenv_file.exists():
            env = {**{k: v for k, v in dotenv_values(dotenv_file).items() if v}, **env}
    return CONFIGS[name](env)


@dataclass(frozen=True)
class ServerSettings:
    """What gunicorn.conf.py needs, derived from the same environment."""

    bind: str
    workers: int
    worker_class: str
    worker_connections: int
    timeout: int
    async_mode: str
    metrics_dir: str | None = None
    reuse_port: bool = True


def server_settings(environ: Mapping[str, str] | None = None) -> ServerSettings:
    """Gunicorn settings; also prepares the process for the chosen async worker."""
    env = os.environ if environ is None else environ
    mode = (env.get("JOBHUB_ASYNC_MODE") or "eventlet").lower()
    if mode not in ASYNC_MODES:
        raise ConfigError(f"JOBHUB_ASYNC_MODE must be one of {', '.join(ASYNC_MODES)}")
    if mode == "eventlet" and environ is None:
        # psycopg 3 detects gevent's patching but not eventlet's; without this it blocks
        # the whole worker on every query (STACK-NOTES trap 2). Read when psycopg imports.
        os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")
    host = env.get("HOST") or "127.0.0.1"
    return ServerSettings(
        bind=f"{host}:{_int(env, 'PORT', 5000)}",
        workers=_int(env, "WEB_CONCURRENCY", 1),
        worker_class=mode,
        worker_connections=_int(env, "WORKER_CONNECTIONS", 4000),
        timeout=_int(env, "GUNICORN_TIMEOUT", 60),
        async_mode=mode,
        metrics_dir=env.get("PROMETHEUS_MULTIPROC_DIR") or None,
        reuse_port=_bool(env.get("GUNICORN_REUSE_PORT"), True),
    )
