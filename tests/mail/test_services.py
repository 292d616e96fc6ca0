"""The mail service: rendering, sending only after commit, attachments, backends, idempotency."""

from __future__ import annotations

import logging

import pytest
from jinja2 import UndefinedError

from jobhub.db import transaction
from jobhub.mail.backends import OutgoingMail, outbox
from jobhub.mail.services import render, send_mail
from jobhub.mail.tasks import deliver_mail, retry_delay

ICS = (
    "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nSUMMARY:Interview\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)
CONTEXT = {"full_name": "Alice", "how": "changed", "changed_at": "2026-11-22 10:00"}


def test_html_is_autoescaped_and_text_is_not(app_ctx):
    text, html = render(template="password_changed", context={**CONTEXT, "full_name": "<b>Eve</b>"})
    assert "Hello <b>Eve</b>," in text
    assert "&lt;b&gt;Eve&lt;/b&gt;" in html and "<b>Eve</b>" not in html
    assert "http://127.0.0.1:5000/forgot-password" in text  # public_base_url from config


def test_a_missing_variable_fails_loudly(app_ctx):
    with pytest.raises(UndefinedError):
        render(template="password_changed", context={"full_name": "Alice"})


@pytest.mark.parametrize("name", ["../secrets", "/etc/passwd", "Password_Changed", ""])
def test_template_names_are_checked(app_ctx, name):
    with pytest.raises(ValueError, match="template"):
        render(template=name, context=CONTEXT)


def test_mail_leaves_only_after_the_commit(app, mailbox):
    with app.app_context(), transaction():
        send_mail(to="a@example.com", subject="Hi", template="password_changed", context=CONTEXT)
        assert mailbox.messages == []
    [mail] = mailbox.messages
    assert mail.to == "a@example.com" and mail.subject == "Hi"
    assert mail.template == "password_changed" and mail.sender == app.config["MAIL_DEFAULT_SENDER"]
    assert mail.message_id.endswith("@jobhub.local>")


def test_a_rolled_back_transaction_sends_nothing(app, mailbox):
    def failing_request() -> None:
        with app.app_context(), transaction():
            send_mail(
                to="a@example.com", subject="Hi", template="password_changed", context=CONTEXT
            )
            raise RuntimeError("the request failed")

    with pytest.raises(RuntimeError):
        failing_request()
    with app.app_context(), transaction():
        pass
    assert mailbox.messages == []


def test_attachments_become_mime_parts(app, mailbox):
    with app.app_context(), transaction():
        send_mail(
            to="a@example.com",
            subject="Interview",
            template="password_changed",
            context=CONTEXT,
            attachments=[("invite.ics", "text/calendar; method=REQUEST", ICS)],
        )
    [mail] = mailbox.messages
    mime = mail.mime()
    assert mime["To"] == "a@example.com" and mime["Message-ID"] == mail.message_id
    body = mime.get_body(preferencelist=("plain",))
    assert "Hello Alice," in body.get_content()
    assert "Hello Alice," in mime.get_body(preferencelist=("html",)).get_content()
    [attachment] = list(mime.iter_attachments())
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "REQUEST"
    assert attachment.get_content() == ICS.replace("\r\n", "\n")  # lines end in CRLF on the wire


def test_line_breaks_in_a_subject_become_spaces(app, mailbox):
    """Made safe where used: a job title with CR/LF never fails the sender's transaction."""
    with app.app_context(), transaction():
        subject = "Engineer\r\nBcc: x@evil.test\u2028X-Evil: 1"
        send_mail(to="a@example.com", subject=subject, template="password_changed", context=CONTEXT)
    [mail] = mailbox.messages
    assert mail.subject == "Engineer Bcc: x@evil.test X-Evil: 1"
    mime = mail.mime()
    assert mime["Bcc"] is None and mime["X-Evil"] is None
    assert list(mime.keys()).count("Subject") == 1


def test_a_recipient_with_line_breaks_is_dropped_not_raised(app, mailbox, caplog):
    with app.app_context(), transaction():
        send_mail(
            to="a@example.com\r\nBcc: x@evil.test", subject="Hi", template="password_changed",
            context=CONTEXT,
        )  # fmt: skip
    assert mailbox.messages == []
    assert "not a single address" in caplog.text


def test_a_redelivered_task_does_not_send_twice(app, mailbox):
    mail = OutgoingMail(
        message_id="<once@jobhub.local>",
        sender="s@jobhub.local",
        to="a@example.com",
        subject="Hi",
        text="t",
        html="<p>h</p>",
    )
    assert deliver_mail.apply(args=[mail.to_dict()]).get() == "sent"
    assert deliver_mail.apply(args=[mail.to_dict()]).get() == "duplicate"
    assert [m.message_id for m in outbox(app)] == ["<once@jobhub.local>"]


def test_console_backend_logs_the_mail(app, caplog):
    app.config["MAIL_BACKEND"] = "console"
    mail = OutgoingMail(
        message_id="<c@jobhub.local>",
        sender="s@jobhub.local",
        to="dev@example.com",
        subject="Console mail",
        text="Open http://x/verify?token=abc",
        html="<p>h</p>",
        attachments=(("a.ics", "text/calendar", "X"),),
    )
    with caplog.at_level(logging.INFO, logger="jobhub.mail"):
        assert deliver_mail.apply(args=[mail.to_dict()]).get() == "sent"
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "jobhub.mail")
    assert "dev@example.com" in logged and "token=abc" in logged and "a.ics" in logged
    assert outbox(app) == []


def test_retry_delay_backs_off_exponentially_with_a_cap():
    assert 30 <= retry_delay(0) < 40
    assert 240 <= retry_delay(3) < 250
    assert 3600 <= retry_delay(20) < 3610


def test_unknown_mail_backend_is_a_config_error():
    from jobhub.config import ConfigError, TestingConfig

    with pytest.raises(ConfigError, match="MAIL_BACKEND"):
        TestingConfig({"MAIL_BACKEND": "pigeon"})
