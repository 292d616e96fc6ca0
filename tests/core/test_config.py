"""Configuration: the embedded default, production's refusals, the async switch."""

from __future__ import annotations

import pytest

from jobhub import create_app
from jobhub.config import (
    ConfigError,
    DevelopmentConfig,
    ProductionConfig,
    load_config,
    server_settings,
)

GOOD_SECRET = "x" * 48
PRODUCTION = {
    "JOBHUB_CONFIG": "production",
    "SECRET_KEY": GOOD_SECRET,
    "JWT_SECRET_KEY": GOOD_SECRET + "y",
    "DATABASE_URL": "postgresql+psycopg://u@db/jobhub",
    "REDIS_URL": "redis://redis:6379/0",
    "PUBLIC_BASE_URL": "https://jobs.example.com",
}


def test_embedded_default_needs_no_servers():
    config = DevelopmentConfig({})
    assert config.SQLALCHEMY_DATABASE_URI.startswith("sqlite:///")
    assert config.SQLALCHEMY_DATABASE_URI.endswith("instance/jobhub.db")
    assert config.CELERY["task_always_eager"] is True
    assert config.RATELIMIT_STORAGE_URI == "memory://"
    assert config.SOCKETIO_MESSAGE_QUEUE is None
    assert config.JOBHUB_ASYNC_MODE == "eventlet"
    assert len(config.SECRET_KEY) >= 32 and config.SECRET_KEY != config.JWT_SECRET_KEY
    # Generated once per instance, so restarts and several workers agree.
    assert DevelopmentConfig({}).SECRET_KEY == config.SECRET_KEY


def test_redis_url_feeds_every_shared_store():
    config = DevelopmentConfig({"REDIS_URL": "redis://r:6379/2"})
    assert config.CELERY["broker_url"] == "redis://r:6379/2"
    assert config.CELERY["result_backend"] == "redis://r:6379/2"
    assert config.CELERY["task_always_eager"] is False
    assert config.RATELIMIT_STORAGE_URI == "redis://r:6379/2"
    assert config.SOCKETIO_MESSAGE_QUEUE == "redis://r:6379/2"


def test_celery_loses_no_work():
    celery = DevelopmentConfig({"REDIS_URL": "redis://r:6379/2"}).CELERY
    assert celery["task_serializer"] == "json" and celery["accept_content"] == ["json"]
    assert celery["task_acks_late"] is True
    assert celery["task_reject_on_worker_lost"] is True
    assert celery["worker_prefetch_multiplier"] == 1
    assert celery["task_soft_time_limit"] < celery["task_time_limit"]
    assert celery["broker_transport_options"]["visibility_timeout"] > celery["task_time_limit"]


def test_pool_settings_come_from_the_environment():
    config = DevelopmentConfig(
        {"DATABASE_URL": "postgresql+psycopg://u@h/d", "DB_POOL_SIZE": "7", "DB_MAX_OVERFLOW": "3"}
    )
    assert config.SQLALCHEMY_ENGINE_OPTIONS["pool_size"] == 7
    assert config.SQLALCHEMY_ENGINE_OPTIONS["max_overflow"] == 3
    assert config.SQLALCHEMY_ENGINE_OPTIONS["pool_pre_ping"] is True
    connect_args = config.SQLALCHEMY_ENGINE_OPTIONS["connect_args"]
    assert connect_args["connect_timeout"] == 5
    assert connect_args["options"] == "-c plan_cache_mode=force_custom_plan"


def test_production_accepts_a_complete_environment():
    config = load_config(PRODUCTION)
    assert isinstance(config, ProductionConfig)
    assert PRODUCTION["DATABASE_URL"] == config.SQLALCHEMY_DATABASE_URI


@pytest.mark.parametrize("variable", ["SECRET_KEY", "JWT_SECRET_KEY"])
@pytest.mark.parametrize("value", [None, "", "change-me", "short-but-random"])
def test_production_refuses_missing_or_default_secrets(variable, value):
    env = dict(PRODUCTION)
    if value is None:
        env.pop(variable)
    else:
        env[variable] = value
    with pytest.raises(ConfigError, match=variable):
        load_config(env)


@pytest.mark.parametrize("variable", ["DATABASE_URL", "REDIS_URL", "PUBLIC_BASE_URL"])
def test_production_requires_its_servers(variable):
    env = {key: value for key, value in PRODUCTION.items() if key != variable}
    with pytest.raises(ConfigError, match=variable):
        load_config(env)


def test_production_refusal_stops_the_app_factory():
    env = {key: value for key, value in PRODUCTION.items() if key != "SECRET_KEY"}
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app(ProductionConfig(env))


def test_unknown_config_name_is_refused():
    with pytest.raises(ConfigError, match="JOBHUB_CONFIG"):
        load_config({"JOBHUB_CONFIG": "staging"})


def test_async_mode_picks_worker_class():
    assert server_settings({}).worker_class == "eventlet"
    everywhere = "0.0.0.0"  # noqa: S104  (what the Docker image binds)
    gevent = server_settings({"JOBHUB_ASYNC_MODE": "gevent", "PORT": "8123", "HOST": everywhere})
    assert gevent.worker_class == "gevent" and gevent.bind == "0.0.0.0:8123"
    with pytest.raises(ConfigError, match="JOBHUB_ASYNC_MODE"):
        server_settings({"JOBHUB_ASYNC_MODE": "tornado"})
    with pytest.raises(ConfigError, match="JOBHUB_ASYNC_MODE"):
        DevelopmentConfig({"JOBHUB_ASYNC_MODE": "tornado"})


def test_in_process_socketio_uses_threads_even_with_eventlet_configured(app):
    from jobhub.extensions import socketio

    assert app.config["JOBHUB_ASYNC_MODE"] == "eventlet"
    assert socketio.server.async_mode == "threading"


@pytest.mark.parametrize("variable", ["SECRET_KEY_FALLBACKS", "JWT_PREVIOUS_SECRET_KEYS"])
def test_production_checks_the_previous_keys_too(variable):
    accepted = load_config({**PRODUCTION, variable: f"{GOOD_SECRET}a, {GOOD_SECRET}b"})
    assert getattr(accepted, variable) == [f"{GOOD_SECRET}a", f"{GOOD_SECRET}b"]
    with pytest.raises(ConfigError, match=variable):
        load_config({**PRODUCTION, variable: f"{GOOD_SECRET}a,short-but-random"})


def test_production_trusts_only_its_public_host_and_loopback():
    assert load_config(PRODUCTION).TRUSTED_HOSTS == ["jobs.example.com", "localhost", "127.0.0.1"]
    env = {**PRODUCTION, "TRUSTED_HOSTS": "api.example.com, .example.org"}
    trusted = load_config(env).TRUSTED_HOSTS
    assert trusted[:3] == ["api.example.com", ".example.org", "jobs.example.com"]


@pytest.mark.parametrize("url", ["jobs.example.com", "ftp://jobs.example.com", "https://"])
def test_public_base_url_must_be_an_http_url(url):
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL"):
        load_config({**PRODUCTION, "PUBLIC_BASE_URL": url})


def test_development_links_follow_port_and_any_host_is_answered():
    config = DevelopmentConfig({"PORT": "8123"})
    assert config.PUBLIC_BASE_URL == "http://127.0.0.1:8123"
    assert config.TRUSTED_HOSTS is None


def test_the_webhook_lease_outlasts_the_attempt_timeout():
    assert load_config({}).WEBHOOKS_LEASE_SECONDS == 60  # twice the 15 s timeout + 30 s
    tuned = load_config({"WEBHOOKS_TIMEOUT_SECONDS": "5", "WEBHOOKS_LEASE_SECONDS": "10"})
    assert tuned.WEBHOOKS_LEASE_SECONDS == 10
    with pytest.raises(ConfigError, match="WEBHOOKS_LEASE_SECONDS"):
        load_config({"WEBHOOKS_TIMEOUT_SECONDS": "15", "WEBHOOKS_LEASE_SECONDS": "15"})
