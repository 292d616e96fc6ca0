"""Account deletion withdraws and anonymises; employers read their applicants' profiles."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from jobhub.db import db, utcnow
from jobhub.jobs.models import Job
from tests.factories import DEFAULT_PASSWORD
from tests.support.api import iso
from tests.support.mail import Mailbox


def _delete_account(api, user) -> None:
    response = api.delete(user, "/users/me", json={"password": DEFAULT_PASSWORD})
    assert response.status_code == 200, response.get_json()


def test_deleting_a_candidate_withdraws_open_applications_and_anonymises_all(app, api, make, world):
    open_one = api.apply(world.candidate, world.job, cover_letter="Personal story.")
    api.move(world.member, open_one["id"], "screening")
    interview = api.schedule(world.member, open_one["id"], interviewer_ids=[world.recruiter.id])
    hired_job = make("job", company=world.company, title="Staff Engineer")
    hired = make("application", job=hired_job, candidate=world.candidate, status="hired")
    mailbox = Mailbox(app)

    _delete_account(api, world.candidate)

    body = api.get(world.member, f"/applications/{open_one['id']}").get_json()
    assert body["status"] == "withdrawn" and body["anonymized"] is True
    assert body["candidate"] == {
        "id": None,
        "full_name": "Deleted candidate",
        "email": None,
        "headline": None,
        "location": None,
    }
    assert body["cover_letter"] is None and body["resume_id"] is None
    kept = api.get(world.member, f"/applications/{hired.id}").get_json()
    assert kept["status"] == "hired" and kept["candidate"]["full_name"] == "Deleted candidate"
    history = api.get(world.member, f"/applications/{open_one['id']}/history").get_json()
    assert [m["to"] for m in history] == [
        "applied",
        "screening",
        "interviewing",
        "withdrawn",
    ]
    last = history[-1]
    assert "deleted their account" in last["note"]
    assert last["actor"] == {"id": None, "full_name": "Deleted user", "side": "candidate"}
    # Nothing the company reads now names the candidate.
    for path in (
        "/applications",
        f"/applications/{open_one['id']}/history",
        f"/applications/{open_one['id']}/interviews",
        "/notifications",
    ):
        text = json.dumps(api.get(world.member, path).get_json())
        assert "Carla" not in text and "carla@example.com" not in text, path
    [told] = api.get(world.member, "/notifications?type=application.status_changed").get_json()
    assert told["title"].startswith("Deleted candidate withdrew")
    # Notices raised before the deletion stop naming the candidate too.
    [received] = api.get(world.member, "/notifications?type=application.received").get_json()
    assert received["body"] == "Deleted candidate applied to Backend Engineer."
    # The upcoming interview is cancelled for the team; the old address gets no invite.
    seen = api.get(world.member, f"/interviews/{interview['id']}").get_json()
    assert seen["status"] == "cancelled"
    cancel = mailbox.last(world.recruiter.email, "interview_invite")
    assert "method=CANCEL" in cancel.attachments[0][1]
    assert "carla@example.com" not in cancel.attachments[0][2]
    assert mailbox.to("carla@example.com", template="interview_invite") == []
    with app.app_context():
        counts = dict(db.session.execute(select(Job.id, Job.applications_count)).all())
    assert counts[world.job.id] == 0


def test_employers_read_the_profiles_of_their_applicants_only(api, make, world):
    path = f"/users/{world.candidate.id}"
    assert api.get(world.member, path).status_code == 404
    application = api.apply(world.candidate, world.job)
    for employer in (world.member, world.recruiter):
        response = api.get(employer, path)
        assert response.status_code == 200
        assert response.get_json()["full_name"] == "Carla Candidate"
    assert api.get(world.other_employer, path).status_code == 404
    # A withdrawn application still lets the company look the applicant up.
    api.move(world.candidate, application["id"], "withdrawn")
    assert api.get(world.member, path).status_code == 200
    # Applying gives no one any access to the company's people.
    assert api.get(world.candidate, f"/users/{world.member.id}").status_code == 404
    assert api.get(world.other_candidate, path).status_code == 404


def test_a_deleted_candidate_profile_is_gone_for_employers(api, world):
    api.apply(world.candidate, world.job)
    _delete_account(api, world.candidate)
    assert api.get(world.member, f"/users/{world.candidate.id}").status_code == 404


def test_deleting_an_employer_keeps_their_notes_and_interviews(api, world):
    application = api.apply(world.candidate, world.job)
    api.move(world.member, application["id"], "screening")
    api.post(world.recruiter, f"/applications/{application['id']}/notes", json={"body": "Good."})
    api.schedule(
        world.recruiter,
        application["id"],
        starts_at=iso(utcnow() + timedelta(days=2)),
        interviewer_ids=[world.recruiter.id, world.member.id],
    )
    _delete_account(api, world.recruiter)
    [note] = api.get(world.member, f"/applications/{application['id']}/notes").get_json()
    assert note["body"] == "Good." and note["author"] == {"id": None, "full_name": "Deleted user"}
    [interview] = api.get(world.member, f"/applications/{application['id']}/interviews").json
    assert interview["status"] == "scheduled"
    assert interview["organizer"] == {"id": None, "full_name": "Deleted user"}
