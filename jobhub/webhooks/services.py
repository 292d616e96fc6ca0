"""Webhook endpoints (registration, edits, rotation) and events written to the outbox.

An event becomes one ``WebhookDelivery`` row per subscribed endpoint, in the transaction
that raised it (so it is sent if and only if that commits); the delivery task is queued
after the commit, and the beat sweep picks up whatever a lost worker left behind.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from flask import current_app

from jobhub import metrics
from jobhub.applications.models import ApplicationStatus
from jobhub.audit import services as audit
from jobhub.companies.models import Company
from jobhub.db import db, enqueue_after_commit
from jobhub.errors import Conflict, ValidationError
from jobhub.mail.services import send_mail
from jobhub.webhooks import queries, signing, transport
from jobhub.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

EVENT_TYPES = (
    "application.created",
    "application.status_changed",
    "application.withdrawn",
    "interview.scheduled",
    "interview.updated",
    "interview.cancelled",
    "job.published",
    "job.closed",
    "job.moderated",
    "candidate.erased",
    "webhook.test",
)
STATUS_FILTER = "application.status_changed"
ROTATION_OVERLAP = timedelta(hours=24)
DELIVER_TASK = "webhooks.deliver"


def now() -> datetime:
    """The webhooks' clock (``WEBHOOKS_CLOCK``): tests move it instead of waiting."""
    return current_app.config["WEBHOOKS_CLOCK"]()


def event_filters() -> list[str]:
    """Every filter an endpoint may name: the types, and the status change to each status."""
    return [*EVENT_TYPES, *(f"{STATUS_FILTER}:{status.value}" for status in ApplicationStatus)]


@dataclass(frozen=True)
class WithSecret:
    """An endpoint as its creator (or rotator) sees it, this once: with the ``secret``."""

    secret: str
    endpoint: WebhookEndpoint

    def __getattr__(self, name: str) -> object:
        return getattr(self.endpoint, name)


def _check_url(url: str) -> None:
    config = current_app.config
    try:
        transport.check(
            url,
            require_https=config["WEBHOOKS_REQUIRE_HTTPS"],
            allow_private=config["WEBHOOKS_ALLOW_PRIVATE"],
        )
    except transport.RefusedTarget as refused:
        raise ValidationError(errors={"json": {"url": [str(refused)]}}) from None


def _audit(action: str, *, actor: Any, endpoint: WebhookEndpoint, changes: dict | None) -> None:
    audit.record(
        action=action,
        actor=actor,
        target_type="webhook",
        target_id=endpoint.id,
        changes=changes,
    )


def create_endpoint(
    *,
    company: Company,
    actor: Any,
    url: str,
    events: list[str],
    description: str | None = None,
    include_personal_data: bool = False,
) -> WithSecret:
    """A new endpoint of the company, its secret in the answer and never again."""
    _check_url(url)
    secret = signing.new_secret()
    endpoint = WebhookEndpoint(
        company_id=company.id,
        created_by_id=actor.id,
        url=url,
        description=description,
        events=sorted(set(events)),
        include_personal_data=include_personal_data,
        secret=secret,
    )
    db.session.add(endpoint)
    db.session.flush()
    changes = {"url": [None, url], "events": [None, endpoint.events]}
    _audit("webhook.created", actor=actor, endpoint=endpoint, changes=changes)
    return WithSecret(secret=secret, endpoint=endpoint)


def update_endpoint(*, endpoint: WebhookEndpoint, actor: Any, changes: dict[str, Any]) -> Any:
    """Edit url, events, description, personal data or ``enabled`` (re-enabling resets it)."""
    if "url" in changes and changes["url"] != endpoint.url:
        _check_url(changes["url"])
    if "events" in changes:
        changes = {**changes, "events": sorted(set(changes["events"]))}
    diff = {k: [getattr(endpoint, k), v] for k, v in changes.items() if getattr(endpoint, k) != v}
    for field, (_before, after) in diff.items():
        setattr(endpoint, field, after)
    if diff.get("enabled") == [False, True]:
        endpoint.disabled_reason = None
        endpoint.failing_since = None
    elif diff.get("enabled") == [True, False]:
        endpoint.disabled_reason = "Disabled by the company."
    db.session.flush()
    if diff:
        _audit("webhook.updated", actor=actor, endpoint=endpoint, changes=diff)
    return endpoint


def delete_endpoint(*, endpoint: WebhookEndpoint, actor: Any) -> None:
    """Remove the endpoint and its delivery log; nothing more is sent to it."""
    _audit("webhook.deleted", actor=actor, endpoint=endpoint, changes={"url": [endpoint.url, None]})
    db.session.delete(endpoint)
    db.session.flush()


def rotate_secret(*, endpoint: WebhookEndpoint, actor: Any) -> WithSecret:
    """A new secret; the old one signs alongside it for 24 hours (two v1 signatures)."""
    secret = signing.new_secret()
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = now() + ROTATION_OVERLAP
    endpoint.secret = secret
    db.session.flush()
    expiry = endpoint.previous_secret_expires_at.isoformat()
    _audit("webhook.secret_rotated", actor=actor, endpoint=endpoint, changes={"overlap": expiry})
    return WithSecret(secret=secret, endpoint=endpoint)


def signing_secrets(endpoint: WebhookEndpoint, *, at: datetime) -> list[str]:
    """The secrets that sign now: the current one, and the previous one during the overlap."""
    live = [endpoint.secret]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret and expires is not None and at < expires:
        live.append(endpoint.previous_secret)
    return live


# -- events into the outbox -------------------------------------------------------------


def subscribed(endpoint: WebhookEndpoint, *, type_: str, status: str | None = None) -> bool:
    """Whether the endpoint's filters take this event (a status change: any, or this one)."""
    if type_ in endpoint.events:
        return True
    return type_ == STATUS_FILTER and f"{STATUS_FILTER}:{status}" in endpoint.events


def body(*, type_: str, data: dict[str, Any], at: datetime) -> str:
    """The JSON body: ``{type, timestamp, data}``, serialised once and stored as sent."""
    stamp = at.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return json.dumps({"type": type_, "timestamp": stamp, "data": data}, separators=(",", ":"))


def emit(
    *,
    company_id: int,
    type_: str,
    data: dict[str, Any],
    personal: dict[str, Any] | None = None,
    status: str | None = None,
) -> list[WebhookDelivery]:
    """One delivery per subscribed endpoint of the company, written in this transaction.

    ``data`` holds ids and statuses only; ``personal`` is merged in for the endpoints
    that opted into personal data.
    """
    endpoints = [
        endpoint
        for endpoint in queries.enabled_endpoints(company_id=company_id)
        if subscribed(endpoint, type_=type_, status=status)
    ]
    return _outbox(endpoints, type_=type_, data=data, personal=personal)


def _outbox(
    endpoints: list[WebhookEndpoint],
    *,
    type_: str,
    data: dict[str, Any],
    personal: dict[str, Any] | None,
) -> list[WebhookDelivery]:
    at, event_id = now(), signing.new_message_id()
    thin = body(type_=type_, data=data, at=at)
    full = body(type_=type_, data={**data, **(personal or {})}, at=at)
    deliveries = [
        WebhookDelivery(
            endpoint_id=endpoint.id,
            event_id=event_id,
            type=type_,
            body=full if endpoint.include_personal_data and personal else thin,
            next_attempt_at=at,
        )
        for endpoint in endpoints
    ]
    db.session.add_all(deliveries)
    db.session.flush()
    for delivery in deliveries:
        enqueue_after_commit(DELIVER_TASK, delivery.id)
    return deliveries


def companies_applied_to(*, candidate_id: int) -> list[int]:
    return queries.companies_applied_to(candidate_id=candidate_id)


def application_personal_data(*, candidate_id: int, job_id: int) -> dict[str, Any]:
    """What endpoints with ``include_personal_data`` get besides the ids."""
    candidate, job = queries.candidate_and_job(candidate_id=candidate_id, job_id=job_id)
    return {
        "candidate": {
            "full_name": candidate.full_name if candidate else None,
            "email": candidate.email if candidate else None,
        },
        "job": {"title": job.title if job else None},
    }


def send_test(*, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """A ``webhook.test`` event to this endpoint (whatever its filters), sent as any other."""
    if not endpoint.enabled:
        raise Conflict("The endpoint is disabled: enable it first (PATCH enabled=true).")
    data = {"webhook_id": endpoint.id, "company_id": endpoint.company_id}
    return _outbox([endpoint], type_="webhook.test", data=data, personal=None)[0]


def redeliver(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """The same message again (same webhook-id and body), as a new delivery from attempt 1."""
    endpoint = queries.get_endpoint(endpoint_id=delivery.endpoint_id)
    if endpoint is None or not endpoint.enabled:
        raise Conflict("The endpoint is disabled: enable it first (PATCH enabled=true).")
    again = WebhookDelivery(
        endpoint_id=delivery.endpoint_id,
        event_id=delivery.event_id,
        type=delivery.type,
        body=delivery.body,
        next_attempt_at=now(),
        redelivery_of_id=delivery.id,
        status=DeliveryStatus.PENDING,
    )
    db.session.add(again)
    db.session.flush()
    enqueue_after_commit(DELIVER_TASK, again.id)
    return again


# -- attempts ---------------------------------------------------------------------------

# After the n-th failed attempt the next one waits RETRY_SCHEDULE[n-1]; after the last,
# the delivery is exhausted (10 attempts in about 3 days 4 hours).
RETRY_SCHEDULE = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=14),
    timedelta(hours=20),
    timedelta(hours=24),
)
RETRY_AFTER_CAP = timedelta(hours=24)
DISABLE_AFTER = timedelta(days=5)


@dataclass(frozen=True)
class Attempt:
    """What the task needs to send one attempt, read inside the claiming transaction."""

    delivery_id: int
    number: int  # the attempt's number: its outcome counts while it still holds the claim
    url: str
    message_id: str
    body: str
    secrets: list[str]


def claim(*, delivery_id: int) -> Attempt | None:
    """Take a due delivery for one attempt; None when it is not due (or already settled).

    The attempt is counted when claimed, so one whose worker was lost before it could
    record an outcome still shows in the log (the next attempt has the next number). A
    delivery of a disabled endpoint is settled as failed here, the attempt not counted.
    """
    at = now()
    lease = timedelta(seconds=current_app.config["WEBHOOKS_LEASE_SECONDS"])
    if not queries.claim_due(delivery_id=delivery_id, at=at, lease_until=at + lease):
        return None
    delivery = queries.locked_delivery(delivery_id=delivery_id)
    endpoint = queries.get_endpoint(endpoint_id=delivery.endpoint_id)
    if not endpoint.enabled:
        delivery.attempt -= 1  # claimed, never sent
        _settle(delivery, DeliveryStatus.FAILED, error="The endpoint is disabled.")
        return None
    return Attempt(
        delivery_id=delivery.id,
        number=delivery.attempt,
        url=endpoint.url,
        message_id=delivery.event_id,
        body=delivery.body,
        secrets=signing_secrets(endpoint, at=at),
    )


def _settle(delivery: WebhookDelivery, status: DeliveryStatus, *, error: str | None) -> None:
    delivery.status = status
    delivery.next_attempt_at = None
    delivery.error = error
    db.session.flush()


def send(attempt: Attempt) -> transport.Outcome:
    """The HTTP attempt itself, outside any transaction: signed now, through the guard."""
    config = current_app.config
    headers = signing.headers(
        attempt.secrets,
        message_id=attempt.message_id,
        timestamp=int(time.time()),
        body=attempt.body,
    )
    return transport.post(
        attempt.url,
        body=attempt.body,
        headers=headers,
        timeout=config["WEBHOOKS_TIMEOUT_SECONDS"],
        require_https=config["WEBHOOKS_REQUIRE_HTTPS"],
        allow_private=config["WEBHOOKS_ALLOW_PRIVATE"],
    )


def record_outcome(*, attempt: Attempt, outcome: transport.Outcome) -> WebhookDelivery | None:
    """Write what the attempt gave, and decide: done, retry when, give up, disable.

    Under the row's lock, and only while the delivery is pending: a success always counts
    (the receiver has the message), a failure only from the attempt that holds the claim
    (one whose lease lapsed, and was claimed again, leaves the decision to the newer one).
    """
    delivery = queries.locked_delivery(delivery_id=attempt.delivery_id)
    if delivery is None or delivery.status != DeliveryStatus.PENDING:
        return None  # deleted with its endpoint meanwhile, or settled by another attempt
    succeeded = outcome.status is not None and 200 <= outcome.status < 300
    if delivery.attempt != attempt.number and not succeeded:
        return None
    endpoint = queries.get_endpoint(endpoint_id=delivery.endpoint_id)
    at = now()
    delivery.last_attempt_at = at
    delivery.response_status = outcome.status
    delivery.duration_ms = outcome.duration_ms
    if succeeded:
        _settle(delivery, DeliveryStatus.SUCCEEDED, error=None)
        endpoint.failing_since = None
        metrics.webhook_delivery("delivered")
    elif outcome.status == 410:
        _settle(delivery, DeliveryStatus.FAILED, error="410 Gone: the endpoint was disabled.")
        disable(endpoint=endpoint, reason="The receiver answered 410 Gone.")
        metrics.webhook_delivery("failed")
    else:
        _failed(delivery, endpoint, outcome, at=at)
    db.session.flush()
    return delivery


def _failed(
    delivery: WebhookDelivery,
    endpoint: WebhookEndpoint,
    outcome: transport.Outcome,
    *,
    at: datetime,
) -> None:
    error = outcome.error or f"The receiver answered {outcome.status}."
    endpoint.failing_since = endpoint.failing_since or at
    if at - endpoint.failing_since >= DISABLE_AFTER:
        _settle(delivery, DeliveryStatus.FAILED, error=error)
        disable(endpoint=endpoint, reason="Every delivery failed for 5 days.")
        metrics.webhook_delivery("gave_up")
    elif delivery.attempt > len(RETRY_SCHEDULE):
        _settle(delivery, DeliveryStatus.EXHAUSTED, error=error)
        metrics.webhook_delivery("gave_up")
    else:
        delay = RETRY_SCHEDULE[delivery.attempt - 1]
        asked = retry_after(outcome.retry_after, at=at)
        delivery.next_attempt_at = at + max(delay, min(asked, RETRY_AFTER_CAP))
        delivery.error = error
        metrics.webhook_delivery("retried")


def retry_after(value: str | None, *, at: datetime) -> timedelta:
    """A Retry-After header (seconds, or an HTTP date) as a wait; zero when absent or bad."""
    if not value:
        return timedelta(0)
    value = value.strip()
    if value.isdigit():
        return timedelta(seconds=min(int(value), int(RETRY_AFTER_CAP.total_seconds())))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return timedelta(0)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(when - at, timedelta(0))


def disable(*, endpoint: WebhookEndpoint, reason: str) -> None:
    """Stop sending to the endpoint: its pending deliveries fail, its owners are mailed."""
    if not endpoint.enabled:
        return
    endpoint.enabled = False
    endpoint.disabled_reason = reason
    for pending in db.session.scalars(queries.pending_of_endpoint(endpoint_id=endpoint.id)):
        _settle(pending, DeliveryStatus.FAILED, error=f"Not sent: {reason}")
    audit.record(
        action="webhook.disabled",
        target_type="webhook",
        target_id=endpoint.id,
        changes={"enabled": [True, False], "reason": reason},
    )
    company = db.session.get(Company, endpoint.company_id)
    for owner in queries.company_owners(company_id=endpoint.company_id):
        send_mail(
            to=owner.email,
            subject="A webhook of your company was disabled",
            template="webhook_disabled",
            context={
                "full_name": owner.full_name,
                "url": endpoint.url,
                "webhook_id": endpoint.id,
                "company_name": company.name if company else "",
                "reason": reason,
            },
        )


def due_deliveries() -> list[int]:
    return queries.due_delivery_ids(now=now())


def purge_old_deliveries() -> int:
    """Drop settled deliveries older than WEBHOOKS_RETENTION_DAYS."""
    days = current_app.config["WEBHOOKS_RETENTION_DAYS"]
    return queries.delete_deliveries_before(cutoff=queries.retention_cutoff(now=now(), days=days))
