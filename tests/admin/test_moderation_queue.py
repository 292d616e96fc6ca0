"""The moderation queue in the panel: the same decisions as the API, CSRF on each form."""

from __future__ import annotations

from datetime import timedelta

import pytest

from jobhub.db import db, utcnow
from jobhub.jobs.models import Job
from tests.support.panel import Panel, csrf_token

QUEUE = "/admin/moderation/"


@pytest.fixture
def waiting(make, company):
    """Three jobs awaiting a decision (the oldest first) and one already approved."""
    now = utcnow()
    return [
        make(
            "job",
            company=company,
            title="Oldest pending",
            moderation_status="pending",
            updated_at=now - timedelta(days=3),
        ),
        make(
            "job",
            company=company,
            title="Flagged one",
            moderation_status="flagged",
            updated_at=now - timedelta(days=2),
        ),
        make(
            "job",
            company=company,
            title="Newest pending",
            moderation_status="pending",
            updated_at=now - timedelta(days=1),
        ),
        make("job", company=company, title="Already approved"),
    ]


@pytest.fixture
def signed_in(panel, admin) -> Panel:
    panel.sign_in(admin)
    return panel


def _moderation(app, job_id: int) -> tuple[str, str | None]:
    with app.app_context():
        job = db.session.get(Job, job_id)
        return job.moderation_status.value, job.moderation_reason


def _notes(api, user) -> list[dict]:
    return [n for n in api("GET", user, "/notifications") if n["type"] == "job.moderated"]


def test_the_queue_lists_pending_and_flagged_jobs_oldest_first(signed_in, waiting):
    html = signed_in.page(QUEUE)
    positions = [html.index(job.title) for job in waiting[:3]]
    assert positions == sorted(positions)
    assert "Already approved" not in html
    flagged = signed_in.page(QUEUE + "?status=flagged")
    assert "Flagged one" in flagged and "Oldest pending" not in flagged
    found = signed_in.page(QUEUE + "?q=newest")
    assert "Newest pending" in found and "Oldest pending" not in found


@pytest.mark.parametrize("role", [None, "candidate", "employer"])
def test_others_never_see_the_queue_nor_decide(client, make_user, waiting, role):
    panel = Panel(client)
    if role:
        assert panel.sign_in_response(make_user(role=role).email).status_code == 401
    response = panel.get(QUEUE)
    assert response.status_code == 302 and "/admin/login" in response.location
    assert "Oldest pending" not in response.get_data(as_text=True)
    decided = panel.post_without_csrf(
        QUEUE + "decide", {"job_id": waiting[0].id, "decision": "approve"}
    )
    assert decided.status_code == 302 and "/admin/login" in decided.location


def test_approve_is_the_apis_decision_and_the_employer_is_told(
    app, signed_in, waiting, api, employer
):
    job = waiting[0]
    response = signed_in.post(
        QUEUE + "decide", {"job_id": job.id, "decision": "approve"}, from_page=QUEUE
    )
    assert response.status_code == 302
    assert _moderation(app, job.id) == ("approved", None)
    [note] = _notes(api, employer)
    assert note["data"] == {**note["data"], "job_id": job.id, "decision": "approve"}
    assert "Oldest pending" in signed_in.page(QUEUE)  # the flash message names it
    assert api("GET", None, f"/jobs/{job.id}")["id"] == job.id  # public now


def test_reject_needs_a_reason_code_and_a_message_that_the_employer_gets(
    app, signed_in, waiting, api, employer
):
    job = waiting[1]
    missing = signed_in.post(QUEUE + "decide", {"job_id": job.id, "decision": "reject"})
    assert missing.status_code == 302
    assert _moderation(app, job.id)[0] == "flagged"
    bad_code = signed_in.post(
        QUEUE + "decide",
        {"job_id": job.id, "decision": "reject", "reason_code": "ugly", "message": "x"},
    )
    assert bad_code.status_code == 302 and _moderation(app, job.id)[0] == "flagged"

    signed_in.post(
        QUEUE + "decide",
        {
            "job_id": job.id,
            "decision": "reject",
            "reason_code": "scam",
            "message": "Asks applicants for a fee.",
        },
    )
    status, reason = _moderation(app, job.id)
    assert status == "rejected" and reason == "Asks applicants for a fee."
    [note] = _notes(api, employer)
    assert note["data"]["decision"] == "reject" and note["data"]["reason_code"] == "scam"
    assert "Asks applicants for a fee." in note["body"]


def test_a_decision_without_the_csrf_token_changes_nothing(app, signed_in, waiting, api, employer):
    job = waiting[0]
    for token in (None, "forged-token"):
        data = {"job_id": job.id, "decision": "approve"}
        if token:
            data["csrf_token"] = token
        assert signed_in.post_without_csrf(QUEUE + "decide", data).status_code == 302
        assert _moderation(app, job.id)[0] == "pending"
    bulk = signed_in.post_without_csrf(QUEUE + "bulk", {"ids": [job.id], "decision": "approve"})
    assert bulk.status_code == 302 and _moderation(app, job.id)[0] == "pending"
    assert _notes(api, employer) == []


def test_bulk_approve_and_bulk_reject(app, signed_in, waiting, api, employer):
    first, flagged, newest, _ = waiting
    signed_in.post(QUEUE + "bulk", {"ids": [first.id, newest.id], "decision": "approve"})
    assert _moderation(app, first.id)[0] == _moderation(app, newest.id)[0] == "approved"
    signed_in.post(
        QUEUE + "bulk",
        {
            "ids": [flagged.id],
            "decision": "reject",
            "reason_code": "duplicate",
            "message": "Posted twice.",
        },
    )
    assert _moderation(app, flagged.id)[0] == "rejected"
    notes = _notes(api, employer)
    assert sorted(n["data"]["job_id"] for n in notes) == sorted([first.id, newest.id, flagged.id])
    assert "queue-empty" in signed_in.page(QUEUE)


def test_a_bulk_decision_with_a_missing_job_decides_none(app, signed_in, waiting):
    signed_in.post(QUEUE + "bulk", {"ids": [waiting[0].id, 999_999], "decision": "approve"})
    assert _moderation(app, waiting[0].id)[0] == "pending"


@pytest.mark.parametrize(
    "data",
    [
        {"job_id": str(2**31), "decision": "approve"},
        {"job_id": "12\x00", "decision": "approve"},
        {"job_id": "-1", "decision": "approve"},
        {"job_id": "1", "decision": "approve", "message": "x" * 5000},
    ],
)
def test_bad_input_is_a_400_and_changes_nothing(app, signed_in, waiting, data):
    token = csrf_token(signed_in.page(QUEUE))
    response = signed_in.post_without_csrf(QUEUE + "decide", {**data, "csrf_token": token})
    assert response.status_code == 400
    assert _moderation(app, waiting[0].id)[0] == "pending"
    assert signed_in.get(QUEUE + "?q=a\x00b").status_code == 422  # the app-wide query guard
