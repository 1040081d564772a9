"""Changing a booking (予約の変更): its time, room, equipment, attendees or purpose in one step.

The change is judged as if the original were not there (extending 10:00–12:00 to 10:00–13:00 in
the same room works, and the original's equipment is free for it) and applied in one
transaction, under the same locks as a new booking, in the same order: (1) the group (advisory,
when a monthly hour limit applies), (2) the rooms' rows (old and new, in primary-key order),
(3) the equipment rows in primary-key order; then the booking's own row. The exclusion
constraint stays the last word: a change that loses a race to a new booking raises
``BookingError`` and the transaction rolls back, so the old booking is untouched.

When the new room or equipment needs staff approval and the booking is already confirmed, the
change becomes a request of its own (``Booking.replaces`` → the original): the original holds
until staff decide, the request holds the new time (no other group can take it meanwhile), and
approving it (``booking_approve`` calls ``change_approved``) cancels the original. Declining it
leaves the original as it was.

Its dry run, ``booking_change_check`` (``change_checks``), asks the same rules with the helpers
below, so that the confirmation page and the change itself agree.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import is_office_staff
from core.audit import log_action
from facilities import notifications
from facilities.models import Booking, BookingEquipment, FacilitySettings, Room
from facilities.permissions import can_cancel_booking, can_manage_booking
from facilities.rules import BookingError, BookingNotAllowed, local_time, normalise_equipment
from facilities.selectors import pending_change
from facilities.services._common import (
    group_to_lock,
    lock_group_and_plan,
    locked_booking,
    tells_group,
)
from facilities.services.bookings import (
    _problems,
    is_exclusion_violation,
    needs_approval,
    raise_problems,
)


def _equipment_of(booking: Booking) -> dict[int, int]:
    return {
        item.equipment_id: item.quantity
        for item in BookingEquipment.objects.filter(booking=booking).order_by("equipment_id")
    }


def _describe(booking: Booking, equipment: dict) -> dict:
    return {
        "room": booking.room.name,
        "start": local_time(booking.start).isoformat(),
        "end": local_time(booking.end).isoformat(),
        "attendees": booking.attendees,
        "purpose": booking.purpose,
        "equipment": {str(pk): q for pk, q in equipment.items()},
    }


def booking_change(
    *,
    actor,
    booking: Booking,
    room: Room | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    attendees: int | None = None,
    equipment=None,
    purpose: str | None = None,
) -> Booking:
    """Change an upcoming booking; what is not given stays as it is (``equipment`` {} removes
    all equipment). Returns the booking changed in place, or, when staff must approve the
    change, the new request (its ``replaces`` is the booking, which holds meanwhile).

    Members of the booking's group may change the group's own bookings until the room's
    cancellation deadline, with the same rules as a new booking; staff any open booking."""
    if not can_manage_booking(actor, booking):
        raise BookingNotAllowed(_("You cannot change this booking."))
    staff = is_office_staff(actor)
    now = timezone.now()
    room, start, end = _target(booking, room, start, end)
    own_transaction = not connection.in_atomic_block
    with transaction.atomic():
        rules = FacilitySettings.load()
        group = booking.group
        # As a new booking: the group's lock, and the rules read planned once per connection
        # when the change is a transaction of its own (_common.lock_group_and_plan).
        lock_group_and_plan(
            group_to_lock(kind=booking.kind, staff=staff, group=group, rules=rules, room=room),
            generic_plans=own_transaction,
        )
        rooms = {
            r.pk: r
            for r in Room.objects.select_for_update()
            .filter(pk__in={room.pk, booking.room_id})
            .order_by("pk")
        }
        room = rooms[room.pk]
        old = locked_booking(booking)
        _check_changeable(actor, old, staff, now)
        before_items = _equipment_of(old)
        wanted = before_items if equipment is None else equipment
        # Read fresh and locked in one query, in key order, after the rooms and the booking.
        items = normalise_equipment(wanted, for_update=True)
        attendees = old.attendees if attendees is None else attendees
        purpose = old.purpose if purpose is None else purpose
        raise_problems(
            _problems(
                actor=actor,
                room=room,
                group=group,
                start=start,
                end=end,
                attendees=attendees,
                items=items,
                kind=old.kind,
                staff=staff,
                purpose=purpose,
                now=now,
                replacing=old,
            )
        )
        after_items = {e.pk: q for e, q in items.items()}
        purpose = purpose.strip()[:200]
        moved = _moved(old, room, start, end)
        if _unchanged(old, moved, before_items, after_items, attendees, purpose):
            raise BookingError(_("Nothing was changed."), code="unchanged")
        before = _describe(old, before_items)
        approval = needs_approval(room, items, staff)
        pending = _as_request(old, approval, moved, before_items, after_items)
        try:
            with transaction.atomic():
                if pending:
                    result = _request_change(
                        actor, old, room, start, end, attendees, purpose, items, now
                    )
                else:
                    result = _apply_change(
                        actor, old, room, start, end, attendees, purpose, items, approval, now
                    )
        except IntegrityError as exc:
            if is_exclusion_violation(exc):
                raise BookingError(
                    _(
                        "Someone has just booked that time. Your booking has not been changed; "
                        "please choose another time."
                    ),
                    code="clash",
                ) from exc
            raise
        log_action(
            actor=actor,
            action="facilities.booking_change",
            target=old,
            before=before,
            after=_describe(result, after_items),
            pending=result.pk if pending else None,
            by_staff=staff,
        )
        if tells_group(old):
            event = "change_received" if pending else "changed"
            notifications.send_later(event, [result], previous=before)
    return result


def _target(booking: Booking, room, start, end) -> tuple[Room, dt.datetime, dt.datetime]:
    """Where and when the change puts the booking: what is not given stays as it is."""
    room, start, end = room or booking.room, start or booking.start, end or booking.end
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValueError("a booking's change needs aware datetimes")
    return room, start, end


def _check_changeable(actor, booking: Booking, staff: bool, now) -> None:
    if not booking.is_open:
        raise BookingError(_("This booking can no longer be changed."), code="status")
    if booking.end <= now or (not staff and booking.start <= now):
        raise BookingError(_("Only upcoming bookings can be changed."), code="past")
    if not can_cancel_booking(actor, booking, now):
        raise BookingError(
            _(
                "The deadline for changes and cancellations (%(hours)d hours before the start) "
                "has passed. Please call the office."
            )
            % {"hours": booking.room.cancel_deadline_hours},
            code="deadline",
        )
    if pending_change(booking) is not None:
        raise BookingError(
            _(
                "A change of this booking is already awaiting approval. Withdraw it first "
                "(cancel the request) to ask for another."
            ),
            code="pending",
        )


def _moved(old: Booking, room: Room, start, end) -> bool:
    return (room.pk, start, end) != (old.room_id, old.start, old.end)


def _unchanged(old: Booking, moved: bool, before_items, after_items, attendees, purpose) -> bool:
    return (
        not moved
        and after_items == before_items
        and (attendees, purpose) == (old.attendees, old.purpose)
    )


def _as_request(old: Booking, approval: bool, moved: bool, before_items, after_items) -> bool:
    """Whether the change becomes a request of its own (``replaces`` → ``old``) that staff
    approve, ``old`` holding meanwhile: a confirmed booking moved, or given other equipment,
    where staff must approve it."""
    return (
        approval
        and old.status == Booking.Status.CONFIRMED
        and (moved or after_items != before_items)
    )


def _status_after(old: Booking, approval: bool) -> str:
    """The status of a booking changed in place: a request stays one only where staff must
    still approve it; a confirmed booking stays confirmed."""
    if old.status == Booking.Status.REQUESTED or (approval and old.replaces_id):
        return Booking.Status.REQUESTED if approval else Booking.Status.CONFIRMED
    return old.status


def _apply_change(actor, old, room, start, end, attendees, purpose, items, approval, now):
    status = _status_after(old, approval)
    if (old.start, old.end) != (start, end):
        old.reminder_sent_at = None
    old.room = room
    old.start, old.end = start, end
    old.period = Booking.period_for(start, end, room.buffer_minutes)
    old.attendees = attendees
    old.purpose = purpose
    if status != old.status:
        old.status = status
        old.decided_by = actor if status == Booking.Status.CONFIRMED else None
        old.decided_at = now if status == Booking.Status.CONFIRMED else None
    old.save(
        update_fields=[
            "room",
            "start",
            "end",
            "period",
            "attendees",
            "purpose",
            "status",
            "decided_by",
            "decided_at",
            "reminder_sent_at",
            "updated_at",
        ]
    )
    BookingEquipment.objects.filter(booking=old).delete()
    BookingEquipment.objects.bulk_create(
        BookingEquipment(booking=old, equipment=e, quantity=q) for e, q in items.items()
    )
    return old


def _request_change(actor, old, room, start, end, attendees, purpose, items, now):
    change = Booking.objects.create(
        room=room,
        group=old.group,
        kind=old.kind,
        status=Booking.Status.REQUESTED,
        start=start,
        end=end,
        period=Booking.period_for(start, end, room.buffer_minutes),
        purpose=purpose,
        attendees=attendees,
        series=old.series,
        booked_by=actor,
        replaces=old,
        created_at=now,
    )
    BookingEquipment.objects.bulk_create(
        BookingEquipment(booking=change, equipment=e, quantity=q) for e, q in items.items()
    )
    return change


def change_approved(*, actor, change: Booking) -> Booking | None:
    """Staff approved ``change`` (a request replacing another booking): cancel the original in
    the same transaction and let the change stand on its own. Returns the original."""
    if not change.replaces_id:
        return None
    original = locked_booking(Booking(pk=change.replaces_id))
    if original.is_live:
        original.status = Booking.Status.CANCELLED
        original.status_reason = _("Changed to %(booking)s") % {"booking": change}
        original.decided_by = actor
        original.decided_at = timezone.now()
        original.save(
            update_fields=["status", "status_reason", "decided_by", "decided_at", "updated_at"]
        )
    # The change now stands alone: its own id is its family in the no-overlap constraint, so
    # a later change of it can be asked for in turn. The audit row keeps the link.
    change.replaces = None
    change.save(update_fields=["replaces", "updated_at"])
    # The approval mail (sent on commit with this instance) says the change replaced it.
    change.replaced_booking = original
    log_action(
        actor=actor,
        action="facilities.change_approved",
        target=change,
        original=original.pk,
    )
    return original
