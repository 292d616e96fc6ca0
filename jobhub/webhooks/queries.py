"""Reading endpoints and deliveries."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Select, delete, select, update

from jobhub.applications.models import Application
from jobhub.companies.models import CompanyMember, MemberRole
from jobhub.db import db
from jobhub.jobs.models import Job
from jobhub.users.models import User
from jobhub.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint


def get_endpoint(*, endpoint_id: int) -> WebhookEndpoint | None:
    return db.session.get(WebhookEndpoint, endpoint_id)


def get_delivery(*, delivery_id: int) -> WebhookDelivery | None:
    return db.session.get(WebhookDelivery, delivery_id)


def company_endpoints_query(*, company_id: int) -> Select[tuple[WebhookEndpoint]]:
    """The company's endpoints, oldest first."""
    return (
        select(WebhookEndpoint)
        .where(WebhookEndpoint.company_id == company_id)
        .order_by(WebhookEndpoint.id)
    )


def endpoint_deliveries_query(
    *, endpoint_id: int, since: datetime
) -> Select[tuple[WebhookDelivery]]:
    """An endpoint's deliveries created since ``since``, newest first."""
    return (
        select(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint_id, WebhookDelivery.created_at >= since)
        .order_by(WebhookDelivery.id.desc())
    )


def enabled_endpoints(*, company_id: int) -> list[WebhookEndpoint]:
    """The company's endpoints that receive events."""
    return list(
        db.session.scalars(
            company_endpoints_query(company_id=company_id).where(WebhookEndpoint.enabled)
        )
    )


def due_delivery_ids(*, now: datetime, limit: int = 500) -> list[int]:
    """Pending deliveries whose attempt is due, the oldest due first."""
    return list(
        db.session.scalars(
            select(WebhookDelivery.id)
            .where(
                WebhookDelivery.status == DeliveryStatus.PENDING,
                WebhookDelivery.next_attempt_at <= now,
            )
            .order_by(WebhookDelivery.next_attempt_at)
            .limit(limit)
        )
    )


def pending_of_endpoint(*, endpoint_id: int) -> Select[tuple[WebhookDelivery]]:
    return select(WebhookDelivery).where(
        WebhookDelivery.endpoint_id == endpoint_id,
        WebhookDelivery.status == DeliveryStatus.PENDING,
    )


def retention_cutoff(*, now: datetime, days: int) -> datetime:
    return now - timedelta(days=days)


def companies_applied_to(*, candidate_id: int) -> list[int]:
    """The companies that hold an application of the candidate's."""
    return list(
        db.session.scalars(
            select(Application.company_id)
            .where(Application.candidate_id == candidate_id, Application.live())
            .distinct()
        )
    )


def candidate_and_job(*, candidate_id: int, job_id: int) -> tuple[User | None, Job | None]:
    return db.session.get(User, candidate_id), db.session.get(Job, job_id)


def company_owners(*, company_id: int) -> list[User]:
    """The company's owners (who are mailed when one of its endpoints is disabled)."""
    return list(
        db.session.scalars(
            select(User)
            .join(CompanyMember, CompanyMember.user_id == User.id)
            .where(
                CompanyMember.company_id == company_id,
                CompanyMember.role == MemberRole.OWNER,
                User.deleted_at.is_(None),
            )
        )
    )


def locked_delivery(*, delivery_id: int) -> WebhookDelivery | None:
    """The delivery, its row locked until the transaction ends (SELECT … FOR UPDATE on
    PostgreSQL; SQLite has one writer anyway), read fresh from the database."""
    return db.session.scalars(
        select(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()


def claim_due(*, delivery_id: int, at: datetime, lease_until: datetime) -> bool:
    """Take a due pending delivery for one attempt, counted at once (its next attempt moved
    to the lease's end, so a lost worker's attempt is sent again then); False when it is not
    due. One conditional UPDATE: of two workers claiming the same row, one wins."""
    result = db.session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == delivery_id,
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.next_attempt_at <= at,
        )
        .values(next_attempt_at=lease_until, attempt=WebhookDelivery.attempt + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def delete_deliveries_before(*, cutoff: datetime) -> int:
    """Deliveries older than the log keeps, done with (pending ones stay until settled)."""
    result = db.session.execute(
        delete(WebhookDelivery)
        .where(
            WebhookDelivery.created_at < cutoff,
            WebhookDelivery.status != DeliveryStatus.PENDING,
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
