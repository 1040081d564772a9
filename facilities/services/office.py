"""The office's own rules, changed by staff in the admin: closed days, opening hours, a room's
booking rules and time blocks, the office-wide booking rules. Each change is checked against the
bookings already made (a rule that would strand a booking is refused with the bookings named, so
staff move or cancel them first), audited with what changed, and saved in one transaction.

The ``*_check`` functions are the same rules, read only: the admin's forms call them in their
``clean`` so staff read the message next to the form and nothing is saved."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.audit import log_action
from facilities.calendar import aware, is_year_end
from facilities.models import (
    Booking,
    ClosedDay,
    FacilitySettings,
    OpeningHours,
    Room,
)
from facilities.rules import BookingError, local_time
from facilities.services._common import require_staff

# Bookings a rule change must not strand: still to come, asked for or confirmed.
HELD = (Booking.Status.REQUESTED, Booking.Status.CONFIRMED)


def _held_bookings(*, room: Room | None = None, now: dt.datetime | None = None):
    queryset = Booking.objects.filter(status__in=HELD, end__gt=now or timezone.now())
    if room is not None:
        queryset = queryset.filter(room=room)
    return queryset.select_related("room", "group").order_by("start", "room_id")


def _refuse(bookings: list[Booking], message: str) -> None:
    """Raise with ``message`` and the first bookings in the way, by date, room and group."""
    if not bookings:
        return
    shown = "; ".join(
        f"{formats.date_format(local_time(b.start), 'SHORT_DATE_FORMAT')} "
        f"{local_time(b.start):%H:%M}–{local_time(b.end):%H:%M} {b.room.name}"
        f"{' ' + b.group.name if b.group_id else ''}"
        for b in bookings[:5]
    )
    more = len(bookings) - 5
    if more > 0:
        shown += " " + ngettext("and %(n)d more", "and %(n)d more", more) % {"n": more}
    raise BookingError(
        ngettext(
            "%(message)s %(n)d booking is in the way: %(list)s. Move or cancel it first.",
            "%(message)s %(n)d bookings are in the way: %(list)s. Move or cancel them first.",
            len(bookings),
        )
        % {"message": message, "n": len(bookings), "list": shown},
        code="bookings",
    )


def _changes(before: dict, after: dict) -> dict:
    return {
        key: [_plain(before.get(key)), _plain(value)]
        for key, value in after.items()
        if before.get(key) != value
    }


def _plain(value):
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Room):
        return value.name
    return value


# --- closed days -----------------------------------------------------------------------------


def closed_day_check(*, date: dt.date, room: Room | None, now: dt.datetime | None = None) -> None:
    """A day may be closed only when no booking still to come is held on it (in the room, or in
    any room when the whole office closes)."""
    start = aware(date, dt.time())
    held = _held_bookings(room=room, now=now).filter(
        start__lt=start + dt.timedelta(days=1), end__gt=start
    )
    place = room.name if room is not None else _("the office")
    _refuse(
        list(held),
        _("%(place)s cannot be closed on %(date)s.")
        % {"place": place, "date": formats.date_format(date, "DATE_FORMAT")},
    )


def closed_day_save(
    *,
    actor,
    date: dt.date,
    room: Room | None,
    reason: str,
    closed_day: ClosedDay | None = None,
) -> ClosedDay:
    """Add a closed day, or change one (``closed_day``): checked against the bookings."""
    require_staff(actor)
    reason = (reason or "").strip()
    if not reason:
        raise BookingError(_("Give the reason the office is closed."), code="reason")
    with transaction.atomic():
        # The rooms' rows serialise closing a day against booking it (booking_create locks the
        # room too), so no booking slips in between the check and the save.
        list(Room.objects.select_for_update().order_by("pk"))
        closed_day_check(date=date, room=room)
        if closed_day is None:
            row = ClosedDay.objects.create(date=date, room=room, reason=reason)
            log_action(
                actor=actor,
                action="facilities.closed_day_add",
                target=row,
                date=date.isoformat(),
                room=room.name if room else "",
                reason=reason,
            )
            return row
        row = ClosedDay.objects.select_for_update().get(pk=closed_day.pk)
        before = {"date": row.date, "room": row.room, "reason": row.reason}
        row.date, row.room, row.reason = date, room, reason
        row.save()
        log_action(
            actor=actor,
            action="facilities.closed_day_change",
            target=row,
            changes=_changes(before, {"date": date, "room": room, "reason": reason}),
        )
        return row


def closed_day_remove(*, actor, closed_day: ClosedDay) -> None:
    """Open a closed day again (nothing can be stranded by opening)."""
    require_staff(actor)
    with transaction.atomic():
        row = ClosedDay.objects.select_for_update().filter(pk=closed_day.pk).first()
        if row is None:
            return
        log_action(
            actor=actor,
            action="facilities.closed_day_remove",
            target=row,
            date=row.date.isoformat(),
            room=row.room.name if row.room_id else "",
            reason=row.reason,
        )
        row.delete()


# --- opening hours ---------------------------------------------------------------------------


def opening_hours_check(
    *, weekday: int, opens: dt.time | None, closes: dt.time | None, now=None
) -> None:
    """New hours (``None``: the weekday becomes a closing day) must hold every booking still to
    come on that weekday."""
    if opens is not None and closes is not None and closes <= opens:
        raise BookingError(_("The closing time must be after the opening time."), code="hours")
    outside = []
    for booking in _held_bookings(now=now).filter(start__iso_week_day=weekday + 1):
        start, end = local_time(booking.start), local_time(booking.end)
        late = end.date() > start.date() or (closes is not None and end.time() > closes)
        if opens is None or start.time() < opens or late:
            outside.append(booking)
    day = OpeningHours.Weekday(weekday).label
    if opens is None:
        message = _("%(day)s cannot become a closing day.") % {"day": day}
    else:
        message = _("The office cannot open %(opens)s–%(closes)s on %(day)s.") % {
            "day": day,
            "opens": opens.strftime("%H:%M"),
            "closes": closes.strftime("%H:%M"),
        }
    _refuse(outside, message)


def opening_hours_set(*, actor, weekday: int, opens: dt.time, closes: dt.time) -> OpeningHours:
    """Open on a weekday, or change its hours."""
    require_staff(actor)
    with transaction.atomic():
        list(Room.objects.select_for_update().order_by("pk"))
        opening_hours_check(weekday=weekday, opens=opens, closes=closes)
        row = OpeningHours.objects.select_for_update().filter(weekday=weekday).first()
        before = {"opens": row.opens, "closes": row.closes} if row else {}
        if row is None:
            row = OpeningHours.objects.create(weekday=weekday, opens=opens, closes=closes)
        else:
            row.opens, row.closes = opens, closes
            row.save()
        log_action(
            actor=actor,
            action="facilities.opening_hours_set",
            target=row,
            weekday=weekday,
            changes=_changes(before, {"opens": opens, "closes": closes}),
        )
        return row


def opening_hours_remove(*, actor, hours: OpeningHours) -> None:
    """The weekday becomes a regular closing day."""
    require_staff(actor)
    with transaction.atomic():
        list(Room.objects.select_for_update().order_by("pk"))
        row = OpeningHours.objects.select_for_update().filter(pk=hours.pk).first()
        if row is None:
            return
        opening_hours_check(weekday=row.weekday, opens=None, closes=None)
        log_action(
            actor=actor,
            action="facilities.opening_hours_remove",
            target=row,
            weekday=row.weekday,
            opens=row.opens.strftime("%H:%M"),
            closes=row.closes.strftime("%H:%M"),
        )
        row.delete()


# --- the office-wide rules -----------------------------------------------------------------

SETTINGS_FIELDS = [
    "close_on_public_holidays",
    "close_year_end",
    "no_show_limit",
    "group_monthly_hours",
    "loan_max_days",
    "loan_days_ahead",
]


def facility_settings_check(*, values: dict, now=None) -> None:
    """Closing on public holidays or for the year end must not strand a booking on one."""
    current = FacilitySettings.load()
    held = None
    if values.get("close_year_end") and not current.close_year_end:
        held = list(_held_bookings(now=now))
        _refuse(
            [b for b in held if is_year_end(local_time(b.start).date())],
            _("The office cannot close for the year-end holidays."),
        )
    if values.get("close_on_public_holidays") and not current.close_on_public_holidays:
        import jpholiday  # the calendar's own holiday source

        held = held if held is not None else list(_held_bookings(now=now))
        _refuse(
            [b for b in held if jpholiday.is_holiday(local_time(b.start).date())],
            _("The office cannot close on public holidays."),
        )


def facility_settings_update(*, actor, values: dict) -> FacilitySettings:
    require_staff(actor)
    values = {key: value for key, value in values.items() if key in SETTINGS_FIELDS}
    with transaction.atomic():
        list(Room.objects.select_for_update().order_by("pk"))
        facility_settings_check(values=values)
        FacilitySettings.load()
        row = FacilitySettings.objects.select_for_update().get(pk=1)
        before = {key: getattr(row, key) for key in values}
        changes = _changes(before, values)
        if not changes:
            return row  # nothing changed: nothing written
        for key, value in values.items():
            setattr(row, key, value)
        row.save()
        log_action(actor=actor, action="facilities.settings_update", target=row, changes=changes)
        return row
