"""API keys, read: a company's live keys, one of them, and the key a prefix names."""

from __future__ import annotations

from sqlalchemy import Select, or_, select

from jobhub.companies.api_keys.models import ApiKey
from jobhub.companies.models import Company
from jobhub.db import db, utcnow


def company_keys_query(*, company_id: int) -> Select[tuple[ApiKey]]:
    """The company's keys that are not revoked (expired ones too), newest first."""
    return (
        select(ApiKey)
        .where(ApiKey.company_id == company_id, ApiKey.revoked_at.is_(None))
        .order_by(ApiKey.created_at.desc(), ApiKey.id.desc())
    )


def get_company_key(*, company_id: int, key_id: int) -> ApiKey | None:
    """One of the company's keys that is not revoked (another company's: None)."""
    return db.session.scalar(company_keys_query(company_id=company_id).where(ApiKey.id == key_id))


def find_usable(*, prefix: str) -> ApiKey | None:
    """The key with this prefix if it may be used now: not revoked, not expired, and its
    company not deleted. Read on every request: revocation needs no cache to expire."""
    return db.session.scalar(
        select(ApiKey)
        .join(Company, Company.id == ApiKey.company_id)
        .where(
            ApiKey.prefix == prefix,
            ApiKey.revoked_at.is_(None),
            or_(ApiKey.expires_at.is_(None), ApiKey.expires_at > utcnow()),
            Company.deleted_at.is_(None),
        )
    )
