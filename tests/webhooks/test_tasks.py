"""Delivery attempts: the retry schedule on a moved clock, 410, Retry-After, auto-disable."""

from __future__ import annotations

from datetime import timedelta

import pytest
from standardwebhooks import Webhook

from jobhub.db import db, transaction
from jobhub.webhooks import services
from jobhub.webhooks.models import WebhookDelivery, WebhookEndpoint
from jobhub.webhooks.services import RETRY_SCHEDULE
from jobhub.webhooks.transport import Outcome
from tests.support.mail import Mailbox
from tests.webhooks.conftest import API, Reply


@pytest.fixture
def test_event(client, owner_headers, deliveries):
    """POST /webhooks/{id}/test, then the delivery as listed (its first attempt made, as the
    eager task ran after the commit)."""

    def send(webhook_id: int) -> dict:
        response = client.post(f"{API}/webhooks/{webhook_id}/test", headers=owner_headers)
        assert response.status_code == 202, response.get_json()
        created = response.get_json()
        assert (created["status"], created["attempt"]) == ("pending", 0)
        return next(row for row in deliveries(webhook_id) if row["id"] == created["id"])

    return send


def _delivery(app, delivery_id: int) -> WebhookDelivery:
    with app.app_context():
        row = db.session.get(WebhookDelivery, delivery_id)
        db.session.expunge(row)
        return row


def test_the_test_event_is_sent_whatever_the_filters(register, receiver, test_event, deliveries):
    created = register(receiver.url, events=["job.closed"])
    test_event(created["id"])
    [request] = receiver.requests
    payload = Webhook(created["secret"]).verify(request.body, request.headers)
    assert payload["type"] == "webhook.test"
    assert payload["data"]["webhook_id"] == created["id"]
    [listed] = deliveries(created["id"])
    assert listed["status"] == "succeeded" and listed["response_status"] == 200
    assert listed["duration_ms"] >= 0 and listed["next_attempt_at"] is None


def test_500s_are_retried_on_the_schedule_then_exhausted(
    app, register, receiver, test_event, clock, deliver_due
):
    created = register(receiver.url)
    receiver.answer(*[Reply(500)] * 10)
    delivery_id = test_event(created["id"])["id"]
    for attempt, delay in enumerate(RETRY_SCHEDULE, start=1):
        row = _delivery(app, delivery_id)
        assert (row.status.value, row.attempt) == ("pending", attempt)
        assert row.next_attempt_at == clock.now + delay
        assert row.response_status == 500
        clock.advance(delay - timedelta(seconds=1))
        assert deliver_due() == 0  # not due yet: nothing sent
        clock.advance(timedelta(seconds=1))
        assert deliver_due() == 1
    row = _delivery(app, delivery_id)
    assert (row.status.value, row.attempt, row.next_attempt_at) == ("exhausted", 10, None)
    assert len(receiver.requests) == 10
    # The same message every time: one webhook-id for the receiver to deduplicate.
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 1
    assert deliver_due() == 0


def test_a_timeout_is_a_failure_and_retried(
    app, register, receiver, test_event, clock, deliver_due
):
    created = register(receiver.url)
    receiver.answer(Reply(hang=True))
    delivery = test_event(created["id"])
    assert delivery["status"] == "pending" and delivery["attempt"] == 1
    row = _delivery(app, delivery["id"])
    assert row.response_status is None and "Timed out" in row.error
    assert row.next_attempt_at == clock.now + timedelta(seconds=5)
    clock.advance(timedelta(seconds=5))
    deliver_due()
    assert _delivery(app, delivery["id"]).status.value == "succeeded"


def test_redirects_are_not_followed(app, register, receiver, test_event):
    created = register(receiver.url)
    receiver.answer(Reply(302, {"location": receiver.url + "/elsewhere"}))
    delivery = test_event(created["id"])
    assert len(receiver.requests) == 1
    assert delivery["status"] == "pending" and delivery["response_status"] == 302


def test_410_disables_the_endpoint(app, register, receiver, test_event, deliveries, clock):
    mailbox = Mailbox(app)
    created = register(receiver.url)
    receiver.answer(Reply(410))
    delivery = test_event(created["id"])
    assert delivery["status"] == "failed" and delivery["response_status"] == 410
    with app.app_context():
        endpoint = db.session.get(WebhookEndpoint, created["id"])
        assert endpoint.enabled is False and "410" in endpoint.disabled_reason
    assert [m.template for m in mailbox.messages] == ["webhook_disabled"]


def test_retry_after_is_honoured(app, register, receiver, test_event, clock, deliver_due):
    created = register(receiver.url)
    receiver.answer(Reply(429, {"retry-after": "3600"}), Reply(503, {"retry-after": "1"}))
    delivery_id = test_event(created["id"])["id"]
    assert _delivery(app, delivery_id).next_attempt_at == clock.now + timedelta(hours=1)
    clock.advance(timedelta(minutes=59))
    assert deliver_due() == 0
    clock.advance(timedelta(minutes=1))
    assert deliver_due() == 1
    # A shorter Retry-After than the schedule's wait does not bring the retry forward.
    assert _delivery(app, delivery_id).next_attempt_at == clock.now + RETRY_SCHEDULE[1]


def test_an_endpoint_failing_for_five_days_is_disabled_and_owners_mailed(
    app, register, receiver, test_event, clock, deliver_due, employer
):
    mailbox = Mailbox(app)
    created = register(receiver.url)
    receiver.answer(*[Reply(500)] * 20)
    first = test_event(created["id"])["id"]
    clock.advance(timedelta(days=5))
    second = test_event(created["id"])["id"]
    assert _delivery(app, second).status.value == "failed"
    assert _delivery(app, first).status.value == "failed"  # pending ones are not sent
    with app.app_context():
        endpoint = db.session.get(WebhookEndpoint, created["id"])
        assert endpoint.enabled is False and "5 days" in endpoint.disabled_reason
    [mail] = mailbox.messages
    assert mail.to == employer.email and mail.template == "webhook_disabled"
    assert deliver_due() == 0


def test_a_success_resets_the_failure_clock(app, register, receiver, test_event, clock):
    created = register(receiver.url)
    receiver.answer(Reply(500))
    test_event(created["id"])
    clock.advance(timedelta(days=4))
    test_event(created["id"])  # 200
    clock.advance(timedelta(days=2))
    receiver.answer(Reply(500))
    test_event(created["id"])
    with app.app_context():
        endpoint = db.session.get(WebhookEndpoint, created["id"])
        assert endpoint.enabled is True and endpoint.failing_since == clock.now


def test_a_delivery_runs_once_when_sent_twice(app, register, receiver, test_event):
    """The task is idempotent: a second run of a settled delivery sends nothing."""
    from jobhub.webhooks.tasks import deliver

    created = register(receiver.url)
    delivery_id = test_event(created["id"])["id"]
    with app.app_context():
        assert deliver.apply(args=[delivery_id]).get() == "skipped"
    assert len(receiver.requests) == 1


def test_deliveries_older_than_30_days_are_purged(app, register, receiver, test_event, clock):
    from jobhub.webhooks.tasks import purge_deliveries

    created = register(receiver.url)
    old = test_event(created["id"])["id"]
    clock.advance(timedelta(days=31))
    with app.app_context():
        assert purge_deliveries.apply().get() == 1
        assert db.session.get(WebhookDelivery, old) is None


def test_rotation_signs_with_both_secrets_for_24_hours(
    app, client, register, receiver, test_event, clock, owner_headers
):
    created = register(receiver.url)
    rotated = client.post(f"{API}/webhooks/{created['id']}/rotate-secret", headers=owner_headers)
    assert rotated.status_code == 200
    new = rotated.get_json()["secret"]
    assert new.startswith("whsec_") and new != created["secret"]
    test_event(created["id"])
    request = receiver.requests[-1]
    signatures = request.headers["webhook-signature"].split(" ")
    assert len(signatures) == 2 and all(s.startswith("v1,") for s in signatures)
    for secret in (new, created["secret"]):  # either verifies during the overlap
        Webhook(secret).verify(request.body, request.headers)
    clock.advance(timedelta(hours=24))
    test_event(created["id"])
    request = receiver.requests[-1]
    assert len(request.headers["webhook-signature"].split(" ")) == 1
    Webhook(new).verify(request.body, request.headers)
    with pytest.raises(Exception, match="No matching signature"):
        Webhook(created["secret"]).verify(request.body, request.headers)


def test_redelivery_sends_the_same_message_again(
    app, client, register, receiver, test_event, owner_headers, deliveries
):
    created = register(receiver.url)
    receiver.answer(Reply(500))
    failed = test_event(created["id"])
    response = client.post(
        f"{API}/webhook-deliveries/{failed['id']}/redeliver", headers=owner_headers
    )
    assert response.status_code == 202, response.get_json()
    again = response.get_json()
    assert again["id"] != failed["id"] and again["event_id"] == failed["event_id"]
    assert again["redelivery_of_id"] == failed["id"]
    first, second = receiver.requests
    assert first.body == second.body
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    statuses = {row["id"]: row["status"] for row in deliveries(created["id"])}
    assert statuses == {failed["id"]: "pending", again["id"]: "succeeded"}


def test_disabled_endpoints_take_no_test_nor_redelivery(
    client, register, receiver, test_event, owner_headers
):
    created = register(receiver.url)
    sent = test_event(created["id"])
    client.patch(f"{API}/webhooks/{created['id']}", json={"enabled": False}, headers=owner_headers)
    assert (
        client.post(f"{API}/webhooks/{created['id']}/test", headers=owner_headers).status_code
        == 409
    )
    response = client.post(
        f"{API}/webhook-deliveries/{sent['id']}/redeliver", headers=owner_headers
    )
    assert response.status_code == 409
    assert response.get_json()["error"] == "conflict"
    assert len(receiver.requests) == 1


def test_an_attempt_whose_claim_lapsed_can_only_record_a_success(
    app, register, receiver, test_event, clock
):
    """Two attempts of one delivery (the first one's lease lapsed, as when its worker is
    lost): the late failure of the first is ignored, the newer claim decides; a late
    success of the first counts (the receiver has the message), and settles it once."""
    created = register(receiver.url)
    receiver.answer(Reply(500))
    delivery_id = test_event(created["id"])["id"]  # attempt 1 failed: due again in 5 s
    clock.advance(RETRY_SCHEDULE[0])
    lease = timedelta(seconds=app.config["WEBHOOKS_LEASE_SECONDS"])
    with app.app_context():
        with transaction():
            first = services.claim(delivery_id=delivery_id)
        with transaction():
            assert services.claim(delivery_id=delivery_id) is None  # held by the first
        clock.advance(lease)
        with transaction():
            second = services.claim(delivery_id=delivery_id)
        assert (first.number, second.number) == (2, 3)
        with transaction():
            late = Outcome(status=500, duration_ms=1)
            assert services.record_outcome(attempt=first, outcome=late) is None
    row = _delivery(app, delivery_id)
    assert (row.status.value, row.attempt, row.next_attempt_at) == ("pending", 3, clock.now + lease)
    with app.app_context():
        with transaction():
            delivered = Outcome(status=200, duration_ms=1)
            assert services.record_outcome(attempt=first, outcome=delivered) is not None
        with transaction():
            failed = Outcome(status=500, duration_ms=1)
            assert services.record_outcome(attempt=second, outcome=failed) is None
    row = _delivery(app, delivery_id)
    assert (row.status.value, row.attempt, row.response_status) == ("succeeded", 3, 200)
