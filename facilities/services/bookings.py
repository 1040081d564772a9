"""Booking a room and cancelling bookings (views, admin, tests and the events app's office
bookings alike). Each is atomic and raises ``BookingError`` with a message for the user when a
rule (``facilities.rules``) says no.

Concurrency: a booking locks, in this order and always in this order, (1) the group (an advisory
lock, only when a monthly hour limit applies), (2) the room's row, (3) the equipment rows in
primary-key order. Locking the room serialises bookings of one room, which keeps PostgreSQL from
ending parallel inserts with deadlocks; the exclusion constraint on ``Booking.period`` stays the
guarantee against double booking, and the equipment locks make the quantity check exact. A
take-out loan takes only (3), the same equipment rows in the same order, so loans and room
bookings of one piece of equipment queue behind each other and each sees the other's count."""

from __future__ import annotations

import datetime as dt

import psycopg.errors
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import is_office_staff
from core.audit import log_action
from facilities import notifications
from facilities.calendar import OfficeCalendar
from facilities.models import (
    Booking,
    BookingEquipment,
    BookingSeries,
    Equipment,
    FacilitySettings,
    Room,
)
from facilities.permissions import can_cancel_booking, can_manage_booking
from facilities.rules import (
    BookingError,
    BookingNotAllowed,
    BookingRequest,
    check_all,
    check_permission,
    local_time,
    normalise_equipment,
)
from facilities.services._common import lock_group, locked_booking, tells_group
from groups.models import Group


def _is_exclusion_violation(exc: IntegrityError) -> bool:
    cause = exc.__cause__
    return isinstance(cause, psycopg.errors.ExclusionViolation) or (
        "facilities_booking_no_overlap" in str(exc)
    )


def booking_create(
    *,
    actor,
    room: Room,
    start: dt.datetime,
    end: dt.datetime,
    group: Group | None = None,
    purpose: str,
    attendees: int,
    equipment=None,
    kind: str = Booking.Kind.GROUP,
    series: BookingSeries | None = None,
    notify: bool = True,
) -> Booking:
    """Book ``room`` from ``start`` to ``end`` (aware datetimes) for ``group``.

    ``kind`` "group" (the default) is a group's booking and obeys every rule; staff may also
    make "office", "event" and "maintenance" bookings, which skip the group rules (length,
    booking window, monthly limits) but still obey opening hours, closed days, the grid and
    the exclusion constraint. ``equipment`` maps Equipment (or pk) to a quantity.
    """
    kind = str(kind)
    staff = check_permission(actor=actor, room=room, group=group, kind=kind)
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValueError("booking_create needs aware datetimes")
    now = timezone.now()
    with transaction.atomic():
        rules = FacilitySettings.load()
        limited = rules.group_monthly_hours is not None or room.group_monthly_hours is not None
        if kind == Booking.Kind.GROUP and not staff and group is not None and limited:
            lock_group(group)
        room = Room.objects.select_for_update().get(pk=room.pk)
        items = normalise_equipment(equipment)
        if items:
            locked = Equipment.objects.select_for_update().filter(pk__in=[e.pk for e in items])
            locked = {e.pk: e for e in locked.order_by("pk")}
            items = {locked[e.pk]: q for e, q in items.items()}
        day = local_time(start).date()
        cal = OfficeCalendar.load(day, day)
        req = BookingRequest(
            actor=actor,
            room=room,
            group=group,
            start=start,
            end=end,
            attendees=attendees,
            items=items,
            kind=kind,
            staff=staff,
        )
        check_all(req, cal, rules, now)
        needs_approval = room.requires_approval or any(e.requires_approval for e in items)
        status = (
            Booking.Status.REQUESTED if needs_approval and not staff else Booking.Status.CONFIRMED
        )
        purpose = (purpose or "").strip()[:200]
        if not purpose:
            raise BookingError(_("Please say what the room is for."), code="purpose")
        try:
            with transaction.atomic():
                booking = Booking.objects.create(
                    room=room,
                    group=group,
                    kind=kind,
                    status=status,
                    start=start,
                    end=end,
                    period=Booking.period_for(start, end, room.buffer_minutes),
                    purpose=purpose,
                    attendees=attendees,
                    series=series,
                    booked_by=actor,
                    decided_by=actor if staff else None,
                    decided_at=now if staff else None,
                )
        except IntegrityError as exc:
            if _is_exclusion_violation(exc):
                raise BookingError(
                    _("Someone has just booked this time. Please choose another time."),
                    code="clash",
                ) from exc
            raise
        BookingEquipment.objects.bulk_create(
            BookingEquipment(booking=booking, equipment=e, quantity=q) for e, q in items.items()
        )
        log_action(
            actor=actor,
            action="facilities.booking_create",
            target=booking,
            status=status,
            kind=kind,
            group=group.pk if group else None,
            equipment={e.name: q for e, q in items.items()},
        )
        if notify and tells_group(booking):
            event = "received" if status == Booking.Status.REQUESTED else "confirmed"
            transaction.on_commit(lambda: notifications.send(event, [booking]))
    return booking


def booking_cancel(*, actor, booking: Booking, reason: str = "", following: bool = False):
    """Cancel ``booking`` (and, with ``following``, the later dates of its series).

    Members of the booking's group may cancel the group's own bookings until the room's
    deadline; staff any booking at any time. Returns the list of bookings cancelled.
    """
    staff = is_office_staff(actor)
    if not can_manage_booking(actor, booking):
        raise BookingNotAllowed(_("You cannot cancel this booking."))
    now = timezone.now()
    with transaction.atomic():
        booking = locked_booking(booking)
        if not booking.is_open:
            raise BookingError(_("This booking can no longer be cancelled."), code="status")
        # Open and managed by the actor: only the deadline can still say no.
        if not can_cancel_booking(actor, booking, now):
            raise BookingError(
                _(
                    "The cancellation deadline (%(hours)d hours before the start) has passed. "
                    "Please call the office."
                )
                % {"hours": booking.room.cancel_deadline_hours},
                code="deadline",
            )
        targets = [booking]
        if following and booking.series_id:
            targets += list(
                Booking.objects.select_for_update(of=("self",))
                .select_related("room", "group")
                .filter(
                    series_id=booking.series_id,
                    start__gt=booking.start,
                    status__in=Booking.OPEN_STATUSES,
                )
                .order_by("start")
            )
        reason = (reason or "").strip()[:300]
        for item in targets:
            item.status = Booking.Status.CANCELLED
            item.status_reason = reason
            item.decided_by = actor
            item.decided_at = now
            item.save(
                update_fields=["status", "status_reason", "decided_by", "decided_at", "updated_at"]
            )
            log_action(
                actor=actor,
                action="facilities.booking_cancel",
                target=item,
                reason=reason,
                by_staff=staff,
            )
        if tells_group(booking):
            transaction.on_commit(lambda: notifications.send("cancelled", targets, reason=reason))
    return targets
