"""Webhook endpoints (SPEC §11): owners (and the company's key) register and manage them."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_smorest import Blueprint

from jobhub.companies import services as companies
from jobhub.companies.models import Company, MemberRole
from jobhub.pagination import PAGINATION, paginated
from jobhub.security import api_key_caller, auth_required, authorize, current_user
from jobhub.webhooks import policies, queries, services
from jobhub.webhooks.models import WebhookDelivery, WebhookEndpoint
from jobhub.webhooks.schemas import (
    DeliverySchema,
    EndpointCreateSchema,
    EndpointSchema,
    EndpointUpdateSchema,
    EndpointWithSecretSchema,
)

blp = Blueprint(
    "webhooks",
    __name__,
    description="Signed webhooks (Standard Webhooks 1.0) to a company's own systems.",
)
SCOPE = "webhooks:manage"
MANAGERS = "Only the company's owners manage its webhooks."
NOT_OWNER = "Not an owner of the company (nor its key)."


def _standing(company_id: int) -> tuple[MemberRole | None, bool]:
    """The caller's membership of the company, and whether it is the company's own key."""
    key = api_key_caller(current_user)
    if key is not None:
        return None, key.company_id == company_id
    return companies.membership_role(user_id=current_user.id, company_id=company_id), False


def _managed_company(company_id: int) -> Company:
    company = companies.get_company(company_id=company_id)
    membership, own_key = _standing(company.id)
    authorize(policies.can_manage_webhooks(membership, own_key=own_key), MANAGERS)
    return company


def _managed_endpoint(webhook_id: int) -> WebhookEndpoint:
    endpoint = queries.get_endpoint(endpoint_id=webhook_id)
    membership, own_key = _standing(endpoint.company_id) if endpoint else (None, False)
    authorize(
        endpoint is not None and policies.can_see_webhook(membership, own_key=own_key),
        "No such webhook.",
        hidden=True,
    )
    authorize(policies.can_manage_webhooks(membership, own_key=own_key), MANAGERS)
    return endpoint


@blp.route("/companies/<int:company_id>/webhooks", methods=["POST"])
@auth_required(api_key=SCOPE)
@blp.arguments(
    EndpointCreateSchema,
    example={"url": "https://ats.example.com/hooks", "events": ["application.created"]},
)
@blp.response(201, EndpointWithSecretSchema)
@blp.alt_response(403, response="DEFAULT_ERROR", description=NOT_OWNER)
@blp.alt_response(404, response="DEFAULT_ERROR", description="No such company.")
@blp.alt_response(422, response="DEFAULT_ERROR", description="Bad URL, refused target, filter.")
def create_webhook(data: dict[str, Any], company_id: int) -> Any:
    """Register an endpoint: its `secret` (`whsec_…`) is in this answer only."""
    company = _managed_company(company_id)
    return services.create_endpoint(company=company, actor=current_user, **data)


@blp.route("/companies/<int:company_id>/webhooks")
@auth_required(api_key=SCOPE)
@blp.response(200, EndpointSchema(many=True))
@blp.paginate(**PAGINATION)
@blp.alt_response(403, response="DEFAULT_ERROR", description=NOT_OWNER)
@blp.alt_response(404, response="DEFAULT_ERROR", description="No such company.")
def list_webhooks(company_id: int, pagination_parameters: Any) -> Any:
    """The company's endpoints (secrets never shown)."""
    company = _managed_company(company_id)
    query = queries.company_endpoints_query(company_id=company.id)
    return paginated(query, pagination_parameters)


@blp.route("/webhooks/<int:webhook_id>")
@auth_required(api_key=SCOPE)
@blp.response(200, EndpointSchema)
@blp.alt_response(403, response="DEFAULT_ERROR", description=NOT_OWNER)
@blp.alt_response(404, response="DEFAULT_ERROR", description="No such webhook.")
def get_webhook(webhook_id: int) -> WebhookEndpoint:
    """One endpoint."""
    return _managed_endpoint(webhook_id)


@blp.route("/webhooks/<int:webhook_id>", methods=["PATCH"])
@auth_required(api_key=SCOPE)
@blp.arguments(EndpointUpdateSchema, example={"events": ["application.status_changed:hired"]})
@blp.response(200, EndpointSchema)
@blp.alt_response(403, response="DEFAULT_ERROR", description=NOT_OWNER)
@blp.alt_response(404, response="DEFAULT_ERROR", description="No such webhook.")
@blp.alt_response(422, response="DEFAULT_ERROR", description="Bad URL, refused target, filter.")
def update_webhook(data: dict[str, Any], webhook_id: int) -> Any:
    """Change the URL, filters, description, personal data, or enable/disable it."""
    endpoint = _managed_endpoint(webhook_id)
    return services.update_endpoint(endpoint=endpoint, actor=current_user, changes=data)


@blp.route("/webhooks/<int:webhook_id>", methods=["DELETE"])
@auth_required(api_key=SCOPE)
@blp.response(204)
@blp.alt_response(403, response="DEFAULT_ERROR", description=NOT_OWNER)
@blp.alt_response(404, response="DEFAULT_ERROR", description="No such webhook.")
def delete_webhook(webhook_id: int) -> None:
    """Remove the endpoint and its delivery log."""
    services.delete_endpoint(endpoint=_managed_endpoint(webhook_id), actor=current_user)


@blp.route("/webhooks/<int:webhook_id>/rotate-secret", methods=["POST"])
@auth_required(api_key=SCOPE)
@blp.response(200, EndpointWithSecretSchema)
@blp.alt_response(403, response="DEFAULT_ERROR", description=NOT_OWNER)
@blp.alt_response(404, response="DEFAULT_ERROR", description="No such webhook.")
def rotate_webhook_secret(webhook_id: int) -> Any:
    """A new secret (shown once); the old one keeps signing beside it for 24 hours."""
    endpoint = _managed_endpoint(webhook_id)
    return services.rotate_secret(endpoint=endpoint, actor=current_user)


@blp.route("/webhooks/<int:webhook_id>/test", methods=["POST"])
@auth_required(api_key=SCOPE)
@blp.response(202, DeliverySchema)
@blp.alt_response(403, response="DEFAULT_ERROR", description=NOT_OWNER)
@blp.alt_response(404, response="DEFAULT_ERROR", description="No such webhook.")
@blp.alt_response(409, response="DEFAULT_ERROR", description="The endpoint is disabled.")
def test_webhook(webhook_id: int) -> WebhookDelivery:
    """Send a `webhook.test` event now (whatever the filters); see its delivery."""
    return services.send_test(endpoint=_managed_endpoint(webhook_id))


@blp.route("/webhooks/<int:webhook_id>/deliveries")
@auth_required(api_key=SCOPE)
@blp.response(200, DeliverySchema(many=True))
@blp.paginate(**PAGINATION)
@blp.alt_response(403, response="DEFAULT_ERROR", description=NOT_OWNER)
@blp.alt_response(404, response="DEFAULT_ERROR", description="No such webhook.")
def list_deliveries(webhook_id: int, pagination_parameters: Any) -> Any:
    """The endpoint's deliveries of the last 30 days (WEBHOOKS_RETENTION_DAYS), newest first."""
    endpoint = _managed_endpoint(webhook_id)
    days = current_app.config["WEBHOOKS_RETENTION_DAYS"]
    since = queries.retention_cutoff(now=services.now(), days=days)
    query = queries.endpoint_deliveries_query(endpoint_id=endpoint.id, since=since)
    return paginated(query, pagination_parameters)


@blp.route("/webhook-deliveries/<int:delivery_id>/redeliver", methods=["POST"])
@auth_required(api_key=SCOPE)
@blp.response(202, DeliverySchema)
@blp.alt_response(403, response="DEFAULT_ERROR", description=NOT_OWNER)
@blp.alt_response(404, response="DEFAULT_ERROR", description="No such delivery.")
@blp.alt_response(409, response="DEFAULT_ERROR", description="The endpoint is disabled.")
def redeliver(delivery_id: int) -> WebhookDelivery:
    """Send a delivery's message again (same webhook-id and body) as a new delivery."""
    delivery = queries.get_delivery(delivery_id=delivery_id)
    authorize(delivery is not None, "No such delivery.", hidden=True)
    _managed_endpoint(delivery.endpoint_id)
    return services.redeliver(delivery=delivery)
