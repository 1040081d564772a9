"""Every change to bookings goes through these functions (views, admin, commands, tests, and the
events app's office bookings alike). Each is atomic and raises ``BookingError`` with a message
for the user when a rule says no.

Concurrency: a booking locks, in this order and always in this order, (1) the group (an advisory
lock, only when a monthly hour limit applies), (2) the room's row, (3) the equipment rows in
primary-key order. Locking the room serialises bookings of one room, which keeps PostgreSQL from
ending parallel inserts with deadlocks; the exclusion constraint on ``Booking.period`` stays the
guarantee against double booking, and the equipment locks make the quantity check exact. A
take-out loan takes only (3), the same equipment rows in the same order, so loans and room
bookings of one piece of equipment queue behind each other and each sees the other's count.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import psycopg.errors
from django.db import IntegrityError, connection, transaction
from django.db.models import BooleanField, DurationField, ExpressionWrapper, F, Q, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.roles import is_office_staff
from core.audit import log_action
from core.fiscal import TOKYO, FiscalYear, fiscal_year_of
from facilities import notifications
from facilities.calendar import OfficeCalendar, aware, minutes_of
from facilities.models import (
    Booking,
    BookingEquipment,
    BookingSeries,
    Equipment,
    EquipmentLoan,
    EquipmentLoanItem,
    FacilitySettings,
    GroupCalendarFeed,
    NoShowSuspension,
    Room,
    WalkInCount,
)
from facilities.permissions import can_cancel_loan_in_time, can_manage_booking, can_manage_loan
from groups.models import Group
from groups.permissions import can_act_for, is_representative

# Namespace of the advisory locks taken per group (two-int form of pg_advisory_xact_lock).
GROUP_LOCK_NAMESPACE = 4_204_001
MAX_WEEKLY_REPEATS = 26
MAX_MONTHLY_REPEATS = 12


class BookingError(Exception):
    """A booking rule said no; ``str(error)`` is a translated message for the user."""

    code = "invalid"

    def __init__(self, message, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code

    def __str__(self) -> str:
        return str(self.message)


class BookingNotAllowed(BookingError):
    """The actor may not do this at all (views answer 403)."""

    code = "forbidden"


# --- small helpers -----------------------------------------------------------------------------


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value, TOKYO)


def _fmt_date(day: dt.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def _fmt_time(value: dt.datetime | dt.time) -> str:
    if isinstance(value, dt.datetime):
        value = _local(value).time()
    return f"{value.hour}:{value.minute:02d}"


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def booking_window_last_day(room: Room, today: dt.date) -> dt.date:
    """The last day ``room`` can be booked on by groups, seen from ``today``."""
    if room.window_kind == Room.Window.MONTH_START:
        # Bookings for a month open on the 1st of the month N months before it.
        first_open_month = add_months(today.replace(day=1), room.window_months)
        return add_months(first_open_month, 1) - dt.timedelta(days=1)
    return add_months(today, room.window_months)


def booking_opens_on(room: Room, day: dt.date) -> dt.date:
    """The day on which bookings for ``day`` open."""
    if room.window_kind == Room.Window.MONTH_START:
        return add_months(day.replace(day=1), -room.window_months)
    opens = add_months(day, -room.window_months)
    # add_months clamps to the month's end: two months before April 30 gives February 28, from
    # which the window reaches only April 28; bookings for April 30 open the next day.
    if booking_window_last_day(room, opens) < day:
        opens += dt.timedelta(days=1)
    return opens


def _normalise_equipment(equipment) -> dict[Equipment, int]:
    """Accept {Equipment or pk: quantity} or [(Equipment or pk, quantity)]; drop zeros."""
    if not equipment:
        return {}
    pairs = equipment.items() if isinstance(equipment, Mapping) else equipment
    wanted: dict[int, int] = defaultdict(int)
    for item, quantity in pairs:
        quantity = int(quantity or 0)
        if quantity < 0:
            raise BookingError(_("Equipment quantities cannot be negative."))
        if quantity:
            wanted[item.pk if isinstance(item, Equipment) else int(item)] += quantity
    if not wanted:
        return {}
    found = {e.pk: e for e in Equipment.objects.filter(pk__in=wanted)}
    if len(found) != len(wanted):
        raise BookingError(_("Some of the equipment asked for does not exist."))
    return {found[pk]: quantity for pk, quantity in sorted(wanted.items())}


def _lock_group(group: Group) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)", [GROUP_LOCK_NAMESPACE, group.pk % 2**31]
        )


def _is_exclusion_violation(exc: IntegrityError) -> bool:
    cause = exc.__cause__
    return isinstance(cause, psycopg.errors.ExclusionViolation) or (
        "facilities_booking_no_overlap" in str(exc)
    )


def _hours_text(minutes: int) -> str:
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


# --- the rules -----------------------------------------------------------------------------------


@dataclass
class _Request:
    actor: object
    room: Room
    group: Group | None
    start: dt.datetime
    end: dt.datetime
    attendees: int
    items: dict[Equipment, int]
    kind: str
    staff: bool
    # Hours already planned in the same request (a recurring booking being previewed), per month.
    planned: dict[tuple[dt.date, int | None], dt.timedelta] = field(default_factory=dict)

    @property
    def is_group_booking(self) -> bool:
        return self.kind == Booking.Kind.GROUP

    @property
    def online(self) -> bool:
        """A group booking made by a member (not by staff): the fairness rules apply."""
        return self.is_group_booking and not self.staff


def _check_permission(*, actor, room: Room, group: Group | None, kind: str) -> bool:
    staff = is_office_staff(actor)
    if not (actor and getattr(actor, "is_authenticated", False)):
        raise BookingNotAllowed(_("Please log in to book."))
    if kind not in Booking.Kind.values:
        raise BookingNotAllowed(_("Unknown kind of booking."))
    if kind != Booking.Kind.GROUP and not staff:
        raise BookingNotAllowed(_("Only office staff can make this kind of booking."))
    if not room.is_active:
        raise BookingNotAllowed(_("This room is not available for booking."))
    if not staff and not room.online_booking:
        raise BookingNotAllowed(_("This room is booked through the office only."))
    if kind == Booking.Kind.GROUP:
        if group is None:
            raise BookingError(_("Choose the group the booking is for."), code="group")
        if not can_act_for(actor, group):
            raise BookingNotAllowed(_("You cannot book for this group."))
        if not group.is_registered:
            raise BookingError(_("Only registered groups can book rooms."), code="group")
    return staff


def _check_times(req: _Request, cal: OfficeCalendar, now: dt.datetime) -> None:
    room, start, end = req.room, req.start, req.end
    if end <= start:
        raise BookingError(_("The end must be after the start."), code="order")
    # The grid checks below look at minutes only; a crafted 10:00:59 would pass them.
    if any(value.second or value.microsecond for value in (start, end)):
        raise BookingError(_("Start and end must be whole minutes, without seconds."), code="grid")
    if (end <= now) if req.staff else (start < now):
        raise BookingError(_("Bookings cannot be made in the past."), code="past")
    local_start, local_end = _local(start), _local(end)
    day = local_start.date()
    if local_end.date() != day:
        raise BookingError(_("A booking must start and end on the same day."), code="days")
    reason = cal.closed_reason(day, room.pk)
    if reason:
        raise BookingError(
            _("%(room)s is closed on %(date)s (%(reason)s).")
            % {"room": room.name, "date": _fmt_date(day), "reason": reason},
            code="closed",
        )
    opens, closes = cal.hours_on(day, room.pk)
    if local_start.time() < opens or local_end.time() > closes:
        raise BookingError(
            _("That is outside opening hours: on %(date)s the office is open %(opens)s–%(closes)s.")
            % {"date": _fmt_date(day), "opens": _fmt_time(opens), "closes": _fmt_time(closes)},
            code="hours",
        )
    if room.uses_blocks:
        blocks = list(room.blocks.all())
        starts = {b.starts for b in blocks}
        ends = {b.ends for b in blocks}
        if local_start.time() not in starts or local_end.time() not in ends:
            listing = ", ".join(
                f"{b.label} {_fmt_time(b.starts)}–{_fmt_time(b.ends)}" for b in blocks
            )
            raise BookingError(
                _("This room is booked in fixed blocks: %(blocks)s.") % {"blocks": listing},
                code="grid",
            )
    else:
        slot = room.slot_minutes
        if minutes_of(local_start.time()) % slot or minutes_of(local_end.time()) % slot:
            raise BookingError(
                _(
                    "Start and end must be on the %(slot)d-minute grid "
                    "(for example 10:00 or 10:%(next)02d)."
                )
                % {"slot": slot, "next": slot % 60},
                code="grid",
            )
        if req.is_group_booking:
            minutes = int((end - start).total_seconds() // 60)
            if minutes < room.min_minutes:
                raise BookingError(
                    _("A booking of %(room)s must last at least %(length)s.")
                    % {"room": room.name, "length": _hours_text(room.min_minutes)},
                    code="length",
                )
            if minutes > room.max_minutes:
                raise BookingError(
                    _("A booking of %(room)s may last at most %(length)s.")
                    % {"room": room.name, "length": _hours_text(room.max_minutes)},
                    code="length",
                )
    if req.online:
        last_day = booking_window_last_day(room, timezone.localdate(now))
        if day > last_day:
            raise BookingError(
                _("Bookings for %(date)s are not open yet: they open on %(opens)s.")
                % {"date": _fmt_date(day), "opens": _fmt_date(booking_opens_on(room, day))},
                code="window",
            )


def check_attendees(*, room: Room, attendees: int | None) -> None:
    """Expected attendees fit the room (new bookings and staff edits in the admin alike)."""
    if attendees is None or attendees < 1:
        raise BookingError(_("Enter the number of attendees (at least 1)."), code="attendees")
    if attendees > room.capacity:
        raise BookingError(
            _("%(room)s holds at most %(capacity)d people.")
            % {"room": room.name, "capacity": room.capacity},
            code="capacity",
        )


def _check_people(req: _Request) -> None:
    check_attendees(room=req.room, attendees=req.attendees)
    if req.online and group_is_suspended(req.group):
        raise BookingError(
            _(
                "Online booking for %(group)s is suspended because of repeated no-shows. "
                "Please contact the office."
            )
            % {"group": req.group.name},
            code="suspended",
        )


def _month_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime, dt.date]:
    first = day.replace(day=1)
    return aware(first, dt.time()), aware(add_months(first, 1), dt.time()), first


def _booked_time(qs) -> dt.timedelta:
    total = qs.aggregate(
        total=Sum(ExpressionWrapper(F("end") - F("start"), output_field=DurationField()))
    )["total"]
    return total or dt.timedelta()


def _check_limits(req: _Request, rules: FacilitySettings) -> None:
    if not req.online:
        return
    begin, finish, month = _month_bounds(_local(req.start).date())
    wanted = req.end - req.start
    mine = Booking.objects.live().filter(group=req.group, start__gte=begin, start__lt=finish)
    limits = []
    if rules.group_monthly_hours is not None:
        limits.append((None, rules.group_monthly_hours, mine))
    if req.room.group_monthly_hours is not None:
        limits.append((req.room.pk, req.room.group_monthly_hours, mine.filter(room=req.room)))
    for room_id, hours, qs in limits:
        used = _booked_time(qs) + req.planned.get((month, room_id), dt.timedelta())
        if used + wanted > dt.timedelta(hours=hours):
            left = max(dt.timedelta(), dt.timedelta(hours=hours) - used)
            values = {
                "group": req.group.name,
                "room": req.room.name,
                "limit": hours,
                "left": _hours_text(int(left.total_seconds() // 60)),
                "month": formats.date_format(month, "YEAR_MONTH_FORMAT"),
            }
            if room_id is None:
                message = _(
                    "%(group)s may book %(limit)d hours a month, requests awaiting approval "
                    "included; %(left)s are left in %(month)s."
                )
            else:
                message = _(
                    "%(group)s may book %(room)s for %(limit)d hours a month, requests awaiting "
                    "approval included; %(left)s are left in %(month)s."
                )
            raise BookingError(
                message % values,
                code="limit",
            )


def _check_clash(req: _Request) -> None:
    period = Booking.period_for(req.start, req.end, req.room.buffer_minutes)
    clash = (
        Booking.objects.live()
        .filter(room=req.room, period__overlap=period)
        .order_by("start")
        .only("start", "end")
        .first()
    )
    if clash is None:
        return
    values = {
        "room": req.room.name,
        "date": _fmt_date(_local(clash.start).date()),
        "start": _fmt_time(clash.start),
        "end": _fmt_time(clash.end),
    }
    if clash.start < req.end and clash.end > req.start:
        raise BookingError(
            _("%(room)s is already booked from %(start)s to %(end)s on %(date)s.") % values,
            code="clash",
        )
    values["buffer"] = req.room.buffer_minutes
    raise BookingError(
        _(
            "%(room)s needs %(buffer)d minutes between bookings to tidy up; the booking from "
            "%(start)s to %(end)s on %(date)s is too close."
        )
        % values,
        code="clash",
    )


def equipment_in_use(
    equipment_ids: Iterable[int], start: dt.datetime, end: dt.datetime
) -> dict[int, int]:
    """The peak number of each piece of equipment lent out at any moment in [start, end)."""
    equipment_ids = list(equipment_ids)
    rows = BookingEquipment.objects.filter(
        equipment_id__in=equipment_ids,
        booking__in=Booking.objects.live().overlapping(start, end),
    ).values_list("equipment_id", "booking__start", "booking__end", "quantity")
    # Take-out loans hold their equipment from the opening on the pickup day to the closing on
    # the return day: both paths count both.
    # A loan that is overdue (handed out, not back after its return day) holds its equipment
    # until staff record it returned: nobody else can be promised what is still out.
    overdue = Q(loan__status=EquipmentLoan.Status.HANDED_OUT, loan__end__lt=timezone.now())
    loan_rows = [
        (equipment_id, l_start, end if is_overdue else l_end, quantity)
        for equipment_id, l_start, l_end, quantity, is_overdue in EquipmentLoanItem.objects.filter(
            Q(loan__in=EquipmentLoan.objects.live().overlapping(start, end))
            | (overdue & Q(loan__start__lt=end)),
            equipment_id__in=equipment_ids,
        )
        .annotate(is_overdue=ExpressionWrapper(overdue, output_field=BooleanField()))
        .values_list("equipment_id", "loan__start", "loan__end", "quantity", "is_overdue")
    ]
    changes: dict[int, list[tuple[dt.datetime, int]]] = defaultdict(list)
    for equipment_id, b_start, b_end, quantity in [*rows, *loan_rows]:
        changes[equipment_id].append((max(b_start, start), quantity))
        changes[equipment_id].append((min(b_end, end), -quantity))
    peaks = {}
    for equipment_id, events in changes.items():
        # Returns before loans at the same instant: [) intervals that touch do not overlap.
        events.sort(key=lambda e: (e[0], e[1]))
        level = peak = 0
        for _when, delta in events:
            level += delta
            peak = max(peak, level)
        peaks[equipment_id] = peak
    return peaks


def _check_equipment(req: _Request) -> None:
    if not req.items:
        return
    _check_stock(
        req.items,
        req.start,
        req.end,
        usable=lambda e: e.is_active,
        unusable=_("%(name)s cannot be booked at the moment."),
        short=lambda free: ngettext(
            "Only %(free)d × %(name)s is free at that time.",
            "Only %(free)d × %(name)s are free at that time.",
            free,
        ),
    )


def _check_stock(items: dict, start, end, *, usable, unusable: str, short) -> None:
    """Each piece of equipment is usable, owned in that number, and free for all of [start,
    end) — room bookings and take-out loans counted together (``equipment_in_use``). The
    callers hold the equipment rows' locks."""
    for equipment, quantity in items.items():
        if not usable(equipment):
            raise BookingError(unusable % {"name": equipment.name}, code="equipment")
        if quantity > equipment.quantity:
            raise BookingError(
                _("The office has only %(owned)d × %(name)s.")
                % {"owned": equipment.quantity, "name": equipment.name},
                code="equipment",
            )
    peaks = equipment_in_use([e.pk for e in items], start, end)
    for equipment, quantity in items.items():
        free = max(equipment.quantity - peaks.get(equipment.pk, 0), 0)
        if quantity > free:
            raise BookingError(
                short(free) % {"free": free, "name": equipment.name}, code="equipment"
            )


def _check_all(req: _Request, cal: OfficeCalendar, rules: FacilitySettings, now) -> None:
    _check_times(req, cal, now)
    _check_people(req)
    _check_limits(req, rules)
    _check_clash(req)
    _check_equipment(req)


def group_is_suspended(group: Group | None) -> bool:
    if group is None:
        return False
    return NoShowSuspension.objects.filter(group=group, lifted_at__isnull=True).exists()


# --- creating bookings -------------------------------------------------------------------------


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
    staff = _check_permission(actor=actor, room=room, group=group, kind=kind)
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValueError("booking_create needs aware datetimes")
    now = timezone.now()
    with transaction.atomic():
        rules = FacilitySettings.load()
        limited = rules.group_monthly_hours is not None or room.group_monthly_hours is not None
        if kind == Booking.Kind.GROUP and not staff and group is not None and limited:
            _lock_group(group)
        room = Room.objects.select_for_update().get(pk=room.pk)
        items = _normalise_equipment(equipment)
        if items:
            locked = Equipment.objects.select_for_update().filter(pk__in=[e.pk for e in items])
            locked = {e.pk: e for e in locked.order_by("pk")}
            items = {locked[e.pk]: q for e, q in items.items()}
        day = _local(start).date()
        cal = OfficeCalendar.load(day, day)
        req = _Request(
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
        _check_all(req, cal, rules, now)
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
        if notify and _tells_group(booking):
            event = "received" if status == Booking.Status.REQUESTED else "confirmed"
            transaction.on_commit(lambda: notifications.send(event, [booking]))
    return booking


# --- recurring bookings ------------------------------------------------------------------------


@dataclass
class Occurrence:
    start: dt.datetime
    end: dt.datetime
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def date(self) -> dt.date:
        return _local(self.start).date()

    @property
    def key(self) -> str:
        return self.date.isoformat()


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> dt.date | None:
    first = dt.date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    day = 1 + offset + 7 * (nth - 1)
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def series_dates(
    start: dt.datetime, end: dt.datetime, rule: str, count: int
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The dates of a recurring booking, the first one included (local wall-clock times)."""
    local_start, local_end = _local(start), _local(end)
    first = local_start.date()
    times = (local_start.time(), local_end.time())
    days: list[dt.date] = []
    if rule == BookingSeries.Rule.WEEKLY:
        count = min(count, MAX_WEEKLY_REPEATS)
        days = [first + dt.timedelta(weeks=i) for i in range(count)]
    elif rule == BookingSeries.Rule.MONTHLY_NTH:
        count = min(count, MAX_MONTHLY_REPEATS)
        nth = (first.day - 1) // 7 + 1
        for i in range(count):
            month = add_months(first.replace(day=1), i)
            day = _nth_weekday(month.year, month.month, first.weekday(), nth)
            if day is not None:
                days.append(day)
    else:
        raise BookingError(_("Choose how the booking repeats."))
    day_span = (local_end.date() - first).days
    return [(aware(d, times[0]), aware(d + dt.timedelta(days=day_span), times[1])) for d in days]


def series_preview(
    *,
    actor,
    room: Room,
    start: dt.datetime,
    end: dt.datetime,
    rule: str,
    count: int,
    group: Group | None = None,
    attendees: int,
    equipment=None,
    kind: str = Booking.Kind.GROUP,
) -> list[Occurrence]:
    """Each date of a recurring booking with the reason it cannot be booked (None when free)."""
    kind = str(kind)
    staff = _check_permission(actor=actor, room=room, group=group, kind=kind)
    dates = series_dates(start, end, rule, count)
    if not dates:
        return []
    items = _normalise_equipment(equipment)
    rules = FacilitySettings.load()
    cal = OfficeCalendar.load(_local(dates[0][0]).date(), _local(dates[-1][0]).date())
    now = timezone.now()
    planned: dict[tuple[dt.date, int | None], dt.timedelta] = defaultdict(dt.timedelta)
    occurrences = []
    for o_start, o_end in dates:
        req = _Request(
            actor=actor,
            room=room,
            group=group,
            start=o_start,
            end=o_end,
            attendees=attendees,
            items=items,
            kind=kind,
            staff=staff,
            planned=planned,
        )
        try:
            _check_all(req, cal, rules, now)
        except BookingError as exc:
            occurrences.append(Occurrence(o_start, o_end, str(exc)))
            continue
        occurrences.append(Occurrence(o_start, o_end))
        month = _local(o_start).date().replace(day=1)
        planned[(month, None)] += o_end - o_start
        planned[(month, room.pk)] += o_end - o_start
    return occurrences


@dataclass
class SeriesResult:
    series: BookingSeries
    booked: list[Booking]
    skipped: list[Occurrence]


def series_create(
    *,
    actor,
    room: Room,
    start: dt.datetime,
    end: dt.datetime,
    rule: str,
    count: int,
    dates: Iterable[dt.date],
    group: Group | None = None,
    purpose: str,
    attendees: int,
    equipment=None,
    kind: str = Booking.Kind.GROUP,
) -> SeriesResult:
    """Book the chosen ``dates`` of a recurring booking; dates that clash are skipped."""
    kind = str(kind)
    _check_permission(actor=actor, room=room, group=group, kind=kind)
    chosen = set(dates)
    occurrences = [
        (s, e) for s, e in series_dates(start, end, rule, count) if _local(s).date() in chosen
    ]
    if not occurrences:
        raise BookingError(_("Choose at least one date to book."), code="dates")
    with transaction.atomic():
        series = BookingSeries.objects.create(
            room=room, group=group, rule=rule, count=len(occurrences), created_by=actor
        )
        booked, skipped = [], []
        for o_start, o_end in occurrences:
            try:
                booked.append(
                    booking_create(
                        actor=actor,
                        room=room,
                        start=o_start,
                        end=o_end,
                        group=group,
                        purpose=purpose,
                        attendees=attendees,
                        equipment=equipment,
                        kind=kind,
                        series=series,
                        notify=False,
                    )
                )
            except BookingNotAllowed:
                raise
            except BookingError as exc:
                skipped.append(Occurrence(o_start, o_end, str(exc)))
        if not booked:
            raise BookingError(
                _("None of the dates could be booked: %(reason)s")
                % {"reason": skipped[0].problem if skipped else ""},
                code="dates",
            )
        series.count = len(booked)
        series.save(update_fields=["count"])
        log_action(
            actor=actor,
            action="facilities.series_create",
            target=series,
            booked=len(booked),
            skipped=len(skipped),
        )
        if booked and _tells_group(booked[0]):
            requested = [b for b in booked if b.status == Booking.Status.REQUESTED]
            confirmed = [b for b in booked if b.status == Booking.Status.CONFIRMED]
            if confirmed:
                transaction.on_commit(lambda: notifications.send("confirmed", confirmed))
            if requested:
                transaction.on_commit(lambda: notifications.send("received", requested))
    return SeriesResult(series=series, booked=booked, skipped=skipped)


# --- the lifecycle -----------------------------------------------------------------------------


def _tells_group(booking: Booking) -> bool:
    """Groups hear about their own bookings; office events are announced by the events app."""
    return booking.group_id is not None and booking.kind == Booking.Kind.GROUP


def _require_staff(actor) -> None:
    if not is_office_staff(actor):
        raise BookingNotAllowed(_("Only office staff can do this."))


def _locked(booking: Booking) -> Booking:
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("room", "group")
        .get(pk=booking.pk)
    )


def can_cancel_in_time(booking: Booking, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return now <= booking.start - dt.timedelta(hours=booking.room.cancel_deadline_hours)


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
        booking = _locked(booking)
        if not booking.is_open:
            raise BookingError(_("This booking can no longer be cancelled."), code="status")
        if not staff and not can_cancel_in_time(booking, now):
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
        if _tells_group(booking):
            transaction.on_commit(lambda: notifications.send("cancelled", targets, reason=reason))
    return targets


def booking_approve(*, actor, booking: Booking) -> Booking:
    _require_staff(actor)
    with transaction.atomic():
        booking = _locked(booking)
        if booking.status != Booking.Status.REQUESTED:
            raise BookingError(_("Only requests awaiting approval can be approved."), code="status")
        booking.status = Booking.Status.CONFIRMED
        booking.decided_by = actor
        booking.decided_at = timezone.now()
        booking.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
        log_action(actor=actor, action="facilities.booking_approve", target=booking)
        if _tells_group(booking):
            transaction.on_commit(lambda: notifications.send("approved", [booking]))
    return booking


def booking_reject(*, actor, booking: Booking, reason: str = "") -> Booking:
    _require_staff(actor)
    with transaction.atomic():
        booking = _locked(booking)
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
        if _tells_group(booking):
            transaction.on_commit(
                lambda: notifications.send("rejected", [booking], reason=booking.status_reason)
            )
    return booking


def booking_record_usage(
    *, actor, booking: Booking, headcount: int, printing_masters: int = 0, printing_sheets: int = 0
) -> Booking:
    """Staff record that the booking was used: the actual headcount and printing done."""
    _require_staff(actor)
    if headcount is None or headcount < 0 or printing_masters < 0 or printing_sheets < 0:
        raise BookingError(_("Numbers cannot be negative."), code="numbers")
    with transaction.atomic():
        booking = _locked(booking)
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
            action="facilities.booking_used",
            target=booking,
            headcount=headcount,
            printing_masters=printing_masters,
            printing_sheets=printing_sheets,
        )
    return booking


def no_shows_in_fiscal_year(group: Group, year: int) -> int:
    fy = FiscalYear(year)
    return Booking.objects.filter(
        group=group, status=Booking.Status.NO_SHOW, start__gte=fy.start, start__lt=fy.end
    ).count()


def booking_mark_no_show(*, actor, booking: Booking) -> Booking:
    """Staff record that nobody came; enough no-shows in a fiscal year suspend online booking."""
    _require_staff(actor)
    with transaction.atomic():
        booking = _locked(booking)
        if booking.status not in (Booking.Status.CONFIRMED, Booking.Status.USED):
            raise BookingError(
                _("Only confirmed bookings can be recorded as no-shows."), code="status"
            )
        if booking.start > timezone.now():
            raise BookingError(
                _("A no-show can be recorded once the booking has started."), code="future"
            )
        booking.status = Booking.Status.NO_SHOW
        booking.actual_headcount = None
        booking.save(update_fields=["status", "actual_headcount", "updated_at"])
        log_action(actor=actor, action="facilities.booking_no_show", target=booking)
        group = booking.group
        if group is not None and booking.kind == Booking.Kind.GROUP:
            year = fiscal_year_of(booking.start)
            count = no_shows_in_fiscal_year(group, year)
            limit = FacilitySettings.load().no_show_limit
            if count >= limit and not group_is_suspended(group):
                suspension = NoShowSuspension.objects.create(
                    group=group, fiscal_year=year, no_shows=count
                )
                log_action(
                    actor=actor,
                    action="facilities.booking_suspend",
                    target=group,
                    no_shows=count,
                    fiscal_year=year,
                )
                transaction.on_commit(
                    lambda: notifications.send_suspension(suspension, count=count)
                )
    return booking


def suspension_lift(*, actor, suspension: NoShowSuspension) -> NoShowSuspension:
    _require_staff(actor)
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
    _require_staff(actor)
    _check_walk_in_day(day)
    with transaction.atomic():
        row = _walk_in_row(day)
        row.count = max(0, row.count + delta)
        row.recorded_by = actor
        row.save(update_fields=["count", "recorded_by", "updated_at"])
        log_action(actor=actor, action="facilities.walk_in", target=row, delta=delta)
    return row


def walk_in_set(*, actor, day: dt.date, count: int) -> WalkInCount:
    _require_staff(actor)
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


# --- private calendar feeds -------------------------------------------------------------------


def group_feed(group: Group) -> GroupCalendarFeed:
    feed = GroupCalendarFeed.objects.filter(group=group).first()
    if feed is None:
        feed, _created = GroupCalendarFeed.objects.get_or_create(
            group=group, defaults={"token": secrets.token_urlsafe(24)}
        )
    return feed


def group_feed_reset(*, actor, group: Group) -> GroupCalendarFeed:
    """A new secret address for the group's feed; the old one stops working at once."""
    if not (is_office_staff(actor) or is_representative(actor, group)):
        raise BookingNotAllowed(_("Only the group's representative can reset this address."))
    with transaction.atomic():
        feed = group_feed(group)
        feed.token = secrets.token_urlsafe(24)
        feed.created_at = timezone.now()
        feed.save(update_fields=["token", "created_at"])
        log_action(actor=actor, action="facilities.feed_reset", target=group)
    return feed


# --- reminders ----------------------------------------------------------------------------------


def send_reminders(*, day: dt.date | None = None) -> int:
    """E-mail a reminder for each confirmed booking on ``day`` (default: tomorrow), once.

    Each booking is marked in its own short transaction right after its mail went out, so a
    second run (or two schedulers at once) sends nothing twice.
    """
    day = day or timezone.localdate() + dt.timedelta(days=1)
    begin, finish = aware(day, dt.time()), aware(day + dt.timedelta(days=1), dt.time())
    due = Booking.objects.filter(
        status=Booking.Status.CONFIRMED,
        kind=Booking.Kind.GROUP,
        group__isnull=False,
        start__gte=begin,
        start__lt=finish,
        reminder_sent_at__isnull=True,
    )
    sent = 0
    for pk in due.order_by("start").values_list("pk", flat=True):
        with transaction.atomic():
            booking = (
                Booking.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("room", "group", "booked_by")
                .filter(pk=pk, status=Booking.Status.CONFIRMED, reminder_sent_at__isnull=True)
                .first()
            )
            if booking is None:
                continue
            notifications.send("reminder", [booking])
            booking.reminder_sent_at = timezone.now()
            booking.save(update_fields=["reminder_sent_at"])
            sent += 1
    return sent


# --- take-out loans (持ち出し貸出) ---------------------------------------------------------------


def _loan_items(equipment) -> dict[Equipment, int]:
    """The wanted equipment, each row locked (primary-key order, as room bookings lock them)."""
    items = _normalise_equipment(equipment)
    if not items:
        raise BookingError(_("Choose at least one piece of equipment to borrow."), code="items")
    locked = Equipment.objects.select_for_update().filter(pk__in=[e.pk for e in items])
    locked = {e.pk: e for e in locked.order_by("pk")}
    return {locked[e.pk]: q for e, q in items.items()}


def loan_period(
    cal: OfficeCalendar, pickup: dt.date, back: dt.date
) -> tuple[dt.datetime, dt.datetime]:
    """From the opening on the pickup day to the closing on the return day; a closed day is
    refused with the reason."""
    for day, label in ((pickup, _("pickup day")), (back, _("return day"))):
        reason = cal.closed_reason(day)
        if reason:
            raise BookingError(
                _(
                    "The office is closed on %(date)s (%(reason)s), so it cannot be the "
                    "%(which)s. Please choose a day when the office is open."
                )
                % {"date": _fmt_date(day), "reason": reason, "which": label},
                code="closed",
            )
    opens = cal.hours_on(pickup)[0]
    closes = cal.hours_on(back)[1]
    return aware(pickup, opens), aware(back, closes)


def _check_loan_dates(*, pickup: dt.date, back: dt.date, today: dt.date, staff: bool, rules):
    if back < pickup:
        raise BookingError(_("The return day cannot be before the pickup day."), code="order")
    if pickup < today:
        raise BookingError(_("The pickup day has already passed."), code="past")
    if staff:
        return
    days = (back - pickup).days + 1
    if days > rules.loan_max_days:
        raise BookingError(
            ngettext(
                "A take-out loan may last at most %(n)d day (pickup and return day included).",
                "A take-out loan may last at most %(n)d days (pickup and return day included).",
                rules.loan_max_days,
            )
            % {"n": rules.loan_max_days},
            code="length",
        )
    last = today + dt.timedelta(days=rules.loan_days_ahead)
    if pickup > last:
        raise BookingError(
            _(
                "Take-out loans can be asked at most %(n)d days ahead: choose a pickup day "
                "on or before %(date)s."
            )
            % {"n": rules.loan_days_ahead, "date": _fmt_date(last)},
            code="window",
        )


def _check_loan_equipment(items: dict[Equipment, int], start, end) -> None:
    _check_stock(
        items,
        start,
        end,
        usable=lambda e: e.is_active and e.may_leave_building,
        unusable=_("%(name)s cannot be taken out of the building."),
        short=lambda free: ngettext(
            "Only %(free)d × %(name)s is free for the whole of those days (room "
            "bookings and other loans included).",
            "Only %(free)d × %(name)s are free for the whole of those days (room "
            "bookings and other loans included).",
            free,
        ),
    )


def loan_create(
    *,
    actor,
    group: Group | None,
    pickup_date: dt.date,
    return_date: dt.date,
    purpose: str,
    equipment,
) -> EquipmentLoan:
    """Ask to take ``equipment`` (Equipment or pk → quantity) out of the building for ``group``.

    Confirmed at once unless a piece needs staff approval (staff requests are confirmed at
    once). Members keep to the longest loan and how far ahead loans may be asked; staff may
    lend longer or further ahead for a group that asks at the desk.
    """
    if not (actor and getattr(actor, "is_authenticated", False)):
        raise BookingNotAllowed(_("Please log in to book."))
    if group is None:
        raise BookingError(_("Choose the group the booking is for."), code="group")
    if not can_act_for(actor, group):
        raise BookingNotAllowed(_("You cannot borrow equipment for this group."))
    if not group.is_registered:
        raise BookingError(_("Only registered groups can borrow equipment."), code="group")
    staff = is_office_staff(actor)
    if not staff and group_is_suspended(group):
        # The same stop as online room booking: repeated no-shows mean asking at the desk.
        raise BookingError(
            _(
                "Online booking for %(group)s is suspended because of repeated no-shows. "
                "Please contact the office."
            )
            % {"group": group.name},
            code="suspended",
        )
    purpose = (purpose or "").strip()[:200]
    if not purpose:
        raise BookingError(_("Please say what the equipment is for."), code="purpose")
    now = timezone.now()
    rules = FacilitySettings.load()
    _check_loan_dates(
        pickup=pickup_date, back=return_date, today=timezone.localdate(now), staff=staff,
        rules=rules,
    )  # fmt: skip
    cal = OfficeCalendar.load(pickup_date, return_date)
    start, end = loan_period(cal, pickup_date, return_date)
    with transaction.atomic():
        items = _loan_items(equipment)
        _check_loan_equipment(items, start, end)
        needs_approval = any(e.requires_approval for e in items) and not staff
        status = (
            EquipmentLoan.Status.REQUESTED if needs_approval else EquipmentLoan.Status.CONFIRMED
        )
        loan = EquipmentLoan.objects.create(
            group=group,
            requested_by=actor,
            purpose=purpose,
            pickup_date=pickup_date,
            return_date=return_date,
            start=start,
            end=end,
            status=status,
            decided_by=None if needs_approval else actor,
            decided_at=None if needs_approval else now,
        )
        EquipmentLoanItem.objects.bulk_create(
            EquipmentLoanItem(loan=loan, equipment=e, quantity=q) for e, q in items.items()
        )
        log_action(
            actor=actor,
            action="facilities.loan_create",
            target=loan,
            status=status,
            group=group.pk,
            equipment={e.name: q for e, q in items.items()},
        )
        event = "loan_received" if needs_approval else "loan_confirmed"
        transaction.on_commit(lambda: notifications.send_loan(event, loan))
    return loan


def _locked_loan(loan: EquipmentLoan) -> EquipmentLoan:
    return (
        EquipmentLoan.objects.select_for_update(of=("self",))
        .select_related("group")
        .get(pk=loan.pk)
    )


def _decide(loan: EquipmentLoan, actor, status: str, now, reason: str | None = None) -> None:
    loan.status = status
    loan.decided_by = actor
    loan.decided_at = now
    fields = ["status", "decided_by", "decided_at", "updated_at"]
    if reason is not None:
        loan.status_reason = reason
        fields.append("status_reason")
    loan.save(update_fields=fields)


def loan_approve(*, actor, loan: EquipmentLoan) -> EquipmentLoan:
    _require_staff(actor)
    with transaction.atomic():
        loan = _locked_loan(loan)
        if loan.status != EquipmentLoan.Status.REQUESTED:
            raise BookingError(_("Only requests awaiting approval can be approved."), code="status")
        _decide(loan, actor, EquipmentLoan.Status.CONFIRMED, timezone.now())
        log_action(actor=actor, action="facilities.loan_approve", target=loan)
        transaction.on_commit(lambda: notifications.send_loan("loan_approved", loan))
    return loan


def _reason(reason: str) -> str:
    reason = (reason or "").strip()[:300]
    if not reason:
        raise BookingError(_("Please give the reason; the group is told it."), code="reason")
    return reason


def loan_refuse(*, actor, loan: EquipmentLoan, reason: str) -> EquipmentLoan:
    _require_staff(actor)
    reason = _reason(reason)
    with transaction.atomic():
        loan = _locked_loan(loan)
        if loan.status != EquipmentLoan.Status.REQUESTED:
            raise BookingError(_("Only requests awaiting approval can be declined."), code="status")
        _decide(loan, actor, EquipmentLoan.Status.REFUSED, timezone.now(), reason)
        log_action(actor=actor, action="facilities.loan_refuse", target=loan, reason=reason)
        transaction.on_commit(lambda: notifications.send_loan("loan_refused", loan, reason=reason))
    return loan


def loan_cancel(*, actor, loan: EquipmentLoan, reason: str = "") -> EquipmentLoan:
    """The group cancels before the pickup day; staff at any time before hand-out, with a reason."""
    if not can_manage_loan(actor, loan):
        raise BookingNotAllowed(_("You cannot cancel this loan."))
    staff = is_office_staff(actor)
    reason = _reason(reason) if staff else (reason or "").strip()[:300]
    with transaction.atomic():
        loan = _locked_loan(loan)
        if not loan.is_open:
            raise BookingError(_("This loan can no longer be cancelled."), code="status")
        if not staff and not can_cancel_loan_in_time(loan):
            raise BookingError(
                _(
                    "A loan can be cancelled online until the day before pickup. "
                    "Please call the office."
                ),
                code="deadline",
            )
        _decide(loan, actor, EquipmentLoan.Status.CANCELLED, timezone.now(), reason)
        log_action(
            actor=actor, action="facilities.loan_cancel", target=loan, reason=reason, by_staff=staff
        )
        transaction.on_commit(
            lambda: notifications.send_loan("loan_cancelled", loan, reason=reason)
        )
    return loan


def loan_hand_out(*, actor, loan: EquipmentLoan) -> EquipmentLoan:
    """Staff at the desk hand the equipment over (from the pickup day to the return day)."""
    _require_staff(actor)
    now = timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        loan = _locked_loan(loan)
        if loan.status != EquipmentLoan.Status.CONFIRMED:
            raise BookingError(_("Only confirmed loans can be handed out."), code="status")
        if not loan.pickup_date <= today <= loan.return_date:
            raise BookingError(
                _("This loan can be handed out from %(first)s to %(last)s.")
                % {"first": _fmt_date(loan.pickup_date), "last": _fmt_date(loan.return_date)},
                code="day",
            )
        loan.status = EquipmentLoan.Status.HANDED_OUT
        loan.handed_out_at = now
        loan.handed_out_by = actor
        loan.save(update_fields=["status", "handed_out_at", "handed_out_by", "updated_at"])
        log_action(actor=actor, action="facilities.loan_hand_out", target=loan)
    return loan


def loan_return(*, actor, loan: EquipmentLoan) -> EquipmentLoan:
    """Staff take the equipment back; an early return frees it at once."""
    _require_staff(actor)
    now = timezone.now()
    with transaction.atomic():
        loan = _locked_loan(loan)
        if loan.status != EquipmentLoan.Status.HANDED_OUT:
            raise BookingError(_("Only handed-out loans can be returned."), code="status")
        loan.status = EquipmentLoan.Status.RETURNED
        loan.returned_at = now
        loan.returned_by = actor
        loan.save(update_fields=["status", "returned_at", "returned_by", "updated_at"])
        log_action(
            actor=actor,
            action="facilities.loan_return",
            target=loan,
            late=loan.end < now,
        )
    return loan
