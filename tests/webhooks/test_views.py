"""Registration, edits, filters, payloads and signatures, against a real local receiver."""

from __future__ import annotations

import pytest
from standardwebhooks import Webhook

from jobhub.audit.models import AuditEntry
from jobhub.db import db
from jobhub.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.webhooks.conftest import API


@pytest.fixture
def job(make, company):
    return make("job", company=company, title="Backend Engineer")


@pytest.fixture
def apply(client, job, candidate, auth_headers):
    def submit() -> dict:
        response = client.post(
            f"{API}/jobs/{job.id}/applications", json={}, headers=auth_headers(candidate)
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return submit


def test_register_shows_the_secret_once_and_audits(app, client, register, receiver, company):
    created = register(receiver.url, description="ATS")
    assert created["secret"].startswith("whsec_")
    assert created["events"] == ["application.created"]
    assert created["enabled"] is True
    assert client.get(f"{API}/webhooks/{created['id']}").status_code == 401
    with app.app_context():
        entry = db.session.query(AuditEntry).filter_by(action="webhook.created").one()
        assert entry.target_id == str(created["id"])
        assert created["secret"] not in str(entry.changes)


def test_get_list_patch_delete(client, register, receiver, company, owner_headers):
    created = register(receiver.url)
    url = f"{API}/webhooks/{created['id']}"
    shown = client.get(url, headers=owner_headers).get_json()
    assert "secret" not in shown
    listed = client.get(f"{API}/companies/{company.id}/webhooks", headers=owner_headers)
    assert [row["id"] for row in listed.get_json()] == [created["id"]]
    assert "secret" not in listed.get_json()[0]
    patched = client.patch(
        url,
        json={"events": ["application.status_changed:hired"], "enabled": False},
        headers=owner_headers,
    )
    assert patched.status_code == 200
    assert patched.get_json()["events"] == ["application.status_changed:hired"]
    assert patched.get_json()["disabled_reason"] == "Disabled by the company."
    again = client.patch(url, json={"enabled": True}, headers=owner_headers).get_json()
    assert again["enabled"] is True and again["disabled_reason"] is None
    assert client.delete(url, headers=owner_headers).status_code == 204
    assert client.get(url, headers=owner_headers).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://example.com/x", "events": ["application.created"]}, "url"),
        ({"url": "https://u:p@93.184.215.14/x", "events": ["application.created"]}, "url"),
        ({"url": "https://93.184.215.14/x", "events": ["application.deleted"]}, "events"),
        ({"url": "https://93.184.215.14/x", "events": ["application.status_changed:x"]}, "events"),
        ({"url": "https://93.184.215.14/x", "events": []}, "events"),
        ({"url": "https://93.184.215.14/\x00", "events": ["application.created"]}, "url"),
        ({"events": ["application.created"]}, "url"),
    ],
)
def test_bad_registrations_are_422_and_store_nothing(
    app, client, company, owner_headers, body, field
):
    response = client.post(
        f"{API}/companies/{company.id}/webhooks", json=body, headers=owner_headers
    )
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]["json"]
    with app.app_context():
        assert db.session.query(WebhookEndpoint).count() == 0


def test_an_event_is_delivered_signed_by_the_standard(
    app, register, receiver, apply, candidate, job
):
    created = register(receiver.url)
    application = apply()
    [request] = receiver.requests
    payload = Webhook(created["secret"]).verify(request.body, request.headers)
    assert payload["type"] == "application.created"
    assert payload["timestamp"].endswith("Z")
    assert payload["data"] == {
        "application_id": application["id"],
        "job_id": job.id,
        "company_id": job.company_id,
        "candidate_id": candidate.id,
        "status": "applied",
    }
    assert request.headers["webhook-id"].startswith("msg_")
    with app.app_context():
        delivery = db.session.query(WebhookDelivery).one()
        assert delivery.status.value == "succeeded"
        assert delivery.event_id == request.headers["webhook-id"]
        assert delivery.response_status == 200 and delivery.attempt == 1


def test_personal_data_only_when_opted_in(register, receiver, apply, candidate):
    register(receiver.url)
    register(receiver.url, include_personal_data=True)
    apply()
    bodies = sorted((r.json for r in receiver.requests), key=lambda body: len(body["data"]))
    thin, full = bodies
    assert "candidate" not in thin["data"] and candidate.email not in str(thin)
    assert full["data"]["candidate"]["email"] == candidate.email
    assert full["data"]["job"]["title"] == "Backend Engineer"


def test_status_filters(client, register, receiver, apply, owner_headers):
    every = register(receiver.url, events=["application.status_changed"])
    only_rejected = register(receiver.url, events=["application.status_changed:rejected"])
    application = apply()  # neither endpoint takes application.created
    assert receiver.requests == []
    move = f"{API}/applications/{application['id']}/status"
    assert (
        client.patch(move, json={"status": "screening"}, headers=owner_headers).status_code == 200
    )
    assert client.patch(move, json={"status": "rejected"}, headers=owner_headers).status_code == 200
    got = [r.json["data"]["to_status"] for r in receiver.requests]
    assert got == ["screening", "rejected", "rejected"]
    by_secret = {}
    for request in receiver.requests:
        for created in (every, only_rejected):
            try:
                Webhook(created["secret"]).verify(request.body, request.headers)
            except Exception:  # noqa: S112  (signed with the other endpoint's secret)
                continue
            by_secret.setdefault(created["id"], []).append(request.json["data"]["to_status"])
    assert by_secret == {every["id"]: ["screening", "rejected"], only_rejected["id"]: ["rejected"]}


def test_withdrawal_is_its_own_event(client, register, receiver, apply, candidate, auth_headers):
    register(receiver.url, events=["application.withdrawn"])
    application = apply()
    response = client.patch(
        f"{API}/applications/{application['id']}/status",
        json={"status": "withdrawn"},
        headers=auth_headers(candidate),
    )
    assert response.status_code == 200, response.get_json()
    assert [r.json["type"] for r in receiver.requests] == ["application.withdrawn"]


def test_the_outbox_row_rolls_back_with_the_event(app, register, receiver, company, candidate):
    """An event whose transaction fails writes no delivery and sends nothing."""
    from jobhub.applications.models import Application
    from jobhub.webhooks import services

    register(receiver.url)
    with app.app_context():
        services.emit(company_id=company.id, type_="application.created", data={"x": 1})
        assert db.session.query(WebhookDelivery).count() == 1
        db.session.rollback()
        assert db.session.query(WebhookDelivery).count() == 0
        assert db.session.query(Application).count() == 0
    assert receiver.requests == []


def test_an_api_key_with_the_scope_manages_webhooks(client, company, owner_headers, receiver):
    key = client.post(
        f"{API}/companies/{company.id}/api-keys",
        json={"name": "hooks", "scopes": ["webhooks:manage"]},
        headers=owner_headers,
    ).get_json()["key"]
    response = client.post(
        f"{API}/companies/{company.id}/webhooks",
        json={"url": receiver.url, "events": ["job.published"]},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 201, response.get_json()


def test_a_deleted_candidate_is_announced_to_the_companies(
    client, register, receiver, apply, candidate, auth_headers
):
    from tests.factories import DEFAULT_PASSWORD

    created = register(receiver.url, events=["candidate.erased"])
    apply()
    response = client.delete(
        f"{API}/users/me", json={"password": DEFAULT_PASSWORD}, headers=auth_headers(candidate)
    )
    assert response.status_code == 200, response.get_json()
    [request] = receiver.requests
    payload = Webhook(created["secret"]).verify(request.body, request.headers)
    assert payload == {
        "type": "candidate.erased",
        "timestamp": payload["timestamp"],
        "data": {"candidate_id": candidate.id},
    }
