"""The office's room for an event, booked and released through the facilities app's booking
rules (the same exclusion constraint as every booking)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import log_action
from events.models import Event
from events.rules import (
    EventError,
)
from events.services._places import _lock
from facilities import services as facilities


@transaction.atomic
def event_book_room(*, actor, event: Event, room):
    """Book ``room`` for the event's time through the facilities booking rules (the same
    exclusion constraint as every booking). Replaces an earlier booking of the event; on a
    clash nothing changes and EventError carries the facilities message."""
    event = _lock(event)
    current = event.booking if event.booking_id else None
    if (
        current is not None
        and current.room_id == room.pk
        and current.start == event.start
        and current.end == event.end
    ):
        return current
    try:
        with transaction.atomic():
            if current is not None and current.is_open:
                facilities.booking_cancel(
                    actor=actor, booking=current, reason=_("Event moved to another room or time")
                )
            booking = facilities.booking_create(
                actor=actor,
                room=room,
                start=event.start,
                end=event.end,
                group=event.organiser,
                purpose=event.title,
                attendees=event.capacity,
                kind="event",
            )
    except facilities.BookingError as exc:
        raise EventError(str(exc)) from exc
    event.booking = booking
    event.save(update_fields=["booking", "updated_at"])
    log_action(actor=actor, action="events.event_book_room", target=event, room=str(room))
    return booking


@transaction.atomic
def event_release_room(*, actor, event: Event, reason: str = "") -> None:
    if not event.booking_id:
        return
    booking = event.booking
    if booking.is_open:
        facilities.booking_cancel(actor=actor, booking=booking, reason=reason)
    event.booking = None
    event.save(update_fields=["booking", "updated_at"])
    log_action(actor=actor, action="events.event_release_room", target=event)
