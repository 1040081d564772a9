"""The booking rules, one definition each: who may book, when, how long, how many people,
how many hours a month, no clash, enough equipment; the dates of a recurring booking; the period
of a take-out loan. The functions here read and raise ``BookingError`` with a message for the user;
they never write (the services in ``facilities.services`` write, ``series_preview`` in
``facilities.selectors`` shows the rules' answers for each date of a recurring booking)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import connection
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from accounts.roles import is_office_staff
from core import sqlrows
from core.fiscal import TOKYO
from facilities.calendar import OfficeCalendar, add_months, aware, minutes_of
from facilities.models import (
    Booking,
    BookingSeries,
    Equipment,
    FacilitySettings,
    NoShowSuspension,
    Room,
)
from facilities.selectors import (
    LIVE_SQL,
    booking_opens_on,
    booking_window_last_day,
    equipment_in_use,
    equipment_in_use_sql,
    equipment_peaks,
    group_is_suspended,
)
from groups.models import Group
from groups.permissions import can_act_for

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


class BookingErrors(BookingError):
    """Several rules said no at once: ``errors`` lists each (the first gives ``str`` and
    ``code``, so a caller that shows one message still shows a true one)."""

    def __init__(self, errors: list[BookingError]):
        super().__init__(errors[0].message, code=errors[0].code)
        self.errors = list(errors)


def error_list(exc: BookingError) -> list[BookingError]:
    """Every problem a ``BookingError`` carries (one, or all of a ``BookingErrors``)."""
    return list(getattr(exc, "errors", None) or [exc])


class BookingNotAllowed(BookingError):
    """The actor may not do this at all (views answer 403)."""

    code = "forbidden"


# --- small helpers -----------------------------------------------------------------------------


def local_time(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value, TOKYO)


def fmt_date(day: dt.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def fmt_time(value: dt.datetime | dt.time) -> str:
    if isinstance(value, dt.datetime):
        value = local_time(value).time()
    return f"{value.hour}:{value.minute:02d}"


def normalise_equipment(equipment, *, for_update: bool = False) -> dict[Equipment, int]:
    """Accept {Equipment or pk: quantity} or [(Equipment or pk, quantity)]; drop zeros.
    ``for_update``: the rows are read fresh and locked in primary-key order (one query)."""
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
    if for_update:  # plain SQL (the booking POST: the ORM's query cost more to build than to run)
        rows = sqlrows.fetch(
            Equipment, 't."id" = ANY(%s)', [list(wanted)], suffix=' ORDER BY t."id" FOR UPDATE'
        )
    else:
        rows = Equipment.objects.filter(pk__in=wanted)
    found = {e.pk: e for e in rows}
    if len(found) != len(wanted):
        raise BookingError(_("Some of the equipment asked for does not exist."))
    return {found[pk]: quantity for pk, quantity in sorted(wanted.items())}


def hours_text(minutes: int) -> str:
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


# --- the rules -----------------------------------------------------------------------------------


@dataclass
class BookingRequest:
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
    # A change of a booking is judged as if the original were not there (its room time, its
    # hours of the month and its equipment are free for the change).
    replacing: Booking | None = None

    @property
    def is_group_booking(self) -> bool:
        return self.kind == Booking.Kind.GROUP

    @property
    def online(self) -> bool:
        """A group booking made by a member (not by staff): the fairness rules apply."""
        return self.is_group_booking and not self.staff


def check_permission(*, actor, room: Room, group: Group | None, kind: str) -> bool:
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


def _time_problems(req: BookingRequest, cal: OfficeCalendar, now: dt.datetime):
    """Each problem with the time, all at once; an unreadable time (end before start, seconds,
    two days) stops the rest, which would only repeat it."""
    room, start, end = req.room, req.start, req.end
    if end <= start:
        yield BookingError(_("The end must be after the start."), code="order")
        return
    # The grid checks below look at minutes only; a crafted 10:00:59 would pass them.
    if any(value.second or value.microsecond for value in (start, end)):
        yield BookingError(_("Start and end must be whole minutes, without seconds."), code="grid")
        return
    local_start, local_end = local_time(start), local_time(end)
    day = local_start.date()
    if local_end.date() != day:
        yield BookingError(_("A booking must start and end on the same day."), code="days")
        return
    if (end <= now) if req.staff else (start < now):
        yield BookingError(_("Bookings cannot be made in the past."), code="past")
    reason = cal.closed_reason(day, room.pk)
    if reason:
        yield BookingError(
            _("%(room)s is closed on %(date)s (%(reason)s).")
            % {"room": room.name, "date": fmt_date(day), "reason": reason},
            code="closed",
        )
    else:
        opens, closes = cal.hours_on(day, room.pk)
        if local_start.time() < opens or local_end.time() > closes:
            yield BookingError(
                _(
                    "That is outside opening hours: on %(date)s the office is open "
                    "%(opens)s–%(closes)s."
                )
                % {"date": fmt_date(day), "opens": fmt_time(opens), "closes": fmt_time(closes)},
                code="hours",
            )
    if room.uses_blocks:
        blocks = list(room.blocks.all())
        starts = {b.starts for b in blocks}
        ends = {b.ends for b in blocks}
        if local_start.time() not in starts or local_end.time() not in ends:
            listing = pgettext("list separator", ", ").join(
                f"{b.label} {fmt_time(b.starts)}–{fmt_time(b.ends)}" for b in blocks
            )
            yield BookingError(
                _("This room is booked in fixed blocks: %(blocks)s.") % {"blocks": listing},
                code="grid",
            )
    else:
        slot = room.slot_minutes
        if minutes_of(local_start.time()) % slot or minutes_of(local_end.time()) % slot:
            yield BookingError(
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
                yield BookingError(
                    _("A booking of %(room)s must last at least %(length)s.")
                    % {"room": room.name, "length": hours_text(room.min_minutes)},
                    code="length",
                )
            if minutes > room.max_minutes:
                yield BookingError(
                    _("A booking of %(room)s may last at most %(length)s.")
                    % {"room": room.name, "length": hours_text(room.max_minutes)},
                    code="length",
                )
    if req.online:
        last_day = booking_window_last_day(room, timezone.localdate(now))
        if day > last_day:
            yield BookingError(
                _("Bookings for %(date)s are not open yet: they open on %(opens)s.")
                % {"date": fmt_date(day), "opens": fmt_date(booking_opens_on(room, day))},
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


def _suspended_error(group: Group) -> BookingError:
    return BookingError(
        _(
            "Online booking for %(group)s is suspended because of repeated no-shows. "
            "Please contact the office."
        )
        % {"group": group.name},
        code="suspended",
    )


def check_not_suspended(group: Group | None) -> None:
    """Repeated no-shows stop a group's online booking, of rooms and take-out loans alike: the
    group then asks at the desk, where staff book for it."""
    if group_is_suspended(group):
        raise _suspended_error(group)


@dataclass
class GroupFacts:
    """What the fairness rules ask about the booking's group: whether it is suspended and the
    time it has booked in the booking's month (``None``: all rooms; the room's pk: that room),
    for the limits that apply."""

    suspended: bool
    used: dict[int | None, dt.timedelta]


def _rule_reads(
    req: BookingRequest, rules: FacilitySettings, equipment_ids: list[int]
) -> tuple[GroupFacts | None, tuple | None, dict[int, int]]:
    """What the rules ask the database, in one statement (issue #20: three round trips): the
    group's suspension and the month's booked time (online group bookings only: live bookings
    starting in the month), the room's first live booking whose period meets this one's (the
    exclusion constraint's test), and the equipment in use then (``equipment_in_use``), the
    booking a change replaces left out of each. Returns (facts or None, the clash's (start,
    end) or None, the peak in use of each of ``equipment_ids``).

    One row shape for all (UNION ALL): a tag saying what the row answers, then an id, two
    instants, a number, a length of time and a yes/no, each branch filling what it needs.
    Plain SQL: built with the ORM it took about five times as long in Python as in the
    database."""
    replacing = req.replacing.pk if req.replacing is not None else 0
    period = Booking.period_for(req.start, req.end, req.room.buffer_minutes)
    params = {
        "room": req.room.pk,
        "replacing": replacing,
        "lower": period.lower,
        "upper": period.upper,
        "bounds": period.bounds,
    }
    empty = "NULL::bigint, NULL::timestamptz, NULL::timestamptz, NULL::bigint"
    parts = []
    asks_facts = req.online and req.group is not None
    if asks_facts:
        begin, finish, _month = _month_bounds(local_time(req.start).date())
        params.update(group=req.group.pk, begin=begin, finish=finish)
        parts.append(
            f"SELECT 0::smallint, {empty}, NULL::interval, EXISTS(SELECT 1 FROM"
            f" {NoShowSuspension._meta.db_table} n"
            " WHERE n.group_id = %(group)s AND n.lifted_at IS NULL)"
        )
        booked = (
            f'SELECT SUM(b."end" - b."start") FROM {Booking._meta.db_table} b'
            f" WHERE b.group_id = %(group)s AND b.status IN {LIVE_SQL}"
            " AND b.start >= %(begin)s AND b.start < %(finish)s AND b.id <> %(replacing)s"
        )
        if rules.group_monthly_hours is not None:  # all rooms: the row's id is NULL
            parts.append(f"SELECT 1::smallint, {empty}, ({booked}), NULL::boolean")
        if req.room.group_monthly_hours is not None:
            parts.append(
                "SELECT 1::smallint, %(room)s::bigint, NULL::timestamptz, NULL::timestamptz,"
                f" NULL::bigint, ({booked} AND b.room_id = %(room)s), NULL::boolean"
            )
    parts.append(
        '(SELECT 2::smallint, NULL::bigint, b."start", b."end", NULL::bigint, NULL::interval,'
        f" NULL::boolean FROM {Booking._meta.db_table} b"
        f" WHERE b.room_id = %(room)s AND b.status IN {LIVE_SQL}"
        " AND b.period && tstzrange(%(lower)s, %(upper)s, %(bounds)s)"
        " AND b.id <> %(replacing)s)"
    )
    if equipment_ids:
        in_use, in_use_params = equipment_in_use_sql(
            equipment_ids, req.start, req.end, exclude_booking=req.replacing and req.replacing.pk
        )
        params.update(in_use_params)
        parts.append(
            'SELECT 3::smallint, q.equipment_id::bigint, q."start", q."end", q.quantity::bigint,'
            f" NULL::interval, NULL::boolean FROM ({in_use}) q"
        )
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = cursor.fetchall()
    suspended, used, clash, in_use_rows = False, {}, None, []
    for tag, row_id, first, second, number, length, flag in rows:
        if tag == 0:
            suspended = flag
        elif tag == 1:
            used[row_id] = length or dt.timedelta()
        elif tag == 2:
            # The first of the room's bookings meeting this one (a few at most). Picked here,
            # not by ORDER BY ... LIMIT 1: that lures a generic plan into walking the room's
            # bookings in order of start (see ``services._common.lock_group_and_plan``).
            if clash is None or first < clash[0]:
                clash = (first, second)
        else:
            in_use_rows.append((row_id, first, second, number))
    facts = GroupFacts(suspended=suspended, used=used) if asks_facts else None
    return facts, clash, equipment_peaks(in_use_rows, req.start, req.end)


def _people_problems(req: BookingRequest, facts: GroupFacts | None):
    try:
        check_attendees(room=req.room, attendees=req.attendees)
    except BookingError as exc:
        yield exc
    if req.online and facts is not None and facts.suspended:
        yield _suspended_error(req.group)


def _month_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime, dt.date]:
    first = day.replace(day=1)
    return aware(first, dt.time()), aware(add_months(first, 1), dt.time()), first


def _limit_problems(req: BookingRequest, rules: FacilitySettings, facts: GroupFacts | None):
    if not req.online or facts is None:
        return
    _begin, _finish, month = _month_bounds(local_time(req.start).date())
    wanted = req.end - req.start
    limits = []
    if rules.group_monthly_hours is not None:
        limits.append((None, rules.group_monthly_hours))
    if req.room.group_monthly_hours is not None:
        limits.append((req.room.pk, req.room.group_monthly_hours))
    for room_id, hours in limits:
        used = facts.used[room_id] + req.planned.get((month, room_id), dt.timedelta())
        if used + wanted > dt.timedelta(hours=hours):
            left = max(dt.timedelta(), dt.timedelta(hours=hours) - used)
            values = {
                "group": req.group.name,
                "room": req.room.name,
                "limit": hours,
                "left": hours_text(int(left.total_seconds() // 60)),
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
            yield BookingError(message % values, code="limit")


def _clash_problems(req: BookingRequest, row: tuple | None):
    """``row``: the room's first live booking meeting this one's period (``_rule_reads``)."""
    if row is None:
        return
    clash_start, clash_end = row
    values = {
        "room": req.room.name,
        "date": fmt_date(local_time(clash_start).date()),
        "start": fmt_time(clash_start),
        "end": fmt_time(clash_end),
    }
    if clash_start < req.end and clash_end > req.start:
        yield BookingError(
            _("%(room)s is already booked from %(start)s to %(end)s on %(date)s.") % values,
            code="clash",
        )
        return
    values["buffer"] = req.room.buffer_minutes
    yield BookingError(
        _(
            "%(room)s needs %(buffer)d minutes between bookings to tidy up; the booking from "
            "%(start)s to %(end)s on %(date)s is too close."
        )
        % values,
        code="clash",
    )


def _equipment_problems(req: BookingRequest, counted: dict, peaks: dict[int, int]):
    yield from stock_shortages(counted, peaks, short=_equipment_short)


def _equipment_short(free: int) -> str:
    return ngettext(
        "Only %(free)d × %(name)s is free at that time.",
        "Only %(free)d × %(name)s are free at that time.",
        free,
    )


def stock_problems(items: dict, start, end, *, usable, unusable: str, short, exclude_booking=None):
    """Each piece of equipment is usable, owned in that number, and free for all of [start,
    end) — room bookings and take-out loans counted together (``equipment_in_use``), leaving out
    ``exclude_booking`` (the booking a change replaces). The callers hold the equipment rows'
    locks. Yields one problem per piece, naming it."""
    problems, counted = stock_unusable(items, usable=usable, unusable=unusable)
    yield from problems
    if not counted:
        return
    peaks = equipment_in_use([e.pk for e in counted], start, end, exclude_booking=exclude_booking)
    yield from stock_shortages(counted, peaks, short=short)


def stock_unusable(items: dict, *, usable, unusable: str) -> tuple[list[BookingError], dict]:
    """The pieces that cannot be had at all (not usable, more than the office owns), and the
    rest to count against what is in use then."""
    problems, counted = [], {}
    for equipment, quantity in items.items():
        if not usable(equipment):
            problems.append(BookingError(unusable % {"name": equipment.name}, code="equipment"))
        elif quantity > equipment.quantity:
            problems.append(
                BookingError(
                    _("The office has only %(owned)d × %(name)s.")
                    % {"owned": equipment.quantity, "name": equipment.name},
                    code="equipment",
                )
            )
        else:
            counted[equipment] = quantity
    return problems, counted


def stock_shortages(counted: dict, peaks: dict[int, int], *, short):
    """Each piece asked for in a number more than is free (``peaks``: the most in use then)."""
    for equipment, quantity in counted.items():
        free = max(equipment.quantity - peaks.get(equipment.pk, 0), 0)
        if quantity > free:
            yield BookingError(
                short(free) % {"free": free, "name": equipment.name}, code="equipment"
            )


def check_stock(items: dict, start, end, *, usable, unusable: str, short) -> None:
    """``stock_problems``, raising the first (take-out loans)."""
    for problem in stock_problems(items, start, end, usable=usable, unusable=unusable, short=short):
        raise problem


def booking_problems(
    req: BookingRequest, cal: OfficeCalendar, rules: FacilitySettings, now
) -> list[BookingError]:
    """Every rule's answer at once (nothing is written): the time, the people, the monthly
    hours, the room's other bookings and the equipment. A time that cannot be read at all
    (end before start, two days) is the only answer."""
    problems = list(_time_problems(req, cal, now))
    if any(p.code in ("order", "days") for p in problems):
        return problems
    unusable, counted = stock_unusable(
        req.items,
        usable=lambda e: e.is_active,
        unusable=_("%(name)s cannot be booked at the moment."),
    )
    # The group's suspension and booked hours, the clash and the equipment in use: one read.
    facts, clash, peaks = _rule_reads(req, rules, [e.pk for e in counted])
    problems += _people_problems(req, facts)
    problems += _limit_problems(req, rules, facts)
    problems += _clash_problems(req, clash)
    problems += unusable
    problems += _equipment_problems(req, counted, peaks)
    return problems


def check_all(req: BookingRequest, cal: OfficeCalendar, rules: FacilitySettings, now) -> None:
    """Raise the rules' answers: one ``BookingError``, or ``BookingErrors`` with each."""
    problems = booking_problems(req, cal, rules, now)
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise BookingErrors(problems)


def same_group_elsewhere(
    *, group: Group, room: Room, start, end, replacing: Booking | None = None
) -> list[str]:
    """A warning (never a refusal) for each other room the group already holds at that time:
    two rooms at once is usually a slip, sometimes a plan (a workshop in two rooms)."""
    others = (
        Booking.objects.live()
        .overlapping(start, end)
        .filter(group=group)
        .exclude(room=room)
        .select_related("room")
        .order_by("start")
    )
    if replacing is not None:
        others = others.exclude(pk=replacing.pk).exclude(replaces=replacing)
    return [
        _(
            "%(group)s already holds %(room)s from %(start)s to %(end)s on %(date)s. "
            "Please check that you need both rooms."
        )
        % {
            "group": group.name,
            "room": other.room.name,
            "start": fmt_time(other.start),
            "end": fmt_time(other.end),
            "date": fmt_date(local_time(other.start).date()),
        }
        for other in others[:5]
    ]


# --- recurring bookings: the dates ------------------------------------------------------------


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
        return local_time(self.start).date()

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
    local_start, local_end = local_time(start), local_time(end)
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


# --- take-out loans: the period --------------------------------------------------------------


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
                % {"date": fmt_date(day), "reason": reason, "which": label},
                code="closed",
            )
    opens = cal.hours_on(pickup)[0]
    closes = cal.hours_on(back)[1]
    return aware(pickup, opens), aware(back, closes)
