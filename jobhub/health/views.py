"""Liveness and readiness probes, outside the versioned API."""

from flask import Response, current_app, request
from flask_smorest import Blueprint

from jobhub.health import policies, services
from jobhub.health.schemas import LivenessSchema, ReadinessSchema
from jobhub.security import authorize

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


def _bearer() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


@blp.route("/metrics")
@blp.doc(
    security=[{"bearerAuth": []}, {}],
    responses={"200": {"description": "Prometheus text format (version 0.0.4)."}},
)
@blp.alt_response(403, response="DEFAULT_ERROR", description="Neither loopback nor the token.")
def metrics() -> Response:
    """Prometheus metrics: for the ``METRICS_TOKEN`` bearer, or from loopback only."""
    authorize(
        policies.can_scrape_metrics(
            remote_addr=request.remote_addr,
            forwarded="X-Forwarded-For" in request.headers,
            presented_token=_bearer(),
            metrics_token=current_app.config["METRICS_TOKEN"],
        ),
        "Metrics are served to the METRICS_TOKEN bearer or to loopback only.",
    )
    body, content_type = services.metrics_exposition()
    return Response(body, content_type=content_type)
