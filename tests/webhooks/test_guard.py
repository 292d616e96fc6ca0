"""The SSRF guard: refused ranges at registration and at each delivery, https in production."""

from __future__ import annotations

import ipaddress

import pytest

from jobhub.config import ProductionConfig
from jobhub.db import db
from jobhub.webhooks import transport
from jobhub.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.webhooks.conftest import API

REFUSED = [
    ("127.0.0.1", "loopback"),
    ("[::1]", "loopback"),
    ("10.1.2.3", "private"),
    ("172.16.0.1", "private"),
    ("192.168.1.10", "private"),
    ("[fc00::1]", "private"),
    ("169.254.169.254", "link-local"),  # cloud metadata
    ("[fe80::1]", "link-local"),
    ("224.0.0.1", "multicast"),
    ("[ff02::1]", "multicast"),
    ("240.0.0.1", "reserved"),
    ("0.0.0.0", "unspecified"),  # noqa: S104  (refused, not bound)
    ("[::ffff:127.0.0.1]", "loopback"),  # IPv4-mapped
    ("100.64.0.1", "not a public address"),  # carrier-grade NAT
    ("localhost", "loopback"),  # a name that resolves to loopback
]


@pytest.fixture
def app_environ(app_environ):
    return {**app_environ, "WEBHOOKS_ALLOW_PRIVATE": "false"}


@pytest.mark.parametrize(("host", "kind"), REFUSED)
def test_refused_at_registration(app, client, company, owner_headers, host, kind):
    response = client.post(
        f"{API}/companies/{company.id}/webhooks",
        json={"url": f"http://{host}:8080/hook", "events": ["application.created"]},
        headers=owner_headers,
    )
    assert response.status_code == 422, response.get_json()
    [message] = response.get_json()["errors"]["json"]["url"]
    assert kind in message
    with app.app_context():
        assert db.session.query(WebhookEndpoint).count() == 0


def test_a_public_address_is_accepted(client, company, owner_headers):
    response = client.post(
        f"{API}/companies/{company.id}/webhooks",
        json={"url": "https://93.184.215.14/hook", "events": ["application.created"]},
        headers=owner_headers,
    )
    assert response.status_code == 201, response.get_json()


def test_refused_at_delivery_on_the_address_resolved_then(
    app, client, make, company, owner_headers, receiver
):
    """An endpoint that became private (its name now resolves to loopback, or the setting
    changed) is refused at the attempt: nothing reaches the receiver."""
    host_url = receiver.url.replace("127.0.0.1", "localhost")
    endpoint = make("webhook_endpoint", company=company, url=host_url)
    response = client.post(f"{API}/webhooks/{endpoint.id}/test", headers=owner_headers)
    assert response.status_code == 202
    assert receiver.requests == []
    with app.app_context():
        delivery = db.session.query(WebhookDelivery).one()
        assert delivery.status.value == "pending" and delivery.attempt == 1
        assert "localhost resolves to 127.0.0.1, a loopback address" in delivery.error


def test_the_connection_goes_to_the_checked_address(receiver):
    """The request is sent to the address the guard checked, naming the host in Host."""
    outcome = transport.post(
        receiver.url.replace("127.0.0.1", "localhost"),
        body="{}",
        headers={"webhook-id": "msg_1"},
        timeout=2,
        require_https=False,
        allow_private=True,
    )
    assert outcome.status == 200, outcome
    [request] = receiver.requests
    assert request.headers["host"] == f"localhost:{receiver.server.server_address[1]}"


@pytest.mark.parametrize(
    "address",
    ["8.8.8.8", "93.184.215.14", "2606:4700:4700::1111"],
)
def test_public_addresses_pass(address):
    assert transport.refusal(ipaddress.ip_address(address)) is None


def test_https_only_in_production(upload_dir):
    config = ProductionConfig(
        {
            "SECRET_KEY": "s" * 40,
            "JWT_SECRET_KEY": "j" * 40,
            "DATABASE_URL": "sqlite://",
            "REDIS_URL": "redis://127.0.0.1:6379/11",
            "PUBLIC_BASE_URL": "https://jobhub.example.com",
            "WEBHOOKS_REQUIRE_HTTPS": "false",
        }
    )
    assert config.WEBHOOKS_REQUIRE_HTTPS is True
    with pytest.raises(transport.RefusedTarget, match="https"):
        transport.parse("http://93.184.215.14/hook", require_https=True)


def _resolver(monkeypatch, answers: dict[str, list[str]]) -> list[str]:
    """The system resolver answering ``answers`` for made-up names (what a DNS server
    under an attacker's control would say); every name asked is recorded."""
    import socket

    real, asked = socket.getaddrinfo, []

    def getaddrinfo(host, port, *args, **kwargs):
        asked.append(host)
        if host in answers:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in answers[host]]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


def test_every_resolved_address_is_checked(monkeypatch):
    _resolver(monkeypatch, {"mixed.invalid": ["93.184.215.14", "127.0.0.1"]})
    with pytest.raises(transport.RefusedTarget, match=r"127\.0\.0\.1, a loopback address"):
        transport.check("https://mixed.invalid/hook", require_https=True, allow_private=False)


def test_the_name_is_resolved_once_and_the_checked_address_connected_to(monkeypatch, receiver):
    """DNS rebinding: the name is resolved once per attempt, and the connection goes to
    that answer. ``rebind.invalid`` exists in no real DNS, so the request can only arrive
    if nothing resolved the name a second time."""
    asked = _resolver(monkeypatch, {"rebind.invalid": ["127.0.0.1"]})
    port = receiver.server.server_address[1]
    outcome = transport.post(
        f"http://rebind.invalid:{port}/hook",
        body="{}",
        headers={},
        timeout=2,
        require_https=False,
        allow_private=True,
    )
    assert outcome.status == 200, outcome
    # The connection resolves only the checked address itself (an IP literal).
    assert asked == ["rebind.invalid", "127.0.0.1"]
    assert receiver.requests[0].headers["host"] == f"rebind.invalid:{port}"
