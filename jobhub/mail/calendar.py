"""iCalendar invites for interviews: one stable UID per interview, REQUEST or CANCEL."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//JobHub//Interviews//EN"
_PARAM_UNSAFE = re.compile(r'[\x00-\x1f\x7f"]+')


@dataclass(frozen=True)
class Attendee:
    email: str
    name: str


@dataclass(frozen=True)
class Invite:
    uid: str
    sequence: int
    starts_at: datetime
    duration_minutes: int
    summary: str
    description: str
    location: str
    organizer: Attendee
    attendees: tuple[Attendee, ...]


def interview_uid(interview_id: int, domain: str = "jobhub") -> str:
    """Stable across reschedules, so calendars update the same event."""
    return f"interview-{interview_id}@{domain}"


def render(invite: Invite, *, cancel: bool = False) -> str:
    """An RFC 5545 calendar with METHOD REQUEST (new or moved) or CANCEL."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancel else "REQUEST")

    event = Event()
    event.add("uid", invite.uid)
    event.add("sequence", invite.sequence)
    event.add("dtstamp", datetime.now(UTC))
    start = invite.starts_at.astimezone(UTC)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=invite.duration_minutes))
    event.add("summary", invite.summary)
    event.add("description", invite.description)
    if invite.location:
        event.add("location", invite.location)
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    event.add("organizer", _address(invite.organizer, role=None))
    for attendee in invite.attendees:
        event.add("attendee", _address(attendee, role="REQ-PARTICIPANT"), encode=0)
    calendar.add_component(event)
    return calendar.to_ical().decode()


def _address(person: Attendee, *, role: str | None) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    # A parameter value is not escaped like a text value: no line breaks, no quotes.
    address.params["cn"] = vText(_PARAM_UNSAFE.sub(" ", person.name).strip())
    if role:
        address.params["role"] = vText(role)
        address.params["rsvp"] = vText("TRUE")
    return address
