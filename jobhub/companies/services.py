"""Company services: companies, slugs, members, and what account deletion does to them."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from flask import current_app
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from jobhub import signals
from jobhub.audit import services as audit
from jobhub.companies.models import Company, CompanyMember, MemberRole
from jobhub.db import db, utcnow
from jobhub.errors import Conflict, Duplicate, NotFound, ValidationError
from jobhub.notifications import services as notifications
from jobhub.security import api_key_caller
from jobhub.users.models import Role, User
from jobhub.users.services import get_user_by_email

EDITABLE_FIELDS = ("name", "description", "website", "location", "size", "verified")


def slugify(text: str) -> str:
    """ASCII, lower-case words joined by hyphens ("Café Zoë & Co" → "cafe-zoe-co")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:70].strip("-") or "company"


def _free_slug(base: str) -> str:
    """``base``, or ``base-2``, ``base-3``… whichever is free (deleted companies keep theirs)."""
    taken = set(
        db.session.scalars(
            select(Company.slug).where((Company.slug == base) | Company.slug.like(f"{base}-%"))
        )
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def create_company(*, actor: User, name: str, slug: str | None = None, **fields: Any) -> Company:
    """Create a company; its creator becomes its owner. Slugs are never reused."""
    if slug is not None:
        if db.session.scalar(select(Company.id).where(Company.slug == slug)) is not None:
            raise Duplicate("This slug is taken.", errors={"json": {"slug": ["Already taken."]}})
    else:
        slug = _free_slug(slugify(name))
    company = Company(name=name, slug=slug, **fields)
    db.session.add(company)
    db.session.flush()
    db.session.add(CompanyMember(company_id=company.id, user_id=actor.id, role=MemberRole.OWNER))
    db.session.flush()
    return company


def get_company(*, company_id: int) -> Company:
    """A live company, or 404."""
    company = db.session.get(Company, company_id)
    if company is None or company.deleted_at is not None:
        raise NotFound("No such company.")
    return company


def companies_query(
    *, q: str | None = None, verified: bool | None = None, location: str | None = None
) -> Select[tuple[Company]]:
    """Live companies, filtered by name and location substrings and verification."""
    query = select(Company).where(Company.deleted_at.is_(None))
    if q:
        query = query.where(Company.name.ilike(f"%{_escape_like(q)}%", escape="\\"))
    if location:
        query = query.where(Company.location.ilike(f"%{_escape_like(location)}%", escape="\\"))
    if verified is not None:
        query = query.where(Company.verified.is_(verified))
    return query.order_by(func.lower(Company.name), Company.id)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def update_company(
    *, company: Company, changes: dict[str, Any], actor: User | None = None
) -> Company:
    """Apply edits (the slug never changes); ``company_updated`` names what changed.

    A change of ``verified`` (admins) is audited as ``company.verified`` or
    ``company.unverified``; any other edit by an admin as ``company.updated``.
    """
    changed, diff = set(), {}
    for field in EDITABLE_FIELDS:
        if field in changes:
            if changes[field] != getattr(company, field):
                changed.add(field)
                diff[field] = [getattr(company, field), changes[field]]
            setattr(company, field, changes[field])
    _audit_update(company, actor, diff)
    db.session.flush()
    if "verified" in changes:
        changed.add("verified")  # re-sent as it was, it still refreshes the jobs' listing
    if changed:
        signals.company_updated.send(_app(), company=company, changed=changed)
    return company


def _audit_update(company: Company, actor: User | None, diff: dict[str, list]) -> None:
    if "verified" in diff:
        action = "company.verified" if diff["verified"][1] else "company.unverified"
        audit.record(
            action=action,
            actor=actor,
            target_type="company",
            target_id=company.id,
            changes={"verified": diff.pop("verified")},
        )
    if diff and actor is not None and actor.role == Role.ADMIN:
        audit.record(
            action="company.updated",
            actor=actor,
            target_type="company",
            target_id=company.id,
            changes=diff,
        )


def delete_company(*, company: Company) -> None:
    """Soft-delete the company; ``company_deleted`` lets its jobs go with it."""
    company.deleted_at = utcnow()
    signals.company_deleted.send(_app(), company=company)
    db.session.flush()


def _app() -> Any:
    return current_app._get_current_object()  # type: ignore[attr-defined]


# -- members -------------------------------------------------------------------------


def membership_role(*, user_id: int, company_id: int) -> MemberRole | None:
    """The user's role in the company, or None."""
    return db.session.scalar(
        select(CompanyMember.role).where(
            CompanyMember.user_id == user_id, CompanyMember.company_id == company_id
        )
    )


def member_company_ids(*, user_id: int) -> Select[tuple[int]]:
    """A subquery of the ids of the companies the user acts for."""
    return select(CompanyMember.company_id).where(CompanyMember.user_id == user_id)


def role_of(*, actor: Any, company_id: int) -> MemberRole | None:
    """The caller's role in the company: a user's membership; a company's own API key acts
    as a recruiter of that company (and of no other)."""
    key = api_key_caller(actor)
    if key is not None:
        return MemberRole.RECRUITER if key.company_id == company_id else None
    return membership_role(user_id=actor.id, company_id=company_id)


def acting_company_ids(*, actor: Any) -> Select[tuple[int]]:
    """A subquery of the ids of the companies the caller acts for (an API key: its own)."""
    key = api_key_caller(actor)
    if key is not None:
        return select(Company.id).where(Company.id == key.company_id)
    return member_company_ids(user_id=actor.id)


def list_members(*, company: Company) -> list[CompanyMember]:
    """Members with their accounts, owners first."""
    return list(
        db.session.scalars(
            select(CompanyMember)
            .options(joinedload(CompanyMember.user))
            .where(CompanyMember.company_id == company.id)
            .order_by(CompanyMember.role, CompanyMember.created_at, CompanyMember.id)
        )
    )


def member_users(*, company_id: int) -> list[User]:
    """The accounts acting for a company (for notifications)."""
    return list(
        db.session.scalars(
            select(User)
            .join(CompanyMember, CompanyMember.user_id == User.id)
            .where(CompanyMember.company_id == company_id, User.deleted_at.is_(None))
            .order_by(User.id)
        )
    )


def notify_members(
    *, company_id: int, type: str, title: str, body: str, data: dict[str, Any]
) -> None:
    """The same notification to every member of the company (``notifications.notify``)."""
    for user in member_users(company_id=company_id):
        notifications.notify(user=user, type=type, title=title, body=body, data=data)


def _audit_membership(
    action: str, company: Company, actor: User | None, user_id: int, role: list
) -> None:
    audit.record(
        action=action,
        actor=actor,
        target_type="company",
        target_id=company.id,
        changes={"member_id": [None, user_id] if role[1] else [user_id, None], "role": role},
        subject_id=user_id,
    )


def add_member(
    *, company: Company, email: str, role: MemberRole, actor: User | None = None
) -> CompanyMember:
    """Add an existing employer account to the company."""
    user = get_user_by_email(email=email)
    if user is None or user.deleted_at is not None or user.role != Role.EMPLOYER:
        raise ValidationError(
            "Members must have an employer account.",
            errors={"json": {"email": ["No employer account with this email."]}},
        )
    if membership_role(user_id=user.id, company_id=company.id) is not None:
        raise Duplicate("This employer is already a member.")
    member = CompanyMember(company_id=company.id, user_id=user.id, role=role)
    db.session.add(member)
    db.session.flush()
    _audit_membership("company.member_added", company, actor, user.id, [None, role.value])
    db.session.refresh(member, ["user"])
    return member


def remove_member(*, company: Company, user_id: int, actor: User | None = None) -> None:
    """Remove a member; a company always keeps at least one owner."""
    member = db.session.scalar(
        select(CompanyMember).where(
            CompanyMember.company_id == company.id, CompanyMember.user_id == user_id
        )
    )
    if member is None:
        raise NotFound("No such member.")
    if member.role == MemberRole.OWNER and _owner_count(company.id) == 1:
        raise Conflict("The last owner cannot leave; add another owner or delete the company.")
    _audit_membership("company.member_removed", company, actor, user_id, [member.role.value, None])
    db.session.delete(member)
    db.session.flush()


def _owner_count(company_id: int) -> int:
    return db.session.scalar(
        select(func.count()).where(
            CompanyMember.company_id == company_id, CompanyMember.role == MemberRole.OWNER
        )
    )


def remove_user(*, user: User) -> None:
    """Account deletion: drop the user's memberships.

    A company the user solely owned passes to its longest-standing other member; with no
    other member left it is deleted (soft, with its jobs), since nobody could run it.
    """
    memberships = list(
        db.session.scalars(select(CompanyMember).where(CompanyMember.user_id == user.id))
    )
    for member in memberships:
        company_id = member.company_id
        sole_owner = member.role == MemberRole.OWNER and _owner_count(company_id) == 1
        db.session.delete(member)
        db.session.flush()
        if not sole_owner:
            continue
        heir = db.session.scalar(
            select(CompanyMember)
            .where(CompanyMember.company_id == company_id)
            .order_by(CompanyMember.created_at, CompanyMember.id)
            .limit(1)
        )
        if heir is not None:
            heir.role = MemberRole.OWNER
        else:
            company = db.session.get(Company, company_id)
            if company is not None and company.deleted_at is None:
                delete_company(company=company)
    db.session.flush()
