"""Company API key endpoints (SPEC §2): owners create, list and revoke their keys."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from jobhub.companies import services as companies
from jobhub.companies.api_keys import policies, queries, services
from jobhub.companies.api_keys.schemas import (
    ApiKeyCreatedSchema,
    ApiKeyCreateSchema,
    ApiKeySchema,
)
from jobhub.companies.models import Company
from jobhub.pagination import PAGINATION, paginated
from jobhub.security import auth_required, authorize, current_user

blp = Blueprint(
    "api_keys",
    __name__,
    description="A company's API keys for its own systems (owners): scoped, shown once.",
)


def _managed_company(company_id: int) -> Company:
    company = companies.get_company(company_id=company_id)
    role = companies.membership_role(user_id=current_user.id, company_id=company.id)
    authorize(
        policies.can_manage_api_keys(current_user, role),
        "Only the company's owners manage its API keys.",
    )
    return company


@blp.route("/<int:company_id>/api-keys", methods=["POST"])
@auth_required()
@blp.arguments(ApiKeyCreateSchema, example={"name": "ATS sync", "scopes": ["jobs:read"]})
@blp.response(201, ApiKeyCreatedSchema)
@blp.alt_response(403, response="DEFAULT_ERROR", description="Not an owner of the company.")
@blp.alt_response(404, response="DEFAULT_ERROR", description="No such company.")
@blp.alt_response(422, response="DEFAULT_ERROR", description="Unknown scope, past expiry.")
def create_api_key(data: dict[str, Any], company_id: int) -> Any:
    """Create an API key: the whole `key` is in this answer only (send it as Bearer)."""
    return services.create_key(company=_managed_company(company_id), actor=current_user, **data)


@blp.route("/<int:company_id>/api-keys")
@auth_required()
@blp.response(200, ApiKeySchema(many=True))
@blp.paginate(**PAGINATION)
@blp.alt_response(403, response="DEFAULT_ERROR", description="Not an owner of the company.")
@blp.alt_response(404, response="DEFAULT_ERROR", description="No such company.")
def list_api_keys(company_id: int, pagination_parameters: Any) -> Any:
    """The company's keys that are not revoked: prefix, scopes, created, last used, expiry."""
    company = _managed_company(company_id)
    return paginated(queries.company_keys_query(company_id=company.id), pagination_parameters)


@blp.route("/<int:company_id>/api-keys/<int:key_id>", methods=["DELETE"])
@auth_required()
@blp.response(204)
@blp.alt_response(403, response="DEFAULT_ERROR", description="Not an owner of the company.")
@blp.alt_response(404, response="DEFAULT_ERROR", description="No such key of this company.")
def revoke_api_key(company_id: int, key_id: int) -> None:
    """Revoke a key: refused from the next request on, on every worker."""
    company = _managed_company(company_id)
    key = queries.get_company_key(company_id=company.id, key_id=key_id)
    authorize(key is not None, "No such API key.", hidden=True)
    services.revoke_key(key=key, actor=current_user)
