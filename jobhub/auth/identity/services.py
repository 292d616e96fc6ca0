"""Token exchange (RFC 8693): a provider's ID token signs in, links or creates an account;
and the caller's linked identities.

Outcomes: ``signed_in`` (an identity already linked), ``linked`` (a verified email of an
existing account: the identity is linked to it), ``signed_up`` (a new account, unless
OIDC_SIGNUP is false). What follows is a login's answer (``auth.services.sign_in``): the
account's two-factor challenge applies as it does to a password login.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from flask import current_app

from jobhub import metrics
from jobhub.audit import services as audit
from jobhub.auth import services as auth
from jobhub.auth.identity import oidc
from jobhub.auth.identity import queries as identity_queries
from jobhub.auth.identity.models import ExternalIdentity
from jobhub.auth.models import SessionEndReason
from jobhub.auth.sessions import services as sessions
from jobhub.auth.sessions.services import TokenPair
from jobhub.db import db, independent_transaction, on_rollback, utcnow
from jobhub.errors import Conflict, Forbidden, JobHubError, ServiceUnavailable, Unauthorized
from jobhub.pagination import paginated
from jobhub.users import services as users
from jobhub.users.models import Role, User

ACTION = "auth.token_exchange"
ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"
SIGNUP_OFF = "No account uses this email, and sign-up through identity providers is off."


@dataclass(frozen=True)
class Identified:
    user: User
    identity: ExternalIdentity
    outcome: str  # signed_in | linked | signed_up


def providers() -> dict[str, oidc.Provider]:
    return {
        name: oidc.Provider(**settings)
        for name, settings in current_app.config["OIDC_PROVIDERS"].items()
    }


def key_cache() -> oidc.KeyCache:
    """The app's JWKS cache (one per app, shared by its threads)."""
    cfg = current_app.config
    cache = current_app.extensions.get("oidc_keys")
    if cache is None:
        cache = current_app.extensions["oidc_keys"] = oidc.KeyCache(
            clock=cfg["OIDC_CLOCK"],
            timeout=cfg["OIDC_HTTP_TIMEOUT"],
            default_seconds=cfg["OIDC_JWKS_CACHE_SECONDS"],
            refetch_seconds=cfg["OIDC_JWKS_REFETCH_SECONDS"],
        )
    return cache


def exchange(
    *,
    provider: str,
    subject_token: str,
    role: Role,
    user_agent: str | None,
    ip_address: str | None,
) -> dict[str, Any]:
    """Verify the ID token, find or make its account, and answer as a login does.

    Every exchange is audited and counted; a refused one in a transaction of its own (the
    request's rolls back).
    """
    try:
        claims = _verified(provider, subject_token)
        found = _identify(provider, claims, role)
        answer = auth.sign_in(user=found.user, user_agent=user_agent, ip_address=ip_address)
    except JobHubError as exc:
        _refused(provider, exc)
        raise
    audit.record(
        action=ACTION,
        actor=found.user,
        target_type="user",
        target_id=found.user.id,
        changes={"provider": provider, "outcome": found.outcome, "identity_id": found.identity.id},
    )
    metrics.token_exchange(provider, "ok")
    body = {item.name: getattr(answer, item.name) for item in fields(answer)}
    if isinstance(answer, TokenPair):
        body["issued_token_type"] = ACCESS_TOKEN_TYPE
    return body


def _verified(provider: str, token: str) -> dict[str, Any]:
    settings = providers().get(provider)
    if settings is None:
        raise Unauthorized(f"{provider[:32]!r} is not a configured identity provider.")
    try:
        return oidc.verify(
            token,
            provider=settings,
            keys=key_cache(),
            leeway=current_app.config["OIDC_LEEWAY_SECONDS"],
        )
    except oidc.TokenRefused as exc:
        raise Unauthorized(str(exc)) from exc
    except oidc.ProviderUnavailable as exc:
        current_app.logger.warning("identity provider %s: %s", provider, exc)
        raise ServiceUnavailable(
            "The identity provider's keys could not be fetched; retry later.",
            headers={"Retry-After": "30"},
        ) from exc


def _refused(provider: str, exc: JobHubError) -> None:
    outcome = "error" if isinstance(exc, ServiceUnavailable) else "refused"
    metrics.token_exchange(provider, outcome)
    detail = {"provider": provider[:32], "outcome": outcome, "reason": exc.message[:200]}

    def write() -> None:
        with independent_transaction():
            audit.record(action=ACTION, target_type="identity_provider", changes=detail)

    on_rollback(write)


def _identify(provider: str, claims: dict[str, Any], role: Role) -> Identified:
    """The account of a verified token: its linked one, the one with its email, or a new one."""
    email = users.normalize_email(claims["email"])
    identity = identity_queries.find(provider=provider, subject=claims["sub"])
    if identity is not None:
        user = users.get_user(user_id=identity.user_id)
        if user is None or user.deleted_at is not None:
            raise Unauthorized("The account linked to this identity no longer exists.")
        identity.email, identity.last_used_at = email, utcnow()
        return Identified(user=user, identity=identity, outcome="signed_in")
    user = users.get_user_by_email(email=email)
    if user is not None and user.deleted_at is None:
        _secure_unverified(user)
        return Identified(user=user, identity=_link(user, provider, claims), outcome="linked")
    if not current_app.config["OIDC_SIGNUP"]:
        raise Forbidden(SIGNUP_OFF)
    user = users.create_external_user(email=email, full_name=_name_of(claims), role=role)
    return Identified(user=user, identity=_link(user, provider, claims), outcome="signed_up")


def _secure_unverified(user: User) -> None:
    """The provider proves the address; the account never did. Whoever registered it with a
    password may not be its owner (pre-registration): that password and its sessions end,
    and a reset link sets a new one."""
    if user.email_verified:
        return
    users.mark_email_verified(user=user)
    if users.has_password(user):
        users.clear_password(user=user)
        sessions.end_all(user_id=user.id, reason=SessionEndReason.PASSWORD_RESET)


def _link(user: User, provider: str, claims: dict[str, Any]) -> ExternalIdentity:
    identity = ExternalIdentity(
        user_id=user.id,
        provider=provider,
        subject=claims["sub"],
        email=users.normalize_email(claims["email"]),
    )
    db.session.add(identity)
    db.session.flush()
    return identity


def _name_of(claims: dict[str, Any]) -> str:
    name = claims.get("name")
    if not isinstance(name, str) or not name.strip():
        parts = [claims.get("given_name"), claims.get("family_name")]
        name = " ".join(part for part in parts if isinstance(part, str))
    return name or ""


# -- linked identities ---------------------------------------------------------------


def list_identities(*, user: User, pagination_parameters: Any) -> list[ExternalIdentity]:
    """One page of the caller's linked identities."""
    return paginated(identity_queries.of_user(user_id=user.id), pagination_parameters)


def get_identity(*, identity_id: int) -> ExternalIdentity | None:
    return identity_queries.get(identity_id=identity_id)


def unlink(*, user: User, identity: ExternalIdentity) -> None:
    """Remove a linked identity, while the account keeps a password or another identity."""
    others = identity_queries.count_of_user(user_id=user.id) - 1
    if not users.has_password(user) and others < 1:
        raise Conflict(
            "This is the account's only way to sign in: set a password (a reset link) first."
        )
    audit.record(
        action="auth.identity_unlinked",
        actor=user,
        target_type="user",
        target_id=user.id,
        changes={"provider": identity.provider, "identity_id": identity.id},
    )
    db.session.delete(identity)
    db.session.flush()


def forget(*, user_id: int) -> int:
    """Remove every identity of an account (its deletion); the number removed."""
    rows = db.session.scalars(identity_queries.of_user(user_id=user_id)).all()
    for row in rows:
        db.session.delete(row)
    db.session.flush()
    return len(rows)
