"""iCalendar feeds (RFC 5545, built with the icalendar library).

- per room, public: busy times only ("Booked"), never a group's name or purpose;
- per group, private (secret address): the group's bookings with room, purpose and status.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from facilities import selectors
from facilities.models import Booking


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//Kyodo Office//facilities//JA")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    return cal


def _domain(request) -> str:
    return request.get_host().split(":")[0] or "kyodo-office"


def _event(booking: Booking, domain: str, stamp: dt.datetime) -> Event:
    event = Event()
    event.add("uid", f"booking-{booking.pk}@{domain}")
    event.add("dtstamp", stamp)
    event.add("dtstart", booking.start.astimezone(dt.UTC))
    event.add("dtend", booking.end.astimezone(dt.UTC))
    return event


def room_calendar(room, request) -> bytes:
    cal = _calendar(f"{room.name} – {_('Kyodo Office')}")
    stamp = timezone.now().astimezone(dt.UTC)
    domain = _domain(request)
    for booking in selectors.feed_bookings_for_room(room):
        event = _event(booking, domain, stamp)
        event.add("summary", _("Booked"))
        event.add("transp", "OPAQUE")
        event.add("class", "PUBLIC")
        cal.add_component(event)
    return cal.to_ical()


STATUS = {
    Booking.Status.REQUESTED: "TENTATIVE",
    Booking.Status.CANCELLED: "CANCELLED",
}


def group_calendar(group, request) -> bytes:
    cal = _calendar(f"{group.name} – {_('Bookings')}")
    stamp = timezone.now().astimezone(dt.UTC)
    domain = _domain(request)
    for booking in selectors.feed_bookings_for_group(group):
        event = _event(booking, domain, stamp)
        event.add("summary", f"{booking.room.name}: {booking.purpose}")
        event.add("location", booking.room.name)
        event.add("status", STATUS.get(booking.status, "CONFIRMED"))
        lines = [
            f"{_('Status')}: {booking.get_status_display()}",
            f"{_('Expected attendees')}: {booking.attendees}",
        ]
        equipment = ", ".join(
            f"{item.equipment.name} ×{item.quantity}" for item in booking.equipment_items.all()
        )
        if equipment:
            lines.append(f"{_('Equipment')}: {equipment}")
        event.add("description", "\n".join(lines))
        event.add("class", "PRIVATE")
        cal.add_component(event)
    return cal.to_ical()
