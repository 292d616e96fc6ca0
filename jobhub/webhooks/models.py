"""Webhook endpoints of companies and their deliveries (the outbox, then the log)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jobhub.db import IdMixin, TimestampMixin, db, utcnow, value_enum


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"  # not sent yet, or a retry is scheduled (next_attempt_at)
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # given up before the schedule ended: 410, endpoint disabled
    EXHAUSTED = "exhausted"  # every attempt of the schedule failed


class WebhookEndpoint(IdMixin, TimestampMixin, db.Model):
    """A company's receiver: where to send, which events, and the signing secrets.

    The secret must sign, so it is stored as issued (``whsec_…``) and never shown again;
    after a rotation the previous one keeps signing until ``previous_secret_expires_at``.
    """

    __tablename__ = "webhook_endpoints"

    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True, default=None
    )
    url: Mapped[str] = mapped_column(String(2048))
    description: Mapped[str | None] = mapped_column(String(500), default=None)
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    include_personal_data: Mapped[bool] = mapped_column(Boolean, default=False)
    secret: Mapped[str] = mapped_column(String(128))
    previous_secret: Mapped[str | None] = mapped_column(String(128), default=None)
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(default=None)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    disabled_reason: Mapped[str | None] = mapped_column(String(200), default=None)
    # The first failed attempt since the last success: 5 days of failure disable it.
    failing_since: Mapped[datetime | None] = mapped_column(default=None)

    def __repr__(self) -> str:
        return f"<WebhookEndpoint {self.id} company={self.company_id}>"


class WebhookDelivery(IdMixin, db.Model):
    """One event for one endpoint: written with the event, updated by each attempt."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_endpoint_id_id", "endpoint_id", "id"),
        Index("ix_webhook_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_created_at", "created_at"),
    )

    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(String(64))  # the webhook-id header
    type: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)  # the exact JSON sent (and signed)
    status: Mapped[DeliveryStatus] = mapped_column(
        value_enum(DeliveryStatus, "webhook_delivery_status"), default=DeliveryStatus.PENDING
    )
    attempt: Mapped[int] = mapped_column(Integer, default=0)  # attempts made so far
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    response_status: Mapped[int | None] = mapped_column(Integer, default=None)
    duration_ms: Mapped[int | None] = mapped_column(Integer, default=None)
    error: Mapped[str | None] = mapped_column(String(500), default=None)
    redelivery_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="SET NULL"), index=True, default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_attempt_at: Mapped[datetime | None] = mapped_column(default=None)

    def __repr__(self) -> str:
        return f"<WebhookDelivery {self.id} {self.type} {self.status}>"
