"""Every move, by every role, from every status, over HTTP: generated from TRANSITIONS.

The table itself is checked against SPEC §4 in test_pipeline.py; here the endpoint is
checked against the table: the side allowed moves (200, recorded), the side refused
(409 invalid_transition naming the allowed targets), admins (403: they see, they do not
act), everyone else (404: they do not see).
"""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from jobhub.applications.models import (
    TRANSITIONS,
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Side,
    allowed_targets,
    is_allowed,
)
from jobhub.db import db

ROLES = ("candidate", "other_candidate", "member", "other_employer", "admin")
SIDES = {"candidate": Side.CANDIDATE, "member": Side.EMPLOYER}
EVERY_PAIR = list(itertools.product(ApplicationStatus, ApplicationStatus))


def expected(role: str, current: ApplicationStatus, target: ApplicationStatus) -> int:
    if role in ("other_candidate", "other_employer"):
        return 404
    if role == "admin":
        return 403
    return 200 if is_allowed(SIDES[role], current, target) else 409


def test_the_generated_cases_cover_every_allowed_move():
    allowed = {
        (side, current, target)
        for side, moves in TRANSITIONS.items()
        for current, targets in moves.items()
        for target in targets
    }
    generated = {
        (SIDES[role], current, target)
        for role in SIDES
        for current, target in EVERY_PAIR
        if expected(role, current, target) == 200
    }
    assert generated == allowed and len(allowed) == 12


@pytest.mark.parametrize(
    ("current", "target"), EVERY_PAIR, ids=[f"{a.value}-{b.value}" for a, b in EVERY_PAIR]
)
def test_every_role_moving_from_every_status(app, api, make, world, current, target):
    for role in ROLES:
        application = make("application", job=world.job, candidate=world.candidate, status=current)
        actor = world.role(role)
        payload = {"status": target.value, "note": f"{role} moves"}
        response = api.patch(actor, f"/applications/{application.id}/status", json=payload)
        want = expected(role, current, target)
        assert response.status_code == want, (role, response.get_json())
        with app.app_context():
            stored = db.session.get(Application, application.id).status
            moves = db.session.scalars(
                select(ApplicationEvent)
                .where(ApplicationEvent.application_id == application.id)
                .order_by(ApplicationEvent.id)
            ).all()
        if want == 200:
            assert response.get_json()["status"] == target.value
            assert stored == target
            last = moves[-1]
            assert (last.from_status, last.to_status) == (current, target)
            assert (last.actor_id, last.actor_side) == (actor.id, SIDES[role])
            assert last.note == f"{role} moves"
        else:
            assert stored == current and len(moves) == 1, role
            error = response.get_json()["error"]
            assert error == {403: "forbidden", 404: "not_found", 409: "invalid_transition"}[want]
        if want == 409:
            message = response.get_json()["message"]
            allowed = sorted(allowed_targets(SIDES[role], current))
            assert (", ".join(allowed) if allowed else "none") in message
            assert f"from {current.value} to {target.value}" in message
        # Leave the pair free for the next role's application.
        with app.app_context():
            db.session.get(Application, application.id).status = ApplicationStatus.WITHDRAWN
            db.session.commit()


def test_a_rejection_records_its_reason(api, world):
    application = api.apply(world.candidate, world.job)
    moved = api.move(
        world.member, application["id"], "rejected", reason="position_filled", note="Filled."
    )
    assert moved["rejection_reason"] == "position_filled"
    history = api.get(world.member, f"/applications/{application['id']}/history").get_json()
    last = history[-1]
    assert (last["to"], last["reason"], last["note"]) == (
        "rejected",
        "position_filled",
        "Filled.",
    )
    assert last["actor"] == {"id": world.member.id, "full_name": "Maya Member", "side": "employer"}
    assert set(last) == {"id", "from", "to", "actor", "note", "reason", "at"}


@pytest.mark.parametrize(
    "payload",
    [
        {"status": "screening", "reason": "not_qualified"},
        {"status": "rejected", "reason": "too_expensive"},
        {"status": "promoted"},
        {},
        {"status": "screening", "note": "x" * 5001},
        {"status": "screening", "actor_id": 1},
    ],
)
def test_bad_move_requests_are_422_and_change_nothing(api, world, payload):
    application = api.apply(world.candidate, world.job)
    response = api.patch(world.member, f"/applications/{application['id']}/status", json=payload)
    assert response.status_code == 422, response.get_json()
    assert api.get(world.member, f"/applications/{application['id']}").get_json()["status"] == (
        "applied"
    )


def test_the_other_side_hears_of_each_move(api, world):
    application = api.apply(world.candidate, world.job)
    api.move(world.member, application["id"], "screening", note="Internal: strong CV")
    [note] = api.get(world.candidate, "/notifications?type=application.status_changed").get_json()
    assert note["data"]["to_status"] == "screening"
    assert note["data"]["application_id"] == application["id"]
    assert "strong CV" not in str(note)
    # The member who moved it is not told of their own move; a candidate's move tells them.
    assert api.get(world.member, "/notifications?type=application.status_changed").get_json() == []
    api.move(world.candidate, application["id"], "withdrawn", note="Took another offer.")
    for member in (world.member, world.recruiter):
        [told] = api.get(member, "/notifications?type=application.status_changed").get_json()
        assert told["data"]["to_status"] == "withdrawn"
        assert "Carla Candidate" in told["title"] and "Took another offer." in told["body"]


def test_the_transition_table_is_in_the_api_docs(client):
    spec = client.get("/api/openapi.json").get_json()
    description = spec["paths"]["/api/v1/applications/{application_id}/status"]["patch"][
        "description"
    ]
    assert "| candidate | offered | hired, withdrawn |" in description
    assert "| employer | applied | rejected, screening |" in description
