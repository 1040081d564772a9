"""The checks ``bookings_record_bulk`` makes of past bookings before writing them: per row
the times (opening hours, closed days, aware datetimes, a purpose), and for the whole batch in
a few queries the equipment stock at every moment, the groups' standing when they asked and,
for requests a member made online, membership, no-show suspensions and the monthly hour
limits. Each raises ``BookingError`` (``BookingNotAllowed`` for "not you") naming what the
one-by-one services would have refused."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

from django.db.models import DurationField, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import is_office_staff
from core import dates
from core.fiscal import TOKYO
from facilities.calendar import OfficeCalendar, add_months
from facilities.models import (
    Booking,
    BookingEquipment,
    EquipmentLoan,
    EquipmentLoanItem,
    FacilitySettings,
    NoShowSuspension,
)
from facilities.rules import BookingError, BookingNotAllowed, local_time
from groups.models import Group, Membership

if TYPE_CHECKING:
    from facilities.services.history import PastBooking


def check_times(row: PastBooking, cal: OfficeCalendar) -> None:
    if timezone.is_naive(row.start) or timezone.is_naive(row.end):
        raise ValueError("bookings_record_bulk needs aware datetimes")
    if row.end <= row.start:
        raise BookingError(_("The end must be after the start."), code="order")
    start, end = local_time(row.start), local_time(row.end)
    hours = cal.hours_on(start.date(), row.room.pk)
    if end.date() != start.date() or hours is None:
        raise BookingError(_("The office is closed then."), code="closed")
    if start.time() < hours[0] or end.time() > hours[1]:
        raise BookingError(_("That is outside opening hours."), code="hours")
    if not (row.purpose or "").strip():
        raise BookingError(_("Please say what the room is for."), code="purpose")


def check_stock(rows: list[PastBooking]) -> None:
    """Equipment never lent beyond its quantity at any moment, counting the bookings and
    take-out loans already recorded in the same span."""
    live = [r for r in rows if r.outcome in Booking.LIVE_STATUSES and r.equipment]
    if not live:
        return
    first, last = min(r.start for r in live), max(r.end for r in live)
    changes: dict[int, list[tuple[dt.datetime, int, int]]] = defaultdict(list)
    for equipment_id, start, end, quantity in BookingEquipment.objects.filter(
        booking__in=Booking.objects.live().overlapping(first, last)
    ).values_list("equipment_id", "booking__start", "booking__end", "quantity"):
        changes[equipment_id] += [(start, quantity, -1), (end, -quantity, -1)]
    for equipment_id, start, end, quantity in EquipmentLoanItem.objects.filter(
        Q(loan__in=EquipmentLoan.objects.live().overlapping(first, last))
    ).values_list("equipment_id", "loan__start", "loan__end", "quantity"):
        changes[equipment_id] += [(start, quantity, -1), (end, -quantity, -1)]
    stock = {}
    for index, row in enumerate(live):
        for item, quantity in row.equipment.items():
            stock[item.pk] = item
            changes[item.pk] += [(row.start, quantity, index), (row.end, -quantity, index)]
    for equipment_id, item in stock.items():
        level = 0
        # Returns before loans at the same instant: [) intervals that touch do not overlap.
        for _when, delta, index in sorted(changes[equipment_id], key=lambda c: (c[0], c[1])):
            level += delta
            if level > item.quantity:
                raise BookingError(
                    _("Not enough %(equipment)s on %(date)s.")
                    % {"equipment": item.name, "date": dates.day(live[index].start)},
                    code="equipment",
                )


def asked_online(row: PastBooking) -> bool:
    """Asked for by a member online (not by staff at the desk or on the phone): the fairness
    rules (monthly hours, no-show suspension) applied to it."""
    return (
        row.kind == Booking.Kind.GROUP
        and row.booked_by is not None
        and not is_office_staff(row.booked_by)
    )


def check_groups(rows: list[PastBooking]) -> None:
    """What ``booking_create`` checks of the group, for the whole batch in a few queries: a
    group booking is for a group that was registered when it was asked for (approved by then,
    not withdrawn yet, not suspended now); one asked for online was asked by a member of the
    group while its online booking was not suspended for no-shows."""
    group_rows = [r for r in rows if r.kind == Booking.Kind.GROUP]
    if not group_rows:
        return
    if any(r.group is None for r in group_rows):
        raise BookingError(_("Choose the group the booking is for."), code="group")
    standing = {
        pk: (status, registered_on, withdrawn_on)
        for pk, status, registered_on, withdrawn_on in Group.objects.filter(
            pk__in={r.group.pk for r in group_rows}
        ).values_list("pk", "status", "registered_on", "withdrawn_on")
    }
    for row in group_rows:
        status, registered_on, withdrawn_on = standing[row.group.pk]
        asked = timezone.localdate(row.requested_at)
        registered = (
            registered_on is not None
            and registered_on <= asked
            and (
                status == Group.Status.REGISTERED
                or (status == Group.Status.WITHDRAWN and withdrawn_on and asked < withdrawn_on)
            )
        )
        if not registered:
            raise BookingError(_("Only registered groups can book rooms."), code="group")
    online = [r for r in group_rows if asked_online(r)]
    if not online:
        return
    members = set(
        Membership.objects.filter(
            group_id__in={r.group.pk for r in online}, user_id__in={r.booked_by.pk for r in online}
        ).values_list("group_id", "user_id")
    )
    suspensions = defaultdict(list)
    for group_id, since, lifted in NoShowSuspension.objects.filter(
        group_id__in={r.group.pk for r in online}
    ).values_list("group_id", "created_at", "lifted_at"):
        suspensions[group_id].append((since, lifted))
    for row in online:
        if (row.group.pk, row.booked_by.pk) not in members:
            raise BookingNotAllowed(_("You cannot book for this group."))
        if any(
            since <= row.requested_at and (lifted is None or row.requested_at < lifted)
            for since, lifted in suspensions[row.group.pk]
        ):
            raise BookingError(
                _(
                    "Online booking for %(group)s is suspended because of repeated no-shows. "
                    "Please contact the office."
                )
                % {"group": row.group.name},
                code="suspended",
            )


def _month(value: dt.datetime) -> dt.date:
    return local_time(value).date().replace(day=1)


def check_monthly_limits(rows: list[PastBooking], rules: FacilitySettings) -> None:
    """The monthly hour limits (the office's, and a room's own) for the bookings asked for
    online, as ``booking_create`` counts them: the group's live bookings of the month (those
    awaiting approval included) already recorded, plus the batch's live ones asked for
    earlier, plus the booking itself. The recorded hours come from one query (summed in SQL
    per group, month and room)."""
    online = [r for r in rows if asked_online(r)]
    limited_rooms = {r.room.pk for r in rows if r.room.group_monthly_hours is not None}
    if not online or (rules.group_monthly_hours is None and not limited_rooms):
        return
    months = [_month(r.start) for r in online]
    begin = dt.datetime.combine(min(months), dt.time(), tzinfo=TOKYO)
    finish = dt.datetime.combine(add_months(max(months), 1), dt.time(), tzinfo=TOKYO)
    used: dict[tuple[int, dt.date, int | None], dt.timedelta] = defaultdict(dt.timedelta)
    recorded = (
        Booking.objects.live()
        .filter(group_id__in={r.group.pk for r in online}, start__gte=begin, start__lt=finish)
        .annotate(month=TruncMonth("start", tzinfo=TOKYO))
        .values("group_id", "month", "room_id")
        .annotate(total=Sum(F("end") - F("start"), output_field=DurationField()))
        .order_by()
    )
    for line in recorded:
        month = local_time(line["month"]).date()
        used[(line["group_id"], month, None)] += line["total"]
        used[(line["group_id"], month, line["room_id"])] += line["total"]
    live = Booking.LIVE_STATUSES
    for row in sorted((r for r in rows if r.kind == Booking.Kind.GROUP and r.group),
                      key=lambda r: r.requested_at):  # fmt: skip
        month, wanted = _month(row.start), row.end - row.start
        keys = [(row.group.pk, month, None), (row.group.pk, month, row.room.pk)]
        limits = (rules.group_monthly_hours, row.room.group_monthly_hours)
        if asked_online(row):
            for key, hours in zip(keys, limits, strict=True):
                if hours is not None and used[key] + wanted > dt.timedelta(hours=hours):
                    raise BookingError(
                        _("%(group)s may book %(limit)d hours a month; %(month)s is full.")
                        % {"group": row.group.name, "limit": hours, "month": f"{month:%Y-%m}"},
                        code="limit",
                    )
        if row.outcome in live:
            for key in keys:
                used[key] += wanted
