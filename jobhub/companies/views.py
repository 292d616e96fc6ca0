"""Company endpoints (SPEC §3): thin views → policy → one service call."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from jobhub.companies import policies, services
from jobhub.companies.models import Company
from jobhub.companies.schemas import (
    CompanyCreateSchema,
    CompanyListArgsSchema,
    CompanySchema,
    CompanyUpdateSchema,
    MemberCreateSchema,
    MemberSchema,
)
from jobhub.pagination import PAGINATION, paginated
from jobhub.security import auth_required, authorize, current_user

blp = Blueprint(
    "companies", __name__, description="Companies and their members (owners, recruiters)."
)


def _role_in(company: Company):
    return services.membership_role(user_id=current_user.id, company_id=company.id)


@blp.route("", methods=["POST"])
@auth_required("employer")
@blp.arguments(CompanyCreateSchema)
@blp.response(201, CompanySchema)
@blp.alt_response(409, response="DEFAULT_ERROR", description="`duplicate`: the slug is taken.")
def create_company(data: dict[str, Any]) -> Company:
    """Create a company; you become its owner."""
    return services.create_company(actor=current_user, **data)


@blp.route("")
@blp.arguments(CompanyListArgsSchema, location="query")
@blp.response(200, CompanySchema(many=True))
@blp.paginate(**PAGINATION)
def list_companies(args: dict[str, Any], pagination_parameters) -> list[Company]:
    """List and search companies (public): `q` matches the name."""
    return paginated(services.companies_query(**args), pagination_parameters)


@blp.route("/<int:company_id>")
@blp.response(200, CompanySchema)
def get_company(company_id: int) -> Company:
    """A company (public)."""
    return services.get_company(company_id=company_id)


@blp.route("/<int:company_id>", methods=["PATCH"])
@auth_required()
@blp.arguments(CompanyUpdateSchema)
@blp.response(200, CompanySchema)
def update_company(changes: dict[str, Any], company_id: int) -> Company:
    """Edit a company (owners, admins; `verified` is for admins). The slug never changes."""
    company = services.get_company(company_id=company_id)
    authorize(
        policies.can_manage_company(current_user, _role_in(company)),
        "Only the company's owners and admins may edit it.",
    )
    authorize(
        "verified" not in changes or policies.can_verify_company(current_user),
        "Only admins verify companies.",
    )
    return services.update_company(company=company, changes=changes, actor=current_user)


@blp.route("/<int:company_id>", methods=["DELETE"])
@auth_required()
@blp.response(204)
def delete_company(company_id: int) -> None:
    """Delete a company and withdraw its jobs (owners, admins)."""
    company = services.get_company(company_id=company_id)
    authorize(
        policies.can_manage_company(current_user, _role_in(company)),
        "Only the company's owners and admins may delete it.",
    )
    services.delete_company(company=company)


@blp.route("/<int:company_id>/members")
@auth_required()
@blp.response(200, MemberSchema(many=True))
def list_members(company_id: int) -> list:
    """The company's members (members, admins)."""
    company = services.get_company(company_id=company_id)
    authorize(
        policies.can_view_members(current_user, _role_in(company)),
        "Only the company's members may see its members.",
    )
    return services.list_members(company=company)


@blp.route("/<int:company_id>/members", methods=["POST"])
@auth_required()
@blp.arguments(MemberCreateSchema)
@blp.response(201, MemberSchema)
@blp.alt_response(
    409, response="DEFAULT_ERROR", description="`duplicate`: the employer is already a member."
)
def add_member(data: dict[str, Any], company_id: int):
    """Add an employer account as owner or recruiter (owners)."""
    company = services.get_company(company_id=company_id)
    authorize(
        policies.can_add_member(current_user, _role_in(company)),
        "Only the company's owners may add members.",
    )
    return services.add_member(
        company=company, email=data["email"], role=data["role"], actor=current_user
    )


@blp.route("/<int:company_id>/members/<int:user_id>", methods=["DELETE"])
@auth_required()
@blp.response(204)
@blp.alt_response(
    409, response="DEFAULT_ERROR", description="`conflict`: the last owner cannot leave."
)
def remove_member(company_id: int, user_id: int) -> None:
    """Remove a member (owners), or leave the company (any member)."""
    company = services.get_company(company_id=company_id)
    authorize(
        policies.can_remove_member(current_user, _role_in(company), user_id),
        "Only the company's owners may remove members.",
    )
    services.remove_member(company=company, user_id=user_id, actor=current_user)
