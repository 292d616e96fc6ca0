"""External identity API: the token exchange (RFC 8693) and the caller's linked identities."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_smorest import Blueprint

from jobhub import limits
from jobhub.auth.identity import policies, services
from jobhub.auth.identity.schemas import (
    TOKEN_EXCHANGE_EXAMPLE,
    IdentitySchema,
    TokenExchangeResultSchema,
    TokenExchangeSchema,
)
from jobhub.extensions import limiter
from jobhub.pagination import PAGINATION
from jobhub.security import auth_required, authorize, current_user
from jobhub.users.models import Role

blp = Blueprint(
    "identity",
    __name__,
    description="Sign-in with an external identity provider (OIDC), and linked identities.",
)

UNAUTHORIZED = "Missing, invalid, expired or revoked token."


@blp.route("/token-exchange", methods=["POST"])
@limiter.limit(limits.login_limit, key_func=limits.client_ip_key)
@limiter.limit(limits.login_limit, key_func=limits.subject_token_email_key)
@blp.arguments(TokenExchangeSchema, example=TOKEN_EXCHANGE_EXAMPLE)
@blp.response(200, TokenExchangeResultSchema)
@blp.alt_response(
    401, response="DEFAULT_ERROR", description="The ID token was refused; `message` says why."
)
@blp.alt_response(
    403, response="DEFAULT_ERROR", description="Account disabled, or sign-up is off (OIDC_SIGNUP)."
)
@blp.alt_response(422, response="DEFAULT_ERROR", description="Invalid field.")
@blp.alt_response(429, response="DEFAULT_ERROR", description="Too many attempts; see Retry-After.")
@blp.alt_response(
    503, response="DEFAULT_ERROR", description="The provider's keys could not be fetched."
)
def token_exchange(payload: dict) -> Any:
    """Exchange an identity provider's ID token for JobHub tokens (RFC 8693).

    The token's verified email links an existing account, or a new account (of `role`)
    is created. The answer is the login's: with two-factor sign-in on, the
    `{mfa_required, mfa_token}` challenge of `POST /auth/login/2fa`.
    """
    return services.exchange(
        provider=payload["provider"],
        subject_token=payload["subject_token"],
        role=Role(payload["role"]),
        user_agent=request.user_agent.string,
        ip_address=request.remote_addr,
    )


@blp.route("/identities")
@auth_required()
@blp.response(200, IdentitySchema(many=True))
@blp.paginate(**PAGINATION)
@blp.alt_response(401, response="DEFAULT_ERROR", description=UNAUTHORIZED)
def list_identities(pagination_parameters: Any) -> Any:
    """The caller's linked external identities, oldest link first."""
    return services.list_identities(user=current_user, pagination_parameters=pagination_parameters)


@blp.route("/identities/<int:identity_id>", methods=["DELETE"])
@auth_required()
@blp.response(204)
@blp.alt_response(401, response="DEFAULT_ERROR", description=UNAUTHORIZED)
@blp.alt_response(404, response="DEFAULT_ERROR", description="No such identity of yours.")
@blp.alt_response(
    409, response="DEFAULT_ERROR", description="The only way left to sign in (no password)."
)
def unlink_identity(identity_id: int) -> None:
    """Unlink an identity, while a password or another identity remains."""
    identity = services.get_identity(identity_id=identity_id)
    authorize(
        identity is not None and policies.can_manage_identity(current_user, identity),
        "No such identity.",
        hidden=True,
    )
    services.unlink(user=current_user, identity=identity)
