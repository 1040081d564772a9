"""Background tasks of the facilities app (procrastinate, on PostgreSQL itself): the booking
mails (issue #20).

``notifications.send_later`` queues ``send_booking_mail`` inside the booking's transaction, so
the job exists exactly when the booking committed. The job reads the bookings back by id and
calls the same ``notifications.send`` the request would have called: the same mail, subject,
.ics and mail log. A mail server that does not answer fails the run, and the retry strategy
tries again with growing waits.
"""

from __future__ import annotations

from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from facilities import notifications
from facilities.models import Booking

QUEUE = "facilities"


def mail_lock(booking: Booking) -> str:
    """The lock of a booking's mails: its group's (the office's own bookings share one)."""
    return f"facilities-mail-group-{booking.group_id or 'office'}"


def bookings_by_id(booking_ids: list[int]) -> list[Booking]:
    """The bookings in the order given (one mail lists them so), those still there."""
    found = Booking.objects.select_related("room", "group", "booked_by").prefetch_related(
        "equipment_items__equipment"
    )
    found = {b.pk: b for b in found.filter(pk__in=booking_ids)}
    return [found[pk] for pk in booking_ids if pk in found]


@app.task(
    name="facilities.send_booking_mail",
    queue=QUEUE,
    retry=RetryStrategy(max_attempts=8, exponential_wait=30),
)
def send_booking_mail(
    *,
    event: str,
    booking_ids: list[int],
    reason: str = "",
    previous: dict | None = None,
    is_change: bool = False,
) -> int:
    # The Django contrib app closes the database connection around each task.
    bookings = bookings_by_id(booking_ids)
    notifications.send(
        event, bookings, reason=reason, previous=previous, is_change=is_change, strict=True
    )
    return len(bookings)
