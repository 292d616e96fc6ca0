"""Liveness and readiness probes, outside the versioned API."""

from flask_smorest import Blueprint

from jobhub.health import services
from jobhub.health.schemas import LivenessSchema, ReadinessSchema

blp = Blueprint("health", __name__, description="Liveness and readiness probes.")


@blp.route("/health")
@blp.response(200, LivenessSchema)
def health() -> dict:
    """Liveness: the process answers (no I/O)."""
    return {"status": "ok"}


@blp.route("/ready")
@blp.response(200, ReadinessSchema)
@blp.alt_response(503, response="DEFAULT_ERROR", description="A dependency is unavailable.")
def ready() -> dict:
    """Readiness: the database and Redis answer."""
    return {"status": "ok", "checks": services.readiness()}
