"""Users API: the caller's profile and account, and user look-ups for admins."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from jobhub import limits
from jobhub.extensions import limiter
from jobhub.pagination import PAGINATION, paginated
from jobhub.security import auth_required, authorize, current_user
from jobhub.users import policies, services
from jobhub.users.schemas import (
    PROFILE_UPDATE_EXAMPLE,
    AccountChangeSchema,
    DeleteAccountSchema,
    ErasureReceiptSchema,
    ProfileUpdateSchema,
    UserListArgsSchema,
    UserSchema,
)

blp = Blueprint("users", __name__, description="Accounts and profiles.")
admin_blp = Blueprint("admin-users", __name__, description="Accounts (admins).")


@blp.route("/me")
@auth_required()
@blp.response(200, UserSchema)
@blp.alt_response(401, response="DEFAULT_ERROR", description="Missing, invalid or revoked token.")
def get_me() -> Any:
    """The caller's account and profile."""
    return current_user


@blp.route("/me", methods=["PATCH"])
@auth_required()
@blp.arguments(ProfileUpdateSchema, example=PROFILE_UPDATE_EXAMPLE)
@blp.response(200, UserSchema)
@blp.alt_response(401, response="DEFAULT_ERROR", description="Missing, invalid or revoked token.")
@blp.alt_response(
    422,
    response="DEFAULT_ERROR",
    description="Invalid value, unknown or privileged field, or a candidate-only field.",
)
def update_me(changes: dict) -> Any:
    """Update the caller's profile (role, is_active, email_verified are never accepted)."""
    return services.update_profile(user=current_user, changes=changes)


@blp.route("/me", methods=["DELETE"])
@limiter.limit(limits.sensitive_limit)
@auth_required()
@blp.arguments(DeleteAccountSchema, example={"password": "Orbit-Lantern-42-Demo"})
@blp.response(200, ErasureReceiptSchema)
@blp.alt_response(401, response="DEFAULT_ERROR", description="Missing, invalid or revoked token.")
@blp.alt_response(422, response="DEFAULT_ERROR", description="Wrong password.")
@blp.alt_response(429, response="DEFAULT_ERROR", description="Too many attempts.")
def delete_me(payload: dict) -> Any:
    """Erase the caller's account; the answer is the receipt: what was erased, what was
    anonymised, what is retained and why. Every session ends."""
    return services.delete_account(user=current_user, password=payload["password"])


@blp.route("/<int:user_id>")
@auth_required()
@blp.response(200, UserSchema)
@blp.alt_response(401, response="DEFAULT_ERROR", description="Missing, invalid or revoked token.")
@blp.alt_response(404, response="DEFAULT_ERROR", description="No such user, or not visible to you.")
def get_user(user_id: int) -> Any:
    """A user's profile: for admins, oneself, and whom another domain grants (see README)."""
    user = services.get_user(user_id=user_id)
    authorize(
        user is not None and policies.can_view_user(current_user, user),
        "No such user.",
        hidden=True,
    )
    return user


@blp.route("")
@auth_required("admin")
@blp.arguments(UserListArgsSchema, location="query")
@blp.response(200, UserSchema(many=True))
@blp.paginate(**PAGINATION)
@blp.alt_response(401, response="DEFAULT_ERROR", description="Missing, invalid or revoked token.")
@blp.alt_response(403, response="DEFAULT_ERROR", description="Admins only.")
def list_users(filters: dict, pagination_parameters: Any) -> Any:
    """List users (admins): filter by role, is_active and q, newest first."""
    return paginated(services.users_query(**filters), pagination_parameters)


@admin_blp.route("/users/<int:user_id>", methods=["PATCH"])
@auth_required("admin")
@admin_blp.arguments(AccountChangeSchema, example={"is_active": False})
@admin_blp.response(200, UserSchema)
@admin_blp.alt_response(403, response="DEFAULT_ERROR", description="Admins only; not oneself.")
@admin_blp.alt_response(404, response="DEFAULT_ERROR", description="No such user.")
def change_account(changes: dict, user_id: int) -> Any:
    """Activate or deactivate an account, mark its email verified (admins; audited).
    Deactivating ends every session of the user at once: its API tokens are refused on
    every worker and its live socket.io connections are closed."""
    user = services.get_user(user_id=user_id)
    authorize(user is not None, "No such user.", hidden=True)
    authorize(
        policies.can_change_account(current_user, user, changes),
        "Admins may not deactivate their own account, nor change an erased one.",
    )
    return services.change_account(user=user, actor=current_user, **changes)
