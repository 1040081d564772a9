"""A room's rules and time blocks and the equipment, changed by staff in the admin: checked
against the bookings and loans still to come (see ``facilities.services.office``), audited with
what changed. The ``*_check`` functions are the same rules, read only, for the admin's forms."""

from __future__ import annotations

import datetime as dt
import itertools

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import viewercache
from core.audit import log_action
from facilities import gridcache
from facilities.models import (
    BookingEquipment,
    Equipment,
    EquipmentLoan,
    EquipmentLoanItem,
    Room,
    TimeBlock,
    default_equipment_slug,
    validate_equipment_slug,
)
from facilities.rules import BookingError
from facilities.services._common import require_staff
from facilities.services.office import HELD, _changes, _held_bookings, _plain, _refuse

# --- rooms -----------------------------------------------------------------------------------

ROOM_FIELDS = [
    "name",
    "slug",
    "capacity",
    "floor",
    "features",
    "notes",
    "order",
    "is_active",
    "online_booking",
    "requires_approval",
    "mode",
    "slot_minutes",
    "min_minutes",
    "max_minutes",
    "buffer_minutes",
    "window_kind",
    "window_months",
    "cancel_deadline_hours",
    "group_monthly_hours",
]


def room_rules_check(*, room: Room | None, values: dict, now=None) -> None:
    """A room's new rules against its bookings still to come: taken out of use, a smaller
    capacity than a booking expects, or a buffer the bookings back to back do not leave."""
    shortest, longest = values.get("min_minutes"), values.get("max_minutes")
    if shortest and longest and shortest > longest:
        raise BookingError(
            _("The longest booking must not be shorter than the shortest."), code="rules"
        )
    if room is None or room.pk is None:
        return
    held = list(_held_bookings(room=room, now=now))
    if values.get("is_active") is False and room.is_active:
        _refuse(held, _("%(room)s cannot be taken out of use.") % {"room": room.name})
    capacity = values.get("capacity")
    if capacity and capacity < room.capacity:
        _refuse(
            [b for b in held if b.attendees > capacity],
            _("The capacity of %(room)s cannot go down to %(n)d.")
            % {"room": room.name, "n": capacity},
        )
    buffer = values.get("buffer_minutes")
    if buffer is not None and buffer > room.buffer_minutes:
        gap = dt.timedelta(minutes=buffer)
        tight = [
            later for earlier, later in itertools.pairwise(held) if earlier.end + gap > later.start
        ]
        _refuse(
            tight,
            _("A buffer of %(n)d minutes does not fit between the bookings of %(room)s.")
            % {"n": buffer, "room": room.name},
        )


def room_save(*, actor, values: dict, room: Room | None = None) -> Room:
    """Add a room, or change its details and booking rules (``room``): checked, audited."""
    require_staff(actor)
    values = {key: value for key, value in values.items() if key in [*ROOM_FIELDS, "photo"]}
    with transaction.atomic():
        if room is None or room.pk is None:
            room_rules_check(room=None, values=values)
            new = Room(**values)
            new.save()
            log_action(
                actor=actor,
                action="facilities.room_create",
                target=new,
                values={k: _plain(v) for k, v in values.items() if k != "photo"},
            )
            return new
        locked = Room.objects.select_for_update().get(pk=room.pk)
        room_rules_check(room=locked, values=values)
        before = {key: getattr(locked, key) for key in values}
        if all(before[key] == value for key, value in values.items()):
            return locked  # nothing changed: nothing written
        for key, value in values.items():
            setattr(locked, key, value)
        locked.save()
        changes = _changes(before, values)
        changes.pop("photo", None)
        if "photo" in values and before.get("photo") != values["photo"]:
            changes["photo"] = ["", ""]
        if changes:
            log_action(actor=actor, action="facilities.room_update", target=locked, changes=changes)
        return locked


def room_blocks_set(*, actor, room: Room, blocks: list[tuple[str, dt.time, dt.time]]) -> None:
    """The fixed blocks (午前 / 午後 / 夜間) of a room booked by blocks, replaced as a whole."""
    require_staff(actor)
    for label, starts, ends in blocks:
        if ends <= starts:
            raise BookingError(
                _("The block %(label)s must end after it starts.") % {"label": label},
                code="blocks",
            )
    with transaction.atomic():
        room = Room.objects.select_for_update().get(pk=room.pk)
        before = [(b.label, b.starts, b.ends) for b in room.blocks.order_by("starts")]
        after = sorted(blocks, key=lambda b: b[1])
        if before == after:
            return
        room.blocks.all().delete()
        TimeBlock.objects.bulk_create(
            TimeBlock(room=room, label=label, starts=starts, ends=ends)
            for label, starts, ends in after
        )
        # bulk_create sends no signal: the kept grids and pages are renewed here (after commit).
        gridcache.renew_facility()
        viewercache.renew_data_version()
        log_action(
            actor=actor,
            action="facilities.room_blocks_set",
            target=room,
            blocks=[f"{label} {s:%H:%M}–{e:%H:%M}" for label, s, e in after],
        )


# --- equipment -----------------------------------------------------------------------------

EQUIPMENT_FIELDS = [
    "name",
    "slug",
    "quantity",
    "may_leave_building",
    "requires_approval",
    "notes",
    "order",
    "is_active",
]


def equipment_check(*, equipment, values: dict, now=None) -> None:
    """Fewer pieces, or a piece taken out of use, must still cover every booking and loan still
    to come that asks for it."""
    if equipment is None or equipment.pk is None:
        return
    now = now or timezone.now()
    quantity = values.get("quantity", equipment.quantity)
    out_of_use = values.get("is_active") is False and equipment.is_active
    if quantity >= equipment.quantity and not out_of_use:
        return
    wanted = quantity if not out_of_use else 0
    lines = BookingEquipment.objects.filter(
        equipment=equipment, booking__status__in=HELD, booking__end__gt=now, quantity__gt=wanted
    ).select_related("booking__room", "booking__group")
    message = _("%(name)s cannot go down to %(n)d.") % {"name": equipment.name, "n": wanted}
    _refuse([line.booking for line in lines.order_by("booking__start")], message)
    loans = EquipmentLoanItem.objects.filter(
        equipment=equipment,
        loan__status__in=EquipmentLoan.LIVE_STATUSES,
        loan__end__gt=now,
        quantity__gt=wanted,
    ).select_related("loan__group")
    taken = [str(item.loan) for item in loans.order_by("loan__start")[:5]]
    if taken:
        raise BookingError(
            _("%(message)s Loans still to come ask for more: %(list)s.")
            % {"message": message, "list": "; ".join(taken)},
            code="loans",
        )


def equipment_slug_check(*, equipment, slug: str) -> None:
    """A web address name (``?equipment=<slug>``) that is a slug, not digits alone (an old
    link's ``equipment=<id>``) and not another piece's."""
    try:
        validate_slug(slug)
        validate_equipment_slug(slug)
    except ValidationError as exc:
        raise BookingError(" ".join(exc.messages), code="slug") from exc
    taken = Equipment.objects.filter(slug=slug)
    if equipment is not None and equipment.pk is not None:
        taken = taken.exclude(pk=equipment.pk)
    if taken.exists():
        raise BookingError(
            _("Another piece of equipment has the web address name %(slug)s.") % {"slug": slug},
            code="slug",
        )


def equipment_save(*, actor, values: dict, equipment=None):
    """Add a piece of equipment, or change one: checked against what is booked, audited. An
    empty web address name (``slug``) becomes ``equipment-<id>``."""
    require_staff(actor)
    values = {key: value for key, value in values.items() if key in EQUIPMENT_FIELDS}
    if "slug" in values:
        values["slug"] = (values["slug"] or "").strip()
        if not values["slug"] and equipment is not None and equipment.pk is not None:
            values["slug"] = default_equipment_slug(equipment.pk)
        if values["slug"]:
            equipment_slug_check(equipment=equipment, slug=values["slug"])
    with transaction.atomic():
        if equipment is None or equipment.pk is None:
            row = Equipment.objects.create(**values)
            log_action(
                actor=actor,
                action="facilities.equipment_create",
                target=row,
                values={k: _plain(v) for k, v in {**values, "slug": row.slug}.items()},
            )
            return row
        row = Equipment.objects.select_for_update().get(pk=equipment.pk)
        equipment_check(equipment=row, values=values)
        before = {key: getattr(row, key) for key in values}
        changes = _changes(before, values)
        if not changes:
            return row
        for key, value in values.items():
            setattr(row, key, value)
        row.save()
        log_action(actor=actor, action="facilities.equipment_update", target=row, changes=changes)
        return row
