"""Recurring bookings: book the chosen dates of a series (the preview is a read, in
``facilities.selectors.series_preview``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import log_action
from facilities import notifications
from facilities.models import Booking, BookingSeries, Room
from facilities.rules import (
    BookingError,
    BookingNotAllowed,
    Occurrence,
    check_permission,
    local_time,
    series_dates,
)
from facilities.services._common import tells_group
from facilities.services.bookings import booking_create
from groups.models import Group


@dataclass
class SeriesResult:
    series: BookingSeries
    booked: list[Booking]
    skipped: list[Occurrence]


def series_create(
    *,
    actor,
    room: Room,
    start: dt.datetime,
    end: dt.datetime,
    rule: str,
    count: int,
    dates: Iterable[dt.date],
    group: Group | None = None,
    purpose: str,
    attendees: int,
    equipment=None,
    kind: str = Booking.Kind.GROUP,
) -> SeriesResult:
    """Book the chosen ``dates`` of a recurring booking; dates that clash are skipped."""
    kind = str(kind)
    check_permission(actor=actor, room=room, group=group, kind=kind)
    chosen = set(dates)
    occurrences = [
        (s, e) for s, e in series_dates(start, end, rule, count) if local_time(s).date() in chosen
    ]
    if not occurrences:
        raise BookingError(_("Choose at least one date to book."), code="dates")
    with transaction.atomic():
        series = BookingSeries.objects.create(
            room=room, group=group, rule=rule, count=len(occurrences), created_by=actor
        )
        booked, skipped = [], []
        for o_start, o_end in occurrences:
            try:
                booked.append(
                    booking_create(
                        actor=actor,
                        room=room,
                        start=o_start,
                        end=o_end,
                        group=group,
                        purpose=purpose,
                        attendees=attendees,
                        equipment=equipment,
                        kind=kind,
                        series=series,
                        notify=False,
                    )
                )
            except BookingNotAllowed:
                raise
            except BookingError as exc:
                skipped.append(Occurrence(o_start, o_end, str(exc)))
        if not booked:
            raise BookingError(
                _("None of the dates could be booked: %(reason)s")
                % {"reason": skipped[0].problem if skipped else ""},
                code="dates",
            )
        series.count = len(booked)
        series.save(update_fields=["count"])
        log_action(
            actor=actor,
            action="facilities.series_create",
            target=series,
            booked=len(booked),
            skipped=len(skipped),
        )
        if booked and tells_group(booked[0]):
            requested = [b for b in booked if b.status == Booking.Status.REQUESTED]
            confirmed = [b for b in booked if b.status == Booking.Status.CONFIRMED]
            if confirmed:
                notifications.send_later("confirmed", confirmed)
            if requested:
                notifications.send_later("received", requested)
    return SeriesResult(series=series, booked=booked, skipped=skipped)
