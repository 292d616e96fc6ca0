"""Who sees what: every endpoint by every caller, and nothing of the company's for candidates.

A resource a caller may not see is 404; an action on one they can see but may not take
is 403 (SPEC §1). The candidate's responses are scanned for anything that is the
company's: notes, feedback, ratings, reasons, interviewers.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from jobhub.db import utcnow
from tests.support.api import iso
from tests.support.mail import Mailbox

CALLERS = ("candidate", "other_candidate", "member", "recruiter", "other_employer", "admin")


def _row(endpoint: str, *codes: int) -> tuple[str, dict[str, int]]:
    return endpoint, dict(zip(CALLERS, codes, strict=True))


# candidate, other candidate, member, recruiter (a second member), other employer, admin
MATRIX = dict(
    [
        _row("GET /applications/{a}", 200, 404, 200, 200, 404, 200),
        _row("GET /applications (listed)", 200, 404, 200, 200, 404, 200),
        _row("GET /applications/{a}/history", 200, 404, 200, 200, 404, 200),
        _row("PATCH /applications/{a}/status", 409, 404, 200, 200, 404, 403),
        _row("GET /applications/{a}/notes", 403, 404, 200, 200, 404, 200),
        _row("POST /applications/{a}/notes", 403, 404, 201, 201, 404, 403),
        _row("GET /applications/{a}/interviews", 200, 404, 200, 200, 404, 200),
        _row("POST /applications/{a}/interviews", 403, 404, 201, 201, 404, 403),
        _row("GET /interviews/{i}", 200, 404, 200, 200, 404, 200),
        _row("PATCH /interviews/{i}", 403, 404, 200, 200, 404, 403),
        _row("DELETE /interviews/{i}", 403, 404, 204, 204, 404, 403),
        _row("GET /interviews/{i}/feedback", 403, 404, 200, 200, 404, 200),
        _row("POST /interviews/{i}/feedback", 403, 404, 201, 409, 404, 403),
        _row("PATCH /interviews/{i}/feedback/{f}", 403, 404, 403, 200, 404, 403),
        _row("GET /users/{c}", 200, 404, 200, 200, 404, 200),
    ]
)
BODIES = {
    "PATCH /applications/{a}/status": {"status": "rejected", "reason": "not_qualified"},
    "POST /applications/{a}/notes": {"body": "Call back next week."},
    "POST /applications/{a}/interviews": {
        "starts_at": "IN_TWO_DAYS",
        "duration_minutes": 30,
        "kind": "phone",
    },
    "PATCH /interviews/{i}": {"duration_minutes": 60},
    "POST /interviews/{i}/feedback": {"rating": 4, "recommendation": "yes"},
    "PATCH /interviews/{i}/feedback/{f}": {"rating": 2},
}


@pytest.fixture
def scene(make, world):
    """A screening application with an interview the recruiter gave feedback on."""
    application = make("application", job=world.job, candidate=world.candidate, status="screening")
    interview = make(
        "interview", application=application, organizer=world.member, interviewers=[world.recruiter]
    )
    feedback = make("interview_feedback", interview=interview, author=world.recruiter)
    return application, interview, feedback


def _request(api, world, scene, endpoint: str, caller: Any):
    application, interview, feedback = scene
    method, path = endpoint.split(" ", 1)
    listed = path.endswith("(listed)")
    path = path.removesuffix(" (listed)").format(
        a=application.id, i=interview.id, f=feedback.id, c=world.candidate.id
    )
    if path.startswith("/users/"):
        response = api.client.get(f"/api/v1{path}", headers=api.auth_headers(caller))
        return response, listed
    body = BODIES.get(endpoint)
    if body and body.get("starts_at") == "IN_TWO_DAYS":
        body = {**body, "starts_at": iso(utcnow() + timedelta(days=2))}
    kwargs = {"json": body} if body is not None else {}
    return getattr(api, method.lower())(caller, path, **kwargs), listed


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("endpoint", list(MATRIX))
def test_who_sees_what(api, world, scene, endpoint, caller):
    response, listed = _request(api, world, scene, endpoint, world.role(caller))
    want = MATRIX[endpoint][caller]
    if listed:
        assert response.status_code == 200
        ids = [item["id"] for item in response.get_json()]
        assert (scene[0].id in ids) == (want == 200), ids
        return
    assert response.status_code == want, response.get_json()
    if want >= 400:
        expected = {403: "forbidden", 404: "not_found", 409: ("invalid_transition", "duplicate")}
        error = response.get_json()["error"]
        assert error in expected[want] if want == 409 else error == expected[want]


def test_nobody_sees_an_application_by_guessing_its_id(api, world):
    for caller in CALLERS:
        response = api.get(world.role(caller), "/applications/987654")
        assert response.status_code == 404
    assert api.get(None, "/applications").status_code == 401


# -- nothing of the company's reaches the candidate ---------------------------------------

SECRETS = ("SECRET-MOVE-NOTE", "SECRET-PRIVATE-NOTE", "SECRET-FEEDBACK", "not_qualified")
COMPANY_KEYS = {
    "rating",
    "recommendation",
    "interviewers",
    "organizer",
    "sequence",
    "reason",
    "rejection_reason",
    "actor",
    "candidate",
    "anonymized",
    "notes",
    "author",
}


def _keys_and_text(value: Any) -> tuple[set[str], str]:
    keys: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, item in node.items():
                keys.add(key)
                walk(item)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(value)
    return keys, json.dumps(value)


def test_candidates_never_see_notes_feedback_ratings_or_interviewers(app, api, world):
    mailbox = Mailbox(app)
    application = api.apply(world.candidate, world.job, cover_letter="Hello!")
    app_id = application["id"]
    api.move(world.member, app_id, "screening", note="SECRET-MOVE-NOTE")
    api.post(world.member, f"/applications/{app_id}/notes", json={"body": "SECRET-PRIVATE-NOTE"})
    interview = api.schedule(
        world.member, app_id, interviewer_ids=[world.recruiter.id, world.member.id]
    )
    feedback = {"rating": 5, "recommendation": "strong_yes", "notes": "SECRET-FEEDBACK"}
    assert (
        api.post(world.recruiter, f"/interviews/{interview['id']}/feedback", json=feedback)
    ).status_code == 201
    later = iso(utcnow() + timedelta(days=4))
    assert (
        api.patch(world.member, f"/interviews/{interview['id']}", json={"starts_at": later})
    ).status_code == 200

    def candidate_bodies() -> list[tuple[str, Any]]:
        paths = [
            f"/applications/{app_id}",
            "/applications",
            f"/applications?job_id={world.job.id}&sort=match",
            f"/applications/{app_id}/history",
            f"/applications/{app_id}/interviews",
            f"/interviews/{interview['id']}",
            "/notifications",
        ]
        bodies = []
        for path in paths:
            response = api.get(world.candidate, path)
            assert response.status_code == 200, path
            bodies.append((path, response.get_json()))
        return bodies

    bodies = candidate_bodies()
    api.move(world.member, app_id, "rejected", reason="not_qualified", note="SECRET-MOVE-NOTE")
    bodies += candidate_bodies()
    for path, body in bodies:
        keys, text = _keys_and_text(body)
        # SPEC §4 gives every history entry an actor: for the candidate, a side only.
        allowed = {"actor"} if path.endswith("/history") else set()
        assert not keys & (COMPANY_KEYS - allowed), (path, keys & COMPANY_KEYS)
        assert world.member.full_name not in text
        for secret in (*SECRETS, world.recruiter.email, world.recruiter.full_name):
            assert secret not in text
    # What the candidate does see of their application and interview.
    seen = api.get(world.candidate, f"/interviews/{interview['id']}").get_json()
    assert set(seen) == {
        "id",
        "application_id",
        "starts_at",
        "ends_at",
        "duration_minutes",
        "kind",
        "location",
        "status",
        "cancelled_at",
        "updated_at",
    }
    history = api.get(world.candidate, f"/applications/{app_id}/history").get_json()
    assert [move["to"] for move in history] == [
        "applied",
        "screening",
        "interviewing",
        "rejected",
    ]
    assert all(move["note"] is None for move in history)
    # The company's people are named by their side only; no reason reaches the candidate.
    assert [move["actor"] for move in history[1:]] == [
        {"id": None, "full_name": None, "side": "employer"}
    ] * 3
    assert all("reason" not in move for move in history)
    # The mails the candidate got (invites included) name no interviewer either.
    invites = mailbox.to(world.candidate.email, template="interview_invite")
    # Scheduled, moved, and cancelled by the rejection.
    assert [mail.attachments[0][1] for mail in invites] == [
        "text/calendar; method=REQUEST",
        "text/calendar; method=REQUEST",
        "text/calendar; method=CANCEL",
    ]
    for mail in mailbox.to(world.candidate.email):
        for part in (mail.text, mail.html, *(a[2] for a in mail.attachments)):
            for secret in (*SECRETS, world.recruiter.email, world.recruiter.full_name):
                assert secret not in part


def test_the_company_sees_everything_about_its_application(api, world):
    application = api.apply(world.candidate, world.job, cover_letter="Hello!")
    api.move(world.member, application["id"], "rejected", reason="not_qualified", note="Junior.")
    body = api.get(world.recruiter, f"/applications/{application['id']}").get_json()
    assert body["candidate"] == {
        "id": world.candidate.id,
        "full_name": "Carla Candidate",
        "email": "carla@example.com",
        "headline": "Backend engineer",
        "location": None,
    }
    assert body["rejection_reason"] == "not_qualified" and body["anonymized"] is False
    [_, move] = api.get(world.admin, f"/applications/{application['id']}/history").get_json()
    assert move["note"] == "Junior." and move["reason"] == "not_qualified"


def test_a_candidates_own_note_on_a_move_is_theirs_to_see(api, world):
    application = api.apply(world.candidate, world.job)
    api.move(world.candidate, application["id"], "withdrawn", note="Accepted elsewhere.")
    history = api.get(world.candidate, f"/applications/{application['id']}/history").get_json()
    assert history[-1]["note"] == "Accepted elsewhere."
