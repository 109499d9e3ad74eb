"""The invitation to a first meeting as a calendar file (RFC 5545), in the invitee's language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from icalendar import Calendar, Event

from models import now_utc

MEETING_LENGTH = timedelta(hours=1)


@dataclass(frozen=True)
class Meeting:
    """A first meeting the coordinator books: when (local time, zone-aware) and where."""

    starts_at: datetime
    place: str


def invitation(meeting: Meeting, *, uid: str, summary: str, description: str) -> str:
    """Return a one-event calendar that a phone's calendar app can add."""
    calendar = Calendar()
    calendar.add("prodid", "-//Kompis//kompisformedling//")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", now_utc())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.starts_at + MEETING_LENGTH)
    event.add("summary", summary)
    event.add("location", meeting.place)
    event.add("description", description)
    calendar.add_component(event)
    calendar.add_missing_timezones()  # a VTIMEZONE for Europe/Stockholm, so every app reads the same hour
    return calendar.to_ical().decode()
