"""iCalendar files of events (the icalendar library): one per event and a feed of all."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from events.models import Event


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "kyodo-office.example.jp"


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Kyodo Office//Events//JA")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


def _component(event: Event) -> CalendarEvent:
    item = CalendarEvent()
    item.add("uid", f"event-{event.pk}@{_host()}")
    item.add("dtstamp", timezone.now())
    item.add("dtstart", event.start)
    item.add("dtend", event.end)
    item.add("summary", event.title)
    item.add("last-modified", event.updated_at or timezone.now())
    place = event.place_label
    if place:
        item.add("location", place)
    description = "\n\n".join(p for p in [event.summary, event.description] if p)
    if description:
        item.add("description", description)
    item.add("url", settings.SITE_URL + event.get_absolute_url())
    item.add(
        "organizer", f"mailto:{settings.OFFICE_EMAIL}", parameters={"CN": event.organiser_label}
    )
    item.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    return item


def event_ics(event: Event) -> bytes:
    calendar = _calendar(event.title)
    calendar.add_component(_component(event))
    return calendar.to_ical()


def events_ics(events, name: str) -> bytes:
    calendar = _calendar(name)
    for event in events:
        calendar.add_component(_component(event))
    return calendar.to_ical()
