"""Interviews over HTTP: scheduling rules, invites (.ics) to both sides, reschedule, cancel,
feedback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from jobhub.applications.interviews.models import Interview, InterviewFeedback
from jobhub.db import db, utcnow
from tests.support.api import iso
from tests.support.mail import Mailbox

START = datetime(2031, 5, 6, 14, 30, tzinfo=UTC)
PARIS_SUMMER = timezone(timedelta(hours=2))


def _event(mail):
    [(filename, mimetype, ics)] = mail.attachments
    assert filename == "invite.ics"
    calendar = Calendar.from_ical(ics)
    [event] = calendar.walk("VEVENT")
    return mimetype, calendar, event, ics


def _attendees(event) -> list[str]:
    found = event.get("ATTENDEE") or []
    found = found if isinstance(found, list) else [found]
    return sorted(str(a).removeprefix("mailto:") for a in found)


@pytest.fixture
def screening(api, world):
    application = api.apply(world.candidate, world.job)
    api.move(world.member, application["id"], "screening")
    return application


def test_scheduling_moves_screening_to_interviewing_and_tells_the_candidate(api, world, screening):
    interview = api.schedule(
        world.member, screening["id"], starts_at=iso(START), interviewer_ids=[world.recruiter.id]
    )
    assert interview["status"] == "scheduled" and interview["sequence"] == 0
    assert interview["starts_at"] == "2031-05-06T14:30:00Z"
    assert interview["ends_at"] == "2031-05-06T15:15:00Z"
    assert interview["organizer"] == {"id": world.member.id, "full_name": "Maya Member"}
    assert [i["id"] for i in interview["interviewers"]] == [world.recruiter.id]
    application = api.get(world.candidate, f"/applications/{screening['id']}").get_json()
    assert application["status"] == "interviewing"
    history = api.get(world.member, f"/applications/{screening['id']}/history").get_json()
    assert (history[-1]["from"], history[-1]["to"]) == ("screening", "interviewing")
    assert history[-1]["actor"]["id"] == world.member.id
    types = [n["type"] for n in api.get(world.candidate, "/notifications").get_json()]
    assert types[:2] == ["interview.scheduled", "application.status_changed"]
    [scheduled] = api.get(world.candidate, "/notifications?type=interview.scheduled").get_json()
    assert scheduled["data"]["interview_id"] == interview["id"]
    assert scheduled["data"]["starts_at"] == "2031-05-06T14:30:00Z"
    # A second interview keeps the application where it is.
    api.schedule(world.member, screening["id"])
    assert len(api.get(world.member, f"/applications/{screening['id']}/history").get_json()) == 3


def test_invites_reach_both_sides_with_a_stable_uid_in_utc(app, api, world, screening):
    mailbox = Mailbox(app)
    paris = START.astimezone(PARIS_SUMMER).isoformat()
    interview = api.schedule(
        world.member,
        screening["id"],
        starts_at=paris,
        kind="onsite",
        location="Acme HQ, 1 Main St",
        interviewer_ids=[world.recruiter.id],
    )
    uid = f"interview-{interview['id']}@jobhub.local"
    candidate_mail = mailbox.last(world.candidate.email, "interview_invite")
    mimetype, calendar, event, ics = _event(candidate_mail)
    assert mimetype == "text/calendar; method=REQUEST"
    assert calendar["METHOD"] == "REQUEST" and str(event["UID"]) == uid
    assert event["SEQUENCE"] == 0
    assert "DTSTART:20310506T143000Z" in ics and "DTEND:20310506T151500Z" in ics
    assert str(event["LOCATION"]) == "Acme HQ, 1 Main St"
    assert _attendees(event) == ["carla@example.com"]  # interviewers stay with the company
    assert str(event["ORGANIZER"]) == "mailto:no-reply@jobhub.local"
    assert "Acme Robotics" in candidate_mail.subject and "14:30 UTC" in candidate_mail.text
    # The team: the interviewer and the organiser, each with the full attendee list.
    for person in (world.recruiter, world.member):
        _, _, team_event, _ = _event(mailbox.last(person.email, "interview_invite"))
        assert str(team_event["UID"]) == uid
        assert _attendees(team_event) == sorted(["carla@example.com", world.recruiter.email])
    assert mailbox.to(world.other_employer.email) == []


def test_reschedule_sends_the_same_event_with_the_next_sequence(app, api, world, screening):
    interview = api.schedule(world.member, screening["id"], interviewer_ids=[world.recruiter.id])
    mailbox = Mailbox(app)
    moved = iso(START + timedelta(days=1))
    response = api.patch(
        world.recruiter,
        f"/interviews/{interview['id']}",
        json={"starts_at": moved, "kind": "phone", "location": None, "duration_minutes": 30},
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["sequence"], body["kind"], body["location"]) == (1, "phone", None)
    assert body["ends_at"] == "2031-05-07T15:00:00Z"
    for person in (world.candidate, world.recruiter, world.member):
        _, calendar, event, ics = _event(mailbox.last(person.email, "interview_invite"))
        assert calendar["METHOD"] == "REQUEST" and event["SEQUENCE"] == 1
        assert str(event["UID"]) == f"interview-{interview['id']}@jobhub.local"
        assert "DTSTART:20310507T143000Z" in ics
    [updated] = api.get(world.candidate, "/notifications?type=interview.updated").get_json()
    assert updated["data"]["change"] == "rescheduled"
    assert updated["data"]["starts_at"] == "2031-05-07T14:30:00Z"


def test_changing_interviewers_cancels_for_those_taken_off(app, api, world, make, screening):
    third = make("user", role="employer", email_verified=True, full_name="Tess Third")
    make("member", company=world.company, user=third)
    interview = api.schedule(world.member, screening["id"], interviewer_ids=[world.recruiter.id])
    mailbox = Mailbox(app)
    response = api.patch(
        world.member, f"/interviews/{interview['id']}", json={"interviewer_ids": [third.id]}
    )
    assert response.status_code == 200
    assert [i["id"] for i in response.get_json()["interviewers"]] == [third.id]
    mimetype, calendar, event, _ = _event(mailbox.last(world.recruiter.email, "interview_invite"))
    assert calendar["METHOD"] == "CANCEL" and mimetype.endswith("method=CANCEL")
    _, calendar, event, _ = _event(mailbox.last(third.email, "interview_invite"))
    assert calendar["METHOD"] == "REQUEST" and event["SEQUENCE"] == 1
    # Only the time or place is news for the candidate: no notification, no mail.
    assert api.get(world.candidate, "/notifications?type=interview.updated").get_json() == []
    assert mailbox.to(world.candidate.email) == []


def test_a_change_that_changes_nothing_sends_nothing(app, api, world, screening):
    interview = api.schedule(world.member, screening["id"], starts_at=iso(START))
    mailbox = Mailbox(app)
    same = {"starts_at": iso(START), "duration_minutes": 45, "kind": "video"}
    response = api.patch(world.member, f"/interviews/{interview['id']}", json=same)
    assert response.status_code == 200 and response.get_json()["sequence"] == 0
    assert mailbox.messages == []
    for bad in ({}, {"starts_at": None}, {"interviewer_ids": []}, {"sequence": 5}):
        refused = api.patch(world.member, f"/interviews/{interview['id']}", json=bad)
        assert refused.status_code == 422, bad


def test_cancel_sends_cancel_to_everyone_once(app, api, world, screening):
    interview = api.schedule(world.member, screening["id"], interviewer_ids=[world.recruiter.id])
    mailbox = Mailbox(app)
    assert api.delete(world.member, f"/interviews/{interview['id']}").status_code == 204
    for person in (world.candidate, world.recruiter, world.member):
        mimetype, calendar, event, _ = _event(mailbox.last(person.email, "interview_invite"))
        assert mimetype == "text/calendar; method=CANCEL"
        assert calendar["METHOD"] == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
        assert event["SEQUENCE"] == 1
    [cancelled] = api.get(world.candidate, "/notifications?type=interview.updated").get_json()
    assert cancelled["data"]["change"] == "cancelled"
    seen = api.get(world.candidate, f"/interviews/{interview['id']}").get_json()
    assert seen["status"] == "cancelled" and seen["cancelled_at"]
    sent = len(mailbox.messages)
    assert api.delete(world.member, f"/interviews/{interview['id']}").status_code == 204
    assert len(mailbox.messages) == sent
    refused = api.patch(world.member, f"/interviews/{interview['id']}", json={"kind": "phone"})
    assert refused.status_code == 409
    feedback = {"rating": 3, "recommendation": "no"}
    late = api.post(world.member, f"/interviews/{interview['id']}/feedback", json=feedback)
    assert late.status_code == 409


@pytest.mark.parametrize("status", ["applied", "offered", "hired", "rejected", "withdrawn"])
def test_interviews_only_in_screening_or_interviewing(api, make, world, status):
    application = make("application", job=world.job, candidate=world.candidate, status=status)
    response = api.post(
        world.member,
        f"/applications/{application.id}/interviews",
        json={"starts_at": iso(START), "duration_minutes": 30, "kind": "phone"},
    )
    assert response.status_code == 409 and status in response.get_json()["message"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"starts_at": "PAST"}, "starts_at"),
        ({"kind": "onsite", "location": None}, "location"),
        ({"kind": "video", "location": ""}, "location"),
        ({"duration_minutes": 5}, "duration_minutes"),
        ({"duration_minutes": 600}, "duration_minutes"),
        ({"kind": "carrier-pigeon"}, "kind"),
        ({"interviewer_ids": "OUTSIDERS"}, "interviewer_ids"),
        ({"interviewer_ids": [999999]}, "interviewer_ids"),
        ({"interviewer_ids": list(range(1, 12))}, "interviewer_ids"),
    ],
)
def test_bad_schedules_are_422_and_create_nothing(app, api, world, screening, change, field):
    body = {"starts_at": iso(START), "duration_minutes": 45, "kind": "video", "location": "x"}
    body.update(change)
    if body["starts_at"] == "PAST":
        body["starts_at"] = iso(utcnow() - timedelta(minutes=1))
    if body.get("interviewer_ids") == "OUTSIDERS":
        body["interviewer_ids"] = [world.recruiter.id, world.other_employer.id, world.candidate.id]
    response = api.post(world.member, f"/applications/{screening['id']}/interviews", json=body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]["json"]
    if change.get("interviewer_ids") == "OUTSIDERS":
        message = response.get_json()["errors"]["json"]["interviewer_ids"][0]
        assert f"{world.other_employer.id}, {world.candidate.id}" in message
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Interview)) == 0


def test_the_scheduler_interviews_by_default(api, world, screening):
    interview = api.schedule(world.recruiter, screening["id"])
    assert [i["id"] for i in interview["interviewers"]] == [world.recruiter.id]


def test_unverified_addresses_get_no_invite(app, api, make, world, make_user):
    unverified = make_user(role="candidate", email="new@example.com")
    application = make("application", job=world.job, candidate=unverified, status="screening")
    mailbox = Mailbox(app)
    api.schedule(world.member, application.id)
    assert mailbox.to("new@example.com") == []
    assert mailbox.to(world.member.email, template="interview_invite")


def test_a_final_status_cancels_upcoming_interviews(app, api, world, screening):
    interview = api.schedule(world.member, screening["id"], interviewer_ids=[world.recruiter.id])
    mailbox = Mailbox(app)
    api.move(world.candidate, screening["id"], "withdrawn")
    seen = api.get(world.member, f"/interviews/{interview['id']}").get_json()
    assert seen["status"] == "cancelled"
    _, calendar, _, _ = _event(mailbox.last(world.recruiter.email, "interview_invite"))
    assert calendar["METHOD"] == "CANCEL"


def test_interviews_are_listed_in_time_order_for_both_sides(api, world, screening):
    later = api.schedule(world.member, screening["id"], starts_at=iso(START + timedelta(days=2)))
    sooner = api.schedule(world.member, screening["id"], starts_at=iso(START))
    for user in (world.candidate, world.member):
        listed = api.get(user, f"/applications/{screening['id']}/interviews").get_json()
        assert [i["id"] for i in listed] == [sooner["id"], later["id"]]


# -- feedback ----------------------------------------------------------------------------


def test_feedback_once_per_member_amended_by_its_author(app, api, world, screening):
    interview = api.schedule(world.member, screening["id"], interviewer_ids=[world.recruiter.id])
    path = f"/interviews/{interview['id']}/feedback"
    given = api.post(
        world.recruiter, path, json={"rating": 4, "recommendation": "yes", "notes": "Solid."}
    )
    assert given.status_code == 201
    body = given.get_json()
    assert (body["rating"], body["recommendation"], body["notes"]) == (4, "yes", "Solid.")
    assert body["author"] == {"id": world.recruiter.id, "full_name": "Rui Recruiter"}
    again = api.post(world.recruiter, path, json={"rating": 2, "recommendation": "no"})
    assert again.status_code == 409 and again.get_json()["error"] == "duplicate"
    assert api.post(world.member, path, json={"rating": 5, "recommendation": "strong_yes"})
    amended = api.patch(world.recruiter, f"{path}/{body['id']}", json={"rating": 3})
    assert amended.status_code == 200 and amended.get_json()["rating"] == 3
    listed = api.get(world.admin, path).get_json()
    assert [(f["author"]["id"], f["rating"]) for f in listed] == [
        (world.recruiter.id, 3),
        (world.member.id, 5),
    ]
    assert api.patch(world.member, f"{path}/{body['id']}", json={"rating": 1}).status_code == 403
    assert api.patch(world.recruiter, f"{path}/999999", json={"rating": 1}).status_code == 404


@pytest.mark.parametrize(
    "payload",
    [
        {"rating": 0, "recommendation": "yes"},
        {"rating": 6, "recommendation": "yes"},
        {"rating": 3, "recommendation": "maybe"},
        {"recommendation": "yes"},
        {"rating": 3},
        {"rating": 3, "recommendation": "yes", "notes": "x" * 5001},
    ],
)
def test_bad_feedback_is_422(app, api, world, screening, payload):
    interview = api.schedule(world.member, screening["id"])
    response = api.post(world.member, f"/interviews/{interview['id']}/feedback", json=payload)
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(InterviewFeedback)) == 0
