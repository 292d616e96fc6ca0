"""Interview invites are valid iCalendar with a stable UID, UTC times and the right method."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from icalendar import Calendar

from jobhub.mail.calendar import Attendee, Invite, interview_uid, render

PARIS_SUMMER = timezone(timedelta(hours=2))


def _invite(**changes) -> Invite:
    fields = {
        "uid": interview_uid(42),
        "sequence": 0,
        "starts_at": datetime(2027, 3, 1, 16, 30, tzinfo=PARIS_SUMMER),
        "duration_minutes": 45,
        "summary": "Interview: Backend Engineer at Acme",
        "description": "Video call with the platform team.",
        "location": "https://meet.example/abc",
        "organizer": Attendee("recruiter@acme.example", "Rita Recruiter"),
        "attendees": (
            Attendee("cand@example.com", "Carl Candidate"),
            Attendee("recruiter@acme.example", "Rita Recruiter"),
        ),
    }
    fields.update(changes)
    return Invite(**fields)


def _event(ics: str):
    calendar = Calendar.from_ical(ics)
    [event] = calendar.walk("VEVENT")
    return calendar, event


def test_request_has_uid_utc_times_and_attendees():
    calendar, event = _event(render(_invite()))
    assert calendar["METHOD"] == "REQUEST"
    assert str(event["UID"]) == "interview-42@jobhub"
    assert event.decoded("DTSTART") == datetime(2027, 3, 1, 14, 30, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2027, 3, 1, 15, 15, tzinfo=UTC)
    attendees = sorted(str(a) for a in event.get("ATTENDEE"))
    assert attendees == ["mailto:cand@example.com", "mailto:recruiter@acme.example"]
    assert str(event["ORGANIZER"]) == "mailto:recruiter@acme.example"


def test_times_are_written_in_utc():
    ics = render(_invite())
    assert "DTSTART:20270301T143000Z" in ics
    assert "DTEND:20270301T151500Z" in ics


def test_reschedule_keeps_the_uid_and_raises_the_sequence():
    moved = _invite(sequence=1, starts_at=datetime(2027, 3, 2, 9, 0, tzinfo=UTC))
    _, event = _event(render(moved))
    assert str(event["UID"]) == "interview-42@jobhub"
    assert event["SEQUENCE"] == 1


def test_cancel_uses_method_cancel_with_the_same_uid():
    calendar, event = _event(render(_invite(sequence=2), cancel=True))
    assert calendar["METHOD"] == "CANCEL"
    assert str(event["UID"]) == "interview-42@jobhub"
    assert str(event["STATUS"]) == "CANCELLED"
