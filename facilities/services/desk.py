"""The staff desk: approve or decline requests, record use and no-shows (which may suspend a
group's online booking), lift suspensions, count walk-in visitors."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import dates
from core.audit import log_action
from core.fiscal import fiscal_year_of
from facilities import notifications
from facilities.models import Booking, FacilitySettings, NoShowSuspension, WalkInCount
from facilities.rules import BookingError
from facilities.selectors import (
    group_is_suspended,
    no_show_recorded_at,
    no_shows_in_fiscal_year,
)
from facilities.services._common import locked_booking, require_staff, tells_group
from facilities.services.changes import change_approved


def booking_approve(*, actor, booking: Booking) -> Booking:
    require_staff(actor)
    with transaction.atomic():
        booking = locked_booking(booking)
        if booking.status != Booking.Status.REQUESTED:
            raise BookingError(_("Only requests awaiting approval can be approved."), code="status")
        booking.status = Booking.Status.CONFIRMED
        booking.decided_by = actor
        booking.decided_at = timezone.now()
        booking.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
        log_action(actor=actor, action="facilities.booking_approve", target=booking)
        if booking.replaces_id:  # a change (予約の変更): the booking it replaces is cancelled
            change_approved(actor=actor, change=booking)
        if tells_group(booking):
            notifications.send_later("approved", [booking])
    return booking


def booking_reject(*, actor, booking: Booking, reason: str = "") -> Booking:
    require_staff(actor)
    with transaction.atomic():
        booking = locked_booking(booking)
        if booking.status != Booking.Status.REQUESTED:
            raise BookingError(_("Only requests awaiting approval can be declined."), code="status")
        booking.status = Booking.Status.REJECTED
        booking.status_reason = (reason or "").strip()[:300]
        booking.decided_by = actor
        booking.decided_at = timezone.now()
        booking.save(
            update_fields=["status", "status_reason", "decided_by", "decided_at", "updated_at"]
        )
        log_action(actor=actor, action="facilities.booking_reject", target=booking, reason=reason)
        if tells_group(booking):
            notifications.send_later("rejected", [booking], reason=booking.status_reason)
    return booking


def booking_record_usage(
    *, actor, booking: Booking, headcount: int, printing_masters: int = 0, printing_sheets: int = 0
) -> Booking:
    """Staff record that the booking was used: the actual headcount and printing done."""
    require_staff(actor)
    if headcount is None or headcount < 0 or printing_masters < 0 or printing_sheets < 0:
        raise BookingError(_("Numbers cannot be negative."), code="numbers")
    with transaction.atomic():
        booking = locked_booking(booking)
        if booking.status not in (
            Booking.Status.CONFIRMED,
            Booking.Status.USED,
            Booking.Status.NO_SHOW,
        ):
            raise BookingError(_("Use can be recorded only for confirmed bookings."), code="status")
        if booking.start > timezone.now():
            raise BookingError(
                _("Use can be recorded once the booking has started."), code="future"
            )
        booking.status = Booking.Status.USED
        booking.actual_headcount = headcount
        booking.printing_masters = printing_masters
        booking.printing_sheets = printing_sheets
        booking.save(
            update_fields=[
                "status",
                "actual_headcount",
                "printing_masters",
                "printing_sheets",
                "updated_at",
            ]
        )
        log_action(
            actor=actor,
            action="facilities.booking_record_usage",
            target=booking,
            headcount=headcount,
            printing_masters=printing_masters,
            printing_sheets=printing_sheets,
        )
    return booking


def booking_mark_no_show(*, actor, booking: Booking, now: dt.datetime | None = None) -> Booking:
    """Staff record that nobody came; enough no-shows in a fiscal year suspend online booking.
    ``now``: when staff recorded it (a replayed past step); the real time otherwise."""
    require_staff(actor)
    with transaction.atomic():
        booking = locked_booking(booking)
        if booking.status not in (Booking.Status.CONFIRMED, Booking.Status.USED):
            raise BookingError(
                _("Only confirmed bookings can be recorded as no-shows."), code="status"
            )
        if booking.start > (now or timezone.now()):
            raise BookingError(
                _("A no-show can be recorded once the booking has started."), code="future"
            )
        booking.status = Booking.Status.NO_SHOW
        booking.actual_headcount = None
        booking.save(update_fields=["status", "actual_headcount", "updated_at"])
        log_action(actor=actor, action="facilities.booking_mark_no_show", target=booking, at=now)
        group = booking.group
        if group is not None and booking.kind == Booking.Kind.GROUP:
            year = fiscal_year_of(booking.start)
            count = no_shows_in_fiscal_year(group, year)
            limit = FacilitySettings.load().no_show_limit
            if count >= limit and not group_is_suspended(group):
                suspension = NoShowSuspension.objects.create(
                    group=group, fiscal_year=year, no_shows=count,
                    created_at=now or timezone.now(),
                )  # fmt: skip
                log_action(
                    actor=actor,
                    action="facilities.suspension_create",
                    target=group,
                    no_shows=count,
                    fiscal_year=year,
                    at=now,
                )
                transaction.on_commit(
                    lambda: notifications.send_suspension(suspension, count=count)
                )
    return booking


def suspension_lift(*, actor, suspension: NoShowSuspension) -> NoShowSuspension:
    require_staff(actor)
    with transaction.atomic():
        suspension = NoShowSuspension.objects.select_for_update().get(pk=suspension.pk)
        if suspension.lifted_at is None:
            suspension.lifted_at = timezone.now()
            suspension.lifted_by = actor
            suspension.save(update_fields=["lifted_at", "lifted_by"])
            log_action(actor=actor, action="facilities.suspension_lift", target=suspension.group)
    return suspension


# --- walk-in visitors -------------------------------------------------------------------------


def _walk_in_row(day: dt.date) -> WalkInCount:
    WalkInCount.objects.get_or_create(date=day)
    return WalkInCount.objects.select_for_update().get(date=day)


def _check_walk_in_day(day: dt.date) -> None:
    if day > timezone.localdate():
        raise BookingError(_("Visitors cannot be counted for a day still to come."), code="future")


def walk_in_adjust(*, actor, day: dt.date, delta: int) -> WalkInCount:
    """Add (or, to correct a slip, subtract) walk-in visitors of the open space on ``day``."""
    require_staff(actor)
    _check_walk_in_day(day)
    with transaction.atomic():
        row = _walk_in_row(day)
        row.count = max(0, row.count + delta)
        row.recorded_by = actor
        row.save(update_fields=["count", "recorded_by", "updated_at"])
        log_action(actor=actor, action="facilities.walk_in_adjust", target=row, delta=delta)
    return row


def walk_in_set(*, actor, day: dt.date, count: int) -> WalkInCount:
    require_staff(actor)
    _check_walk_in_day(day)
    if count < 0:
        raise BookingError(_("Numbers cannot be negative."), code="numbers")
    with transaction.atomic():
        row = _walk_in_row(day)
        row.count = count
        row.recorded_by = actor
        row.save(update_fields=["count", "recorded_by", "updated_at"])
        log_action(actor=actor, action="facilities.walk_in_set", target=row, count=count)
    return row


# --- undoing a no-show ------------------------------------------------------------------------


def booking_no_show_undo(*, actor, booking: Booking, now: dt.datetime | None = None) -> Booking:
    """Staff take back a no-show recorded by mistake, the same day it was recorded (after that
    day it stands: the group was told and the count may have suspended it). The booking is
    confirmed again (its use can then be recorded); a suspension that this no-show brought
    about that same day is lifted."""
    require_staff(actor)
    now = now or timezone.now()
    with transaction.atomic():
        booking = locked_booking(booking)
        if booking.status != Booking.Status.NO_SHOW:
            raise BookingError(
                _("%(booking)s is not recorded as a no-show: nothing to undo.")
                % {"booking": booking},
                code="status",
            )
        recorded = no_show_recorded_at(booking)
        today = timezone.localdate(now)
        if recorded is None or timezone.localdate(recorded) != today:
            raise BookingError(
                _(
                    "A no-show can be undone only on the day it was recorded (%(date)s); "
                    "it stands. Lift the group's suspension in the admin if it was a mistake."
                )
                % {"date": dates.day(timezone.localdate(recorded)) if recorded else "—"},
                code="too_late",
            )
        booking.status = Booking.Status.CONFIRMED
        booking.save(update_fields=["status", "updated_at"])
        log_action(actor=actor, action="facilities.booking_no_show_undo", target=booking, at=now)
        group = booking.group
        if group is not None and booking.kind == Booking.Kind.GROUP:
            year = fiscal_year_of(booking.start)
            count = no_shows_in_fiscal_year(group, year)
            limit = FacilitySettings.load().no_show_limit
            suspension = (
                NoShowSuspension.objects.select_for_update()
                .filter(group=group, fiscal_year=year, lifted_at__isnull=True)
                .first()
            )
            if (
                suspension is not None
                and count < limit
                and timezone.localdate(suspension.created_at) == today
            ):
                suspension.lifted_at = now
                suspension.lifted_by = actor
                suspension.save(update_fields=["lifted_at", "lifted_by"])
                log_action(
                    actor=actor,
                    action="facilities.suspension_lift",
                    target=group,
                    reason="no_show_undo",
                    at=now,
                )
    return booking
