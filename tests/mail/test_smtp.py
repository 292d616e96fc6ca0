"""The SMTP backend against a real SMTP server: delivery, retries, permanent failures."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from jobhub import create_app
from jobhub.config import TestingConfig
from jobhub.mail.backends import OutgoingMail, TransientMailError
from jobhub.mail.tasks import MAX_RETRIES, deliver_mail
from tests.support.api import register_body
from tests.support.servers import celery_worker, free_port, wait_for
from tests.support.smtp import SmtpServer, smtp_server

ICS = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    with smtp_server() as running:
        yield running


def _in_process(app):
    """Run tasks in-process; let Celery handle a retry itself instead of raising it."""
    conf = app.extensions["celery"].conf
    conf.task_always_eager = True
    conf.task_eager_propagates = False
    return app


@pytest.fixture
def smtp_app(app, app_environ, server):
    """An app whose mail goes to ``server`` (``app`` is requested for the table cleanup)."""
    return _in_process(create_app(TestingConfig({**app_environ, **server.environ()})))


def _mail(**fields) -> dict:
    base = {
        "message_id": "<m1@jobhub.local>",
        "sender": "JobHub <no-reply@jobhub.local>",
        "to": "alice@example.com",
        "subject": "Hello",
        "text": "Plain hello",
        "html": "<p>HTML hello</p>",
        "attachments": (("invite.ics", "text/calendar; method=REQUEST", ICS),),
    }
    return OutgoingMail(**{**base, **fields}).to_dict()


def test_delivers_a_multipart_mail_with_its_attachment(smtp_app, server):
    with smtp_app.app_context():
        assert deliver_mail.apply(args=[_mail()]).get() == "sent"
    [message] = server.handler.messages
    assert message["To"] == "alice@example.com" and message["Subject"] == "Hello"
    assert message["Message-ID"] == "<m1@jobhub.local>"
    assert message.get_body(preferencelist=("plain",)).get_content().strip() == "Plain hello"
    assert "HTML hello" in message.get_body(preferencelist=("html",)).get_content()
    [ics] = list(message.iter_attachments())
    assert ics.get_content_type() == "text/calendar" and ics.get_param("method") == "REQUEST"


def test_registration_mail_goes_through_smtp_after_the_commit(smtp_app, server):
    response = smtp_app.test_client().post(
        "/api/v1/auth/register",
        json=register_body(),
    )
    assert response.status_code == 201
    [message] = server.handler.messages
    assert message["Subject"] == "Confirm your email address"
    assert "verify-email?token=" in message.get_body(preferencelist=("plain",)).get_content()


@pytest.mark.parametrize("where", ["data", "rcpt"])
def test_transient_failures_are_retried_until_delivered(smtp_app, server, where):
    replies = ["451 4.3.0 Try again later", "421 4.7.0 Busy"]
    if where == "data":
        server.handler.data_replies.extend(replies)
    else:
        server.handler.rcpt_replies.extend(["450 4.2.1 Mailbox busy"] * 2)
    with smtp_app.app_context():
        result = deliver_mail.apply(args=[_mail()])
    assert result.get() == "sent"
    assert len(server.handler.messages) == 1
    if where == "data":
        assert server.handler.data_attempts == 3


def test_permanent_failures_are_not_retried(smtp_app, server):
    server.handler.data_replies.append("554 5.7.1 Message rejected")
    with smtp_app.app_context():
        assert deliver_mail.apply(args=[_mail()]).get() == "failed"
    assert server.handler.data_attempts == 1 and server.handler.messages == []


def test_an_unreachable_server_fails_after_the_retries(app, app_environ, caplog):
    closed = {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(free_port())}
    broken = _in_process(create_app(TestingConfig({**app_environ, **closed})))
    with broken.app_context(), caplog.at_level(logging.WARNING, logger="jobhub.mail"):
        result = deliver_mail.apply(args=[_mail()], throw=False)
    assert result.failed()
    assert isinstance(result.result, TransientMailError)
    deferred = [r for r in caplog.records if "deferred" in r.getMessage()]
    assert len(deferred) == MAX_RETRIES + 1


@pytest.mark.postgres
@pytest.mark.slow
def test_a_real_worker_delivers_after_the_request_commits(app, client, backend, server, tmp_path):
    environ = backend.environ(**server.environ())
    with celery_worker(environ, tmp_path=tmp_path):
        response = client.post(
            "/api/v1/auth/register",
            json=register_body(),
        )
        assert response.status_code == 201
        wait_for(lambda: server.handler.messages, timeout=30, what="the worker to send the mail")
    [message] = server.handler.messages
    assert message["To"] == "alice@example.com"
    assert message["Subject"] == "Confirm your email address"


@pytest.mark.postgres
@pytest.mark.slow
def test_smtp_down_the_request_succeeds_and_the_mail_follows(app, client, backend, tmp_path):
    port = free_port()  # nothing listens there yet: the SMTP server is down
    smtp = {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(port)}
    log = tmp_path / "celery-worker.log"
    with celery_worker(backend.environ(**smtp), tmp_path=tmp_path):
        response = client.post("/api/v1/auth/register", json=register_body())
        assert response.status_code == 201, response.get_json()
        wait_for(lambda: "deferred" in log.read_text(errors="replace"), what="a deferred mail")
        with smtp_server(port) as server:  # back up: the retry (about 30 s later) delivers
            wait_for(lambda: server.handler.messages, timeout=90, what="the retried mail")
        [message] = server.handler.messages
    assert message["Subject"] == "Confirm your email address"
