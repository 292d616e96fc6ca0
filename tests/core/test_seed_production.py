"""``flask seed`` under JOBHUB_CONFIG=production: refused unless explicitly overridden."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from jobhub import create_app
from jobhub.config import ProductionConfig
from jobhub.db import db
from jobhub.users.models import User


def _production_app(backend, upload_dir):
    env = backend.environ(
        JOBHUB_CONFIG="production",
        PUBLIC_BASE_URL="https://jobs.example.com",
        UPLOAD_DIR=str(upload_dir),
    )
    env.setdefault("REDIS_URL", "redis://127.0.0.1:1/0")  # never reached: the refusal is first
    return create_app(ProductionConfig(env))


def _user_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def test_seed_refuses_production(app, backend, upload_dir):
    prod = _production_app(backend, upload_dir)
    result = prod.test_cli_runner().invoke(args=["seed", "--candidates", "1"])
    assert result.exit_code == 1
    assert "Refusing to seed under JOBHUB_CONFIG=production" in result.output
    assert "--allow-production" in result.output
    assert _user_count(app) == 0


@pytest.mark.postgres
def test_seed_override_in_production(app, backend, upload_dir):
    prod = _production_app(backend, upload_dir)
    args = ["seed", "--candidates", "1", "--employers", "0", "--jobs", "0", "--allow-production"]
    result = prod.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "Warning: seeding a production configuration" in result.stderr
    assert _user_count(app) >= 1
