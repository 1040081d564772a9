"""The dry run of changing a booking (``booking_change_check``): what the member's confirmation
page shows before anything is changed. The same rules as ``changes.booking_change`` in one go,
with its own helpers, so that the page and the change agree; nothing written, no locks taken.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import is_office_staff
from facilities.models import Booking, Room
from facilities.permissions import can_manage_booking
from facilities.rules import (
    BookingError,
    BookingNotAllowed,
    normalise_equipment,
    same_group_elsewhere,
)
from facilities.services.bookings import BookingCheck, _problems, needs_approval
from facilities.services.changes import (
    _as_request,
    _check_changeable,
    _equipment_of,
    _moved,
    _status_after,
    _target,
    _unchanged,
)


@dataclass
class ChangeCheck(BookingCheck):
    """The answer of ``booking_change_check``: ``BookingCheck``'s ``errors`` and ``warnings``;
    ``needs_approval`` says the change goes to staff as a request (the booking holding as it is
    until they decide), ``status`` the booking's status once changed in place."""

    status: str = ""


def booking_change_check(
    *,
    actor,
    booking: Booking,
    room: Room | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    attendees: int | None = None,
    equipment=None,
    purpose: str | None = None,
) -> ChangeCheck:
    """A dry run of ``booking_change`` with the same arguments: every problem at once (the
    booking's own state, the rules as if the original were not there, a change that changes
    nothing), the warnings, and whether staff must approve it. Writes nothing and takes no
    locks, so the answer can be out of date by the time the change is made, which checks
    again under its locks."""
    check = ChangeCheck()
    if not can_manage_booking(actor, booking):
        check.errors.append(BookingNotAllowed(_("You cannot change this booking.")))
        return check
    staff = is_office_staff(actor)
    now = timezone.now()
    room, start, end = _target(booking, room, start, end)
    try:
        _check_changeable(actor, booking, staff, now)
    except BookingError as exc:
        check.errors.append(exc)
    before_items = _equipment_of(booking)
    try:
        items = normalise_equipment(before_items if equipment is None else equipment)
    except BookingError as exc:
        check.errors.append(exc)
        items = {}
    attendees = booking.attendees if attendees is None else attendees
    purpose = booking.purpose if purpose is None else purpose
    check.errors += _problems(
        actor=actor,
        room=room,
        group=booking.group,
        start=start,
        end=end,
        attendees=attendees,
        items=items,
        kind=booking.kind,
        staff=staff,
        purpose=purpose,
        now=now,
        replacing=booking,
    )
    after_items = {e.pk: q for e, q in items.items()}
    moved = _moved(booking, room, start, end)
    if not check.errors and _unchanged(
        booking, moved, before_items, after_items, attendees, purpose.strip()[:200]
    ):
        check.errors.append(BookingError(_("Nothing was changed."), code="unchanged"))
    approval = needs_approval(room, items, staff)
    check.needs_approval = _as_request(booking, approval, moved, before_items, after_items)
    check.status = booking.status if check.needs_approval else _status_after(booking, approval)
    if booking.group is not None and booking.kind == Booking.Kind.GROUP and end > start:
        check.warnings += same_group_elsewhere(
            group=booking.group, room=room, start=start, end=end, replacing=booking
        )
    return check
