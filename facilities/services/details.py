"""Staff correct the details of a booking or a loan in the admin (purpose, expected people,
printing, notes); status, time, room and group never change here (the desk, the booking pages
and the decisions do that). Audited with the fields that changed."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import log_action
from facilities.models import Booking, EquipmentLoan
from facilities.rules import BookingError
from facilities.services._common import locked_booking, require_staff

BOOKING_DETAILS = [
    "purpose",
    "attendees",
    "actual_headcount",
    "printing_masters",
    "printing_sheets",
    "staff_notes",
]
LOAN_DETAILS = ["purpose", "staff_notes"]


def _apply(row, values: dict, allowed: list[str]) -> list[str]:
    changed = []
    for key, value in values.items():
        if key not in allowed:
            raise BookingError(_("This cannot be changed here."), code="field")
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed.append(key)
    return sorted(changed)


def booking_details_update(*, actor, booking: Booking, values: dict) -> Booking:
    require_staff(actor)
    if any(v is not None and isinstance(v, int) and v < 0 for v in values.values()):
        raise BookingError(_("Numbers cannot be negative."), code="numbers")
    with transaction.atomic():
        booking = locked_booking(booking)
        changed = _apply(booking, values, BOOKING_DETAILS)
        if "actual_headcount" in changed and booking.status != Booking.Status.USED:
            raise BookingError(
                _("The headcount is recorded at the desk once the booking was used."),
                code="status",
            )
        if changed:
            booking.save(update_fields=[*changed, "updated_at"])
            log_action(
                actor=actor, action="facilities.booking_edit", target=booking, fields=changed
            )
    return booking


def loan_details_update(*, actor, loan: EquipmentLoan, values: dict) -> EquipmentLoan:
    require_staff(actor)
    with transaction.atomic():
        loan = EquipmentLoan.objects.select_for_update().get(pk=loan.pk)
        changed = _apply(loan, values, LOAN_DETAILS)
        if changed:
            loan.save(update_fields=[*changed, "updated_at"])
            log_action(actor=actor, action="facilities.loan_edit", target=loan, fields=changed)
    return loan
