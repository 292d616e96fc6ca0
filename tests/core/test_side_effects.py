"""One user's input never breaks another user's request (SPEC §1, issue 11).

An employer's job title and company name end up in mail subjects and calendar invites
that other people's requests send. The API refuses line breaks in them now; rows stored
before that (or by any other way in) are made safe where they are used, so a candidate's
withdrawal or account deletion and an admin's moderation still succeed, and no mail
carries an injected header.
"""

from __future__ import annotations

import pytest

from tests.factories import DEFAULT_PASSWORD

EVIL_TITLE = "Engineer\r\nBcc: x@evil.example"
EVIL_COMPANY = "Acme\r\nBcc: y@evil.example"


@pytest.fixture
def stage(make, make_user, api, mailbox):
    """A job whose title and company name carry CRLF, two candidates with interviews."""
    employer = make_user(role="employer", email_verified=True)
    company = make("company", owner=employer, name=EVIL_COMPANY)
    job = make("job", company=company, title=EVIL_TITLE)
    candidates = [make_user(role="candidate", email_verified=True) for _ in range(2)]
    applications = [api.apply(c, job) for c in candidates]
    for application in applications:
        api.move(employer, application["id"], "screening")
        api.schedule(employer, application["id"])
    return employer, job, candidates, applications


def test_a_title_with_line_breaks_is_refused_by_the_api(api, stage):
    employer, job, _, _ = stage
    response = api.patch(employer, f"/jobs/{job.id}", json={"title": EVIL_TITLE})
    assert response.status_code == 422
    assert "title" in response.get_json()["errors"]["json"]


def test_other_users_requests_succeed_and_no_header_is_injected(api, admin, mailbox, stage):
    _, job, (first, second), (application, _) = stage
    api.move(first, application["id"], "withdrawn")
    response = api.delete(second, "/users/me", json={"password": DEFAULT_PASSWORD})
    assert response.status_code == 200, response.get_json()
    response = api.post(
        admin, f"/admin/jobs/{job.id}/moderate", json={"decision": "reject", "reason": "spam"}
    )
    assert response.status_code == 200, response.get_json()

    assert mailbox.messages, "the flows above mail someone"
    assert any("Engineer" in mail.subject for mail in mailbox.messages)
    for mail in mailbox.messages:
        assert "\r" not in mail.subject and "\n" not in mail.subject
        mime = mail.mime()
        assert mime["Bcc"] is None, mail.subject
        assert "evil.example" not in str(mime["To"])
        for part in mime.iter_attachments():
            ics = part.get_content()
            assert "\r\nBcc:" not in ics and "\nBcc:" not in ics
