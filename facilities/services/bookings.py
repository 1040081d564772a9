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
from dataclasses import dataclass, field

import psycopg.errors
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import is_office_staff
from core import sqlrows
from core.audit import audit_entry, log_action
from facilities import notifications
from facilities.calendar import OfficeCalendar
from facilities.models import (
    Booking,
    BookingSeries,
    Room,
)
from facilities.permissions import can_cancel_booking, can_manage_booking
from facilities.rules import (
    BookingError,
    BookingErrors,
    BookingNotAllowed,
    BookingRequest,
    booking_problems,
    check_permission,
    local_time,
    normalise_equipment,
    same_group_elsewhere,
)
from facilities.services._common import (
    group_to_lock,
    insert_booking,
    lock_group_and_plan,
    locked_booking,
    tells_group,
)
from groups.models import Group


def is_exclusion_violation(exc: IntegrityError) -> bool:
    cause = exc.__cause__
    return isinstance(cause, psycopg.errors.ExclusionViolation) or (
        "facilities_booking_no_overlap" in str(exc)
    )


@dataclass
class BookingCheck:
    """The answer of ``booking_check``: every problem (``BookingError``, or
    ``BookingNotAllowed`` when the actor may not book this at all), warnings that do not stop
    the booking, and whether staff must approve it."""

    errors: list[BookingError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    needs_approval: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def forbidden(self) -> BookingNotAllowed | None:
        return next((e for e in self.errors if isinstance(e, BookingNotAllowed)), None)

    @property
    def messages(self) -> list[str]:
        return [str(e) for e in self.errors]


def _calendar(start: dt.datetime) -> OfficeCalendar:
    """The booking day's calendar: opening hours, closed days and the rules (FacilitySettings)."""
    day = local_time(start).date()
    return OfficeCalendar.load(day, day)


def _problems(
    *,
    actor,
    room,
    group,
    start,
    end,
    attendees,
    items,
    kind,
    staff,
    purpose,
    now,
    replacing=None,
    cal: OfficeCalendar | None = None,
) -> list[BookingError]:
    cal = cal or _calendar(start)
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
        replacing=replacing,
    )
    problems = booking_problems(req, cal, cal.rules, now)
    if purpose is not None and not (purpose or "").strip():
        problems.append(BookingError(_("Please say what the room is for."), code="purpose"))
    return problems


def raise_problems(problems: list[BookingError]) -> None:
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise BookingErrors(problems)


def needs_approval(room: Room, items, staff: bool) -> bool:
    return not staff and (room.requires_approval or any(e.requires_approval for e in items))


_is_exclusion_violation = is_exclusion_violation  # the name history.py imports


def booking_check(
    *,
    actor,
    room: Room,
    start: dt.datetime,
    end: dt.datetime,
    group: Group | None = None,
    purpose: str | None = None,
    attendees: int,
    equipment=None,
    kind: str = Booking.Kind.GROUP,
    replacing: Booking | None = None,
) -> BookingCheck:
    """A dry run of ``booking_create`` (the same rules, in one go): every problem at once, the
    warnings and whether staff must approve. Writes nothing and takes no locks, so the answer
    can be out of date by the time the booking is made, which checks again under its locks.
    ``purpose`` None skips the purpose check; ``replacing`` judges a change of that booking
    (as if it were not there)."""
    kind = str(kind)
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValueError("booking_check needs aware datetimes")
    check = BookingCheck()
    try:
        staff = check_permission(actor=actor, room=room, group=group, kind=kind)
    except BookingNotAllowed as exc:
        check.errors.append(exc)
        return check
    except BookingError as exc:  # no group chosen, or not registered: the rest still says
        check.errors.append(exc)
        staff = is_office_staff(actor)
    try:
        items = normalise_equipment(equipment)
    except BookingError as exc:
        check.errors.append(exc)
        items = {}
    check.errors += _problems(
        actor=actor,
        room=room,
        group=group,
        start=start,
        end=end,
        attendees=attendees,
        items=items,
        kind=kind,
        staff=staff,
        purpose=purpose,
        now=timezone.now(),
        replacing=replacing,
    )
    check.needs_approval = needs_approval(room, items, staff)
    if group is not None and kind == Booking.Kind.GROUP and end > start:
        check.warnings += same_group_elsewhere(
            group=group, room=room, start=start, end=end, replacing=replacing
        )
    return check


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
    the exclusion constraint. ``equipment`` maps Equipment (or pk) to a quantity. Every
    problem is raised at once (``BookingErrors`` when there are several). The group's mail is
    queued with the booking (``notifications.send_later``: the worker sends it).
    """
    kind = str(kind)
    staff = check_permission(actor=actor, room=room, group=group, kind=kind)
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValueError("booking_create needs aware datetimes")
    now = timezone.now()
    own_transaction = not connection.in_atomic_block
    with transaction.atomic():
        # The day's calendar and rules are read once (they take no lock, before or after).
        cal = _calendar(start)
        rules = cal.rules
        lock_group_and_plan(
            group_to_lock(kind=kind, staff=staff, group=group, rules=rules, room=room),
            generic_plans=own_transaction,
        )
        # Read fresh and locked (plain SQL: the ORM's query cost more to build than to run).
        room = sqlrows.fetch(Room, 't."id" = %s', [room.pk], suffix=" FOR UPDATE")[0]
        # Read and locked in one query, in primary-key order, after the room (see above).
        items = normalise_equipment(equipment, for_update=True)
        raise_problems(
            _problems(
                cal=cal,
                actor=actor,
                room=room,
                group=group,
                start=start,
                end=end,
                attendees=attendees,
                items=items,
                kind=kind,
                staff=staff,
                purpose=purpose,
                now=now,
            )
        )
        status = (
            Booking.Status.REQUESTED
            if needs_approval(room, items, staff)
            else Booking.Status.CONFIRMED
        )
        purpose = (purpose or "").strip()[:200]
        booking = Booking(
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
        audit = audit_entry(
            actor=actor,
            action="facilities.booking_create",
            target=booking,
            status=status,
            kind=kind,
            group=group.pk if group else None,
            equipment={e.name: q for e, q in items.items()},
        )
        mail = notify and tells_group(booking)
        event = "received" if status == Booking.Status.REQUESTED else "confirmed"
        job = notifications.mail_job_with_insert(event, booking) if mail else None
        # No savepoint of its own (two round trips, issue #20): a clash ends this whole atomic
        # block with BookingError, which rolls it back (to its own savepoint when a series or
        # an event books inside a transaction of theirs and goes on).
        try:
            insert_booking(booking, items, audit, job=job)
        except IntegrityError as exc:
            if is_exclusion_violation(exc):
                raise BookingError(
                    _("Someone has just booked this time. Please choose another time."),
                    code="clash",
                ) from exc
            raise
        if mail and job is None:  # mails sent in the request, once this commits
            notifications.send_later(event, [booking])
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
        # A change awaiting approval goes with the booking it would replace. It is locked
        # before the booking, the order in which approving a change locks the two.
        changes = list(
            Booking.objects.select_for_update(of=("self",))
            .select_related("room", "group")
            .filter(replaces_id=booking.pk, status=Booking.Status.REQUESTED)
        )
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
        targets = [booking, *changes]
        if following and booking.series_id:
            later = list(
                Booking.objects.select_for_update(of=("self",))
                .select_related("room", "group")
                .filter(
                    series_id=booking.series_id,
                    start__gt=booking.start,
                    status__in=Booking.OPEN_STATUSES,
                )
                .exclude(pk__in=[t.pk for t in targets])
                .order_by("start")
            )
            targets += later
            # The later dates' pending changes go with them, wherever they would move to.
            targets += list(
                Booking.objects.select_for_update(of=("self",))
                .select_related("room", "group")
                .filter(replaces__in=later, status=Booking.Status.REQUESTED)
                .exclude(pk__in=[t.pk for t in targets])
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
            notifications.send_later("cancelled", targets, reason=reason)
    return targets
