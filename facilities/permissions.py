"""Who may do what with rooms and bookings: every view asks here."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import is_office_staff
from core import sqlrows
from facilities.models import Booking, EquipmentLoan, Room
from groups.models import Group
from groups.permissions import (
    can_act_for,
    groups_user_can_act_for,
    is_member,
    is_representative,
    registered_groups_of,
)


def bookable_groups(user, memberships: dict | None = None):
    """Groups ``user`` may book for: staff any registered group (a query set), members their
    own. With ``memberships`` (all of a member's, read with their groups) a member's come as a
    list made from them, with no query (issue #20)."""
    if is_office_staff(user):
        return Group.objects.registered().in_kana_order()
    if memberships is not None:
        return registered_groups_of(memberships)
    return groups_user_can_act_for(user)


def bookable_group(groups, group_id) -> Group:
    """The group of ``group_id`` among ``groups`` (``bookable_groups``' answer: a member's list,
    or staff's query set of every registered group); 403 for any other."""
    if isinstance(groups, list | tuple):
        group = next((g for g in groups if g.pk == group_id), None)
    else:
        group = groups.filter(pk=group_id).first() if isinstance(group_id, int) else None
    if group is None:
        raise PermissionDenied
    return group


def can_use_booking_form(user, room: Room, memberships: dict | None = None) -> bool:
    """With ``memberships`` (all of the user's, read with their groups: the booking view reads
    them for its checks) the answer needs no query (issue #20)."""
    if is_office_staff(user):
        return True
    if not room.online_booking:
        return False
    if memberships is not None:
        return bool(registered_groups_of(memberships))
    return bookable_groups(user).exists()


def booking_refusal(room: Room) -> str:
    """Why a signed-in person may not use ``room``'s booking form, and what to do instead: the
    403 page shows it (``can_use_booking_form`` said no)."""
    if not room.online_booking:
        return _("This room is booked through the office only (phone or desk).")
    return _(
        "Rooms are booked by members of registered groups, and you are not a member of one "
        "yet. If your group is registered, ask its representative to add you to its members. "
        "If it is not, apply to register your group first."
    )


def room_for_booking(slug: str, user, memberships: dict | None = None) -> Room:
    """The active room named ``slug`` when ``user`` may book it; 404/403 otherwise. Its time
    blocks are read with it only when it books by blocks (issue #20: no query otherwise)."""
    # One plain statement (``core.sqlrows``): the booking POST reads the room here, and the
    # ORM took longer to build the query than PostgreSQL to answer it (issue #20).
    found = sqlrows.fetch(Room, 't."slug" = %s AND t."is_active"', [slug])
    if not found:
        raise Http404
    room = found[0]
    if not can_use_booking_form(user, room, memberships):
        raise PermissionDenied(booking_refusal(room))
    if room.uses_blocks:
        prefetch_related_objects([room], "blocks")
    return room


def group_for_booking(user, group_id) -> Group | None:
    """The group a booking form names, when ``user`` may book for it; 403 for anything else."""
    if group_id in (None, ""):
        return None
    try:
        group = Group.objects.get(pk=int(group_id))
    except (TypeError, ValueError, Group.DoesNotExist) as exc:
        raise PermissionDenied from exc
    if not can_act_for(user, group) or not group.is_registered:
        raise PermissionDenied
    return group


def can_manage_booking(user, booking: Booking, *, member: bool = False) -> bool:
    """Cancel or look at the details: staff, or members of the booking's group for the group's
    own bookings. An office event is booked with its organiser group as ``group`` (and office
    use may name one too): those hold the room for the office, so only staff release them.
    ``member``: the caller read the booking among the user's groups' (no membership query)."""
    if is_office_staff(user):
        return True
    if booking.kind != Booking.Kind.GROUP or booking.group is None:
        return False
    if member:
        return booking.group.is_registered
    return can_act_for(user, booking.group)


def cancel_deadline_passed(booking: Booking, now: dt.datetime | None = None) -> bool:
    """The room's cancellation deadline (hours before the start) has passed."""
    now = now or timezone.now()
    return now > booking.start - dt.timedelta(hours=booking.room.cancel_deadline_hours)


def can_cancel_booking(
    user, booking: Booking, now: dt.datetime | None = None, *, member: bool = False
) -> bool:
    """May ``user`` cancel ``booking`` now: it is still open, the user manages it, and (unless
    the user is staff, who cancel at any time) the room's deadline has not passed. The one
    definition the cancel service, the bookings page, the cancel page and My Page all ask
    (``member``: as ``can_manage_booking``)."""
    if not booking.is_open or not can_manage_booking(user, booking, member=member):
        return False
    return is_office_staff(user) or not cancel_deadline_passed(booking, now)


def booking_for_member(pk: int, user) -> Booking:
    booking = get_object_or_404(Booking.objects.select_related("room", "group", "series"), pk=pk)
    if not can_manage_booking(user, booking):
        raise PermissionDenied
    return booking


def can_see_group_of(user, booking: Booking) -> bool:
    """Only members of the booking's group and staff see which group booked."""
    if is_office_staff(user):
        return True
    return booking.group is not None and is_member(user, booking.group)


def can_reset_feed(user, group: Group) -> bool:
    """Make a new secret address for the group's calendar feed: its representative and staff
    (the service, the bookings page and the reset view all ask here)."""
    return is_office_staff(user) or is_representative(user, group)


def require_desk(user) -> None:
    if not is_office_staff(user):
        raise PermissionDenied


def group_from_slug(slug: str) -> Group:
    group = Group.objects.filter(slug=slug).first()
    if group is None:
        raise Http404
    return group


# --- take-out loans ---------------------------------------------------------------------------


def can_use_loan_form(user) -> bool:
    """Members of a registered group (and staff) may ask for a take-out loan."""
    if not (user and user.is_authenticated):
        return False
    return is_office_staff(user) or bookable_groups(user).exists()


def can_manage_loan(user, loan) -> bool:
    """Cancel or look at a loan: staff, or members of the loan's registered group."""
    if not (user and getattr(user, "is_authenticated", False)):
        return False
    return is_office_staff(user) or can_act_for(user, loan.group)


def can_cancel_loan_in_time(loan, today=None) -> bool:
    """Groups cancel online until the day before the pickup day."""
    return (today or timezone.localdate()) < loan.pickup_date


def loan_for_member(pk: int, user) -> EquipmentLoan:
    loan = get_object_or_404(EquipmentLoan.objects.select_related("group"), pk=pk)
    if not can_manage_loan(user, loan):
        raise PermissionDenied
    return loan
