"""Reminder e-mails of tomorrow's confirmed bookings (the daily command)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from facilities import notifications
from facilities.calendar import aware
from facilities.models import Booking


def reminders_send(*, day: dt.date | None = None) -> int:
    """E-mail a reminder for each confirmed booking on ``day`` (default: tomorrow), once.

    Each booking is marked in its own short transaction right after its mail went out, so a
    second run (or two schedulers at once) sends nothing twice. Unlike the request-time
    services, the mail goes out inside that transaction (the booking's row locked), not on
    commit: the batch owns its transactions, and ``notifications`` logs a mail it cannot send
    instead of raising.
    """
    day = day or timezone.localdate() + dt.timedelta(days=1)
    begin, finish = aware(day, dt.time()), aware(day + dt.timedelta(days=1), dt.time())
    due = Booking.objects.filter(
        status=Booking.Status.CONFIRMED,
        kind=Booking.Kind.GROUP,
        group__isnull=False,
        start__gte=begin,
        start__lt=finish,
        reminder_sent_at__isnull=True,
    )
    sent = 0
    for pk in due.order_by("start").values_list("pk", flat=True):
        with transaction.atomic():
            booking = (
                Booking.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("room", "group", "booked_by")
                .filter(pk=pk, status=Booking.Status.CONFIRMED, reminder_sent_at__isnull=True)
                .first()
            )
            if booking is None:
                continue
            notifications.send("reminder", [booking])
            booking.reminder_sent_at = timezone.now()
            booking.save(update_fields=["reminder_sent_at"])
            sent += 1
    return sent
