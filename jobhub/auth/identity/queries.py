"""Look-ups of linked identities."""

from __future__ import annotations

from sqlalchemy import Select, func, select

from jobhub.auth.identity.models import ExternalIdentity
from jobhub.db import db


def find(*, provider: str, subject: str) -> ExternalIdentity | None:
    return db.session.scalar(
        select(ExternalIdentity).where(
            ExternalIdentity.provider == provider, ExternalIdentity.subject == subject
        )
    )


def of_user(*, user_id: int) -> Select:
    """The user's identities, oldest link first."""
    return (
        select(ExternalIdentity)
        .where(ExternalIdentity.user_id == user_id)
        .order_by(ExternalIdentity.linked_at, ExternalIdentity.id)
    )


def count_of_user(*, user_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(ExternalIdentity)
        .where(ExternalIdentity.user_id == user_id)
    )


def get(*, identity_id: int) -> ExternalIdentity | None:
    if not 0 < identity_id <= 2**31 - 1:
        return None
    return db.session.get(ExternalIdentity, identity_id)
