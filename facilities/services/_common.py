"""Helpers the service modules share (private to the package)."""

from __future__ import annotations

from django.db import connection
from django.utils.translation import gettext as _

from accounts.roles import is_office_staff
from facilities.models import Booking
from facilities.rules import BookingNotAllowed
from groups.models import Group

# Namespace of the advisory locks taken per group (two-int form of pg_advisory_xact_lock).
GROUP_LOCK_NAMESPACE = 4_204_001


def lock_group(group: Group) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)", [GROUP_LOCK_NAMESPACE, group.pk % 2**31]
        )


def tells_group(booking: Booking) -> bool:
    """Groups hear about their own bookings; office events are announced by the events app."""
    return booking.group_id is not None and booking.kind == Booking.Kind.GROUP


def require_staff(actor) -> None:
    if not is_office_staff(actor):
        raise BookingNotAllowed(_("Only office staff can do this."))


def locked_booking(booking: Booking) -> Booking:
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("room", "group")
        .get(pk=booking.pk)
    )
